import type { LdapMessage } from '../../../protocol/ldap/message.js'
import { MemoryStore, SyncSession, wrapCommit } from '../../../consumer/index.js'
import type { ReplicaSnapshot, ReplicaStore, ReplicaTransaction, SyncStep } from '../../../consumer/index.js'
import { incomingCookie } from './incoming-cookie.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * store-empty-cookie: when the last cookie the provider sent before a commit point is zero-length,
 * that empty cookie is stored (replacing any cookie with state), and the next sync search sends
 * it. RFC 4533 §2.1.2 makes a cookie the provider's state; an empty one carries none, and slapd
 * sends one for an up-to-date reply (2.6.14+) or a rid-less request, then treats an empty request
 * cookie as none at all: a full reload ending refreshDeletes TRUE (rfc4533.md §5 cases 3, 14).
 * This consumer otherwise being the reference, it copes with that reload, so the bug costs
 * efficiency, not data (NON-STRICT); python-ldap, whose present contract deletes nothing on
 * refreshDeletes TRUE, keeps ghosts as well.
 *
 * Mimics python-ldap and libldap's ldap_sync, which both store `''` as they would any cookie
 * (rfc4533.md §4.4). Needs a store that keeps the empty cookie: the reference store refuses to.
 */
export class StoreEmptyCookieSession extends SyncSession {
  /** The cookie of the latest message that carried one, since the last commit. */
  private lastIncoming: Uint8Array | undefined

  override async handle(message: LdapMessage): Promise<SyncStep> {
    const cookie = incomingCookie(message)
    if (cookie !== undefined) this.lastIncoming = cookie
    return super.handle(message)
  }

  protected override abortRefresh(): void {
    if (this.refreshing) this.lastIncoming = undefined
    super.abortRefresh()
  }

  protected override async commit(cookie: Uint8Array | undefined): Promise<void> {
    const last = this.lastIncoming
    this.lastIncoming = undefined
    if (last === undefined || last.length > 0) return super.commit(cookie)
    // The bug: "take the incoming cookie whenever one is present", the empty one included.
    const empty = new Uint8Array(0)
    const tx = this.tx ?? (await this.options.begin())
    this.tx = undefined
    await tx.commit(empty)
    this.cookie = empty
    this.emit({ kind: 'cookie', cookie: empty })
  }
}

export const StoreEmptyCookieConsumer = consumerWithSession(StoreEmptyCookieSession)

/**
 * A MemoryStore that, unlike it, keeps a zero-length cookie when one is committed, as a consumer
 * writing its cookie to a file byte for byte would.
 */
export class EmptyCookieKeepingStore implements ReplicaStore {
  private readonly inner: MemoryStore
  private empty: boolean

  constructor(saved: ReplicaSnapshot | undefined) {
    this.inner = new MemoryStore(saved === undefined ? {} : { initial: saved })
    this.empty = saved?.cookie?.length === 0
  }

  async load(): Promise<ReplicaSnapshot> {
    const snapshot = await this.inner.load()
    return this.empty ? { ...snapshot, cookie: new Uint8Array(0) } : snapshot
  }

  async begin(): Promise<ReplicaTransaction> {
    const tx = await this.inner.begin()
    return wrapCommit(tx, async (cookie, commit) => {
      await commit(cookie)
      if (cookie !== undefined) this.empty = cookie.length === 0
    })
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}
