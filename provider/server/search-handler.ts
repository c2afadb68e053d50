/**
 * SearchRequest (RFC 4511 §4.5): the checks of slapd's do_search, the root DSE, access for
 * anonymous clients, then either the sync engine (a Sync Request control was sent) or a plain
 * search answered from the directory.
 */
import { BerWriter } from '../../protocol/ber/index.js'
import { DN, ResultCode, writeSearchResultEntryMessage } from '../../protocol/index.js'
import type { SearchRequest } from '../../protocol/index.js'
import type { SyncRequestValue } from '../../protocol/sync/index.js'
import { DirectoryError, selectAttributes } from '../directory/index.js'
import type { SearchScope } from '../directory/index.js'
import { BatchWriter } from './batch-writer.js'
import type { RootDse } from './root-dse.js'
import type { Session } from './session.js'
import { runSyncSearch } from './sync-search.js'

/** RFC 4511 §4.5.1.2 plus subordinate (3, draft-sermersheim-ldap-subordinate-scope), which slapd accepts. */
const SCOPES: readonly (SearchScope | 'children')[] = ['base', 'one', 'sub', 'children']

export function handleSearch(session: Session, messageId: number, request: SearchRequest, sync: SyncRequestValue | undefined, rootDse: RootDse): void {
  // do_search (search.c): scope, deref, then the base DN.
  const scope = SCOPES[request.scope]
  if (scope === undefined) return void session.reply(messageId, 'searchDone', { resultCode: ResultCode.protocolError, diagnosticMessage: 'invalid scope' })
  if (request.derefAliases < 0 || request.derefAliases > 3) {
    return void session.reply(messageId, 'searchDone', { resultCode: ResultCode.protocolError, diagnosticMessage: 'invalid deref' })
  }
  let base: DN.Dn
  try {
    base = DN.parse(request.baseObject)
  } catch {
    return void session.reply(messageId, 'searchDone', { resultCode: ResultCode.invalidDNSyntax, diagnosticMessage: 'invalid DN' })
  }
  // fe_op_search: the root DSE is served before any backend (and before syncprov), to anyone.
  if (base.length === 0 && scope === 'base') return searchRootDse(session, messageId, request, rootDse)
  // Without anonymous access, slapd's usual provider ACL (`by anonymous auth`) lets an
  // unauthenticated client disclose but not search: back-mdb answers insufficientAccess.
  if (session.boundDn === undefined && !session.config.anonymous) {
    return void session.reply(messageId, 'searchDone', { resultCode: ResultCode.insufficientAccessRights })
  }
  if (sync !== undefined) {
    // syncprov_op_search: RFC 4533 §3.5.2 forbids dereferencing aliases while searching.
    if ((request.derefAliases & 1) !== 0) {
      return void session.reply(messageId, 'searchDone', { resultCode: ResultCode.protocolError, diagnosticMessage: 'illegal value for derefAliases' })
    }
    if (scope === 'children') {
      return void session.reply(messageId, 'searchDone', {
        resultCode: ResultCode.unwillingToPerform,
        diagnosticMessage: 'the mock provider supports the sync control with base, one and sub scopes only',
      })
    }
    // 389ds-session-hooks.md §5.4: without an accepted handshake (when required), 53 and nothing else.
    const refusal = session.config.handshake?.gateSyncSearch(session, messageId, request.baseObject)
    if (refusal !== undefined) return void session.reply(messageId, 'searchDone', refusal)
    const syncRequest = { messageId, base, scope, filter: request.filter, attributes: request.attributes, sizeLimit: request.sizeLimit, sync, ...(session.boundDn === undefined ? {} : { bindDn: session.boundDn }) }
    void runSyncSearch(session, syncRequest)
    return
  }
  void plainSearch(session, messageId, request, base, scope)
}

function searchRootDse(session: Session, messageId: number, request: SearchRequest, rootDse: RootDse): void {
  if (rootDse.matches(request.filter)) {
    const w = new BerWriter(512)
    writeSearchResultEntryMessage(w, messageId, '', rootDse.project(request.attributes, request.typesOnly))
    session.connection.write(w.take())
    session.sent(messageId, () => 'SearchResultEntry (root DSE)')
  }
  session.reply(messageId, 'searchDone', { resultCode: ResultCode.success })
}

/**
 * A plain search: entries in batches of ~64 KiB, waiting whenever the socket asks to, so a
 * client that stops reading stalls this loop. Cancel and Abandon stop it between batches.
 */
async function plainSearch(session: Session, messageId: number, request: SearchRequest, base: DN.Dn, scope: SearchScope | 'children'): Promise<void> {
  const directory = session.directory
  let cursor
  try {
    cursor = directory.search({ base, scope: scope === 'children' ? 'sub' : scope, filter: request.filter, sizeLimit: request.sizeLimit })
  } catch (error) {
    session.reply(messageId, 'searchDone', errorResult(error))
    return
  }
  const op = session.operations.register(messageId, 'search')
  const batch = new BatchWriter(session.connection)
  const selection = selectAttributes(request.attributes)
  const options = { typesOnly: request.typesOnly }
  try {
    for (const entry of cursor) {
      if (op.stopped) return
      // Subordinate scope is the subtree without its base.
      if (scope === 'children' && DN.equals(entry.dn, base)) continue
      const dn = entry.dnText
      writeSearchResultEntryMessage(batch.writer, messageId, dn, directory.project(entry, selection, options))
      session.sent(messageId, () => `SearchResultEntry ${dn}`)
      await batch.maybeFlush()
    }
    await batch.flush()
    if (op.stopped) return
    const resultCode = cursor.sizeLimitExceeded ? ResultCode.sizeLimitExceeded : ResultCode.success
    session.reply(messageId, 'searchDone', { resultCode })
    session.operations.finish(op, resultCode)
  } catch (error) {
    batch.discard()
    if (op.stopped) return
    const result = errorResult(error)
    session.reply(messageId, 'searchDone', result)
    session.operations.finish(op, result.resultCode)
  }
}

/** A DirectoryError answers with its own code, matchedDN and message; anything else is `other`. */
export function errorResult(error: unknown): { resultCode: number; matchedDN?: string; diagnosticMessage: string } {
  if (error instanceof DirectoryError) return { resultCode: error.resultCode, matchedDN: error.matchedDN, diagnosticMessage: error.message }
  return { resultCode: ResultCode.other, diagnosticMessage: `The mock provider failed internally: ${error instanceof Error ? error.message : String(error)}` }
}
