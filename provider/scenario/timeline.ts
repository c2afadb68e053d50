/**
 * Plays a scenario's timeline: watches the provider (server hooks and events), decides which
 * steps fire, and runs their actions in order, synchronously, at the point in the byte stream
 * where the trigger happened.
 *
 * Ordering guarantees (docs/provider.md "Scenario runtime"):
 * - A step's actions run in file order, to the end, before any other step runs.
 * - Steps that fire on the same event run in timeline order.
 * - A step triggered by something another step's action caused (an entry its modify produced)
 *   runs after that step; `after` steps with no delay run right after their step.
 * - When a step fires on a message of a sync search, that message is already in the
 *   connection's FIFO: what the step writes follows it, and nothing of the engine's comes between.
 */
import { SeededRandom } from '../../fixtures/generator/prng.js'
import type { Action, Scenario, ScriptMessage, SessionHooksSpec, Step, Trigger } from '../../scenarios/types.js'
import type { Directory } from '../directory/index.js'
import type { ProviderEvents, RequestReceivedEvent, ScenarioErrorEvent } from '../server/events.js'
import type { ServerHooks, Session, SyncSearchHandle } from '../server/session.js'
import type { SyncMessage } from '../sync/types.js'
import { ActionRunner } from './actions.js'
import { ScenarioRuntimeError } from './errors.js'
import type { ConnectionState, FiredStep, FiringContext, SearchState, StepState } from './play-state.js'
import { newestRunningSearch } from './play-state.js'
import type { ScenarioSyncEngine } from './scenario-engine.js'
import { checkTimeline } from './timeline-check.js'
import { describeTrigger, matches } from './triggers.js'
import type { ProtocolEvent } from './triggers.js'

export interface TimelineOptions {
  readonly scenario: Scenario
  readonly directory: Directory
  readonly engine: ScenarioSyncEngine
  /** The provider's clock, for the log's times. */
  readonly clock: () => Date
  /** The provider's `setSessionHooks` (the provider starts after the timeline is built). */
  readonly setSessionHooks?: (hooks: SessionHooksSpec) => void
}

interface Firing {
  readonly state: StepState
  readonly ctx: FiringContext
  readonly firing: number
}

/** What a message means to the triggers. */
type Significance = 'entry' | 'refreshEnd' | 'other'

