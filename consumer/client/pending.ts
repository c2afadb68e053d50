import type { LdapMessage } from '../../protocol/index.js'
import type { SearchOperation } from './search-operation.js'

/** An outstanding operation answered by one response (bind, extended, StartTLS, Cancel). */
export interface SinglePending {
  readonly kind: 'single'
  readonly operation: string
  readonly expect: 'bindResponse' | 'extendedResponse'
  readonly resolve: (message: LdapMessage) => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout | undefined
  /** StartTLS: stop reading at once, so no TLS record is taken for LDAP (RFC 4511 §4.14.2). */
  readonly pauseOnResponse: boolean
}

export interface SearchPending {
  readonly kind: 'search'
  readonly op: SearchOperation
  readonly timer: NodeJS.Timeout | undefined
}

export type Pending = SinglePending | SearchPending
