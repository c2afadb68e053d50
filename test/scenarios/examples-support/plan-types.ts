/**
 * What the example test knows about each example in scenarios/examples/: how a consumer goes
 * through it (its sessions), which steps the example says must fire, and what the example's
 * comment says python-ldap and ldapsearch end with. The YAML file is the provider's side; this
 * is the consumer's side of the same story.
 */
import type { RunningScenario } from '../../../provider/scenario/index.js'
import type { MessageSentEvent } from '../../../provider/server/events.js'
import type { ComparableEntry } from '../../interop/replica-comparison.js'
import type { ReplicaState } from '../../support/python-replica.js'
import type { LdapsearchExit } from './ldapsearch-session.js'
import type { PythonEvent, PythonExit } from './python-session.js'

export type SyncMode = 'refreshOnly' | 'refreshAndPersist'

/** One sync session: one process, one connection (sessions of a run are numbered as connections). */
export interface SessionPlan {
  /** Start without a cookie but keep the replica (a consumer that lost its cookie). */
  readonly forgetCookie?: boolean
  /**
   * python: on 4096, drop cookie and replica and search once more without a cookie. ldapsearch
   * does no such thing: for it the 4096 ends the session.
   */
  readonly reloadOn4096?: boolean
  /**
   * The provider ends this session itself (a fault, a restart, a 4096, a scripted end), even in
   * refreshAndPersist: nobody stops it.
   */
  readonly endsByItself?: boolean
  /** refreshAndPersist sessions: the named steps that must have fired before the test stops it. */
  readonly stopAfter?: readonly string[]
}

/** How a dialect's refreshAndPersist refresh ends, as each client shows it. */
export interface PersistMarker {
  /** The python-ldap event that shows the refresh was read. */
  readonly python: PythonEvent['event']
  /** What ldapsearch prints when the refresh was read. */
  readonly ldapsearch: RegExp
}

export interface PythonRun {
  readonly mode: SyncMode
  readonly sessions: readonly { readonly events: readonly PythonEvent[]; readonly exit: PythonExit }[]
  /** The replica python-ldap's application saved at the end of the last session. */
  readonly replica: ReplicaState
  /** The provider's content for the example's `consumer` search at the end, by entryUUID. */
  readonly content: ReadonlyMap<string, ComparableEntry>
  readonly running: RunningScenario
  /** Every message the provider reported sending, in order. */
  readonly sent: readonly MessageSentEvent[]
  /** The provider's notice lines (skipped faults, restarts…), in order. */
  readonly notices: readonly string[]
}

export interface LdapsearchRun {
  readonly mode: SyncMode
  readonly sessions: readonly LdapsearchExit[]
  readonly running: RunningScenario
  readonly sent: readonly MessageSentEvent[]
  readonly notices: readonly string[]
}

export interface ExamplePlan {
  /** The file name in scenarios/examples/. */
  readonly file: string
  /** The sessions of one run, per mode (every mode of the example's `consumer.modes`). */
  readonly sessions: (mode: SyncMode) => readonly SessionPlan[]
  /** Steps (by name) the example says must fire in every run. */
  readonly mustFire: readonly string[]
  /** Default: python `refreshDone`, ldapsearch "switching to persist stage". */
  readonly persistMarker?: PersistMarker
  /** What python-ldap ends with, as the example's comment says. */
  readonly python: (run: PythonRun) => void
  /**
   * ldapsearch's runs: the sessions' exits are checked here (the generic checks — every step
   * fired, no scenarioError, no protocolViolation, a healthy provider — run for every run).
   */
  readonly ldapsearch: (run: LdapsearchRun) => void
}
