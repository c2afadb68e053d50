/**
 * Plays one example scenario against one real consumer in one sync mode: a fresh provider per
 * run (so session N is connection N), the plan's sessions in order, then the evidence the
 * generic checks need — failed actions, protocol violations, the steps that fired — and a fresh
 * plain search that shows the provider is still serving.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LdapClient } from '../../../consumer/index.js'
import { startScenario } from '../../../provider/scenario/index.js'
import type { RunningScenario } from '../../../provider/scenario/index.js'
import type { MessageSentEvent, ProtocolViolationEvent, ScenarioErrorEvent } from '../../../provider/server/events.js'
import type { ConsumerSpec, Scenario } from '../../../scenarios/types.js'
import { readReplica } from '../../support/python-replica.js'
import { providerContent } from '../../interop/replica-comparison.js'
import { LdapsearchSession, lastCookie } from './ldapsearch-session.js'
import type { LdapsearchExit } from './ldapsearch-session.js'
import type { ExamplePlan, LdapsearchRun, PersistMarker, PythonRun, SessionPlan, SyncMode } from './plan-types.js'
import { PythonSession } from './python-session.js'
import type { PythonEvent, PythonExit } from './python-session.js'

const WAIT_MS = 15_000

const DEFAULT_MARKER: PersistMarker = { python: 'refreshDone', ldapsearch: /refresh done, switching to persist stage/ }

/** What every run is judged by, whatever the consumer. */
export interface RunEvidence {
  readonly errors: readonly ScenarioErrorEvent[]
  readonly violations: readonly ProtocolViolationEvent[]
  /** Names of the steps that fired, in order (unnamed steps as `#<index>`). */
  readonly fired: readonly string[]
  /** The fresh plain subtree search of the suffix after the run. */
  readonly health: { readonly resultCode: number; readonly entries: number; readonly expected: number }
}

/** The example's consumer search, with the loader's defaults. */
export function consumerOf(scenario: Scenario): ConsumerSpec {
  return scenario.consumer ?? {
    base: scenario.directory.suffix, scope: 'sub', filter: '(objectClass=*)', attributes: [], modes: ['refreshOnly', 'refreshAndPersist'], reloadHint: false,
  }
}

