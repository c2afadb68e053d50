import { GRADES } from '../verdict.js'
import type { CaseResult, Finding } from '../verdict.js'

/**
 * The finding that decided a case's grade: the worst failed finding (GRADES order), the first
 * one among equals. Undefined when every check passed or the case has no findings (ERROR,
 * UNSUPPORTED before any check ran).
 */
export function decisiveFinding(result: Pick<CaseResult, 'findings'>): Finding | undefined {
  let best: Finding | undefined
  for (const finding of result.findings) {
    if (finding.passed) continue
    if (best === undefined || GRADES.indexOf(finding.grade) < GRADES.indexOf(best.grade)) best = finding
  }
  return best
}

/** Failed findings, worst first, keeping the case's order among equal grades. */
export function failedFindings(result: Pick<CaseResult, 'findings'>): Finding[] {
  return result.findings
    .filter((f) => !f.passed)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => GRADES.indexOf(a.f.grade) - GRADES.indexOf(b.f.grade) || a.i - b.i)
    .map(({ f }) => f)
}
