import type { ChangeEvent, Directory } from '../directory/index.js'
import { analyseChangelogCookie } from './changelog-cookie.js'
import { changelogRefresh } from './changelog-refresh.js'
import { ReplicaRegistry, analyseCookie, perReplicaCookie, replyCookie } from './cookie-state.js'
import type { DialectKnobs } from './dialect.js'
import { PersistMapper } from './persist.js'
import type { PersistContext } from './persist.js'
import { resolveDialect } from './presets.js'
import type { DialectName } from './presets.js'
import { refreshMessages } from './refresh.js'
import type { RefreshEnd } from './refresh-phases.js'
import type { SyncMessage, SyncOperation, SyncSearchRequest } from './types.js'

export interface SyncEngineOptions {
  /** The preset to start from (presets.ts, docs/provider.md "Dialect presets"). Default 'openldap'. */
  readonly preset?: DialectName
  /** Individual knobs on top of the preset. */
  readonly dialect?: Partial<DialectKnobs>
}

/**
 * Decides what a provider sends for each sync search: the refresh (rfc4533.md §3.4) and, for
 * refreshAndPersist, the persist stage (§3.5). Produces typed messages; never writes bytes.
 *
 * @example
 * const op = new SyncEngine(directory, { preset: '389ds' }).start(request)
 * for (let r = op.refresh().next(); !r.done; r = op.refresh().next()) send(r.value)
 * @throws SyncEngineError SYNC_UNKNOWN_DIALECT, SYNC_BAD_DIALECT for a bad configuration.
 */
export class SyncEngine {
  readonly knobs: DialectKnobs
  /** ApacheDS-style replica ids this provider gave out ('perReplica' rids). */
  private readonly replicas = new ReplicaRegistry()

  constructor(
    readonly directory: Directory,
    options: SyncEngineOptions = {},
  ) {
    this.knobs = resolveDialect(options.preset, options.dialect)
  }

  /**
   * Starts one sync operation. For refreshAndPersist the change listener is registered before
   * the contextCSN snapshot is taken, as slapd does, so a change racing with the refresh is
   * queued and replayed after it: duplicates are possible, gaps are not.
   */
  start(request: SyncSearchRequest): SyncOperation {
    return new RunningSyncOperation(this.directory, this.knobs, this.replicas, request)
  }
}

/** The refresh generator and persist context a dialect's state model gives one operation. */
interface Stages {
  readonly refresh: Generator<SyncMessage, RefreshEnd>
  readonly persist: PersistContext
}

function stagesFor(directory: Directory, knobs: DialectKnobs, replicas: ReplicaRegistry, request: SyncSearchRequest): Stages {
  const snapshot = directory.contextCsnVector()
  const base = { directory, request, knobs, snapshot }
  if (knobs.cookieStyle === '389ds') {
    const session = analyseChangelogCookie(request, knobs, directory.lastChangeNumber)
    return {
      refresh: changelogRefresh({ ...base, session }),
      persist: { ...base, stateCookie: (event) => session.cookie(event.changeNumber), newcookie: () => session.cookie(directory.lastChangeNumber) },
    }
  }
  let cookie = analyseCookie(request.sync.cookie, snapshot, directory.sid)
  if (knobs.cookieRid === 'perReplica') cookie = perReplicaCookie(cookie, replicas)
  return {
    refresh: refreshMessages({ ...base, cookie }),
    persist: {
      ...base,
      stateCookie: (event) => replyCookie(cookie, directory.sid, [event.csn]),
      newcookie: () => replyCookie(cookie, directory.sid, directory.contextCsnVector()),
      ...(cookie.consumerSid === undefined ? {} : { consumerSid: cookie.consumerSid }),
    },
  }
}

class RunningSyncOperation implements SyncOperation {
  private readonly iterator: Iterator<SyncMessage>
  private readonly mapper: PersistMapper | undefined
  private readonly queue: SyncMessage[] = []
  private sink: ((message: SyncMessage) => void) | undefined
  private unsubscribe: (() => void) | undefined
  private refreshEnded = false
  private stopped = false
  private finished = false
  private silent = false

  constructor(directory: Directory, knobs: DialectKnobs, replicas: ReplicaRegistry, request: SyncSearchRequest) {
    const persist = request.sync.mode === 'refreshAndPersist'
    if (persist) this.unsubscribe = directory.onChange((event) => this.onChange(event))
    const stages = stagesFor(directory, knobs, replicas, request)
    this.mapper = persist ? new PersistMapper(stages.persist) : undefined
    this.iterator = this.track(stages.refresh)
  }

  get persisting(): boolean {
    if (this.silent) return !this.stopped
    return this.refreshEnded && !this.finished && !this.stopped && this.mapper !== undefined
  }

  get unanswered(): boolean {
    return this.silent
  }

  refresh(): Iterator<SyncMessage> {
    return this.iterator
  }

  onPersist(send: (message: SyncMessage) => void): void {
    this.sink = send
    this.flush()
  }

  stop(): void {
    this.stopped = true
    this.release()
  }

  /** Watches the refresh for its end: a `done` ends the operation, the terminating info starts persist. */
  private *track(messages: Generator<SyncMessage, RefreshEnd>): Generator<SyncMessage> {
    for (let r = messages.next(); ; r = messages.next()) {
      if (this.stopped) return
      if (r.done === true) {
        if (r.value === 'unanswered') {
          // The operation is never answered: no persist stage either (389-DS, trace f1).
          this.silent = true
          this.queue.length = 0
          this.release()
          return
        }
        break
      }
      const m = r.value
      if (m.kind === 'done') {
        this.finished = true
        this.release()
      }
      yield m
    }
    this.refreshEnded = true
    if (this.mapper === undefined) this.release()
    this.flush()
  }

  private onChange(event: ChangeEvent): void {
    if (this.stopped || this.finished || this.silent || this.mapper === undefined) return
    for (const m of this.mapper.map(event)) {
      this.queue.push(m)
      if (m.kind === 'done') {
        // Base changed: the operation ends with 4096 (after what was queued before it).
        this.finished = true
        this.release()
        break
      }
    }
    this.flush()
  }

  private flush(): void {
    if (!this.refreshEnded || this.sink === undefined) return
    while (this.queue.length > 0 && !this.stopped) this.sink(this.queue.shift() as SyncMessage)
  }

  private release(): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }
}
