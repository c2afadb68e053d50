import type { ReplicaTransaction } from '../../../consumer/index.js'
import { SyncSession } from '../../../consumer/index.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * skip-present-deletion: the end of a present phase (refreshPresent, or a Done with
 * refreshDeletes FALSE, RFC 4533 §3.3.2) deletes nothing, so every entry deleted on the provider
 * while the consumer was away, and every entry it held before an initial load, stays as a ghost.
 *
 * Mimics a consumer built on python-ldap's SyncreplConsumer that never implements the
 * `syncrepl_present(None, refreshDeletes=False)` half of the present contract (the base class's
 * callback does nothing; rfc4533.md §4.1), and heuristic consumers that skip the deletion to
 * survive 389-DS's refresh without a present phase (rfc4533.md §5 case 7).
 */
export class SkipPresentDeletionSession extends SyncSession {
  protected override purgeNotPresent(_tx: ReplicaTransaction): void {
    // The bug: the complement of the present set is never computed.
  }
}

export const SkipPresentDeletionConsumer = consumerWithSession(SkipPresentDeletionSession)
