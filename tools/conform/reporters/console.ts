/**
 * Console output of the conformance runner, h2spec style: one line per finished case, and for a
 * case that did not pass the requirement, what was expected and what actually happened, in
 * protocol terms. Pure: returns strings; the runner decides where they go.
 */
import { GRADES, isFailing } from '../verdict.js'
import type { CaseResult, ConformanceReport, Grade } from '../verdict.js'
import { decisiveFinding } from './decisive-finding.js'
import { firstLine, formatDuration, padEnd, textLength, truncate } from './text-layout.js'

export interface ConsoleOptions {
  /** Write ANSI colour codes (only when the output is a terminal that wants them). */
  readonly color: boolean
}

const GRADE_WIDTH = Math.max(...GRADES.map((g) => g.length)) + 1
const CASE_INDENT = '  '
/** Detail lines start under the case id. */
const DETAIL_INDENT = ' '.repeat(CASE_INDENT.length + GRADE_WIDTH)
/** The widest the summary table tries to stay within. */
const TABLE_WIDTH = 120
const MIN_SUMMARY_WIDTH = 30
const MAX_ID_COLUMN = 70

const ANSI = {
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  reset: '\u001b[0m',
} as const

type Style = keyof typeof ANSI

const GRADE_STYLE: Record<Grade, Style> = {
  ERROR: 'red',
  TIMEOUT: 'red',
  FAIL: 'red',
  'NON-STRICT': 'yellow',
  INFO: 'cyan',
  UNSUPPORTED: 'dim',
  PASS: 'green',
}

function paint(text: string, style: Style, options: ConsoleOptions): string {
  return options.color ? `${ANSI[style]}${text}${ANSI.reset}` : text
}

/** Indents every line after the first so multi-line texts stay in their column. */
function hang(text: string, indent: string): string {
  return text.split(/\r?\n/).join(`\n${indent}`)
}

/**
 * One progress line for a finished case; for a grade other than PASS also the requirement, the
 * expected outcomes and the actual one of the decisive finding, and the case's summary.
 *
 * @example
 * formatCaseLine(result, { color: false })
 * // '  PASS        rfc4533/3.3.2/present-phase-syncidset-batches/ro  (312 ms)'
 */
export function formatCaseLine(result: CaseResult, options: ConsoleOptions): string {
  const grade = paint(padEnd(result.grade, GRADE_WIDTH), GRADE_STYLE[result.grade], options)
  const lines = [`${CASE_INDENT}${grade}${result.id}  ${paint(`(${formatDuration(result.durationMs)})`, 'dim', options)}`]
  if (result.grade === 'PASS') return lines[0] ?? ''

  const arrow = `${DETAIL_INDENT}-> `
  lines.push(arrow + hang(result.requirement, ' '.repeat(arrow.length)))
  const finding = decisiveFinding(result)
  if (finding !== undefined) {
    // h2spec aligns "Expected:" and "Actual:" on the colon; every acceptable outcome gets a line.
    const expectedLabel = `${DETAIL_INDENT}   Expected: `
    const actualLabel = `${DETAIL_INDENT}     Actual: `
    const valueIndent = ' '.repeat(expectedLabel.length)
    const expected = finding.expected.length > 0 ? finding.expected : ['(nothing stated)']
    expected.forEach((line, i) => {
      lines.push((i === 0 ? expectedLabel : valueIndent) + hang(line, valueIndent))
    })
    lines.push(actualLabel + paint(hang(finding.observed, valueIndent), GRADE_STYLE[result.grade], options))
  }
  if (result.detail !== undefined && result.detail !== '') {
    const label = `${DETAIL_INDENT}   Detail: `
    lines.push(label + hang(result.detail, ' '.repeat(label.length)))
  }
  lines.push(DETAIL_INDENT + paint(hang(result.summary, DETAIL_INDENT), 'dim', options))
  return lines.join('\n')
}

/** Cases that did not pass, worst grade first, in run order among equals. */
function notPassed(results: readonly CaseResult[]): CaseResult[] {
  return results
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.grade !== 'PASS')
    .sort((a, b) => GRADES.indexOf(a.r.grade) - GRADES.indexOf(b.r.grade) || a.i - b.i)
    .map(({ r }) => r)
}

function verdictLine(report: ConformanceReport, options: ConsoleOptions): string {
  const failing = report.results.filter((r) => isFailing(r.grade, report.strict))
  const nonStrict = report.counts['NON-STRICT']
  const strictNote = report.strict
    ? 'strict mode: NON-STRICT counts as a failure'
    : nonStrict > 0
      ? `not strict: ${nonStrict} NON-STRICT case${nonStrict === 1 ? '' : 's'} would fail with --strict`
      : 'not strict: NON-STRICT would not fail the run'
  if (report.exitCode === 0) {
    return `${paint('PASSED', 'green', options)}: no case failed (${strictNote})`
  }
  const byGrade = GRADES.map((g) => [g, failing.filter((r) => r.grade === g).length] as const)
    .filter(([, n]) => n > 0)
    .map(([g, n]) => `${g} ${n}`)
  const what = failing.length > 0
    ? `${failing.length} of ${report.results.length} case${report.results.length === 1 ? '' : 's'} failed (${byGrade.join(', ')})`
    : 'the run did not complete'
  return `${paint('FAILED', 'red', options)}: ${what}, exit code ${report.exitCode} (${strictNote})`
}

/**
 * The end-of-run summary: the count of each grade (worst first), a table of the cases that did
 * not pass with their one-line summary, the total duration and whether the run passed.
 */
export function formatSummary(report: ConformanceReport, options: ConsoleOptions): string {
  const lines: string[] = ['', paint('Summary', 'bold', options)]
  const countWidth = Math.max(...GRADES.map((g) => String(report.counts[g]).length), String(report.results.length).length)
  for (const grade of GRADES) {
    const count = report.counts[grade]
    const label = padEnd(grade, GRADE_WIDTH)
    const text = `${CASE_INDENT}${count > 0 ? paint(label, GRADE_STYLE[grade], options) : label} ${String(count).padStart(countWidth)}`
    lines.push(count > 0 ? text : paint(text, 'dim', options))
  }
  lines.push(`${CASE_INDENT}${padEnd('total', GRADE_WIDTH)} ${String(report.results.length).padStart(countWidth)}`)

  const rows = notPassed(report.results)
  if (rows.length > 0) {
    const idWidth = Math.min(MAX_ID_COLUMN, Math.max(2, ...rows.map((r) => textLength(r.id))))
    // Ids are what a person copies to rerun one case, so they are never cut; summaries are.
    const summaryWidth = Math.max(MIN_SUMMARY_WIDTH, TABLE_WIDTH - CASE_INDENT.length - GRADE_WIDTH - idWidth - 2)
    lines.push('', paint('Not passed', 'bold', options))
    lines.push(paint(`${CASE_INDENT}${padEnd('GRADE', GRADE_WIDTH)}${padEnd('ID', idWidth)}  SUMMARY`, 'dim', options))
    for (const r of rows) {
      const grade = paint(padEnd(r.grade, GRADE_WIDTH), GRADE_STYLE[r.grade], options)
      lines.push(`${CASE_INDENT}${grade}${padEnd(r.id, idWidth)}  ${truncate(firstLine(r.summary), summaryWidth)}`)
    }
  }

  lines.push('', `Duration: ${formatDuration(report.durationMs)}`)
  lines.push(verdictLine(report, options))
  return lines.join('\n')
}