export class Timeline {
  readonly log: FiredStep[] = []
  /** Every failed action so far (also emitted as scenarioError events). */
  readonly errors: ScenarioErrorEvent[] = []
  readonly hooks: ServerHooks
  private readonly steps: StepState[]
  /** Steps with an `after` trigger, by the name of the step they follow. */
  private readonly followers = new Map<string, StepState[]>()
  private readonly connections = new Map<number, ConnectionState>()
  private readonly searches = new WeakMap<SyncSearchHandle, SearchState>()
  private readonly queue: Firing[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly actions: ActionRunner
  private events: ProviderEvents | undefined
  private unsubscribe: (() => void) | undefined
  private draining = false
  private stopped = false
  private syncRequests = 0

  /** @throws ScenarioRuntimeError SCENARIO_TIMELINE when the timeline cannot be played as written. */
  constructor(private readonly options: TimelineOptions) {
    const { scenario } = options
    checkTimeline(scenario)
    this.steps = scenario.timeline.map((step, index) => ({ index, step, fired: 0, random: new SeededRandom(scenario.provider.seed, `scenario step ${index}`) }))
    for (const s of this.steps) {
      const t = s.step.trigger
      if (t.on !== 'after') continue
      const list = this.followers.get(t.step) ?? []
      list.push(s)
      this.followers.set(t.step, list)
    }
    this.actions = new ActionRunner({
      directory: options.directory,
      engine: options.engine,
      connections: () => this.connections.values(),
      scriptSent: (search, message) => this.observe(search, scriptSignificance(message, search), undefined),
      notice: (connectionId, message) => this.events?.emit({ type: 'notice', connectionId, message }),
      setSessionHooks: (hooks) => {
        if (options.setSessionHooks === undefined) throw new Error('This timeline runs without a provider to give session hooks to.')
        options.setSessionHooks(hooks)
      },
    })
    // The hooks run inside the server's request handling: whatever goes wrong in a step must
    // not reach it (a throw there would fail the client's operation or the process).
    this.hooks = {
      scripted: scenario.provider.mode === 'script',
      sessionOpened: this.guard((session: Session) => this.onSessionOpened(session)),
      syncSearchStarted: this.guard((handle: SyncSearchHandle) => this.onSyncSearch(handle)),
      syncMessageSent: this.guard((handle: SyncSearchHandle, message: SyncMessage, _phase: unknown, handOff: () => void) => {
        const search = this.searches.get(handle)
        if (search !== undefined) this.observe(search, engineSignificance(message, search), handOff)
      }),
      syncPersistStarted: this.guard((handle: SyncSearchHandle) => {
        const search = this.searches.get(handle)
        if (search !== undefined) this.refreshEnded(search, undefined)
      }),
    }
  }

  /** Listens to the provider's events (requests reset idle timers; a BindRequest is the `bind` trigger). */
  attach(events: ProviderEvents): void {
    this.events = events
    this.unsubscribe = events.on('requestReceived', this.guard((e: RequestReceivedEvent) => this.onRequest(e)))
  }

  /** Arms the `time` steps and fires the `start` steps. */
  start(): void {
    for (const s of this.steps) {
      const t = s.step.trigger
      if (t.on === 'time') this.later(t.afterMs, () => this.fireNow(s, {}))
    }
    this.offer({ on: 'start' }, {})
  }

  /** No step fires after this; every timer is cleared. */
  stop(): void {
    this.stopped = true
    this.queue.length = 0
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    for (const c of this.connections.values()) this.clearIdle(c)
    this.unsubscribe?.()
  }

  private onSessionOpened(session: Session): void {
    if (this.stopped) return
    const c: ConnectionState = { id: session.connection.id, session, searches: [], idle: new Map(), closed: false }
    this.connections.set(c.id, c)
    void session.connection.whenClosed.then(() => {
      c.closed = true
      this.clearIdle(c)
      this.connections.delete(c.id)
    })
    this.armIdle(c)
    this.offer({ on: 'connectionOpened', connection: c.id }, { connection: c })
  }

  private onRequest(e: RequestReceivedEvent): void {
    const c = this.connections.get(e.connectionId)
    if (c === undefined || this.stopped) return
    this.armIdle(c)
    if (e.message.op.kind === 'bindRequest') this.offer({ on: 'bind', connection: c.id }, connectionContext(c, e.messageId))
  }

  private onSyncSearch(handle: SyncSearchHandle): void {
    const c = this.connections.get(handle.session.connection.id)
    if (c === undefined || this.stopped) return
    const { request } = handle
    const mode = request.sync.mode === 'refreshAndPersist' ? 'refreshAndPersist' : 'refreshOnly'
    const search: SearchState = { handle, connection: c, messageId: request.messageId, mode, entries: 0, refreshDone: false }
    c.searches = c.searches.filter((s) => !s.handle.operation.stopped)
    c.searches.push(search)
    this.searches.set(handle, search)
    const nth = ++this.syncRequests
    this.offer(
      { on: 'syncRequest', connection: c.id, nth, mode, cookie: request.sync.cookie !== undefined, reloadHint: request.sync.reloadHint },
      { connection: c, search, operationMessageId: request.messageId },
    )
  }

  /** A message of a sync search went out (engine's or script's). */
  private observe(search: SearchState, significance: Significance, handOff: (() => void) | undefined): void {
    if (significance === 'entry') {
      search.entries++
      this.offer({ on: 'entrySent', connection: search.connection.id, count: search.entries }, searchContext(search), handOff)
    } else if (significance === 'refreshEnd') {
      this.refreshEnded(search, handOff)
    }
  }

  private refreshEnded(search: SearchState, handOff: (() => void) | undefined): void {
    if (search.refreshDone) return
    search.refreshDone = true
    const connection = search.connection.id
    this.offer({ on: 'refreshDone', connection }, searchContext(search), handOff)
    if (search.mode === 'refreshAndPersist') this.offer({ on: 'persistStarted', connection }, searchContext(search), handOff)
  }

  /** Queues every step the event fires (handing off the batch first) and runs the queue. */
  private offer(event: ProtocolEvent, ctx: FiringContext, handOff?: () => void): void {
    if (this.stopped) return
    let matched = false
    for (const s of this.steps) {
      if (!matches(s.step.trigger, event)) continue
      const firing = reserve(s)
      if (firing === undefined) continue
      if (!matched) handOff?.()
      matched = true
      this.queue.push({ state: s, ctx, firing })
    }
    if (matched) this.drain()
  }

  /** A timer-driven step (time, idle, delayed after): fires now if it has firings left. */
  private fireNow(s: StepState, ctx: FiringContext): void {
    if (this.stopped) return
    const firing = reserve(s)
    if (firing === undefined) return
    this.queue.push({ state: s, ctx, firing })
    this.drain()
  }

  private drain(): void {
    if (this.draining) return
    this.draining = true
    try {
      for (let f = this.queue.shift(); f !== undefined && !this.stopped; f = this.queue.shift()) this.run(f)
    } finally {
      this.draining = false
    }
  }

  private run({ state, ctx, firing }: Firing): void {
    const { step, index } = state
    const connectionId = ctx.connection?.id
    const messageId = ctx.operationMessageId ?? ctx.search?.messageId
    const trigger = describeFiring(step.trigger, ctx)
    const name = step.name === undefined ? {} : { name: step.name }
    this.log.push({
      index, ...name, source: step.source, trigger, firing, time: this.options.clock().getTime(),
      ...(connectionId === undefined ? {} : { connectionId }),
      ...(messageId === undefined ? {} : { messageId }),
    })
    this.events?.emit({ type: 'scenarioStep', connectionId: connectionId ?? 0, step: index, ...name, source: step.source, trigger, firing, ...(messageId === undefined ? {} : { messageId }) })
    for (const action of step.actions) {
      if (this.stopped) return
      try {
        this.actions.run(action, state, ctx)
      } catch (error) {
        this.report(state, ctx, action, error)
      }
    }
    if (step.name === undefined) return
    for (const follower of this.followers.get(step.name) ?? []) {
      const delayMs = (follower.step.trigger as Extract<Trigger, { on: 'after' }>).delayMs
      if (delayMs > 0) {
        this.later(delayMs, () => this.fireNow(follower, ctx))
        continue
      }
      const next = reserve(follower)
      if (next !== undefined) this.queue.push({ state: follower, ctx, firing: next })
    }
  }

  /** A failed action becomes a scenarioError event; the step goes on with its next action. */
  private report(state: StepState, ctx: FiringContext, action: Action, error: unknown): void {
    const err = error instanceof ScenarioRuntimeError
      ? error
      : new ScenarioRuntimeError('SCENARIO_ACTION_FAILED', `The ${action.do} action failed: ${error instanceof Error ? error.message : String(error)}`, action.source, { cause: error })
    const step: Step = state.step
    const event = {
      type: 'scenarioError',
      connectionId: ctx.connection?.id ?? 0,
      step: state.index,
      ...(step.name === undefined ? {} : { name: step.name }),
      source: action.source,
      stepSource: step.source,
      action: action.do,
      code: err.code,
      error: err,
    } as const
    this.errors.push({ ...event, time: this.options.clock().getTime() })
    this.events?.emit(event)
  }

  /** (Re)arms the connection's idle steps: each fires once after `forMs` without a request. */
  private armIdle(c: ConnectionState): void {
    for (const s of this.steps) {
      const t = s.step.trigger
      if (t.on !== 'idle' || (t.connection !== undefined && t.connection !== c.id)) continue
      const old = c.idle.get(s.index)
      if (old !== undefined) clearTimeout(old)
      c.idle.delete(s.index)
      if (s.step.times !== 0 && s.fired >= s.step.times) continue
      const timer = setTimeout(this.guard(() => {
        c.idle.delete(s.index)
        if (!c.closed) this.fireNow(s, connectionContext(c, undefined))
      }), t.forMs)
      c.idle.set(s.index, timer)
    }
  }

  private clearIdle(c: ConnectionState): void {
    for (const t of c.idle.values()) clearTimeout(t)
    c.idle.clear()
  }

  private later(ms: number, run: () => void): void {
    const guarded = this.guard(run)
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.stopped) guarded()
    }, ms)
    this.timers.add(timer)
  }

  /** Runs `fn`, turning anything it throws into a notice: a timeline fault must not become the provider's. */
  private guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        fn(...args)
      } catch (error) {
        this.events?.emit({ type: 'notice', connectionId: 0, message: `The scenario timeline failed internally and carries on: ${error instanceof Error ? error.message : String(error)}` })
      }
    }
  }
}

