import { randomUUID } from 'node:crypto'
import { SeededRandom } from '../../fixtures/generator/prng.js'
import { seededUuid } from '../../fixtures/generator/uuid.js'
import { DEFAULT_SUFFIX } from '../../fixtures/index.js'
import * as DN from '../../protocol/dn/index.js'
import type { GenerateDirectoryOptions, LdifInput } from '../../fixtures/index.js'
import type { Dn, DnLike } from '../../protocol/dn/index.js'
import type { Filter } from '../../protocol/ldap/filter.js'
import type { EntryAttributeInput } from '../../protocol/ldap/search-result-entry.js'
import type { ChangeContext, Committed } from './changes.js'
import { applyAdd, applyDelete, applyModDn, applyModify, parseDn, requireEntry } from './changes.js'
import { CsnClock, checkSid } from './csn-clock.js'
import type { Entry } from './entry.js'
import { DirectoryError } from './errors.js'
import type { CompiledFilter, FilterEnvironment, FilterResult } from './filter-match.js'
import { compileFilter } from './filter-match.js'
import type { AttributeSelection, ProjectOptions } from './projection.js'
import type { LoadLdifOptions, LoadResult } from './load.js'
import { loadGenerated, loadLdif, loadLdifFile } from './load.js'
import { projectEntry } from './projection.js'
import { SearchCursor } from './search.js'
import { SessionLog, sessionLogRecord } from './session-log.js'
import { RetroChangelog } from './retro-changelog.js'
import { DirectoryStore } from './store.js'
import type { AddChange, ApplyOptions, Change, ChangeEvent, ChangeListener, DirectoryOptions, DirectorySearch } from './types.js'
import { canonicalUuid } from './uuid-slab.js'

const EVERYTHING: Filter = { kind: 'present', attributeDesc: 'objectClass' }

/**
 * The mock provider's directory: entries keyed by entryUUID under one or more naming contexts,
 * an entryCSN on every entry, the contextCSN vector, slapd's in-memory session log, search with
 * scope and filter, and one path for every change (`apply`) that stamps a CSN and tells the
 * listeners.
 *
 * @example
 * const directory = new Directory({ suffixes: ['dc=example,dc=com'], sessionLogSize: 100 })
 * directory.apply({ kind: 'add', dn: 'dc=example,dc=com', attributes: { objectClass: ['top', 'dcObject', 'organization'], o: 'Example' } })
 * directory.onChange((event) => engine.onDirectoryChange(event))
 */
export class Directory {
  private readonly store: DirectoryStore
  private readonly clock: CsnClock
  /** The provider's serverID (0 by default, as slapd without olcServerID). */
  readonly sid: number
  /** creatorsName / modifiersName of loaded entries and of changes without `by`. */
  readonly rootDn: string
  /** slapd's in-memory session log; `sessionLog.clear()` is what a provider restart does to it. */
  readonly sessionLog: SessionLog
  /**
   * Every change with its change number, as 389-DS's Retro Changelog plugin keeps them
   * (unbounded unless `retroChangelogSize` is set; `retroChangelog.trim(n)` is 389's trimming).
   */
  readonly retroChangelog: RetroChangelog
  private changeCounter = 0
  private readonly context = new Map<number, string>()
  private readonly listeners: ChangeListener[] = []
  private readonly pending: ChangeEvent[] = []
  private emitting = false
  private readonly onListenerError: (error: unknown, event: ChangeEvent) => void
  private readonly newUuid: () => string
  private readonly compiled = new WeakMap<Filter, CompiledFilter>()
  private readonly env: FilterEnvironment

  constructor(options: DirectoryOptions = {}) {
    const suffixes = (options.suffixes ?? [DEFAULT_SUFFIX]).map((s) => parseDn(s, 'suffix'))
    if (suffixes.length === 0 || suffixes.some((s) => s.length === 0)) {
      throw new DirectoryError('DIRECTORY_BAD_OPTION', 'A directory needs at least one naming context, and the root DSE (the empty DN) cannot be one.')
    }
    this.store = new DirectoryStore(suffixes)
    this.sid = options.sid ?? 0
    checkSid(this.sid)
    this.clock = new CsnClock(options.clock ?? (() => new Date()))
    this.sessionLog = new SessionLog(options.sessionLogSize ?? 0)
    this.retroChangelog = new RetroChangelog(options.retroChangelogSize)
    this.rootDn = options.rootDn ?? `cn=admin,${DN.format(suffixes[0] as Dn)}`
    this.onListenerError = options.onListenerError ?? warnListenerError
    if (options.uuidSource !== undefined) {
      this.newUuid = options.uuidSource
    } else if (options.uuidSeed !== undefined) {
      const random = new SeededRandom(options.uuidSeed, 'directory entryUUID')
      this.newUuid = () => seededUuid(random)
    } else {
      this.newUuid = randomUUID
    }
    this.env = { knows: (base) => this.store.shapes.hasSeen(base), contextCsn: () => this.contextCsnVector() }
  }

