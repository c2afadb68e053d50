/**
 * What a step does, action by action, at the moment it fires: directory changes, provider
 * actions (newcookie, 4096, restart, setKnob, setSessionHooks), script sends and wire faults. Every write goes
 * into the target connection's one ordered FIFO synchronously, so it lands exactly where the
 * trigger fired in the byte stream.
 *
 * Where an action acts: on the triggering sync search (or, for a connection-level trigger, that
 * connection's newest running sync search); with no connection at all (`start`, `time`), on
 * every running sync search (faults: every open connection).
 */
import { BerWriter } from '../../protocol/index.js'
import { ResultCode } from '../../protocol/index.js'
import type { Action, FaultAction, ProviderAction, ScriptMessage, SendAction, SessionHooksSpec } from '../../scenarios/types.js'
import type { Directory } from '../directory/index.js'
import { writeSyncMessage } from '../server/encode-sync.js'
import type { WireFault } from '../server/wire-faults.js'
import { analyseChangelogCookie } from '../sync/changelog-cookie.js'
import { analyseCookie, replyCookie } from '../sync/cookie-state.js'
import type { DialectKnobs } from '../sync/dialect.js'
import type { SyncMessage, SyncSearchRequest } from '../sync/types.js'
import { applyDirectoryAction } from './directory-actions.js'
import { ScenarioRuntimeError } from './errors.js'
import type { ConnectionState, FiringContext, SearchState, StepState } from './play-state.js'
import { newestRunningSearch } from './play-state.js'
import type { ScenarioSyncEngine } from './scenario-engine.js'
import { encodeScriptMessage } from './script-encode.js'

/** Garbage octets when a `garbage` fault gives no count. */
export const DEFAULT_GARBAGE_BYTES = 16

export interface ActionHost {
  readonly directory: Directory
  readonly engine: ScenarioSyncEngine
  /** Open connections, in accept order. */
  connections(): Iterable<ConnectionState>
  /** A script message went out for a sync search (the timeline counts entries, sees refreshDone). */
  scriptSent(search: SearchState, message: ScriptMessage): void
  /** A line for the event log (connection 0: none). */
  notice(connectionId: number, message: string): void
  /** Replaces the provider's session-hook script (throws HandshakeError for one that cannot work). */
  setSessionHooks(hooks: SessionHooksSpec): void
}

export class ActionRunner {
  constructor(private readonly host: ActionHost) {}

  /** Runs one action; throws (ScenarioRuntimeError or the cause) when it fails. */
  run(action: Action, step: StepState, ctx: FiringContext): void {
    switch (action.do) {
      case 'add':
      case 'modify':
      case 'modDn':
      case 'delete':
      case 'generate':
        return applyDirectoryAction(this.host.directory, action)
      case 'newcookie':
      case 'refreshRequired':
      case 'restart':
      case 'setKnob':
      case 'setSessionHooks':
        return this.provider(action, ctx)
      case 'send':
        return this.send(action, ctx)
      case 'fault':
        return this.fault(action, step, ctx)
      default: {
        const never: never = action
        throw new Error(`Unknown action ${JSON.stringify((never as { do: string }).do)}.`)
      }
    }
  }

  private provider(action: ProviderAction, ctx: FiringContext): void {
    switch (action.do) {
      case 'newcookie':
        for (const search of this.runningSearches(action, ctx)) {
          this.write(search, { kind: 'info', info: { kind: 'newcookie', cookie: this.cookieFor(search.handle.request) } })
        }
        return
      case 'refreshRequired':
        for (const search of this.runningSearches(action, ctx)) {
          // RFC 4533 §3.3.3 / §3.4.3: e-syncRefreshRequired ends the search; the client starts over.
          const done: SyncMessage = {
            kind: 'done',
            resultCode: ResultCode.eSyncRefreshRequired,
            diagnosticMessage: '',
            ...(action.withDoneCookie ? { syncDone: { kind: 'syncDone', cookie: this.cookieFor(search.handle.request), refreshDeletes: false } } : {}),
          }
          this.write(search, done)
          search.handle.session.operations.finish(search.handle.operation, ResultCode.eSyncRefreshRequired)
        }
        return
      case 'restart': {
        const open = [...this.host.connections()]
        for (const c of open) c.session.connection.destroy('restart')
        this.host.directory.sessionLog.clear()
        this.host.notice(0, `scenario restart: ${open.length} connection(s) dropped, session log emptied`)
        return
      }
      case 'setKnob':
        try {
          this.host.engine.setKnob(action.knob, action.value)
        } catch (error) {
          throw new ScenarioRuntimeError('SCENARIO_ACTION_FAILED', `setKnob was refused: ${error instanceof Error ? error.message : String(error)}`, action.source, { cause: error })
        }
        return
      case 'setSessionHooks':
        try {
          this.host.setSessionHooks(action.hooks)
        } catch (error) {
          throw new ScenarioRuntimeError('SCENARIO_ACTION_FAILED', `setSessionHooks was refused: ${error instanceof Error ? error.message : String(error)}`, action.source, { cause: error })
        }
        return
      default: {
        const never: never = action
        throw new Error(`Unknown provider action ${JSON.stringify(never)}.`)
      }
    }
  }

