/**
 * From a routed request to its handler: the request controls are checked first (as slapd's
 * get_ctrls does before every operation), then the operation runs. Every handler works on our
 * own decoding of the request — exact control bytes, typed filter, DNs as sent — never on
 * ldapjs's request objects, which only decide *which* handler runs.
 *
 * Nothing here throws: a handler failure is answered with `other` (80) and reported, because an
 * exception would otherwise travel up into ldapjs's routing or the socket's data listener.
 */
import { ResultCode } from '../../protocol/index.js'
import { handleBind } from './bind-handler.js'
import type { ReceivedRequest } from './connection.js'
import { checkControls } from './controls.js'
import type { RequestKind } from './controls.js'
import { handleAbandon, handleExtended, handleUnbind } from './extended-handler.js'
import { RESPONSE_FOR_TAG } from './responses.js'
import type { ResponseKind } from './responses.js'
import type { RootDse } from './root-dse.js'
import { handleSearch } from './search-handler.js'
import type { Session } from './session.js'
import { handleWrite } from './write-handler.js'
import type { WriteRequest } from './write-requests.js'

/** A request on its way to a handler; `dispatched` guards against answering it twice. */
export interface RoutedRequest {
  readonly request: ReceivedRequest
  /** The decoded update request, for Add / Modify / Delete / ModifyDN / Compare. */
  readonly write?: WriteRequest
  dispatched: boolean
}

const REQUEST_KIND: Readonly<Record<ResponseKind, RequestKind>> = {
  bind: 'bind',
  searchDone: 'search',
  modify: 'modify',
  add: 'add',
  delete: 'delete',
  modifyDn: 'modifyDn',
  compare: 'compare',
  extended: 'extended',
}

export function dispatch(session: Session, routed: RoutedRequest, rootDse: RootDse): void {
  if (routed.dispatched || session.connection.closed) return
  routed.dispatched = true
  const message = routed.request.message
  const messageId = message.messageId
  const op = message.op
  let responseKind: ResponseKind | undefined
  try {
    switch (op.kind) {
      case 'abandonRequest':
        // do_abandon parses the controls without answering; a failure means no abandon.
        if (checkControls(message.controls, 'abandon').ok) handleAbandon(session, op.idToAbandon)
        return
      case 'unbindRequest':
        handleUnbind(session)
        return
      case 'bindRequest':
        responseKind = 'bind'
        break
      case 'searchRequest':
        responseKind = 'searchDone'
        break
      case 'extendedRequest':
        responseKind = 'extended'
        break
      case 'unsupported':
        responseKind = RESPONSE_FOR_TAG.get(op.tag)
        break
      default:
        break
    }
    if (responseKind === undefined) {
      // Prescreening refuses every other PDU before routing, so this is a provider bug if reached.
      session.connection.violation(new Error(`Message ${messageId} carries a ${op.kind} PDU, which a client may not send.`))
      return
    }
    const verdict = checkControls(message.controls, REQUEST_KIND[responseKind])
    if (!verdict.ok) {
      session.reply(messageId, responseKind, verdict.result)
      return
    }
    switch (op.kind) {
      case 'bindRequest':
        return handleBind(session, messageId, op)
      case 'searchRequest':
        return handleSearch(session, messageId, op, verdict.sync, rootDse)
      case 'extendedRequest':
        return handleExtended(session, messageId, op)
      default:
        if (routed.write === undefined) throw new Error(`update request ${messageId} reached dispatch undecoded`)
        return handleWrite(session, messageId, routed.write)
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error)
    session.notice(`Handling message ${messageId} (${op.kind}) failed: ${text}`)
    if (responseKind !== undefined) {
      session.reply(messageId, responseKind, { resultCode: ResultCode.other, diagnosticMessage: `The mock provider failed internally: ${text}` })
    }
  }
}