  /** How many entries the directory holds. */
  get size(): number {
    return this.store.size
  }

  /** The naming contexts, as configured. */
  get suffixes(): readonly Dn[] {
    return this.store.contexts.map((c) => c.dn)
  }

  /** The contextCSN vector: per serverID, the CSN of its newest change here. Read-only. */
  get contextCsn(): ReadonlyMap<number, string> {
    return this.context
  }

  /**
   * The change number of the latest change applied (389-DS's last retro changelog
   * `changeNumber`); 0 before the first. Loading data does not count.
   */
  get lastChangeNumber(): number {
    return this.changeCounter
  }

  /** The contextCSN values sorted by serverID, as a cookie and the suffix entry carry them. */
  contextCsnVector(): string[] {
    return [...this.context.entries()].sort((a, b) => a[0] - b[0]).map(([, csn]) => csn)
  }

  /**
   * Applies one change (add, modify, modDN, delete): checks it as slapd would, stamps a new CSN,
   * updates the contextCSN and the session log, then tells every listener, synchronously, in
   * commit order (a change made by a listener is delivered after the current one).
   *
   * @throws DirectoryError with the LDAP result code and matchedDN to answer with.
   */
  apply(change: Change, options: ApplyOptions = {}): ChangeEvent {
    const sid = options.sid ?? this.sid
    checkSid(sid)
    const ctx = this.changeContext(sid, options.by ?? this.rootDn, true)
    let done: Committed
    switch (change.kind) {
      case 'add':
        done = applyAdd(ctx, change, change.uuid === undefined ? undefined : canonicalUuid(change.uuid))
        break
      case 'modify':
        done = applyModify(ctx, change)
        break
      case 'modDN':
        done = applyModDn(ctx, change)
        break
      case 'delete':
        done = applyDelete(ctx, change)
        break
      default: {
        const never: never = change
        throw new DirectoryError('DIRECTORY_BAD_OPTION', `Unknown change kind ${JSON.stringify((never as Change).kind)}; expected add, modify, modDN or delete.`)
      }
    }
    const entry = done.entry
    const uuidBytes = entry.uuidBytes
    this.sessionLog.record(sessionLogRecord(change.kind, done.csn, entry.uuid, uuidBytes))
    const changeNumber = ++this.changeCounter
    const targetDn = (done.before ?? done.after)?.dn
    if (targetDn !== undefined) {
      const newDn = change.kind === 'modDN' ? done.after?.dn : undefined
      this.retroChangelog.record(Object.freeze({ changeNumber, kind: change.kind, csn: done.csn, uuid: entry.uuid, uuidBytes, targetDn, ...(newDn === undefined ? {} : { newDn }) }))
    }
    const event: ChangeEvent = Object.freeze({
      kind: change.kind,
      csn: done.csn,
      sid,
      changeNumber,
      uuid: entry.uuid,
      uuidBytes,
      ...(done.before === undefined ? {} : { before: done.before }),
      ...(done.after === undefined ? {} : { after: done.after }),
    })
    this.emit(event)
    return event
  }

  /**
   * Adds an entry the way slapadd does: a CSN and timestamps of its own and the contextCSN
   * follow, but no session log record and no event (slapd's syncprov never sees slapadd).
   * The loaders use it; `uuid` is honoured as in `apply`.
   */
  loadEntry(change: AddChange): Entry {
    const ctx = this.changeContext(this.sid, this.rootDn, false)
    return applyAdd(ctx, change, change.uuid === undefined ? undefined : canonicalUuid(change.uuid)).entry
  }

  /** Loads LDIF content records as initial data (see load.ts). */
  loadLdif(input: LdifInput, options: LoadLdifOptions = {}): LoadResult {
    return loadLdif(this, input, options)
  }

