/**
 * Failures of the session-hook handshake that are the caller's to fix: a script that cannot work
 * as written, and an expectation about the recorded handshakes that does not hold. What a client
 * sends is never an error here; it is answered (0x04, 0x05, 53…) and recorded.
 */

export type HandshakeErrorCode =
  /** A session-hook script that cannot work as written (an unknown fault, a GUID without data…). */
  | 'HANDSHAKE_BAD_SCRIPT'
  /** `expectHandshakes(n)` found another number of Start exchanges. */
  | 'HANDSHAKE_COUNT_MISMATCH'

export class HandshakeError extends Error {
  override readonly name = 'HandshakeError'

  constructor(
    readonly code: HandshakeErrorCode,
    message: string,
  ) {
    super(message)
  }
}
