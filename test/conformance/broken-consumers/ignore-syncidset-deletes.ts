import type { LdapMessage } from '../../../protocol/ldap/message.js'
import { SyncSession, nextCookie } from '../../../consumer/index.js'
import type { SyncStep } from '../../../consumer/index.js'
import { syncInfoOf } from './incoming-cookie.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * ignore-syncidset-deletes: a syncIdSet with refreshDeletes TRUE (RFC 4533 §2.5, §3.3.2's delete
 * phase and §3.4.2's batched deletes) is dropped; only its cookie is kept. Every entry the provider
 * deleted and announced that way survives as a ghost.
 *
 * Mimics consumers written against providers that announce deletes as delete-state entries: they
 * act on Sync State controls and read Sync Info messages only for phase markers and cookies, so
 * against slapd's session log, which announces deletes as syncIdSets (rfc4533.md §5 cases 10,
 * 12), they never delete anything.
 */
export class IgnoreSyncIdSetDeletesSession extends SyncSession {
  protected override async onInfo(message: LdapMessage, value: Uint8Array | undefined): Promise<SyncStep> {
    const info = syncInfoOf(value)
    if (info?.kind !== 'syncIdSet' || !info.refreshDeletes) return super.onInfo(message, value)
    // The bug: the UUIDs are not deleted. The cookie is handled as the reference does.
    if (this.refreshing) this.pendingCookie = nextCookie(this.pendingCookie, info.cookie)
    else await this.commit(info.cookie)
    return { kind: 'continue' }
  }
}

export const IgnoreSyncIdSetDeletesConsumer = consumerWithSession(IgnoreSyncIdSetDeletesSession)
