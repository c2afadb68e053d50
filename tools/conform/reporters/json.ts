/**
 * The machine-readable report: an index keyed by instance id, as Autobahn|Testsuite's
 * `index.json` is keyed by case, with every detail of the verdict, so dashboards and
 * cross-consumer matrices need no other file.
 */
import { GRADES } from '../verdict.js'
import type { CaseResult, ConformanceReport, Grade } from '../verdict.js'

/** One case in the JSON index (the id is the key). Field order is the order written. */
export interface JsonCase {
  readonly grade: Grade
  readonly durationMs: number
  readonly caseId: string
  readonly title: string
  readonly spec: string
  readonly section: string
  readonly level: CaseResult['level']
  readonly requirement: string
  readonly deviation?: string
  readonly mode: CaseResult['mode']
  readonly dialect: string
  readonly file: string
  readonly tags: CaseResult['tags']
  readonly summary: string
  readonly findings: CaseResult['findings']
  readonly runs: CaseResult['runs']
  readonly diff?: CaseResult['diff']
  readonly wire: CaseResult['wire']
  readonly detail?: string
}

export interface JsonReport {
  readonly tool: ConformanceReport['tool']
  readonly consumer: string
  readonly startedAt: string
  readonly durationMs: number
  readonly strict: boolean
  readonly exitCode: number
  /** Every grade, worst first, zero included. */
  readonly counts: Readonly<Record<Grade, number>>
  readonly cases: Readonly<Record<string, JsonCase>>
}

function toJsonCase(r: CaseResult): JsonCase {
  // Optional members are left undefined, and JSON.stringify leaves them out.
  return {
    grade: r.grade,
    durationMs: r.durationMs,
    caseId: r.caseId,
    title: r.title,
    spec: r.spec,
    section: r.section,
    level: r.level,
    requirement: r.requirement,
    deviation: r.deviation,
    mode: r.mode,
    dialect: r.dialect,
    file: r.file,
    tags: r.tags,
    summary: r.summary,
    findings: r.findings,
    runs: r.runs,
    diff: r.diff,
    wire: r.wire,
    detail: r.detail,
  }
}

/** The report as a plain object in the JSON layout (see renderJson). */
export function toJsonReport(report: ConformanceReport): JsonReport {
  return {
    tool: report.tool,
    consumer: report.consumer,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    strict: report.strict,
    exitCode: report.exitCode,
    counts: Object.fromEntries(GRADES.map((g) => [g, report.counts[g]])) as Record<Grade, number>,
    // fromEntries defines own properties, so an id such as `__proto__` stays an ordinary key.
    cases: Object.fromEntries(report.results.map((r) => [r.id, toJsonCase(r)])),
  }
}

/**
 * The report as pretty-printed JSON, cases keyed by instance id.
 *
 * @example
 * const index = JSON.parse(renderJson(report))
 * index.cases['rfc4533/3.3.2/present-phase-syncidset-batches/ro'].grade // 'PASS'
 */
export function renderJson(report: ConformanceReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`
}
