/**
 * Failures of the "slapd as a consumer" adapter. Each has a stable `code` so a caller (or a
 * person reading the runner's stderr tail) can tell a bad environment from a slapd that would not
 * start or a refresh that failed, and a message that says what happened and what to do.
 */
export type SlapdConsumerErrorCode =
  /** A SYNCREPL_* variable is missing or cannot be put into slapd.conf. */
  | 'SLAPD_CONSUMER_BAD_ENV'
  /** slapd could not be spawned, or exited before it accepted connections. */
  | 'SLAPD_CONSUMER_START_FAILED'
  /** slapd ended while the run still needed it (not because we stopped it). */
  | 'SLAPD_CONSUMER_EXITED'
  /** slapcat could not dump the consumer database. */
  | 'SLAPD_CONSUMER_SLAPCAT_FAILED'
  /** slapd's refresh did not end within the adapter's bound. */
  | 'SLAPD_CONSUMER_TIMEOUT'

export class SlapdConsumerError extends Error {
  override readonly name = 'SlapdConsumerError'

  constructor(
    readonly code: SlapdConsumerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
