/**
 * Contracts between the reference consumer's parts: the sync state machine (consumer/sync)
 * decides what happens to the replica; the store (consumer/store) keeps it, committing data and
 * cookie together; the client (consumer/client) moves bytes. Only protocol/ is shared with the
 * provider.
 */

/** One attribute value as received: bytes, kept exact (a string view is the caller's choice). */
export type ReplicaValue = Uint8Array

/** A replicated entry, keyed by its syncUUID (RFC 4533 §2.1.1), never by DN. */
export interface ReplicaEntry {
  /** Canonical lowercase 8-4-4-4-12 text of the 16-octet syncUUID. */
  readonly uuid: string
  readonly dn: string
  /** Attribute descriptions as received (first spelling kept), values as received. */
  readonly attributes: ReadonlyMap<string, readonly ReplicaValue[]>
}

/** What the replica holds at a commit point. */
export interface ReplicaSnapshot {
  /** The last committed cookie, byte-exact; undefined = none yet (never an empty cookie). */
  readonly cookie: Uint8Array | undefined
  readonly entries: ReadonlyMap<string, ReplicaEntry>
}

/**
 * Changes staged by the state machine and applied atomically by `commit`. Nothing staged is
 * visible in the store until `commit` returns; `rollback` (or an exception, or a crash) leaves
 * the last committed state untouched.
 */
export interface ReplicaTransaction {
  /** The entry as it stands in this transaction (staged changes included), or undefined. */
  get(uuid: string): ReplicaEntry | undefined
  /** Every UUID in this transaction's view (staged changes included). */
  uuids(): Iterable<string>
  /**
   * Creates or replaces the entry (all synchronised attributes replaced, RFC 4533 §3.4.2). The
   * store copies what it keeps: values may be views of a message buffer.
   */
  put(entry: ReplicaEntry): void
  /** Removes the entry; removing an unknown UUID is a no-op (rfc4533.md §5 case 10, 19). */
  remove(uuid: string): void
  /**
   * Rewrites the DN of every entry below `oldDn` to lie below `newDn` (a rename or move of a
   * non-leaf entry: the provider sends a message for that entry only, rfc4533.md §5 case 21).
   */
  rebaseDescendants(oldDn: string, newDn: string): void
  /** Makes everything staged, and the cookie when given, durable in one step. */
  commit(cookie?: Uint8Array): Promise<void>
  rollback(): void
}

/** A store of one replica and its cookie. */
export interface ReplicaStore {
  /** The last committed state. */
  load(): Promise<ReplicaSnapshot>
  /** Starts a transaction over the last committed state. One at a time. */
  begin(): Promise<ReplicaTransaction>
  close(): Promise<void>
}
