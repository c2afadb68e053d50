/**
 * What the timeline knows while a scenario plays: each open connection, each sync search on it,
 * each step with its firing count and its own random stream, and the context a firing hands to
 * its actions (which connection, which sync search, which request triggered it).
 */
import type { SeededRandom } from '../../fixtures/generator/prng.js'
import type { SourceRef, Step } from '../../scenarios/types.js'
import type { Session, SyncSearchHandle } from '../server/session.js'

export interface ConnectionState {
  /** The connection number: accept order, 1-based. */
  readonly id: number
  readonly session: Session
  /** Sync searches in start order (ended ones are pruned when a new one starts). */
  searches: SearchState[]
  /** Armed idle timers, by step index. */
  readonly idle: Map<number, NodeJS.Timeout>
  closed: boolean
}

export interface SearchState {
  readonly handle: SyncSearchHandle
  readonly connection: ConnectionState
  readonly messageId: number
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  /** SearchResultEntry messages sent so far (engine and script). */
  entries: number
  /** The refresh stage ended (refreshDone, or persistStarted). */
  refreshDone: boolean
}

/** Why a step fired: where its actions act by default. */
export interface FiringContext {
  readonly connection?: ConnectionState
  /** The triggering sync search. */
  readonly search?: SearchState
  /** The request that triggered the step (a bind's or a sync search's message ID). */
  readonly operationMessageId?: number
}

export interface StepState {
  /** Position in the timeline, 0-based. */
  readonly index: number
  readonly step: Step
  /** Firings so far, counted when a firing is decided (queued or scheduled). */
  fired: number
  /** This step's own stream (fault probabilities, garbage), so other steps cannot shift it. */
  readonly random: SeededRandom
}

/** One step firing, as `RunningScenario.log` keeps it. */
export interface FiredStep {
  /** Position in the timeline, 0-based. */
  readonly index: number
  readonly name?: string
  readonly source: SourceRef
  /** What fired it, e.g. `entrySent 3 on connection 1`. */
  readonly trigger: string
  /** 1 for its first firing, then 2, 3… */
  readonly firing: number
  readonly connectionId?: number
  readonly messageId?: number
  /** Milliseconds since the epoch, from the provider's clock. */
  readonly time: number
}

/** The connection's most recent sync search that is still running. */
export function newestRunningSearch(connection: ConnectionState): SearchState | undefined {
  for (let i = connection.searches.length - 1; i >= 0; i--) {
    const s = connection.searches[i] as SearchState
    if (!s.handle.operation.stopped) return s
  }
  return undefined
}
