/**
 * One case of the HTML report: a <details> whose summary is the case's row in the matrix and
 * whose body holds everything the verdict carries (docs/architecture.md "Conformance runner"):
 * requirement, findings as expected against observed, runs, the replica diff and the message
 * sequence. Every text is escaped: case texts, stderr and wire texts are untrusted.
 */
import { isFailing } from '../verdict.js'
import type { CaseResult, ChangedEntry, DiffEntry, Finding, ReplicaDiff, RunRecord, WireRecord } from '../verdict.js'
import { failedFindings } from './decisive-finding.js'
import { escapeAttribute as attr, escapeText as text } from './markup-escape.js'
import { renderSequenceSvg } from './sequence-svg.js'
import { formatDuration } from './text-layout.js'

/** The DOM id of a case's <details>, also its URL fragment (`index.html#case-<id>`). */
export function caseAnchor(id: string): string {
  // HTML ids may hold any character but whitespace.
  return `case-${id.replace(/\s/g, '_')}`
}

function gradeBadge(grade: string): string {
  return `<span class="grade g-${attr(grade)}">${text(grade)}</span>`
}

function renderFinding(finding: Finding): string {
  const expected = finding.expected.length === 0
    ? '<span class="muted">(nothing stated)</span>'
    : `<ul>${finding.expected.map((e) => `<li>${text(e)}</li>`).join('')}</ul>`
  const rows = [
    `<tr><th>Expected</th><td>${expected}</td></tr>`,
    `<tr><th>Observed</th><td class="observed">${text(finding.observed)}</td></tr>`,
  ]
  if (finding.why !== undefined) rows.push(`<tr><th>Why</th><td>${text(finding.why)}</td></tr>`)
  return `<div class="finding${finding.passed ? ' passed' : ` b-${attr(finding.grade)}`}">` +
    `<div class="check">${gradeBadge(finding.grade)} <b>${text(finding.check)}</b> <span class="level">${text(finding.level)}</span></div>` +
    `<table class="eo">${rows.join('')}</table></div>`
}

function renderFindings(result: CaseResult): string {
  if (result.findings.length === 0) return '<p class="muted">No checks ran.</p>'
  const failed = failedFindings(result).map(renderFinding).join('')
  const passed = result.findings.filter((f) => f.passed)
  const passedBlock = passed.length === 0
    ? ''
    : `<details class="passed-findings"><summary>${passed.length} passed check${passed.length === 1 ? '' : 's'}</summary>${passed.map(renderFinding).join('')}</details>`
  return failed + passedBlock
}

function renderRun(run: RunRecord, open: boolean): string {
  const row = `<tr><td>${text(run.name)}</td><td>${text(run.mode)}</td><td>${text(run.outcome)}</td>` +
    `<td>${run.exitCode === null ? '<span class="muted">none</span>' : String(run.exitCode)}</td>` +
    `<td>${run.signal === null ? '' : text(run.signal)}</td><td>${text(formatDuration(run.durationMs))}</td><td>${run.syncRequests}</td></tr>`
  if (run.stderrTail.trim() === '') return row
  return `${row}<tr class="stderr"><td colspan="7"><details${open ? ' open=""' : ''}><summary>stderr of ${text(run.name)} (tail)</summary>` +
    `<pre>${text(run.stderrTail)}</pre></details></td></tr>`
}

function renderRuns(result: CaseResult): string {
  if (result.runs.length === 0) return '<p class="muted">The consumer was not run.</p>'
  const open = result.grade !== 'PASS'
  return '<table class="runs"><thead><tr><th>Run</th><th>Mode</th><th>Outcome</th><th>Exit code</th><th>Signal</th>' +
    `<th>Duration</th><th>Sync requests</th></tr></thead><tbody>${result.runs.map((r) => renderRun(r, open)).join('')}</tbody></table>`
}

function entryTable(entries: readonly DiffEntry[], caption: string): string {
  if (entries.length === 0) return ''
  return `<table class="diff"><caption>${text(caption)}</caption><thead><tr><th>entryUUID</th><th>DN</th></tr></thead><tbody>` +
    entries.map((e) => `<tr><td class="uuid">${text(e.uuid)}</td><td>${text(e.dn)}</td></tr>`).join('') + '</tbody></table>'
}

function values(list: readonly string[]): string {
  return list.length === 0 ? '' : `<ul>${list.map((v) => `<li>${text(v)}</li>`).join('')}</ul>`
}

