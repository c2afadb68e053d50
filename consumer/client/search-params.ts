import { DerefAliases, SearchScope, parseFilter } from '../../protocol/index.js'
import type { Filter, SearchRequest } from '../../protocol/index.js'

/** What `search` sends; the filter may be RFC 4515 text. Defaults: subtree, no aliases, no limits, all user attributes. */
export interface SearchParams {
  readonly baseObject: string
  readonly scope?: number
  readonly derefAliases?: number
  readonly sizeLimit?: number
  readonly timeLimit?: number
  readonly typesOnly?: boolean
  /** Default `(objectClass=*)`. */
  readonly filter?: string | Filter
  readonly attributes?: readonly string[]
  /** Client-side limit on the whole search, after which it is abandoned and fails with CLIENT_TIMEOUT. None by default. */
  readonly timeoutMs?: number
}

/**
 * Builds the SearchRequest (RFC 4511 §4.5.1). derefAliases defaults to never: RFC 4533 §3.5.2
 * makes derefInSearching a protocolError for a Sync search. A bad filter string throws the
 * codec's ProtocolError before anything is sent.
 */
export function toSearchRequest(params: SearchParams): SearchRequest {
  const filter = params.filter ?? '(objectClass=*)'
  return {
    kind: 'searchRequest',
    baseObject: params.baseObject,
    scope: params.scope ?? SearchScope.wholeSubtree,
    derefAliases: params.derefAliases ?? DerefAliases.neverDerefAliases,
    sizeLimit: params.sizeLimit ?? 0,
    timeLimit: params.timeLimit ?? 0,
    typesOnly: params.typesOnly ?? false,
    filter: typeof filter === 'string' ? parseFilter(filter) : filter,
    attributes: params.attributes ?? [],
  }
}
