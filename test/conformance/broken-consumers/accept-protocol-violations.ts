import type { LdapMessage } from '../../../protocol/ldap/message.js'
import type { SearchResultEntry } from '../../../protocol/ldap/search-result-entry.js'
import { SYNC_STATE_OID } from '../../../protocol/sync/index.js'
import { SyncSession } from '../../../consumer/index.js'
import type { SyncStep } from '../../../consumer/index.js'
import { syncInfoOf } from './incoming-cookie.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * accept-protocol-violations: messages RFC 4533 does not allow are passed over instead of ending
 * the session: an entry without a Sync State control is skipped (§2.3: every entry of a sync
 * search carries one), only the first of several Sync State controls is read, and a second
 * refreshDone (§3.3.1: the refresh ends once) is ignored. The sync then "succeeds" against a
 * server that did not sync at all (a non-critical request to a server without syncprov looks like
 * an empty content) or sent a broken sequence (rfc4533.md §5 cases 40, 41).
 *
 * Mimics python-ldap's dispatch, which silently ignores entries without the control and uses the
 * first State control only (rfc4533.md §4.2, §4.4), and go-ldap's older decoder that read the
 * first control of an entry.
 */
export class AcceptProtocolViolationsSession extends SyncSession {
  protected override async onEntry(message: LdapMessage, entry: SearchResultEntry): Promise<void> {
    const states = message.controls.filter((c) => c.type === SYNC_STATE_OID)
    if (states.length === 0) return
    if (states.length === 1) return super.onEntry(message, entry)
    const first = states[0]
    return super.onEntry({ ...message, controls: message.controls.filter((c) => c.type !== SYNC_STATE_OID || c === first) }, entry)
  }

  protected override async onInfo(message: LdapMessage, value: Uint8Array | undefined): Promise<SyncStep> {
    const info = syncInfoOf(value)
    const ending = (info?.kind === 'refreshPresent' || info?.kind === 'refreshDelete') && info.refreshDone
    if (ending && (!this.refreshing || this.refreshDoneSeen)) return { kind: 'continue' }
    return super.onInfo(message, value)
  }
}

export const AcceptProtocolViolationsConsumer = consumerWithSession(AcceptProtocolViolationsSession)