  private send(action: SendAction, ctx: FiringContext): void {
    for (const { connection, search } of this.sendTargets(action, ctx)) {
      let encoded
      try {
        // The triggering operation's ID (a bind's, a sync search's), else the search's.
        encoded = encodeScriptMessage(action.message, ctx.operationMessageId ?? search?.messageId)
      } catch (error) {
        throw new ScenarioRuntimeError('SCENARIO_NO_TARGET', error instanceof Error ? error.message : String(error), action.source, { cause: error })
      }
      const session = connection.session
      session.connection.write(encoded.bytes, action.message.kind === 'raw' ? 'raw' : 'pdus')
      const messageId = encoded.messageId
      session.sent(messageId ?? 0, () => `script: ${encoded.description}`, encoded.bytes)
      // A message with another ID may belong to another sync search of the connection.
      const owner = messageId === undefined ? undefined : connection.searches.find((s) => s.messageId === messageId)
      if (owner === undefined) continue
      if (action.message.kind === 'done') session.operations.finish(owner.handle.operation, action.message.resultCode)
      this.host.scriptSent(owner, action.message)
    }
  }

  private fault(action: FaultAction, step: StepState, ctx: FiringContext): void {
    const targets = ctx.connection !== undefined ? [ctx.connection] : [...this.host.connections()]
    if (targets.length === 0 || targets.every((c) => c.closed)) {
      throw new ScenarioRuntimeError('SCENARIO_NO_TARGET', `The ${action.fault} fault has no open connection to act on.`, action.source)
    }
    const p = action.probability
    // Drawn from the step's own seeded stream: the same seed skips the same faults on every run.
    if (p !== undefined && p < 1 && !(step.random.float() < p)) {
      this.host.notice(ctx.connection?.id ?? 0, `scenario fault ${action.fault} skipped (probability ${p})`)
      return
    }
    const fault = wireFault(action, step)
    for (const c of targets) c.session.connection.injectFault(fault)
  }

  /** The triggering sync search, the connection's newest running one, or every running one. */
  private runningSearches(action: ProviderAction, ctx: FiringContext): SearchState[] {
    let searches: SearchState[]
    if (ctx.search !== undefined) searches = ctx.search.handle.operation.stopped ? [] : [ctx.search]
    else if (ctx.connection !== undefined) searches = [newestRunningSearch(ctx.connection)].filter((s) => s !== undefined)
    else searches = [...this.host.connections()].map(runningSearchesOf).flat()
    if (searches.length === 0) {
      const which = ctx.search !== undefined ? 'its triggering sync search has ended' : ctx.connection !== undefined ? `connection ${ctx.connection.id} has no running sync search` : 'no sync search is running'
      throw new ScenarioRuntimeError('SCENARIO_NO_TARGET', `${action.do} has nothing to act on: ${which}.`, action.source)
    }
    return searches
  }

  private sendTargets(action: SendAction, ctx: FiringContext): { connection: ConnectionState; search?: SearchState }[] {
    if (ctx.search !== undefined) return [{ connection: ctx.search.connection, search: ctx.search }]
    if (ctx.connection !== undefined) {
      const search = newestRunningSearch(ctx.connection)
      return [search === undefined ? { connection: ctx.connection } : { connection: ctx.connection, search }]
    }
    const all = [...this.host.connections()].flatMap((c) => runningSearchesOf(c).map((search) => ({ connection: c, search })))
    if (all.length === 0) throw new ScenarioRuntimeError('SCENARIO_NO_TARGET', 'send has no connection to send to: its trigger names none and no sync search is running.', action.source)
    return all
  }

  /** Writes an engine-shaped message for a search and reports it as sent. */
  private write(search: SearchState, message: SyncMessage): void {
    const w = new BerWriter(256)
    writeSyncMessage(w, search.messageId, message)
    const session = search.handle.session
    session.connection.write(w.take())
    session.sentSync(search.messageId, message, search.refreshDone ? 'persist' : 'refresh')
  }

  /** The cookie the provider would send this search now (the dialect's cookie style). */
  private cookieFor(request: SyncSearchRequest): Uint8Array {
    const { directory, engine } = this.host
    return currentCookie(directory, engine.knobs, request)
  }
}

/** Every running sync search of a connection, oldest first. */
function runningSearchesOf(c: ConnectionState): SearchState[] {
  return c.closed ? [] : c.searches.filter((s) => !s.handle.operation.stopped)
}

/** The cookie for `request` with the directory's current state, as the engine composes it. */
export function currentCookie(directory: Directory, knobs: DialectKnobs, request: SyncSearchRequest): Uint8Array {
  if (knobs.cookieStyle === '389ds') {
    const n = directory.lastChangeNumber
    return analyseChangelogCookie(request, knobs, n).cookie(n)
  }
  const vector = directory.contextCsnVector()
  return replyCookie(analyseCookie(request.sync.cookie, vector, directory.sid), directory.sid, vector)
}

function wireFault(action: FaultAction, step: StepState): WireFault {
  switch (action.fault) {
    case 'delay':
      return { kind: 'delay', ms: action.ms ?? 0 }
    case 'stall':
    case 'close':
    case 'reset':
    case 'byteByByte':
    case 'duplicate':
      return { kind: action.fault }
    case 'truncate':
      return action.bytes === undefined ? { kind: 'truncate' } : { kind: 'truncate', bytes: action.bytes }
    case 'wrongMessageId':
      return action.messageId === undefined ? { kind: 'wrongMessageId' } : { kind: 'wrongMessageId', messageId: action.messageId }
    case 'garbage': {
      const bytes = new Uint8Array(action.bytes ?? DEFAULT_GARBAGE_BYTES)
      for (let i = 0; i < bytes.length; i++) bytes[i] = step.random.int(256)
      return { kind: 'garbage', bytes }
    }
    default: {
      const never: never = action.fault
      throw new Error(`Unknown fault ${JSON.stringify(never)}.`)
    }
  }
}
