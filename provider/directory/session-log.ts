import { compareCsn } from '../../protocol/sync/csn.js'
import { sidOfCsn } from './csn-clock.js'
import { DirectoryError } from './errors.js'
import type { ChangeKind } from './types.js'

/** One remembered change: what the sync engine needs to replay deletes (RFC 4533 digest §3.4). */
export interface SessionLogRecord {
  readonly csn: string
  readonly sid: number
  readonly uuid: string
  readonly uuidBytes: Uint8Array
  readonly kind: ChangeKind
}

/**
 * slapd's in-memory session log (`syncprov-sessionlog <size>`): a ring of the most recent
 * changes. slapd 2.5 records adds, modifies, ModifyDNs and deletes (adds are skipped on replay);
 * it lives in memory only, so a provider restart empties it (`clear()`).
 *
 * Besides the oldest record kept, slapd tracks per serverID a "minimum CSN" (sl_mincsn): the CSN
 * of the first record ever logged, then of the newest record dropped when the ring overflows. A
 * consumer's cookie CSN at or above it means every later change of that serverID is still in
 * the log (syncprov_op_search uses the log only then); `coverageCsn(sid)` returns it.
 */
export class SessionLog {
  readonly capacity: number
  private readonly ring: (SessionLogRecord | undefined)[]
  private start = 0
  private count = 0
  private readonly minCsn = new Map<number, string>()

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 0)) {
      throw new DirectoryError('DIRECTORY_BAD_OPTION', `The session log size must be a whole number, 0 (no log) or more, not ${String(capacity)}.`)
    }
    this.capacity = capacity
    this.ring = new Array<SessionLogRecord | undefined>(capacity)
  }

  /** How many records the log holds now. */
  get length(): number {
    return this.count
  }

  /** Remembers a change; the oldest record goes when the ring is full. A log of size 0 keeps nothing. */
  record(record: SessionLogRecord): void {
    if (this.capacity === 0) return
    if (this.count === 0 && this.minCsn.size === 0) this.minCsn.set(record.sid, record.csn)
    if (this.count === this.capacity) {
      const dropped = this.ring[this.start] as SessionLogRecord
      this.minCsn.set(dropped.sid, dropped.csn)
      this.ring[this.start] = record
      this.start = (this.start + 1) % this.capacity
    } else {
      this.ring[(this.start + this.count) % this.capacity] = record
      this.count++
    }
  }

  /** The records, oldest first (commit order, which is CSN order). */
  records(): SessionLogRecord[] {
    const out: SessionLogRecord[] = []
    for (let i = 0; i < this.count; i++) out.push(this.ring[(this.start + i) % this.capacity] as SessionLogRecord)
    return out
  }

  /** The CSN of the oldest record kept, or undefined when the log is empty. */
  oldestCsn(): string | undefined {
    return this.count === 0 ? undefined : (this.ring[this.start] as SessionLogRecord).csn
  }

  /** slapd's sl_mincsn for a serverID (see the class comment), or undefined. */
  coverageCsn(sid: number): string | undefined {
    return this.minCsn.get(sid)
  }

  /** Records with a CSN strictly newer than `csn`, in CSN order. */
  since(csn: string): SessionLogRecord[] {
    return this.records()
      .filter((r) => compareCsn(r.csn, csn) > 0)
      .sort((a, b) => compareCsn(a.csn, b.csn))
  }

  /** Forgets everything, as a slapd restart does (the minimum CSNs too). */
  clear(): void {
    this.ring.fill(undefined)
    this.start = 0
    this.count = 0
    this.minCsn.clear()
  }
}

/** A record for a change with this CSN. */
export function sessionLogRecord(kind: ChangeKind, csn: string, uuid: string, uuidBytes: Uint8Array): SessionLogRecord {
  return Object.freeze({ csn, sid: sidOfCsn(csn), uuid, uuidBytes, kind })
}
