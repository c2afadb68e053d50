import type { CompiledFilter } from './filter-match.js'
import type { Entry, LiveEntry } from './entry.js'
import type { SearchScope } from './types.js'

/**
 * The entries of one search, lazily: base scope is the base entry; one level its children; sub
 * the base and everything below it. Entries come in insertion order (back-mdb returns entries
 * by entry ID, which a ModifyDN keeps). Scope and filter are tested when the iterator reaches an
 * entry, so the directory may change while a search runs: an entry deleted meanwhile is skipped,
 * one moved out of scope is skipped, and one added meanwhile is returned when the walk goes over
 * all entries (a Map iterator visits keys added during iteration) but not when a small one-level
 * search reads a copy of the children list. Nothing throws.
 *
 * `sizeLimitExceeded` becomes true when a further matching entry existed beyond `sizeLimit`;
 * slapd then ends the search with sizeLimitExceeded (4).
 */
export class SearchCursor implements Iterable<Entry> {
  private readonly base: LiveEntry
  private readonly scope: SearchScope
  private readonly filter: CompiledFilter
  private readonly sizeLimit: number
  private readonly entries: ReadonlyMap<string, LiveEntry>
  private exceeded = false
  private returned = 0

  constructor(init: {
    readonly base: LiveEntry
    readonly scope: SearchScope
    readonly filter: CompiledFilter
    readonly sizeLimit: number
    readonly entries: ReadonlyMap<string, LiveEntry>
  }) {
    this.base = init.base
    this.scope = init.scope
    this.filter = init.filter
    this.sizeLimit = init.sizeLimit
    this.entries = init.entries
  }

  /** True once iteration found more matching entries than the size limit allows. */
  get sizeLimitExceeded(): boolean {
    return this.exceeded
  }

  /** How many entries the iteration has returned so far. */
  get count(): number {
    return this.returned
  }

  *[Symbol.iterator](): Iterator<Entry> {
    // Each iteration is a new walk (and a new count).
    this.returned = 0
    this.exceeded = false
    for (const entry of this.candidates()) {
      if (entry.deleted || !this.inScope(entry) || this.filter(entry) !== 'TRUE') continue
      if (this.sizeLimit > 0 && this.returned >= this.sizeLimit) {
        this.exceeded = true
        return
      }
      this.returned++
      yield entry
    }
  }

  private *candidates(): Generator<LiveEntry> {
    const base = this.base
    if (this.scope === 'base') {
      yield base
      return
    }
    const children = base.children
    if (this.scope === 'one' && children !== undefined && children.size * 8 < this.entries.size) {
      // A small one-level search reads the children, in entry-ID order.
      const list = [...children.values()].sort((a, b) => a.id - b.id)
      yield* list
      return
    }
    if (this.scope === 'one' && (children === undefined || children.size === 0)) return
    yield* this.entries.values()
  }

  private inScope(entry: LiveEntry): boolean {
    switch (this.scope) {
      case 'base':
        return entry === this.base
      case 'one':
        return entry.parent === this.base
      case 'sub':
        for (let node: LiveEntry | undefined = entry; node !== undefined; node = node.parent) {
          if (node === this.base) return true
        }
        return false
      default: {
        const never: never = this.scope
        throw new Error(`Unknown search scope ${JSON.stringify(never)}.`)
      }
    }
  }
}
