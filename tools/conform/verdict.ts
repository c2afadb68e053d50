/**
 * A verdict is data (docs/architecture.md "Conformance runner"): the runner produces these
 * records and the reporters (console, JUnit XML, JSON, HTML) only render them. Grades follow
 * Autobahn|Testsuite and h2spec (docs/conformance.md "Grades"): a MUST violation is FAIL, a
 * SHOULD-level deviation NON-STRICT (a failure only with --strict), behaviour the RFC leaves open
 * INFO.
 */

/** How binding a requirement is, in RFC 2119 words. */
export type RequirementLevel = 'MUST' | 'SHOULD' | 'MAY'

export type Grade = 'PASS' | 'NON-STRICT' | 'INFO' | 'FAIL' | 'TIMEOUT' | 'UNSUPPORTED' | 'ERROR'

/** Every grade, worst first: the order a summary lists them in and a case's grade is chosen by. */
export const GRADES: readonly Grade[] = ['ERROR', 'TIMEOUT', 'FAIL', 'NON-STRICT', 'INFO', 'UNSUPPORTED', 'PASS']

export type SyncMode = 'refreshOnly' | 'refreshAndPersist'

/** One check of a case, passed or not, stated in protocol terms. */
export interface Finding {
  /** What was checked, e.g. `converged`, `request 2 cookie`, `run resume exit`. */
  readonly check: string
  readonly level: RequirementLevel
  readonly passed: boolean
  /** The grade this finding gives the case (PASS when passed). */
  readonly grade: Grade
  /** Acceptable outcomes, one per line, e.g. `UUID 6319a18a-… deleted after the present phase ended at message 14`. */
  readonly expected: readonly string[]
  /** What happened. */
  readonly observed: string
  /** Why it matters, when the case says. */
  readonly why?: string
}

/** One run of the consumer under test within a case. */
export interface RunRecord {
  readonly name: string
  readonly mode: SyncMode
  /** How the run ended. `terminated`: stopped by the runner's SIGTERM (persist); `killed`: the case's SIGKILL. */
  readonly outcome: 'exited' | 'terminated' | 'killed' | 'timeout' | 'notStarted'
  /** The process's exit code (null when it died of a signal or never started). */
  readonly exitCode: number | null
  readonly signal: string | null
  readonly durationMs: number
  /** The last lines the consumer wrote to stderr (at most 4 KiB). */
  readonly stderrTail: string
  /** Sync searches the provider received during this run. */
  readonly syncRequests: number
}

/**
 * One line of the case's wire log, in order. `in` = consumer to provider, `out` = provider to
 * consumer, `note` = something the runner or the scenario did (a step fired, a run started).
 */
export interface WireRecord {
  /** 1-based position in the case's log; verdicts cite it as "message N". */
  readonly n: number
  /** Milliseconds since the case started. */
  readonly atMs: number
  /** The provider's connection number (0 for notes that belong to no connection). */
  readonly connection: number
  readonly direction: 'in' | 'out' | 'note'
  readonly messageId?: number
  readonly text: string
  /** The run it happened in. */
  readonly run?: string
}

export interface DiffEntry {
  readonly uuid: string
  readonly dn: string
}

export interface AttributeDiff {
  readonly name: string
  /** Values the provider holds that the consumer's replica lacks. */
  readonly missing: readonly string[]
  /** Values the consumer's replica holds that the provider does not. */
  readonly unexpected: readonly string[]
}

export interface ChangedEntry {
  readonly uuid: string
  /** The provider's DN. */
  readonly dn: string
  /** The consumer's DN, when it differs. */
  readonly consumerDn?: string
  readonly attributes: readonly AttributeDiff[]
}

/** The consumer's replica against the provider's content, keyed by UUID. */
export interface ReplicaDiff {
  /** Entries the provider's content has and the replica lacks. */
  readonly missing: readonly DiffEntry[]
  /** Entries the replica holds that are not (or no longer) in the content: ghosts. */
  readonly unexpected: readonly DiffEntry[]
  readonly changed: readonly ChangedEntry[]
  /** Entries equal on both sides. */
  readonly matching: number
}

export interface CaseResult {
  /** The instance's id: the case id, plus `/ro` or `/rp` when the case runs in both modes. */
  readonly id: string
  /** The case's id, e.g. `rfc4533/3.3.2/present-phase-syncidset-batches`. */
  readonly caseId: string
  readonly title: string
  /** `rfc4533` or `389ds-hooks`. */
  readonly spec: string
  /** The section of `spec` the requirement comes from, e.g. `3.3.2`. */
  readonly section: string
  readonly level: RequirementLevel
  readonly requirement: string
  /** When the case exists because a real provider deviates from the RFC: that deviation. */
  readonly deviation?: string
  readonly tags: readonly string[]
  readonly mode: SyncMode
  readonly dialect: string
  /** The case file, relative to the catalogue directory. */
  readonly file: string
  readonly grade: Grade
  /** One line: the decisive finding (or `all N checks passed`). */
  readonly summary: string
  readonly findings: readonly Finding[]
  readonly runs: readonly RunRecord[]
  readonly wire: readonly WireRecord[]
  /** The final replica against the provider's content (absent when no report could be read). */
  readonly diff?: ReplicaDiff
  readonly durationMs: number
  /** For ERROR: what went wrong in the harness. For UNSUPPORTED: which feature or exclusion. */
  readonly detail?: string
}

export interface ConformanceReport {
  readonly tool: { readonly name: 'syncrepl-harness'; readonly version: string }
  /** How the consumer under test was named (`reference (in-process)` or the command). */
  readonly consumer: string
  readonly startedAt: string
  readonly durationMs: number
  readonly strict: boolean
  readonly results: readonly CaseResult[]
  readonly counts: Readonly<Record<Grade, number>>
  /** 0 when no case failed: no FAIL, TIMEOUT or ERROR (nor NON-STRICT with --strict). */
  readonly exitCode: number
}

/** Whether a grade fails the run (NON-STRICT only under --strict). */
export function isFailing(grade: Grade, strict: boolean): boolean {
  return grade === 'FAIL' || grade === 'TIMEOUT' || grade === 'ERROR' || (strict && grade === 'NON-STRICT')
}

/** The grade a failed check of this level gives (RFC 2119: MUST → FAIL, SHOULD → NON-STRICT, MAY → INFO). */
export function gradeForLevel(level: RequirementLevel): Grade {
  return level === 'MUST' ? 'FAIL' : level === 'SHOULD' ? 'NON-STRICT' : 'INFO'
}

/** The worse of two grades (GRADES order). */
export function worse(a: Grade, b: Grade): Grade {
  return GRADES.indexOf(a) <= GRADES.indexOf(b) ? a : b
}

export function countGrades(results: readonly CaseResult[]): Record<Grade, number> {
  const counts = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>
  for (const r of results) counts[r.grade]++
  return counts
}
