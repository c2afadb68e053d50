/**
 * The inline style sheet and script of the HTML report. Both are constants so the page can pin
 * them by hash in its Content-Security-Policy: a case text that somehow slipped past escaping
 * still could not run a script or load anything.
 */

export const REPORT_CSS = `
:root { --fg: #1f2937; --muted: #6b7280; --line: #d1d5db; --bg-alt: #f8fafc; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0 auto; padding: 16px 24px 48px; max-width: 1280px; }
header h1 { font-size: 20px; margin: 0 0 4px; }
header .facts { color: var(--muted); margin: 0 0 8px; }
header .facts b { color: var(--fg); font-weight: 600; }
.verdict { font-weight: 700; padding: 2px 8px; border-radius: 4px; }
.verdict.passed { background: #d8f3dc; color: #1b5e20; }
.verdict.failed { background: #fbd5d5; color: #8b1a1a; }
nav.filters { display: flex; flex-wrap: wrap; gap: 6px; margin: 12px 0 16px; }
nav.filters button { font: inherit; border: 1px solid var(--line); border-radius: 14px; padding: 2px 10px; background: #fff; cursor: pointer; }
nav.filters button[aria-pressed="true"] { outline: 2px solid #374151; }
nav.filters button:disabled { opacity: .45; cursor: default; }
section.group { margin-bottom: 18px; }
section.group h2 { font-size: 15px; margin: 0 0 4px; }
section.group h2 .muted { font-weight: 400; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) 10em 9em 5em 8.5em 6em; gap: 8px; align-items: center; padding: 3px 8px; }
.row.head { color: var(--muted); font-size: 12px; border-bottom: 1px solid var(--line); }
details.case { border-bottom: 1px solid #eef0f3; }
details.case > summary { cursor: pointer; list-style: none; }
details.case > summary::-webkit-details-marker { display: none; }
details.case > summary:hover { background: var(--bg-alt); }
details.case[open] > summary { background: #eef2f7; }
.id { font-family: ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.cell, .grade { text-align: center; font-weight: 600; border-radius: 3px; padding: 1px 6px; font-size: 12px; }
.g-PASS { background: #d8f3dc; color: #1b5e20; }
.g-FAIL, .g-ERROR, .g-TIMEOUT { background: #fbd5d5; color: #8b1a1a; }
.g-NON-STRICT { background: #fff1c2; color: #7a5b00; }
.g-INFO { background: #d6ecf7; color: #0b4f6c; }
.g-UNSUPPORTED { background: #e5e7eb; color: #4b5563; }
.case.failing .cell { outline: 1px solid currentColor; }
.body { padding: 8px 12px 16px 20px; background: #fff; }
.body h3 { font-size: 14px; margin: 16px 0 6px; }
.body h4 { font-size: 13px; margin: 10px 0 4px; }
.title { font-weight: 600; margin: 4px 0 8px; }
dl.meta { display: grid; grid-template-columns: 8em minmax(0, 1fr); gap: 2px 12px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; white-space: pre-wrap; }
.level { font-size: 11px; font-weight: 700; border: 1px solid var(--line); border-radius: 3px; padding: 0 4px; }
.tag { font-size: 12px; background: var(--bg-alt); border: 1px solid var(--line); border-radius: 3px; padding: 0 4px; }
.muted { color: var(--muted); }
.finding { border-left: 4px solid var(--line); padding: 4px 10px; margin: 6px 0; background: var(--bg-alt); }
.finding.b-FAIL, .finding.b-ERROR, .finding.b-TIMEOUT { border-left-color: #d64545; }
.finding.b-NON-STRICT { border-left-color: #d4a20a; }
.finding.b-INFO { border-left-color: #3b8fc2; }
.finding.passed { opacity: .6; }
table.eo th { text-align: left; vertical-align: top; color: var(--muted); font-weight: 500; padding-right: 10px; }
table.eo td, dl.meta dd, .observed { white-space: pre-wrap; overflow-wrap: anywhere; }
table.eo ul, table.diff ul { margin: 0; padding-left: 18px; }
table.runs, table.diff { border-collapse: collapse; margin: 4px 0 8px; }
table.runs th, table.runs td, table.diff th, table.diff td { border: 1px solid var(--line); padding: 2px 8px; text-align: left; vertical-align: top; }
table.diff caption { text-align: left; font-weight: 600; padding: 4px 0; }
.uuid { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
td.missing li { color: #8b1a1a; }
td.unexpected li { color: #7a5b00; }
pre { background: #111827; color: #e5e7eb; padding: 8px 10px; border-radius: 4px; overflow: auto; max-height: 28em; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.seq { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
.seq svg { display: block; }
`

/** Filter buttons by grade, and opening the case named in the URL fragment. */
export const REPORT_SCRIPT = `
(function () {
  var buttons = Array.prototype.slice.call(document.querySelectorAll('button[data-filter]'));
  var cases = Array.prototype.slice.call(document.querySelectorAll('details.case'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('section.group'));
  function shown(c, filter) {
    if (filter === 'ALL') return true;
    if (filter === 'NOT-PASS') return c.getAttribute('data-grade') !== 'PASS';
    return c.getAttribute('data-grade') === filter;
  }
  function apply(filter) {
    cases.forEach(function (c) { c.hidden = !shown(c, filter); });
    groups.forEach(function (g) { g.hidden = !g.querySelector('details.case:not([hidden])'); });
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === filter)); });
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { apply(b.getAttribute('data-filter')); }); });
  function openFromHash() {
    if (location.hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === 'DETAILS') { apply('ALL'); target.open = true; target.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openFromHash);
  openFromHash();
})();
`
