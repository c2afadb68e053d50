/**
 * One case instance from start to verdict: start the provider with the case's scenario, run the
 * consumer under test once per run of the case (initial, resume, persist with live changes,
 * kill and resume…), then judge the final replica, the kept cookie and the wire. Any failure of
 * the harness itself (the scenario cannot start, one of its actions fails) grades ERROR, never
 * against the consumer.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { startScenario } from '../../provider/scenario/index.js'
import type { RunningScenario } from '../../provider/scenario/index.js'
import type { CheckSpec, ConsumerRunSpec } from '../../scenarios/types.js'
import type { CaseInstance } from './catalogue.js'
import type { ConsumerDriver, ConsumerExit, ConsumerRun } from './drivers/types.js'
import { judgeCheck } from './judge.js'
import { diffReplicas, EMPTY_REPLICA, isEmptyDiff, providerContent } from './replica.js'
import type { ComparableReplica, ContentQuery } from './replica.js'
import { gradeForLevel, worse } from './verdict.js'
import type { CaseResult, Finding, Grade, RunRecord } from './verdict.js'
import { WireLog } from './wire-log.js'

export interface RunCaseOptions {
  readonly driver: ConsumerDriver
  /** Features the consumer declared absent (`--unsupported`). */
  readonly unsupported: ReadonlySet<string>
  /** Where state directories are made (one per case instance). */
  readonly stateRoot: string
  /** Multiplies every time limit (slow consumers, slow machines). Default 1. */
  readonly timeScale?: number
  /** Keep state directories after the case. */
  readonly keepState?: boolean
}

/** refreshOnly: how long one run may take. */
const RUN_TIMEOUT_MS = 10_000
/** refreshAndPersist: how long the replica may take to converge before the runner stops the consumer. */
const CONVERGE_TIMEOUT_MS = 5_000
/** The contract: exit within 5 s of SIGTERM. */
const EXIT_AFTER_TERM_MS = 5_000

export async function runCase(instance: CaseInstance, options: RunCaseOptions): Promise<CaseResult> {
  const started = Date.now()
  const base = baseResult(instance)
  const needs = [instance.mode, ...instance.conformance.features]
  const missing = needs.filter((f) => options.unsupported.has(f))
  if (missing.length > 0) {
    return { ...base, grade: 'UNSUPPORTED', summary: `the consumer declared ${missing.join(' and ')} unsupported`, detail: `needs ${needs.join(', ')}`, findings: [], runs: [], wire: [], durationMs: 0 }
  }
  let running: RunningScenario
  try {
    running = await startScenario(instance.scenario)
  } catch (error) {
    return { ...base, grade: 'ERROR', summary: 'the case could not start its provider', detail: messageOf(error), findings: [], runs: [], wire: [], durationMs: Date.now() - started }
  }
  const wire = new WireLog(running.events)
  // `start` steps ran before the wire log listened: their failures count as much as later ones.
  for (const e of running.errors) wire.scenarioErrors.push(`${e.source.file}:${e.source.line}:${e.source.column}: ${e.action} failed: ${e.error.message}`)
  const stateDir = join(options.stateRoot, instance.id.replace(/[^A-Za-z0-9.-]+/g, '_'))
  try {
    await mkdir(stateDir, { recursive: true })
    const play = new CasePlay(instance, options, running, wire, stateDir)
    const outcome = await play.runAll()
    return { ...base, ...outcome, wire: wire.records, durationMs: Date.now() - started }
  } catch (error) {
    return { ...base, grade: 'ERROR', summary: 'the harness failed while running the case', detail: messageOf(error), findings: [], runs: [], wire: wire.records, durationMs: Date.now() - started }
  } finally {
    wire.close()
    await running.stop().catch(() => undefined)
    options.driver.endCase?.(stateDir)
    if (options.keepState !== true) await rm(stateDir, { recursive: true, force: true }).catch(() => undefined)
  }
}

type Outcome = Pick<CaseResult, 'grade' | 'summary' | 'findings' | 'runs' | 'diff' | 'detail'>

class CasePlay {
  private readonly runs: RunRecord[] = []
  private readonly findings: Finding[] = []
  private readonly around = new Map<string, { before: ComparableReplica; after: ComparableReplica | undefined }>()
  private last: ComparableReplica = EMPTY_REPLICA
  private timedOut: string | undefined
  private readonly scale: number
  private readonly query: ContentQuery

