import type { LdapMessage } from '../../../protocol/ldap/message.js'
import { ResultCode } from '../../../protocol/ldap/result-codes.js'
import { SyncSession } from '../../../consumer/index.js'
import type { SyncStep } from '../../../consumer/index.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * ignore-4096: e-syncRefreshRequired (4096, RFC 4533 §3.8) is taken for a plain error result. The
 * refresh is rolled back, but the consumer does not search again — neither from scratch nor with
 * the Done's cookie — and keeps the cookie the provider has just refused, so every later session
 * meets the same 4096 and the replica never catches up.
 *
 * Mimics python-ldap, where a 4096 surfaces as a generic LDAPError before any callback and the
 * application must drop its cookie itself (rfc4533.md §4.1, §4.4): one that only logs the error
 * and polls again later keeps the refused cookie for ever.
 */
export class Ignore4096Session extends SyncSession {
  protected override async onDone(message: LdapMessage, resultCode: number, diagnosticMessage: string): Promise<SyncStep> {
    if (resultCode !== ResultCode.eSyncRefreshRequired) return super.onDone(message, resultCode, diagnosticMessage)
    this.ended = true
    this.abortRefresh()
    return { kind: 'done', resultCode, diagnosticMessage }
  }
}

export const Ignore4096Consumer = consumerWithSession(Ignore4096Session)
