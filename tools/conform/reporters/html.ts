/**
 * The HTML report: one self-contained page (inline CSS and script, nothing fetched), like
 * Autobahn|Testsuite's matrix: a header with the run's facts and counts, the cases grouped by
 * spec and section, each opening to its full verdict with a sequence diagram of the wire log.
 */
import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { GRADES } from '../verdict.js'
import type { CaseResult, ConformanceReport } from '../verdict.js'
import { REPORT_CSS, REPORT_SCRIPT } from './html-assets.js'
import { renderCase } from './html-case.js'
import { escapeAttribute as attr, escapeText as text } from './markup-escape.js'
import { formatDuration } from './text-layout.js'

export const HTML_REPORT_FILE = 'index.html'

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`
}

/** Only the page's own style sheet and script are allowed; no network, no injected script. */
const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src ${cspHash(REPORT_CSS)}; script-src ${cspHash(REPORT_SCRIPT)}; img-src data:`

function groupBySection(results: readonly CaseResult[]): Map<string, CaseResult[]> {
  const groups = new Map<string, CaseResult[]>()
  for (const r of results) {
    const key = `${r.spec} §${r.section}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [r])
    else group.push(r)
  }
  return groups
}

function renderHeader(report: ConformanceReport): string {
  const passed = report.exitCode === 0
  const verdict = `<span class="verdict ${passed ? 'passed' : 'failed'}">${passed ? 'PASSED' : `FAILED (exit code ${report.exitCode})`}</span>`
  const strict = report.strict
    ? 'strict: NON-STRICT counts as a failure'
    : 'not strict: NON-STRICT does not fail the run'
  const buttons = [
    `<button type="button" data-filter="ALL" aria-pressed="true">All ${report.results.length}</button>`,
    `<button type="button" data-filter="NOT-PASS" aria-pressed="false">Not passed ${report.results.length - report.counts.PASS}</button>`,
    ...GRADES.map((g) => `<button type="button" class="g-${attr(g)}" data-filter="${attr(g)}" aria-pressed="false"${report.counts[g] === 0 ? ' disabled=""' : ''}>${text(g)} ${report.counts[g]}</button>`),
  ]
  return '<header>' +
    `<h1>${text(report.tool.name)} conformance report ${verdict}</h1>` +
    `<p class="facts">Consumer <b>${text(report.consumer)}</b> · started <b>${text(report.startedAt)}</b> · ` +
    `${text(formatDuration(report.durationMs))} · ${text(strict)} · ${text(report.tool.name)} ${text(report.tool.version)}</p>` +
    `<nav class="filters" aria-label="Filter cases by grade">${buttons.join('')}</nav>` +
    '</header>'
}

function renderGroup(name: string, results: readonly CaseResult[], strict: boolean): string {
  return '<section class="group">' +
    `<h2>${text(name)} <span class="muted">(${results.length} case${results.length === 1 ? '' : 's'})</span></h2>` +
    '<div class="row head"><span>Id</span><span>Mode</span><span>Dialect</span><span>Level</span><span>Grade</span><span class="num">Duration</span></div>' +
    results.map((r) => renderCase(r, strict)).join('\n') +
    '</section>'
}

/**
 * The report as one HTML page.
 *
 * @example
 * const html = renderHtml(report)
 */
export function renderHtml(report: ConformanceReport): string {
  const groups = [...groupBySection(report.results)].map(([name, results]) => renderGroup(name, results, report.strict))
  const title = `${report.tool.name} conformance: ${report.consumer} (${report.startedAt})`
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // A constant of hashes and keywords: nothing in it needs escaping.
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    renderHeader(report),
    '<main>',
    groups.length === 0 ? '<p class="muted">No cases ran.</p>' : groups.join('\n'),
    '</main>',
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/**
 * Writes the page to `dir/index.html`, creating `dir` when needed, and returns the file's path.
 *
 * @example
 * const path = await writeHtmlReport(report, 'conformance-report')
 */
export async function writeHtmlReport(report: ConformanceReport, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, HTML_REPORT_FILE)
  await writeFile(path, renderHtml(report), 'utf8')
  return path
}
