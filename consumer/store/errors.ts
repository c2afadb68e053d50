/**
 * Errors of the replica store. Every error has a stable `code` so the consumer and the runner
 * can tell a misuse of the transaction API (a bug in the caller) from a damaged or unreadable
 * replica on disk (an operator problem), and a message that is a full sentence saying what
 * happened, where, and what to do.
 */

export type StoreErrorCode =
  /** `begin()` while another transaction of the same store is still open (one at a time). */
  | 'STORE_TRANSACTION_OPEN'
  /** A method of a transaction that was already committed or rolled back, or is committing. */
  | 'STORE_TRANSACTION_FINISHED'
  /** Any call on a store after `close()`. */
  | 'STORE_CLOSED'
  /** An entry given to `put` is malformed (UUID not canonical, attributes not a map, ...). */
  | 'STORE_BAD_ENTRY'
  /** A DN given to `rebaseDescendants` does not parse (RFC 4514). */
  | 'STORE_BAD_DN'
  /** The committed replica file exists but cannot be decoded (truncated, edited, wrong format). */
  | 'STORE_CORRUPT'
  /** Reading or writing the replica directory failed (permissions, disk full, ...). */
  | 'STORE_IO'
  /** A snapshot cannot be written in the requested export format. */
  | 'STORE_EXPORT'

export class StoreError extends Error {
  override readonly name = 'StoreError'
  readonly code: StoreErrorCode
  /** The file concerned, when the error is about one. */
  readonly file: string | undefined

  constructor(code: StoreErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.file = options.file
  }
}
