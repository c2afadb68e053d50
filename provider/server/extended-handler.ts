/**
 * Extended operations (RFC 4511 §4.12) — Cancel (RFC 3909), StartTLS (RFC 4511 §4.14) and, when
 * enabled, the session-hook handshake's Start / End (provider/handshake) — and
 * the two requests that get no response: Abandon (§4.11) and Unbind (§4.3).
 */
import { ResultCode } from '../../protocol/index.js'
import type { ExtendedRequest } from '../../protocol/index.js'
import { decodeCancelRequestValue } from '../../protocol/sync/index.js'
import { CANCEL_OID, START_TLS_OID } from './root-dse.js'
import type { Session } from './session.js'

export function handleExtended(session: Session, messageId: number, request: ExtendedRequest): void {
  switch (request.requestName) {
    case CANCEL_OID:
      return handleCancel(session, messageId, request.requestValue)
    case START_TLS_OID:
      return handleStartTls(session, messageId, request.requestValue)
    default:
      // The session-hook handshake's Start / End (389ds-session-hooks.md §2), when enabled.
      if (session.config.handshake?.extended(session, messageId, request) === true) return
      // fe_extended: slapd's answer for an OID it does not know.
      session.reply(messageId, 'extended', { resultCode: ResultCode.protocolError, diagnosticMessage: 'unsupported extended operation' })
  }
}

/**
 * Cancel, as slapd's cancel.c and syncprov answer it (rfc4533.md §2.9, §3.7): the cancelled
 * search ends with SearchResultDone canceled (118) and no Sync Done control, and only then does
 * the Cancel get success (slapd's cancel handler waits for the search to acknowledge).
 */
function handleCancel(session: Session, messageId: number, value: Uint8Array | undefined): void {
  const answer = (resultCode: number, diagnosticMessage?: string): void =>
    session.reply(messageId, 'extended', diagnosticMessage === undefined ? { resultCode } : { resultCode, diagnosticMessage })
  if (value === undefined) return answer(ResultCode.protocolError, 'no message ID supplied')
  if (value.length === 0) return answer(ResultCode.protocolError, 'empty request data field')
  let cancelId: number
  try {
    cancelId = decodeCancelRequestValue(value).value.cancelID
  } catch {
    return answer(ResultCode.protocolError, 'message ID parse failed')
  }
  // slapd treats a Cancel naming itself as done at once.
  if (cancelId === messageId) return answer(ResultCode.success)
  const decision = session.operations.cancel(cancelId)
  switch (decision.kind) {
    case 'noSuchOperation':
      return answer(ResultCode.noSuchOperation, 'message ID not found')
    case 'alreadyCancelling':
      return answer(ResultCode.operationsError, 'message ID already being cancelled')
    case 'cancel':
      session.reply(cancelId, 'searchDone', { resultCode: ResultCode.canceled })
      session.operations.completeCancel(decision.operation, ResultCode.canceled)
      return answer(ResultCode.success)
    default: {
      const never: never = decision
      throw new Error(`Unknown cancel decision ${JSON.stringify(never)}.`)
    }
  }
}

/** starttls.c's checks, then the response in plaintext, then the TLS handshake (connection.ts). */
function handleStartTls(session: Session, messageId: number, value: Uint8Array | undefined): void {
  const answer = (resultCode: number, diagnosticMessage: string): void =>
    session.reply(messageId, 'extended', { resultCode, diagnosticMessage }, { responseName: START_TLS_OID })
  const context = session.config.startTls
  if (value !== undefined) return answer(ResultCode.protocolError, 'no request data expected')
  if (session.connection.tls) return answer(ResultCode.operationsError, 'TLS already started')
  if (session.operations.size > 0) return answer(ResultCode.operationsError, 'cannot start TLS when operations are outstanding')
  if (context === undefined) return answer(ResultCode.unavailable, 'Could not initialize TLS')
  // starttls.c: a bound connection becomes anonymous.
  session.boundDn = undefined
  answer(ResultCode.success, '')
  session.connection.startTls(context)
}

/** Abandon: stop the operation and send nothing, whatever it was (RFC 4511 §4.11). */
export function handleAbandon(session: Session, abandonId: number): void {
  session.operations.abandon(abandonId)
}

/** Unbind: no response; stop everything and close (RFC 4511 §4.3). */
export function handleUnbind(session: Session): void {
  session.operations.stopAll()
  session.connection.end('unbind')
}