  constructor(
    private readonly instance: CaseInstance,
    private readonly options: RunCaseOptions,
    private readonly running: RunningScenario,
    private readonly wire: WireLog,
    private readonly stateDir: string,
  ) {
    this.scale = options.timeScale ?? 1
    const c = instance.scenario.consumer
    this.query = { base: c?.base ?? instance.scenario.directory.suffix, scope: c?.scope ?? 'sub', filter: c?.filter ?? '(objectClass=*)', attributes: c?.attributes ?? [] }
  }

  async runAll(): Promise<Outcome> {
    const specs = this.instance.conformance.runs
    for (const [i, spec] of specs.entries()) {
      await this.runOne(spec, i === specs.length - 1)
      if (this.timedOut !== undefined) break
    }
    const content = providerContent(this.running.provider.directory, this.query)
    const final = await this.lastReadable()
    const diff = final === undefined ? undefined : diffReplicas(content, final)
    const input = { level: this.instance.conformance.level, wire: this.wire, replica: final, diff, around: this.around }
    for (const check of this.checks()) this.findings.push(judgeCheck(check, input))
    return { ...this.grade(), findings: this.findings, runs: this.runs, ...(diff === undefined ? {} : { diff }) }
  }

  private finalRead: ComparableReplica | undefined
  private async lastReadable(): Promise<ComparableReplica | undefined> {
    return this.finalRead
  }

  private checks(): readonly CheckSpec[] {
    const c = this.instance.conformance
    if (!c.implicitConverged) return c.checks
    return [{ kind: 'converged', source: c.source }, ...c.checks]
  }

  private grade(): Pick<Outcome, 'grade' | 'summary' | 'detail'> {
    if (this.wire.scenarioErrors.length > 0) {
      return { grade: 'ERROR', summary: 'a scenario action of the case failed (a fault of the case, not of the consumer)', detail: this.wire.scenarioErrors.join('\n') }
    }
    if (this.timedOut !== undefined) return { grade: 'TIMEOUT', summary: this.timedOut }
    let grade: Grade = 'PASS'
    let decisive: Finding | undefined
    for (const f of this.findings) {
      if (f.passed) continue
      if (decisive === undefined || worse(f.grade, grade) !== grade) decisive = f
      grade = worse(f.grade, grade)
    }
    if (decisive === undefined) return { grade, summary: `all ${this.findings.length} checks passed` }
    const deviation = this.instance.conformance.deviation
    return { grade, summary: `${decisive.check}: ${decisive.observed}${deviation !== undefined && grade !== 'FAIL' ? ` (provider deviation: ${deviation})` : ''}` }
  }

