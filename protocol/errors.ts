/**
 * Every failure the codec can report is a ProtocolError with a stable `code`.
 *
 * Codes are grouped by layer: `BER_*` (tag/length/value structure), `LDAP_*` (the RFC 4511
 * envelope and PDUs), `SYNC_*` (RFC 4533 control and intermediate values), `REPL_*` (the 389-DS
 * replication session messages). Callers switch on `code`, never on the message text.
 */
export type BerErrorCode =
  | 'BER_TRUNCATED'
  | 'BER_INDEFINITE_LENGTH'
  | 'BER_LENGTH_TOO_LARGE'
  | 'BER_LENGTH_PAST_END'
  | 'BER_HIGH_TAG_NUMBER'
  | 'BER_UNEXPECTED_TAG'
  | 'BER_BAD_BOOLEAN'
  | 'BER_BAD_INTEGER'
  | 'BER_INTEGER_OUT_OF_RANGE'
  | 'BER_BAD_NULL'
  | 'BER_TRAILING_BYTES'
  | 'BER_BAD_UTF8'
  | 'BER_WRITE_UNBALANCED'
  | 'BER_VALUE_OUT_OF_RANGE'

export type LdapErrorCode =
  | 'LDAP_BAD_MESSAGE'
  | 'LDAP_BAD_MESSAGE_ID'
  | 'LDAP_UNKNOWN_OPERATION'
  | 'LDAP_BAD_CONTROL'
  | 'LDAP_BAD_FILTER'
  | 'LDAP_BAD_FILTER_STRING'
  | 'LDAP_BAD_OPERATION'
  | 'LDAP_PDU_TOO_LARGE'
  | 'LDAP_MISSING_MEMBER'
  | 'LDAP_BAD_RESULT'
  | 'LDAP_BAD_DN'

export type SyncErrorCode =
  | 'SYNC_MISSING_MEMBER'
  | 'SYNC_DUPLICATE_MEMBER'
  | 'SYNC_UNKNOWN_MEMBER'
  | 'SYNC_MEMBER_ORDER'
  | 'SYNC_BAD_ENUM'
  | 'SYNC_BAD_UUID'
  | 'SYNC_UNKNOWN_INFO_CHOICE'
  | 'SYNC_BAD_COOKIE'
  | 'SYNC_BAD_CSN'
  | 'SYNC_TRAILING_BYTES'

export type ReplErrorCode =
  | 'REPL_MISSING_MEMBER'
  | 'REPL_UNKNOWN_MEMBER'
  | 'REPL_GUID_WITHOUT_DATA'
  | 'REPL_DATA_WITHOUT_GUID'
  | 'REPL_EMPTY_RUV'
  | 'REPL_BAD_STRING'
  | 'REPL_BAD_ENUM'
  | 'REPL_TRAILING_BYTES'

export type ProtocolErrorCode = BerErrorCode | LdapErrorCode | SyncErrorCode | ReplErrorCode

export interface ProtocolErrorDetails {
  /** Byte offset of the offending element within the buffer given to the decoder. */
  offset?: number
  /** The offending (or expected) tag octet. */
  tag?: number
  /** The LDAP message ID, when the envelope was read far enough to know it. */
  messageId?: number
  /** The wrapped error, when one decoder layer rethrows another's failure with more context. */
  cause?: unknown
}

export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError'
  readonly code: ProtocolErrorCode
  readonly offset: number | undefined
  readonly tag: number | undefined
  readonly messageId: number | undefined

  constructor(code: ProtocolErrorCode, message: string, details: ProtocolErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    this.offset = details.offset
    this.tag = details.tag
    this.messageId = details.messageId
  }
}

/** Raised for tag/length/value structure faults (the `BER_*` codes). */
export class BerError extends ProtocolError {
  override readonly name = 'BerError'
  constructor(code: BerErrorCode, message: string, details: ProtocolErrorDetails = {}) {
    super(code, message, details)
  }
}

/** Raised for RFC 4511 envelope and PDU faults (the `LDAP_*` codes). */
export class LdapDecodeError extends ProtocolError {
  override readonly name = 'LdapDecodeError'
  constructor(code: LdapErrorCode, message: string, details: ProtocolErrorDetails = {}) {
    super(code, message, details)
  }
}

/** Raised for RFC 4533 value faults (the `SYNC_*` codes). */
export class SyncValueError extends ProtocolError {
  override readonly name = 'SyncValueError'
  constructor(code: SyncErrorCode, message: string, details: ProtocolErrorDetails = {}) {
    super(code, message, details)
  }
}

/** Raised for 389-DS replication session message faults (the `REPL_*` codes). */
export class ReplSessionError extends ProtocolError {
  override readonly name = 'ReplSessionError'
  constructor(code: ReplErrorCode, message: string, details: ProtocolErrorDetails = {}) {
    super(code, message, details)
  }
}

/** `0x30` → `"0x30"`, for messages. */
export function hexTag(tag: number): string {
  return '0x' + tag.toString(16).padStart(2, '0')
}

/**
 * Re-labels a lower-layer error with the LDAP message ID once the envelope has been read, so
 * that "which message was bad" is always answered.
 */
export function withMessageId(err: unknown, messageId: number): unknown {
  if (err instanceof ProtocolError && err.messageId === undefined) {
    ;(err as { messageId: number | undefined }).messageId = messageId
    err.message = `${err.message} (message ID ${messageId})`
  }
  return err
}
