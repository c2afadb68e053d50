/**
 * The in-memory replica store: entries by syncUUID plus the sync cookie, committed together.
 * Transactions stage changes in an overlay (memory-transaction.ts); commit applies the overlay to
 * the committed map in place, so neither begin nor commit copies a large replica. `load()` is the
 * one operation that copies (a snapshot must not change under its holder).
 *
 * The optional `persist` hook makes this the core of the file store: it receives the state a
 * commit would produce before that state becomes visible, and if it rejects nothing changes.
 */
import type { ReplicaEntry, ReplicaSnapshot, ReplicaStore, ReplicaTransaction } from '../types.js'
import { StoreError } from './errors.js'
import { MemoryTransaction } from './memory-transaction.js'
import type { StagedChanges, TransactionHost } from './memory-transaction.js'
import { copyBytes, ownEntry } from './replica-entry.js'

/** The state a commit is about to make visible. */
export interface PendingCommit {
  /** The cookie after the commit (the previous one when none or an empty one was given). */
  readonly cookie: Uint8Array | undefined
  /** Every entry after the commit, committed ones first; iterate as often as needed. */
  entries(): Iterable<ReplicaEntry>
}

export interface MemoryStoreOptions {
  /** The state to start from (copied). Default: no entries, no cookie. */
  readonly initial?: ReplicaSnapshot
  /** Makes a commit durable before it becomes visible; a rejection aborts the commit. */
  readonly persist?: (pending: PendingCommit) => Promise<void>
}

/**
 * @example
 * const store = new MemoryStore()
 * const tx = await store.begin()
 * tx.put({ uuid, dn: 'uid=ann,dc=example', attributes: new Map([['uid', [bytes('ann')]]]) })
 * await tx.commit(cookie)
 */
export class MemoryStore implements ReplicaStore {
  private readonly committed = new Map<string, ReplicaEntry>()
  private cookie: Uint8Array | undefined
  private open: MemoryTransaction | undefined
  private committing: Promise<void> | undefined
  private closed = false
  private readonly persist: ((pending: PendingCommit) => Promise<void>) | undefined

  constructor(options: MemoryStoreOptions = {}) {
    this.persist = options.persist
    const initial = options.initial
    if (initial !== undefined) {
      for (const entry of initial.entries.values()) this.committed.set(entry.uuid, ownEntry(entry))
      this.cookie = storableCookie(initial.cookie)
    }
  }

  async load(): Promise<ReplicaSnapshot> {
    this.assertUsable('load')
    return { cookie: this.cookie === undefined ? undefined : copyBytes(this.cookie), entries: new Map(this.committed) }
  }

  async begin(): Promise<ReplicaTransaction> {
    this.assertUsable('begin')
    if (this.open !== undefined) {
      throw new StoreError('STORE_TRANSACTION_OPEN',
        'A replica transaction is already open on this store; commit or roll it back before beginning another.')
    }
    const host: TransactionHost = {
      committed: this.committed,
      commitStaged: (staged, cookie) => this.commitStaged(staged, cookie),
      release: () => {
        if (this.open === transaction) this.open = undefined
      },
    }
    const transaction = new MemoryTransaction(host)
    this.open = transaction
    return transaction
  }

  async close(): Promise<void> {
    if (this.closed) return
    // A commit already under way finishes (it is atomic); anything else open is abandoned.
    if (this.committing !== undefined) await this.committing.catch(() => undefined)
    this.closed = true
    this.open = undefined
  }

  private async commitStaged(staged: StagedChanges, cookie: Uint8Array | undefined): Promise<void> {
    this.assertUsable('commit')
    const nextCookie = storableCookie(cookie) ?? this.cookie
    const run = async (): Promise<void> => {
      if (this.persist !== undefined) {
        const committed = this.committed
        await this.persist({ cookie: nextCookie, entries: () => overlay(committed, staged) })
      }
      for (const [uuid, entry] of staged) {
        if (entry === null) this.committed.delete(uuid)
        else this.committed.set(uuid, entry)
      }
      this.cookie = nextCookie
    }
    this.committing = run()
    try {
      await this.committing
    } finally {
      this.committing = undefined
    }
  }

  private assertUsable(method: string): void {
    if (this.closed) {
      throw new StoreError('STORE_CLOSED', `Cannot call ${method}() on a replica store that has been closed; open it again.`)
    }
  }
}

/**
 * The cookie to store, or undefined to keep the previous one: rfc4533.md §2.6 "Done without
 * cookie, or with an empty cookie → keep the previous cookie". Copied so the caller's buffer is
 * never shared.
 */
function storableCookie(cookie: Uint8Array | undefined): Uint8Array | undefined {
  return cookie === undefined || cookie.length === 0 ? undefined : copyBytes(cookie)
}

/** The entries of `committed` with `staged` applied, without building the merged map. */
function* overlay(committed: ReadonlyMap<string, ReplicaEntry>, staged: StagedChanges): Generator<ReplicaEntry> {
  for (const [uuid, entry] of committed) {
    if (!staged.has(uuid)) yield entry
    else {
      const replacement = staged.get(uuid)
      if (replacement !== null && replacement !== undefined) yield replacement
    }
  }
  for (const [uuid, entry] of staged) {
    if (entry !== null && !committed.has(uuid)) yield entry
  }
}
