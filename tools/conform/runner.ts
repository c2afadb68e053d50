/**
 * The conformance run: the selected case instances, in parallel where independent (each has its
 * own provider on its own port and its own state directory), graded and gathered into one
 * ConformanceReport that the reporters render.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CaseInstance, Exclusion } from './catalogue.js'
import { exclusionOf } from './catalogue.js'
import type { ConsumerDriver } from './drivers/types.js'
import { baseResult, runCase } from './run-case.js'
import { countGrades, isFailing } from './verdict.js'
import type { CaseResult, ConformanceReport } from './verdict.js'

export interface RunnerOptions {
  readonly driver: ConsumerDriver
  readonly unsupported?: ReadonlySet<string>
  readonly exclusions?: readonly Exclusion[]
  /** NON-STRICT counts as a failure. */
  readonly strict?: boolean
  /** Cases at once; default: 4 × CPUs for the in-process consumer, CPUs + 1 for a command. */
  readonly jobs?: number
  readonly timeScale?: number
  /** Keep each case's state directory under this directory (default: temporary, removed). */
  readonly keepStateIn?: string
  /** Called as each case finishes (console progress). */
  readonly onResult?: (result: CaseResult, done: number, total: number) => void
  /** Called as each case starts. */
  readonly onStart?: (instance: CaseInstance) => void
}

export async function runConformance(cases: readonly CaseInstance[], options: RunnerOptions): Promise<ConformanceReport> {
  const started = Date.now()
  const stateRoot = options.keepStateIn ?? (await mkdtemp(join(tmpdir(), 'syncrepl-conform-')))
  const unsupported = options.unsupported ?? new Set<string>()
  const jobs = Math.max(1, options.jobs ?? defaultJobs(options.driver))
  const results: (CaseResult | undefined)[] = new Array(cases.length)
  let next = 0
  let done = 0
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++
      const instance = cases[i]
      if (instance === undefined) return
      options.onStart?.(instance)
      const excluded = exclusionOf(instance, options.exclusions ?? [])
      const result: CaseResult = excluded !== undefined
        ? excludedResult(instance, excluded)
        : await runCase(instance, { driver: options.driver, unsupported, stateRoot, timeScale: options.timeScale ?? 1, keepState: options.keepStateIn !== undefined })
      results[i] = result
      options.onResult?.(result, ++done, cases.length)
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, cases.length) }, worker))
  } finally {
    if (options.keepStateIn === undefined) await rm(stateRoot, { recursive: true, force: true }).catch(() => undefined)
  }
  const all = results.filter((r): r is CaseResult => r !== undefined)
  const strict = options.strict ?? false
  return {
    tool: { name: 'syncrepl-harness', version: version() },
    consumer: options.driver.name,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    strict,
    results: all,
    counts: countGrades(all),
    exitCode: all.some((r) => isFailing(r.grade, strict)) ? 1 : 0,
  }
}

function defaultJobs(driver: ConsumerDriver): number {
  const cpus = availableParallelism()
  return driver.inProcess === true ? cpus * 4 : cpus + 1
}

function excludedResult(instance: CaseInstance, exclusion: Exclusion): CaseResult {
  return {
    ...baseResult(instance),
    grade: 'UNSUPPORTED',
    summary: `excluded by ${exclusion.at}${exclusion.reason === '' ? '' : `: ${exclusion.reason}`}`,
    detail: `exclusion ${exclusion.glob}`,
    findings: [],
    runs: [],
    wire: [],
    durationMs: 0,
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}
