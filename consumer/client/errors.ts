import { ResultCode, resultCodeName } from '../../protocol/index.js'
import type { BindResponse, ExtendedResponse, LdapMessage } from '../../protocol/index.js'
import type { OperationResult } from './client-options.js'

/**
 * Why a client operation failed without an LDAP result from the server. The codes are stable so
 * that the sync layer can switch on them; in particular CLIENT_CONNECTION_LOST ("the connection
 * dropped") must never be confused with a SearchResultDone ("the provider ended the search").
 */
export type LdapClientErrorCode =
  /** The URL given to `connect` is not `ldap://host[:port]` or `ldaps://host[:port]`. */
  | 'CLIENT_BAD_URL'
  /** The TCP connection (or the ldaps handshake) could not be established. */
  | 'CLIENT_CONNECT_FAILED'
  /** The StartTLS handshake failed after the server agreed to it. */
  | 'CLIENT_TLS_FAILED'
  /** The call is not allowed in the client's current state (e.g. StartTLS with operations outstanding). */
  | 'CLIENT_BAD_STATE'
  /** `close()`/`unbind()` was called while the operation was outstanding, or afterwards. */
  | 'CLIENT_CLOSED'
  /** The connection ended without our asking (peer closed, socket error, Notice of Disconnection). */
  | 'CLIENT_CONNECTION_LOST'
  /** The server's bytes could not be decoded, or made no sense (unknown message ID, wrong response type). */
  | 'CLIENT_PROTOCOL_ERROR'
  /** The operation did not complete within its time limit. */
  | 'CLIENT_TIMEOUT'

export interface LdapClientErrorDetails {
  readonly cause?: unknown
  /** The message ID of the operation concerned, when there is one. */
  readonly messageId?: number
}

export class LdapClientError extends Error {
  override readonly name: string = 'LdapClientError'
  readonly code: LdapClientErrorCode
  readonly messageId: number | undefined

  constructor(code: LdapClientErrorCode, message: string, details: LdapClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    this.messageId = details.messageId
  }
}

/** The parts of an LDAPResult (RFC 4511 §4.1.9) an LdapResultError reports. */
export interface ResultFields {
  readonly resultCode: number
  readonly matchedDN: string
  readonly diagnosticMessage: string
  readonly referral?: readonly string[]
}

/**
 * The server answered an operation with a result code other than success (RFC 4511 §4.1.9).
 * The whole response message is kept, controls included, for callers that need more.
 */
export class LdapResultError extends Error {
  override readonly name: string = 'LdapResultError'
  readonly resultCode: number
  readonly matchedDN: string
  readonly diagnosticMessage: string
  readonly referral: readonly string[] | undefined
  /** The operation that failed: 'bind', 'extended 1.3.6.1.1.8', … */
  readonly operation: string
  readonly response: LdapMessage

  constructor(operation: string, result: ResultFields, response: LdapMessage) {
    const name = resultCodeName(result.resultCode) ?? 'unknown result code'
    const diag = result.diagnosticMessage === '' ? '' : ` with the diagnostic "${result.diagnosticMessage}"`
    const matched = result.matchedDN === '' ? '' : ` (matchedDN "${result.matchedDN}")`
    super(`The server answered the ${operation} operation (message ID ${response.messageId}) with result code ${result.resultCode} (${name})${diag}${matched}.`)
    this.resultCode = result.resultCode
    this.matchedDN = result.matchedDN
    this.diagnosticMessage = result.diagnosticMessage
    this.referral = result.referral
    this.operation = operation
    this.response = response
  }
}

/** The response of a single-result operation (Bind, Extended) when it succeeded; an LdapResultError otherwise. */
export function successOrThrow<R extends BindResponse | ExtendedResponse>(operation: string, message: LdapMessage): OperationResult<R> {
  const op = message.op as R
  if (op.resultCode !== ResultCode.success) throw new LdapResultError(operation, op, message)
  return { response: op, message }
}