  private async runOne(spec: ConsumerRunSpec, isLast: boolean): Promise<void> {
    const mode = this.instance.mode
    const before = this.last
    const requestsBefore = this.wire.syncRequests.length
    const startN = this.wire.lastN
    this.wire.startRun(spec.name, `runner: run "${spec.name}" starts the consumer (${mode})`)
    const started = Date.now()
    const consumer = this.options.driver.start(this.env(spec))
    let killed = false
    let stopKillWatch = (): void => undefined
    if (spec.kill !== undefined) {
      const limit = spec.kill.afterEntries
      const check = (): void => {
        if (!killed && this.wire.entriesSentSince(startN) >= limit) {
          killed = true
          this.wire.note(0, `runner: SIGKILL after ${limit} entr${limit === 1 ? 'y' : 'ies'} sent in this run`)
          consumer.kill()
        }
      }
      stopKillWatch = this.wire.onChange(check)
    }
    let outcome: RunRecord['outcome']
    let exit: ConsumerExit
    try {
      if (mode === 'refreshOnly' || killed) {
        const limit = (spec.timeoutMs ?? RUN_TIMEOUT_MS) * this.scale
        const result = await within(consumer.exited, limit)
        if (result === 'timeout') {
          this.timedOut = `run "${spec.name}": the consumer did not finish its refreshOnly sync within ${limit} ms`
          exit = await this.stop(consumer, spec.name)
          outcome = 'timeout'
        } else {
          exit = result
          outcome = killed ? 'killed' : 'exited'
        }
      } else {
        const early = await this.persistUntilSettled(spec, consumer, isLast, () => killed)
        if (early !== undefined) {
          exit = early
          outcome = killed ? 'killed' : 'exited'
          // A run that must (or may) fail ends on its own: that is the expected way, judged by its exit.
          if (!killed && spec.exit === 'success') this.earlyExit(spec, early)
        } else {
          this.wire.note(0, `runner: SIGTERM (run "${spec.name}")`)
          consumer.terminate()
          const result = await within(consumer.exited, EXIT_AFTER_TERM_MS * this.scale)
          if (result === 'timeout') {
            this.timedOut = `run "${spec.name}": the consumer did not exit within ${EXIT_AFTER_TERM_MS * this.scale} ms of SIGTERM`
            consumer.kill()
            exit = await consumer.exited
            outcome = 'timeout'
          } else {
            exit = result
            outcome = 'terminated'
          }
        }
      }
    } finally {
      stopKillWatch()
    }
    const report = await consumer.readReport()
    let after: ComparableReplica | undefined
    if (report.kind === 'ok') after = report.replica
    else if (report.kind === 'invalid') this.findings.push(contractFinding(spec.name, report.message))
    else if (exit.exitCode === 0) this.findings.push(contractFinding(spec.name, 'the run ended with exit 0 but wrote no report.json'))
    if (after !== undefined) this.last = after
    this.finalRead = after ?? (report.kind === 'none' ? this.last : undefined)
    this.around.set(spec.name, { before, after: after ?? (report.kind === 'none' ? before : undefined) })
    const durationMs = Date.now() - started
    this.wire.note(0, `runner: run "${spec.name}" ended: ${describeExit(exit)} after ${durationMs} ms`)
    this.runs.push({
      name: spec.name,
      mode,
      outcome,
      exitCode: exit.exitCode,
      signal: exit.signal,
      durationMs,
      stderrTail: consumer.stderrTail(),
      syncRequests: this.wire.syncRequests.length - requestsBefore,
    })
    if (!killed && outcome !== 'timeout') this.exitFinding(spec, exit, outcome)
  }

  /**
   * refreshAndPersist: waits until the steps the run waits for have fired and the replica equals
   * the provider's content (or the time is up). Returns the exit when the consumer ended on its own.
   */
  private async persistUntilSettled(spec: ConsumerRunSpec, consumer: ConsumerRun, isLast: boolean, killed: () => boolean): Promise<ConsumerExit | undefined> {
    const requestsBefore = this.wire.syncRequests.length
    let exited: ConsumerExit | undefined
    void consumer.exited.then((e) => (exited = e))
    const deadline = Date.now() + (spec.timeoutMs ?? CONVERGE_TIMEOUT_MS) * this.scale
    const waitFor = this.stepsToWaitFor(spec, isLast)
    const wake = new Set<() => void>()
    const stop = this.wire.onChange(() => wake.forEach((w) => w()))
    try {
      while (Date.now() < deadline) {
        if (exited !== undefined || killed()) return exited ?? (await consumer.exited)
        if (this.stepsFired(waitFor) && this.answeredSince(requestsBefore)) {
          const report = await consumer.readReport()
          if (report.kind === 'ok' && isEmptyDiff(diffReplicas(providerContent(this.running.provider.directory, this.query), report.replica))) return undefined
        }
        // Wake on a report change or a provider event, whichever comes first.
        await Promise.race([consumer.nextChange(Math.min(250, Math.max(1, deadline - Date.now()))), new Promise<void>((r) => wake.add(r))])
        wake.clear()
      }
      this.wire.note(0, `runner: run "${spec.name}" did not converge within ${(spec.timeoutMs ?? CONVERGE_TIMEOUT_MS) * this.scale} ms`)
      return exited
    } finally {
      stop()
    }
  }

  /** Step indexes the run waits for: those named in `waitFor`, or for the last run every step that may fire. */
  private stepsToWaitFor(spec: ConsumerRunSpec, isLast: boolean): number[] {
    const timeline = this.instance.scenario.timeline
    if (spec.waitFor !== undefined) return timeline.flatMap((s, i) => (s.name !== undefined && spec.waitFor?.includes(s.name) ? [i] : []))
    // Steps whose trigger names the other sync mode can never fire in this instance.
    const canFire = (t: (typeof timeline)[number]['trigger']): boolean => !('mode' in t) || t.mode === undefined || t.mode === this.instance.mode
    return isLast ? timeline.flatMap((s, i) => (s.times >= 1 && canFire(s.trigger) ? [i] : [])) : []
  }