export async function runPython(plan: ExamplePlan, scenario: Scenario, mode: SyncMode): Promise<{ run: PythonRun; evidence: RunEvidence }> {
  const consumer = consumerOf(scenario)
  // The content comparison (test/interop/replica-comparison.ts) reads subtree searches only.
  if (consumer.scope !== 'sub') throw new Error(`${plan.file}: the example test compares subtree searches only, not scope ${consumer.scope}.`)
  const dir = mkdtempSync(join(tmpdir(), 'syncrepl-example-'))
  const state = join(dir, 'replica.json')
  try {
    return await withScenario(scenario, async (running, sent, notices) => {
      const sessions: { events: readonly PythonEvent[]; exit: PythonExit }[] = []
      for (const session of plan.sessions(mode)) {
        const py = new PythonSession({
          url: running.url, base: consumer.base, scope: consumer.scope, filter: consumer.filter, attributes: consumer.attributes,
          mode, state, forgetCookie: session.forgetCookie === true, reloadOn4096: session.reloadOn4096 === true,
        })
        try {
          if (mode === 'refreshAndPersist' && session.endsByItself !== true) {
            await waitForSteps(running, session.stopAfter ?? [])
            const marker = (plan.persistMarker ?? DEFAULT_MARKER).python
            await py.until(`its "${marker}" event`, (e) => e.event === marker)
            py.stop()
          }
          const exit = await py.finished()
          sessions.push({ events: py.events, exit })
        } finally {
          py.kill()
        }
      }
      const content = providerContent(running.provider.directory, { base: consumer.base, filter: consumer.filter, attrs: consumer.attributes })
      return { mode, sessions, replica: readReplica(state), content, running, sent, notices }
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function runLdapsearch(plan: ExamplePlan, scenario: Scenario, mode: SyncMode): Promise<{ run: LdapsearchRun; evidence: RunEvidence }> {
  const consumer = consumerOf(scenario)
  return withScenario(scenario, async (running, sent, notices) => {
    const sessions: LdapsearchExit[] = []
    let cookie: string | undefined
    const plans = plan.sessions(mode)
    for (const [i, session] of plans.entries()) {
      const connection = i + 1
      const ls = new LdapsearchSession({
        url: running.url, base: consumer.base, scope: consumer.scope, filter: consumer.filter, attributes: consumer.attributes, mode,
        ...(cookie === undefined || session.forgetCookie === true ? {} : { cookie }),
      })
      try {
        // ldapsearch does not reload after a 4096: for it, the 4096 ends the session.
        if (mode === 'refreshAndPersist' && session.endsByItself !== true && session.reloadOn4096 !== true) {
          await waitForSteps(running, session.stopAfter ?? [])
          await ls.until('the end of the refresh', (out) => (plan.persistMarker ?? DEFAULT_MARKER).ldapsearch.test(out))
          // Everything the provider sent on this connection so far has been printed.
          await ls.until('every sync message the provider sent', () => ls.syncMessagesPrinted() >= syncMessagesOn(sent, connection))
          ls.stop()
        }
        const exit = await ls.finished()
        sessions.push(exit)
        cookie = lastCookie(exit.stdout) ?? cookie
      } finally {
        ls.kill()
      }
    }
    return { mode, sessions, running, sent, notices }
  })
}

/** Starts the scenario, collects the evidence around `body`, checks health, and always stops it. */
async function withScenario<R>(scenario: Scenario, body: (running: RunningScenario, sent: readonly MessageSentEvent[], notices: readonly string[]) => Promise<R>): Promise<{ run: R; evidence: RunEvidence }> {
  const running = await startScenario(scenario, { port: 0 })
  const violations: ProtocolViolationEvent[] = []
  const sent: MessageSentEvent[] = []
  const offViolation = running.events.on('protocolViolation', (e) => violations.push(e))
  const notices: string[] = []
  const offSent = running.events.on('messageSent', (e) => sent.push(e))
  const offNotice = running.events.on('notice', (e) => notices.push(e.message))
  try {
    const run = await body(running, sent, notices)
    const health = await plainSearch(running, scenario.directory.suffix)
    const fired = running.log.map((f) => f.name ?? `#${f.index}`)
    return { run, evidence: { errors: [...running.errors], violations, fired, health } }
  } finally {
    offViolation()
    offSent()
    offNotice()
    await running.stop()
  }
}

/** Sync messages (entries, Sync Info) the provider reported on one connection. */
function syncMessagesOn(sent: readonly MessageSentEvent[], connectionId: number): number {
  return sent.filter((e) => e.connectionId === connectionId && e.sync !== undefined && e.sync.kind !== 'done').length
}

/** Resolves once every named step has fired at least once. */
async function waitForSteps(running: RunningScenario, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (running.log.some((f) => f.name === name)) continue
    await running.events.waitFor('scenarioStep', (e) => e.name === name, AbortSignal.timeout(WAIT_MS)).catch((error: unknown) => {
      throw new Error(`The step "${name}" did not fire within ${WAIT_MS} ms; fired so far: ${running.log.map((f) => f.name ?? `#${f.index}`).join(', ') || 'none'}.`, { cause: error })
    })
  }
}

/** A plain (non-sync) subtree search of the suffix on a new connection. */
async function plainSearch(running: RunningScenario, suffix: string): Promise<RunEvidence['health']> {
  const expected = [...running.provider.directory.search({ base: suffix, scope: 'sub' })].length
  const client = await LdapClient.connect(running.url, { timeoutMs: WAIT_MS })
  try {
    let entries = 0
    let resultCode = -1
    for await (const item of client.search({ baseObject: suffix, attributes: ['1.1'], timeoutMs: WAIT_MS })) {
      if (item.kind === 'entry') entries++
      if (item.kind === 'done') resultCode = item.result.resultCode
    }
    return { resultCode, entries, expected }
  } finally {
    await client.close()
  }
}
