import type { Dn } from '../../protocol/dn/index.js'
import { DirectoryError } from './errors.js'
import type { ChangeKind } from './types.js'

/**
 * One change as 389-DS's Retro Changelog plugin records it under cn=changelog: a change number,
 * the change type, the target's unique id and DN, and for a ModifyDN the DN it got. The
 * `389ds` sync dialect builds its cookies and incremental refreshes from these; the `apacheds`
 * dialect replays them as its per-consumer journal (by CSN).
 */
export interface RetroChangelogRecord {
  /** 1, 2, 3, … in commit order, never reused (389's `changeNumber`). */
  readonly changeNumber: number
  readonly kind: ChangeKind
  /** The change's CSN (the ChangeEvent's). */
  readonly csn: string
  readonly uuid: string
  readonly uuidBytes: Uint8Array
  /** The entry's DN before the change (389's `targetDn`); for an add, the new entry's DN. */
  readonly targetDn: Dn
  /** For a ModifyDN, the DN after it. */
  readonly newDn?: Dn
}

/**
 * The directory's retro changelog: every change applied through `Directory.apply`, oldest first,
 * with its change number. Loaded data (LDIF, the generator) is not in it, as 389-DS's
 * ldif2db import writes no changelog records.
 *
 * It is unbounded by default (389's retro changelog trims only when `nsslapd-changelogmaxage`
 * is set); each record costs about a hundred bytes. `trim` forgets old records the way 389's
 * trimming does, and a `capacity` drops the oldest on overflow. Nothing tells a reader that
 * records were dropped — exactly the 389-DS behaviour the `389ds` dialect reproduces (trace j1).
 */
export class RetroChangelog {
  private readonly list: RetroChangelogRecord[] = []
  /** Index of the first kept record in `list` (trimmed records are cut off in batches). */
  private head = 0

  constructor(readonly capacity: number = Number.POSITIVE_INFINITY) {
    if (!(capacity === Number.POSITIVE_INFINITY || (Number.isInteger(capacity) && capacity >= 0))) {
      throw new DirectoryError('DIRECTORY_BAD_OPTION', `The retro changelog size must be a whole number, 0 (no changelog) or more, or unlimited, not ${String(capacity)}.`)
    }
  }

  /** How many records are kept now. */
  get length(): number {
    return this.list.length - this.head
  }

  /** The change number of the oldest record kept, or undefined when none is kept. */
  get firstChangeNumber(): number | undefined {
    return this.list[this.head]?.changeNumber
  }

  /** Appends a record (the directory calls this once per committed change). */
  record(record: RetroChangelogRecord): void {
    if (this.capacity === 0) return
    this.list.push(record)
    if (this.length > this.capacity) this.head++
    this.compact()
  }

  /** The kept records, oldest first. */
  records(): RetroChangelogRecord[] {
    return this.list.slice(this.head)
  }

  /** The kept records with a change number above `changeNumber`, oldest first. */
  after(changeNumber: number): RetroChangelogRecord[] {
    // Change numbers increase along the list: binary search for the first one above.
    let lo = this.head
    let hi = this.list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.list[mid] as RetroChangelogRecord).changeNumber <= changeNumber) lo = mid + 1
      else hi = mid
    }
    return this.list.slice(lo)
  }

  /** Forgets every record with a change number at or below `changeNumber` (389's changelog trimming). */
  trim(changeNumber: number): void {
    while (this.head < this.list.length && (this.list[this.head] as RetroChangelogRecord).changeNumber <= changeNumber) this.head++
    this.compact()
  }

  /** Forgets everything. */
  clear(): void {
    this.list.length = 0
    this.head = 0
  }

  /** Drops trimmed slots once they are half the array, so trimming stays O(1) amortised. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list.splice(0, this.head)
      this.head = 0
    }
  }
}