function changedEntry(entry: ChangedEntry): string {
  const dn = entry.consumerDn !== undefined && entry.consumerDn !== entry.dn
    ? `${text(entry.dn)} <span class="muted">(replica: ${text(entry.consumerDn)})</span>`
    : text(entry.dn)
  const rows = entry.attributes.map((a) => `<tr><td>${text(a.name)}</td><td class="missing">${values(a.missing)}</td><td class="unexpected">${values(a.unexpected)}</td></tr>`)
  return `<div class="changed"><p><span class="uuid">${text(entry.uuid)}</span> ${dn}</p>` +
    '<table class="diff"><thead><tr><th>Attribute</th><th>Missing from the replica</th><th>Unexpected in the replica</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`
}

function renderDiff(diff: ReplicaDiff | undefined): string {
  if (diff === undefined) return '<p class="muted">No replica report was read, so there is no diff.</p>'
  const differs = diff.missing.length + diff.unexpected.length + diff.changed.length
  if (differs === 0) return `<p>The replica matches the provider's content (${diff.matching} entr${diff.matching === 1 ? 'y' : 'ies'}).</p>`
  return `<p>${diff.matching} matching, ${diff.missing.length} missing, ${diff.unexpected.length} unexpected, ${diff.changed.length} changed.</p>` +
    entryTable(diff.missing, 'Missing: in the provider\'s content, not in the replica') +
    entryTable(diff.unexpected, 'Unexpected (ghosts): in the replica, not in the provider\'s content') +
    (diff.changed.length === 0 ? '' : `<h4>Changed</h4>${diff.changed.map(changedEntry).join('')}`)
}

function wireText(wire: readonly WireRecord[]): string {
  return wire.map((r) => {
    const arrow = r.direction === 'in' ? '->' : r.direction === 'out' ? '<-' : '--'
    return `${String(r.n).padStart(4)} ${String(r.atMs).padStart(7)} ms  #${r.connection} ${arrow} ${r.text}`
  }).join('\n')
}

function renderBody(result: CaseResult): string {
  const meta = [
    `<dt>Requirement</dt><dd><span class="level">${text(result.level)}</span> ${text(result.spec)} §${text(result.section)}: ${text(result.requirement)}</dd>`,
  ]
  if (result.deviation !== undefined) meta.push(`<dt>Deviation</dt><dd>${text(result.deviation)}</dd>`)
  meta.push(`<dt>Summary</dt><dd>${text(result.summary)}</dd>`)
  if (result.detail !== undefined) meta.push(`<dt>Detail</dt><dd><pre>${text(result.detail)}</pre></dd>`)
  meta.push(`<dt>Case</dt><dd>${text(result.caseId)} <span class="muted">(${text(result.file)})</span></dd>`)
  if (result.tags.length > 0) meta.push(`<dt>Tags</dt><dd>${result.tags.map((t) => `<span class="tag">${text(t)}</span>`).join(' ')}</dd>`)
  return '<div class="body">' +
    `<p class="title">${text(result.title)}</p><dl class="meta">${meta.join('')}</dl>` +
    `<h3>Findings</h3>${renderFindings(result)}` +
    `<h3>Runs</h3>${renderRuns(result)}` +
    `<h3>Replica diff</h3>${renderDiff(result.diff)}` +
    `<h3>Message sequence</h3><div class="seq">${renderSequenceSvg(result.wire)}</div>` +
    (result.wire.length === 0 ? '' : `<details class="wire-text"><summary>Wire log as text (${result.wire.length} records)</summary><pre>${text(wireText(result.wire))}</pre></details>`) +
    '</div>'
}

/** The case's row (summary) and its full verdict (body). */
export function renderCase(result: CaseResult, strict: boolean): string {
  const failing = isFailing(result.grade, strict) ? ' failing' : ''
  return `<details class="case${failing}" id="${attr(caseAnchor(result.id))}" data-grade="${attr(result.grade)}">` +
    '<summary class="row">' +
    `<span class="id">${text(result.id)}</span><span>${text(result.mode)}</span><span>${text(result.dialect)}</span>` +
    `<span>${text(result.level)}</span><span class="cell g-${attr(result.grade)}">${text(result.grade)}</span>` +
    `<span class="num">${text(formatDuration(result.durationMs))}</span></summary>` +
    renderBody(result) +
    '</details>'
}