/** The trigger, and the connection it fired on when the trigger does not name one. */
function describeFiring(trigger: Trigger, ctx: FiringContext): string {
  const named = 'connection' in trigger && trigger.connection !== undefined
  return ctx.connection === undefined || named ? describeTrigger(trigger) : `${describeTrigger(trigger)} (connection ${ctx.connection.id})`
}

/** Counts a firing if the step has any left (`times` 0 = unlimited); its 1-based number. */
function reserve(s: StepState): number | undefined {
  if (s.step.times !== 0 && s.fired >= s.step.times) return undefined
  return ++s.fired
}

function searchContext(search: SearchState): FiringContext {
  return { connection: search.connection, search, operationMessageId: search.messageId }
}

/** A connection-level trigger acts on the connection's newest running sync search, if any. */
function connectionContext(c: ConnectionState, operationMessageId: number | undefined): FiringContext {
  const search = newestRunningSearch(c)
  return { connection: c, ...(search === undefined ? {} : { search }), ...(operationMessageId === undefined ? {} : { operationMessageId }) }
}

function engineSignificance(message: SyncMessage, search: SearchState): Significance {
  switch (message.kind) {
    case 'entry':
      return 'entry'
    case 'info':
      return (message.info.kind === 'refreshDelete' || message.info.kind === 'refreshPresent') && message.info.refreshDone ? 'refreshEnd' : 'other'
    case 'done':
      return search.mode === 'refreshOnly' && message.resultCode === 0 ? 'refreshEnd' : 'other'
    default:
      return 'other'
  }
}

/** The same reading of a script message: RFC 4533 §3.3 / §3.4 refresh ends. */
function scriptSignificance(message: ScriptMessage, search: SearchState): Significance {
  switch (message.kind) {
    case 'entry':
      return 'entry'
    case 'syncInfo': {
      const info = message.info
      return (info.type === 'refreshDelete' || info.type === 'refreshPresent') && info.refreshDone ? 'refreshEnd' : 'other'
    }
    case 'done':
      return search.mode === 'refreshOnly' && message.resultCode === 0 ? 'refreshEnd' : 'other'
    default:
      return 'other'
  }
}
