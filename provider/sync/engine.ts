import type { Directory } from '../directory/index.js'
import { analyseCookie } from './cookie-state.js'
import { OPENLDAP_2_5 } from './dialect.js'
import type { DialectKnobs } from './dialect.js'
import { PersistMapper } from './persist.js'
import { refreshMessages } from './refresh.js'
import type { RefreshPlan } from './refresh.js'
import type { SyncMessage, SyncOperation, SyncSearchRequest } from './types.js'

export interface SyncEngineOptions {
  /** The dialect; default slapd 2.5's syncprov. Individual knobs may be overridden. */
  readonly dialect?: Partial<DialectKnobs>
}

/**
 * Decides what a provider sends for each sync search: the refresh (rfc4533.md §3.4) and, for
 * refreshAndPersist, the persist stage (§3.5). Produces typed messages; never writes bytes.
 *
 * @example
 * const op = new SyncEngine(directory).start(request)
 * for (let r = op.refresh().next(); !r.done; r = op.refresh().next()) send(r.value)
 */
export class SyncEngine {
  readonly knobs: DialectKnobs

  constructor(
    readonly directory: Directory,
    options: SyncEngineOptions = {},
  ) {
    this.knobs = Object.freeze({ ...OPENLDAP_2_5, ...options.dialect })
  }

  /**
   * Starts one sync operation. For refreshAndPersist the change listener is registered before
   * the contextCSN snapshot is taken, as slapd does, so a change racing with the refresh is
   * queued and replayed after it: duplicates are possible, gaps are not.
   */
  start(request: SyncSearchRequest): SyncOperation {
    return new RunningSyncOperation(this.directory, this.knobs, request)
  }
}

class RunningSyncOperation implements SyncOperation {
  private readonly plan: RefreshPlan
  private readonly iterator: Iterator<SyncMessage>
  private readonly mapper: PersistMapper | undefined
  private readonly queue: SyncMessage[] = []
  private sink: ((message: SyncMessage) => void) | undefined
  private unsubscribe: (() => void) | undefined
  private refreshEnded = false
  private stopped = false
  private finished = false

  constructor(directory: Directory, knobs: DialectKnobs, request: SyncSearchRequest) {
    const persist = request.sync.mode === 'refreshAndPersist'
    if (persist) this.unsubscribe = directory.onChange((event) => this.onChange(event))
    const snapshot = directory.contextCsnVector()
    this.plan = { directory, request, knobs, snapshot, cookie: analyseCookie(request.sync.cookie, snapshot, directory.sid) }
    this.mapper = persist ? new PersistMapper(this.plan) : undefined
    this.iterator = this.track(refreshMessages(this.plan))
  }

  get persisting(): boolean {
    return this.refreshEnded && !this.finished && !this.stopped && this.mapper !== undefined
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
  private *track(messages: Generator<SyncMessage>): Generator<SyncMessage> {
    for (const m of messages) {
      if (this.stopped) return
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

  private onChange(event: Parameters<PersistMapper['map']>[0]): void {
    if (this.stopped || this.finished || this.mapper === undefined) return
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
