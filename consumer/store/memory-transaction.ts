/**
 * A transaction over a replica: changes are staged in an overlay map above the committed map
 * (copy-on-write), so beginning a transaction over 100,000 entries costs nothing and only the
 * entries actually touched are held twice. `null` in the overlay marks a staged removal.
 */
import * as DN from '../../protocol/dn/index.js'
import type { Dn } from '../../protocol/dn/index.js'
import type { ReplicaEntry, ReplicaTransaction } from '../types.js'
import { StoreError } from './errors.js'
import { ownEntry } from './replica-entry.js'

/** Staged changes by UUID: an entry to put, or null to remove. */
export type StagedChanges = ReadonlyMap<string, ReplicaEntry | null>

/** What a transaction needs from the store that began it. */
export interface TransactionHost {
  readonly committed: ReadonlyMap<string, ReplicaEntry>
  /** Applies `staged` and the cookie atomically; on rejection nothing has changed. */
  commitStaged(staged: StagedChanges, cookie: Uint8Array | undefined): Promise<void>
  /** Called once when the transaction ends (committed, failed to commit, or rolled back). */
  release(): void
}

type TransactionState = 'open' | 'committing' | 'done'

export class MemoryTransaction implements ReplicaTransaction {
  private readonly staged = new Map<string, ReplicaEntry | null>()
  private state: TransactionState = 'open'

  constructor(private readonly host: TransactionHost) {}

  get(uuid: string): ReplicaEntry | undefined {
    this.assertOpen('get')
    return this.lookup(uuid)
  }

  *uuids(): Iterable<string> {
    this.assertOpen('uuids')
    for (const uuid of this.host.committed.keys()) {
      if (!this.staged.has(uuid)) yield uuid
    }
    for (const [uuid, entry] of this.staged) {
      if (entry !== null) yield uuid
    }
  }

  put(entry: ReplicaEntry): void {
    this.assertOpen('put')
    const own = ownEntry(entry)
    this.staged.set(own.uuid, own)
  }

  remove(uuid: string): void {
    this.assertOpen('remove')
    // rfc4533.md §5 cases 10 and 19: deleting an entry the replica does not hold is a no-op.
    // A UUID only staged in this transaction simply stops being staged.
    if (this.host.committed.has(uuid)) this.staged.set(uuid, null)
    else this.staged.delete(uuid)
  }

  rebaseDescendants(oldDn: string, newDn: string): void {
    this.assertOpen('rebaseDescendants')
    const from = parseBase(oldDn, 'old')
    const to = parseBase(newDn, 'new')
    // rfc4533.md §5 case 21: the provider announces only the renamed entry itself, so every entry
    // strictly below it is rewritten here, RDN by RDN (spelling of the kept RDNs preserved).
    const rewritten: ReplicaEntry[] = []
    for (const uuid of this.uuids()) {
      const entry = this.lookup(uuid) as ReplicaEntry
      const dn = tryParse(entry.dn)
      // An entry whose DN does not parse cannot lie below anything by the DN rules; leave it.
      if (dn === undefined || dn.length <= from.length) continue
      const moved = DN.rebase(dn, from, to)
      if (moved !== undefined) rewritten.push(ownEntry(entry).withDn(DN.format(moved)))
    }
    for (const entry of rewritten) this.staged.set(entry.uuid, entry)
  }

  async commit(cookie?: Uint8Array): Promise<void> {
    this.assertOpen('commit')
    if (cookie !== undefined && !(cookie instanceof Uint8Array)) {
      this.finish()
      throw new StoreError('STORE_BAD_ENTRY', 'The cookie given to commit must be a Uint8Array (cookies are bytes) or undefined.')
    }
    this.state = 'committing'
    try {
      await this.host.commitStaged(this.staged, cookie)
    } finally {
      this.finish()
    }
  }

  rollback(): void {
    // Rolling back a finished transaction is harmless; it lets callers roll back in `finally`.
    if (this.state === 'done') return
    this.assertOpen('rollback')
    this.finish()
  }

  private lookup(uuid: string): ReplicaEntry | undefined {
    const staged = this.staged.get(uuid)
    if (staged !== undefined) return staged ?? undefined
    return this.host.committed.get(uuid)
  }

  private finish(): void {
    if (this.state === 'done') return
    this.state = 'done'
    this.staged.clear()
    this.host.release()
  }

  private assertOpen(method: string): void {
    if (this.state === 'open') return
    const why = this.state === 'committing' ? 'is being committed' : 'has already been committed or rolled back'
    throw new StoreError('STORE_TRANSACTION_FINISHED',
      `Cannot call ${method}() on a replica transaction that ${why}; begin a new transaction.`)
  }
}

function parseBase(text: string, which: 'old' | 'new'): Dn {
  const dn = typeof text === 'string' ? tryParse(text) : undefined
  if (dn === undefined) {
    throw new StoreError('STORE_BAD_DN',
      `The ${which} DN ${JSON.stringify(text)} given to rebaseDescendants is not a valid DN (RFC 4514).`)
  }
  return dn
}

function tryParse(text: string): Dn | undefined {
  try {
    return DN.parse(text)
  } catch {
    return undefined
  }
}