  /**
   * Whether this run has sent a sync search and the provider has answered something on its
   * connection: before that, a replica that already equals the content (an up-to-date resume)
   * says nothing about this run.
   */
  private answeredSince(requestsBefore: number): boolean {
    const mine = this.wire.syncRequests.slice(requestsBefore)
    return mine.some((r) => this.wire.sent.some((s) => s.connection === r.connection && s.n > r.n))
  }

  private stepsFired(indexes: readonly number[]): boolean {
    return indexes.every((i) => this.running.log.some((f) => f.index === i))
  }

  private async stop(consumer: ConsumerRun, name: string): Promise<ConsumerExit> {
    this.wire.note(0, `runner: SIGTERM (run "${name}" timed out)`)
    consumer.terminate()
    const result = await within(consumer.exited, 2000)
    if (result !== 'timeout') return result
    consumer.kill()
    return consumer.exited
  }

  private exitFinding(spec: ConsumerRunSpec, exit: ConsumerExit, outcome: RunRecord['outcome']): void {
    if (spec.exit === 'any') return
    const level = spec.exitLevel ?? this.instance.conformance.level
    const ok = spec.exit === 'success' ? exit.exitCode === 0 : exit.exitCode !== 0
    const expected = spec.exit === 'success'
      ? [outcome === 'terminated' ? 'exit 0 after SIGTERM' : 'exit 0 (the sync succeeded)']
      : ['a non-zero exit: the consumer must refuse what the provider sent']
    this.findings.push({ check: `run ${spec.name} exit`, level, passed: ok, grade: ok ? 'PASS' : gradeForLevel(level), expected, observed: describeExit(exit) })
  }

  private earlyExit(spec: ConsumerRunSpec, exit: ConsumerExit): void {
    const nonStrict = spec.earlyExit === 'nonStrict'
    const level = nonStrict ? 'SHOULD' : (spec.exitLevel ?? this.instance.conformance.level)
    this.findings.push({
      check: `run ${spec.name} kept running`,
      level,
      passed: false,
      grade: gradeForLevel(level),
      expected: ['the refreshAndPersist consumer keeps running until SIGTERM (reconnecting with backoff after a drop)'],
      observed: `it ended on its own: ${describeExit(exit)}`,
    })
  }

  private env(spec: ConsumerRunSpec): Parameters<ConsumerDriver['start']>[0] {
    const s = this.instance.scenario
    const bind = s.provider.bind
    return {
      url: this.running.url,
      base: this.query.base,
      scope: this.query.scope,
      filter: this.query.filter,
      attributes: this.query.attributes,
      mode: this.instance.mode,
      reloadHint: s.consumer?.reloadHint ?? false,
      bindDn: bind?.dn ?? '',
      password: bind?.password ?? '',
      stateDir: this.stateDir,
      caseId: this.instance.id,
      run: spec.name,
      ...(this.instance.conformance.hooks === undefined ? {} : { hooks: this.instance.conformance.hooks }),
    }
  }
}

function contractFinding(run: string, message: string): Finding {
  return { check: `run ${run} report.json`, level: 'MUST', passed: false, grade: 'FAIL', expected: ['report.json as docs/consumer-contract.md describes it'], observed: message }
}

/** The case's own facts, the same in every result of it (runner.ts uses it for exclusions too). */
export function baseResult(instance: CaseInstance): Omit<CaseResult, 'grade' | 'summary' | 'findings' | 'runs' | 'wire' | 'durationMs'> {
  const c = instance.conformance
  return {
    id: instance.id,
    caseId: instance.caseId,
    title: instance.scenario.meta.title,
    spec: c.spec,
    section: instance.scenario.meta.rfcSection ?? '',
    level: c.level,
    requirement: c.requirement,
    ...(c.deviation === undefined ? {} : { deviation: c.deviation }),
    tags: instance.scenario.meta.tags,
    mode: instance.mode,
    dialect: instance.scenario.provider.dialect,
    file: instance.file,
  }
}

function describeExit(exit: ConsumerExit): string {
  if (exit.signal !== null) return `killed by ${exit.signal}`
  if (exit.exitCode === null) return 'did not start'
  return `exit ${exit.exitCode}`
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

