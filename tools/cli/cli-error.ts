/** A failure the CLI reports in one sentence on stderr, with its exit code (2 = usage). */
export class CliError extends Error {
  override readonly name = 'CliError'
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}