  /** Loads an LDIF file as initial data. */
  loadLdifFile(path: string): LoadResult {
    return loadLdifFile(this, path)
  }

  /** Loads the seeded generator's entries as initial data (same seed, same entries and UUIDs). */
  loadGenerated(options: GenerateDirectoryOptions): LoadResult {
    return loadGenerated(this, options)
  }

  /** Registers a listener for every successful change; returns the function that removes it. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.push(listener)
    return () => {
      const at = this.listeners.indexOf(listener)
      if (at >= 0) this.listeners.splice(at, 1)
    }
  }

  /** The live entry with this entryUUID (any case), if any. */
  getByUuid(uuid: string): Entry | undefined {
    return this.store.entries.get(uuid.toLowerCase())
  }

  /** The live entry at this DN, if any (an unparseable DN is a DirectoryError). */
  getByDn(dn: DnLike): Entry | undefined {
    return this.store.find(parseDn(dn, 'DN', this.store.dns))
  }

  /** Every live entry in insertion (entry-ID) order. */
  entries(): IterableIterator<Entry> {
    return this.store.entries.values()
  }

  /**
   * Searches (RFC 4511 §4.5.1): the entries within scope of the base that match the filter, in
   * insertion order, lazily (see SearchCursor).
   *
   * @throws DirectoryError DIRECTORY_NO_SUCH_OBJECT (with matchedDN) when the base does not exist.
   */
  search(request: DirectorySearch): SearchCursor {
    const base = requireEntry(this.store, parseDn(request.base, 'search base', this.store.dns), 'search base')
    return new SearchCursor({
      base,
      scope: request.scope,
      filter: this.compile(request.filter ?? EVERYTHING),
      sizeLimit: request.sizeLimit ?? 0,
      entries: this.store.entries,
    })
  }

  /** Whether the filter is TRUE for the entry (live or snapshot), with this directory's known types. */
  matches(entry: Entry, filter: Filter): boolean {
    return this.compile(filter)(entry) === 'TRUE'
  }

  /** The filter's three-valued result for the entry (RFC 4511 §4.5.1.7). */
  evaluate(entry: Entry, filter: Filter): FilterResult {
    return this.compile(filter)(entry)
  }

  /** The attributes a search returns for the entry (see projection.ts); the suffix entry shows contextCSN. */
  project(entry: Entry, requested: readonly string[] | AttributeSelection, options: ProjectOptions = {}): EntryAttributeInput[] {
    // Only a naming context's entry shows contextCSN: do not build the vector for every entry.
    return projectEntry(entry, requested, entry.isSuffixEntry ? { contextCsn: this.contextCsnVector(), ...options } : options)
  }

  private compile(filter: Filter): CompiledFilter {
    let compiled = this.compiled.get(filter)
    if (compiled === undefined) {
      compiled = compileFilter(filter, this.env)
      this.compiled.set(filter, compiled)
    }
    return compiled
  }

  private changeContext(sid: number, by: string, snapshots: boolean): ChangeContext {
    return {
      store: this.store,
      by,
      snapshots,
      newUuid: this.newUuid,
      stamp: () => {
        const csn = this.clock.next(sid)
        const had = this.context.get(sid)
        // Same-width CSN text compares like slapd's compare (length, then bytes).
        if (had === undefined || csn > had) this.context.set(sid, csn)
        return csn
      },
    }
  }

  private emit(event: ChangeEvent): void {
    this.pending.push(event)
    if (this.emitting) return
    this.emitting = true
    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(next)
          } catch (error) {
            this.reportListenerError(error, next)
          }
        }
      }
    } finally {
      this.emitting = false
    }
  }

  private reportListenerError(error: unknown, event: ChangeEvent): void {
    try {
      this.onListenerError(error, event)
    } catch {
      // The error handler itself failed; the directory must stay usable, so there is nothing left to do.
    }
  }
}

function warnListenerError(error: unknown, event: ChangeEvent): void {
  process.emitWarning(new DirectoryError('DIRECTORY_LISTENER_FAILED',
    `A directory change listener threw while handling the ${event.kind} of entry ${event.uuid} (CSN ${event.csn}); the change stands and the other listeners ran. Pass onListenerError to handle this.`,
    { cause: error }))
}
