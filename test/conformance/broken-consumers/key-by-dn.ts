import type { ReplicaEntry, ReplicaSnapshot, ReplicaStore, ReplicaTransaction } from '../../../consumer/index.js'

/**
 * key-by-dn: the replica is kept by DN, not by syncUUID (RFC 4533 §2.1.1: the syncUUID is what
 * identifies an entry across renames; rfc4533.md §5 cases 20, 21, 27). The reference session runs
 * unchanged over this store, so only the keying differs:
 * - an add or modify is written at its DN: a rename creates a second entry and leaves the old one,
 *   and an entry at a DN that held another UUID overwrites it;
 * - a UUID is looked up through an index of the DN where that UUID was first seen, never updated:
 *   a delete by UUID of an entry whose DN changed removes whatever is at the old DN (a new UUID
 *   there, or the stale copy) and misses the entry itself;
 * - descendants of a renamed entry are not moved (the store has no idea a rename happened).
 *
 * Mimics consumers that mirror the directory into a table keyed by DN and keep a `uuid → dn` side
 * map to resolve syncIdSets and present lists; cf. the DN collisions after a delete and re-add
 * reported in akkornel/syncrepl#5 (rfc4533.md §5 case 27).
 *
 * The report lists each record under its UUID; when a UUID sits at several DNs (a rename left the
 * old copy) the most recently written copy keeps the UUID and the others are listed as
 * `<uuid>#<dn>`, so the judge sees them as the ghosts they are.
 */
export class DnKeyedStore implements ReplicaStore {
  private records = new Map<string, StoredRecord>()
  private index = new Map<string, string>()
  private cookie: Uint8Array | undefined
  private seq = 0

  constructor(saved: ReplicaSnapshot | undefined) {
    if (saved === undefined) return
    for (const entry of saved.entries.values()) {
      const uuid = entry.uuid.split('#')[0] ?? entry.uuid
      this.write(this.records, this.index, { uuid, dn: entry.dn, attributes: entry.attributes })
    }
    this.cookie = saved.cookie === undefined ? undefined : Uint8Array.from(saved.cookie)
  }

  async load(): Promise<ReplicaSnapshot> {
    const newest = new Map<string, number>()
    for (const r of this.records.values()) newest.set(r.entry.uuid, Math.max(newest.get(r.entry.uuid) ?? 0, r.seq))
    const entries = new Map<string, ReplicaEntry>()
    for (const r of [...this.records.values()].sort((a, b) => a.seq - b.seq)) {
      const uuid = newest.get(r.entry.uuid) === r.seq ? r.entry.uuid : `${r.entry.uuid}#${r.entry.dn}`
      entries.set(uuid, { ...r.entry, uuid })
    }
    return { cookie: this.cookie === undefined ? undefined : Uint8Array.from(this.cookie), entries }
  }

  async begin(): Promise<ReplicaTransaction> {
    // Copy on begin: the catalogue's replicas are small, and a copy makes rollback trivial.
    const records = new Map(this.records)
    const index = new Map(this.index)
    const byUuid = (uuid: string): StoredRecord | undefined => {
      const key = index.get(uuid)
      return key === undefined ? undefined : records.get(key)
    }
    let open = true
    return {
      get: (uuid) => byUuid(uuid)?.entry,
      uuids: () => new Set([...records.values()].map((r) => r.entry.uuid)),
      put: (entry) => this.write(records, index, entry),
      remove: (uuid) => {
        const key = index.get(uuid)
        if (key !== undefined) records.delete(key)
        index.delete(uuid)
      },
      rebaseDescendants: () => undefined,
      rollback: () => {
        open = false
      },
      commit: async (cookie) => {
        if (!open) throw new Error('This transaction has already ended.')
        open = false
        this.records = records
        this.index = index
        if (cookie !== undefined && cookie.length > 0) this.cookie = Uint8Array.from(cookie)
      },
    }
  }

  async close(): Promise<void> {}

  private write(records: Map<string, StoredRecord>, index: Map<string, string>, entry: ReplicaEntry): void {
    const key = entry.dn.toLowerCase()
    records.set(key, { entry: ownCopy(entry), seq: ++this.seq })
    // The bug's other half: the side map keeps the first DN a UUID was seen at.
    if (!index.has(entry.uuid)) index.set(entry.uuid, key)
  }
}

interface StoredRecord {
  readonly entry: ReplicaEntry
  /** Write order: the newest copy of a UUID is the one reported under it. */
  readonly seq: number
}

/** Values may be views of a message buffer: the store keeps its own copies. */
function ownCopy(entry: ReplicaEntry): ReplicaEntry {
  const attributes = new Map<string, readonly Uint8Array[]>()
  for (const [name, values] of entry.attributes) attributes.set(name, values.map((v) => Uint8Array.from(v)))
  return { uuid: entry.uuid, dn: entry.dn, attributes }
}
