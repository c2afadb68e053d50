/**
 * Add, Modify, ModifyDN and Delete (RFC 4511 §4.6–§4.9) from the bound identity, applied through
 * the directory's one change path (which stamps a CSN and tells the sync engine). So `ldapadd`,
 * `ldapmodify`, `ldapmodrdn` and `ldapdelete` against the provider drive persist searches.
 *
 * Unauthenticated writes are refused the way slapd 2.5 refuses them by default
 * (backend_check_restrictions without `allow update_anon`): strongerAuthRequired (8)
 * "modifications require authentication". Compare is not offered.
 */
import { ResultCode } from '../../protocol/index.js'
import type { ResponseKind } from './responses.js'
import { errorResult } from './search-handler.js'
import type { Session } from './session.js'
import { UnrecognizedModification, changeOf } from './write-requests.js'
import type { WriteRequest } from './write-requests.js'

const RESPONSE: Readonly<Record<WriteRequest['kind'], ResponseKind>> = {
  addRequest: 'add',
  modifyRequest: 'modify',
  delRequest: 'delete',
  modifyDnRequest: 'modifyDn',
  compareRequest: 'compare',
}

export function handleWrite(session: Session, messageId: number, request: WriteRequest): void {
  const kind = RESPONSE[request.kind]
  if (request.kind === 'compareRequest') {
    session.reply(messageId, kind, { resultCode: ResultCode.unwillingToPerform, diagnosticMessage: 'The mock provider does not implement the Compare operation.' })
    return
  }
  if (session.boundDn === undefined) {
    session.reply(messageId, kind, { resultCode: ResultCode.strongerAuthRequired, diagnosticMessage: 'modifications require authentication' })
    return
  }
  try {
    session.directory.apply(changeOf(request), { by: session.boundDn })
  } catch (error) {
    if (error instanceof UnrecognizedModification) {
      session.reply(messageId, kind, { resultCode: ResultCode.protocolError, diagnosticMessage: error.message })
      return
    }
    session.reply(messageId, kind, errorResult(error))
    return
  }
  session.reply(messageId, kind, { resultCode: ResultCode.success })
}
