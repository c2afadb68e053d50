/**
 * Failures of a throwaway slapd (tools/slapd/slapd.ts). Each carries a stable `code`, so a test
 * can tell a launcher fault from a protocol difference, and a message that says what happened,
 * with slapd's or slapadd's own output where there is any.
 */
export type SlapdErrorCode =
  /** An option the launcher cannot turn into slapd.conf (e.g. a maxSize that is not a positive integer). */
  | 'SLAPD_BAD_OPTION'
  /** slapadd could not load `preloadLdif`. */
  | 'SLAPADD_FAILED'
  /** slapd could not be spawned, or exited before it accepted connections. */
  | 'SLAPD_START_FAILED'
  /** slapd ran but did not accept connections within `startTimeoutMs`. */
  | 'SLAPD_START_TIMEOUT'
  /** restart() after stop(). */
  | 'SLAPD_STOPPED'

export class SlapdError extends Error {
  override readonly name = 'SlapdError'

  constructor(
    readonly code: SlapdErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
