/**
 * JUnit XML for CI servers (Jenkins, GitLab, GitHub test reporters). One <testsuite> per
 * spec/section group, so a CI page groups the cases the way the RFC does; the testcase name is
 * the instance id a person passes back to the runner to rerun it.
 *
 * Grade mapping: FAIL and TIMEOUT are <failure>, ERROR (a harness fault) is <error>,
 * UNSUPPORTED is <skipped>. NON-STRICT (a SHOULD deviation) passes unless the run is strict,
 * as h2spec does; INFO always passes, with what was seen in <system-out>.
 */
import type { CaseResult, ConformanceReport, Finding } from '../verdict.js'
import { failedFindings } from './decisive-finding.js'
import { escapeAttribute, escapeText } from './markup-escape.js'
import { firstLine, truncate } from './text-layout.js'

/** Long enough for a one-line summary; the full text is in the element body. */
const MESSAGE_MAX = 500

interface SuiteCounts {
  tests: number
  failures: number
  errors: number
  skipped: number
  timeMs: number
}

type Outcome = 'passed' | 'failure' | 'error' | 'skipped'

function outcomeOf(result: CaseResult, strict: boolean): Outcome {
  switch (result.grade) {
    case 'FAIL':
    case 'TIMEOUT':
      return 'failure'
    case 'ERROR':
      return 'error'
    case 'UNSUPPORTED':
      return 'skipped'
    case 'NON-STRICT':
      return strict ? 'failure' : 'passed'
    case 'INFO':
    case 'PASS':
      return 'passed'
    default: {
      const unknown: never = result.grade
      throw new Error(`The JUnit reporter met grade ${String(unknown)}, which is not one of GRADES in tools/conform/verdict.ts.`)
    }
  }
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3)
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('')
}

function findingText(finding: Finding): string {
  const lines = [`${finding.check} (${finding.level}, ${finding.grade})`]
  finding.expected.forEach((e, i) => lines.push(`${i === 0 ? '  Expected: ' : '            '}${e}`))
  lines.push(`  Actual:   ${finding.observed}`)
  if (finding.why !== undefined) lines.push(`  Why:      ${finding.why}`)
  return lines.join('\n')
}

/** The body of a <failure> or <error>: requirement, expected against actual, summary. */
function failureBody(result: CaseResult): string {
  const lines = [`Requirement (${result.spec} ${result.section}, ${result.level}): ${result.requirement}`]
  if (result.deviation !== undefined) lines.push(`Deviation: ${result.deviation}`)
  for (const finding of failedFindings(result)) lines.push('', findingText(finding))
  if (result.detail !== undefined) lines.push('', `Detail: ${result.detail}`)
  lines.push('', `Summary: ${result.summary}`)
  return lines.join('\n')
}

/** Runs and the consumer's stderr: what a CI page shows under "Standard Output". */
function systemOut(result: CaseResult, strict: boolean): string {
  const lines: string[] = []
  if (result.grade === 'NON-STRICT' && !strict) {
    lines.push(`NON-STRICT: ${result.summary}`, 'A SHOULD-level deviation; it fails the run only with --strict.')
    for (const finding of failedFindings(result)) lines.push('', findingText(finding))
  } else if (result.grade === 'INFO') {
    lines.push(`INFO: ${result.summary}`, 'Behaviour the RFC leaves open, recorded for interest.')
    for (const finding of failedFindings(result)) lines.push('', findingText(finding))
  }
  for (const run of result.runs) {
    if (lines.length > 0) lines.push('')
    lines.push(`Run ${run.name} (${run.mode}): ${run.outcome}, exit code ${run.exitCode ?? 'none'}` +
      `${run.signal !== null ? `, signal ${run.signal}` : ''}, ${run.durationMs} ms, ${run.syncRequests} sync request(s)`)
    if (run.stderrTail.trim() !== '') lines.push('stderr (tail):', run.stderrTail.replace(/\s+$/, ''))
  }
  return lines.join('\n')
}

function renderCase(result: CaseResult, strict: boolean): string {
  const head = `    <testcase${attrs({
    name: result.id,
    classname: `syncrepl.${result.spec}.${result.section}`,
    time: seconds(result.durationMs),
    file: result.file,
  })}>`
  const body: string[] = []
  const message = truncate(firstLine(result.summary), MESSAGE_MAX)
  switch (outcomeOf(result, strict)) {
    case 'failure':
      body.push(`      <failure${attrs({ message, type: result.grade })}>${escapeText(failureBody(result))}</failure>`)
      break
    case 'error':
      body.push(`      <error${attrs({ message: truncate(firstLine(result.detail ?? result.summary), MESSAGE_MAX), type: result.grade })}>${escapeText(failureBody(result))}</error>`)
      break
    case 'skipped':
      body.push(`      <skipped${attrs({ message: truncate(firstLine(result.detail ?? result.summary), MESSAGE_MAX) })}/>`)
      break
    case 'passed':
      break
  }
  const out = systemOut(result, strict)
  if (out !== '') body.push(`      <system-out>${escapeText(out)}</system-out>`)
  return body.length === 0 ? `${head.slice(0, -1)}/>` : [head, ...body, '    </testcase>'].join('\n')
}

function countOf(results: readonly CaseResult[], strict: boolean): SuiteCounts {
  const counts: SuiteCounts = { tests: 0, failures: 0, errors: 0, skipped: 0, timeMs: 0 }
  for (const r of results) {
    counts.tests++
    counts.timeMs += r.durationMs
    const outcome = outcomeOf(r, strict)
    if (outcome === 'failure') counts.failures++
    else if (outcome === 'error') counts.errors++
    else if (outcome === 'skipped') counts.skipped++
  }
  return counts
}

function countAttrs(counts: SuiteCounts, timeMs: number): Record<string, string | number> {
  return { tests: counts.tests, failures: counts.failures, errors: counts.errors, skipped: counts.skipped, time: seconds(timeMs) }
}

/** Results grouped by `spec section`, groups in the order they first appear. */
function groupBySection(results: readonly CaseResult[]): Map<string, CaseResult[]> {
  const groups = new Map<string, CaseResult[]>()
  for (const r of results) {
    const key = `${r.spec}/${r.section}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [r])
    else group.push(r)
  }
  return groups
}

/**
 * The report as a JUnit XML document.
 *
 * @example
 * await writeFile('conformance.xml', renderJUnit(report))
 */
export function renderJUnit(report: ConformanceReport): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>']
  const all = countOf(report.results, report.strict)
  lines.push(`<testsuites${attrs({ name: `${report.tool.name} conformance`, ...countAttrs(all, report.durationMs), timestamp: report.startedAt })}>`)
  for (const [name, results] of groupBySection(report.results)) {
    const counts = countOf(results, report.strict)
    lines.push(`  <testsuite${attrs({ name, ...countAttrs(counts, counts.timeMs), timestamp: report.startedAt })}>`)
    lines.push('    <properties>')
    lines.push(`      <property${attrs({ name: 'consumer', value: report.consumer })}/>`)
    lines.push(`      <property${attrs({ name: 'strict', value: String(report.strict) })}/>`)
    lines.push(`      <property${attrs({ name: 'tool', value: `${report.tool.name} ${report.tool.version}` })}/>`)
    lines.push('    </properties>')
    for (const r of results) lines.push(renderCase(r, report.strict))
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>', '')
  return lines.join('\n')
}
