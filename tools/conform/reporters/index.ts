/**
 * The conformance runner's reporters: pure renderers of a ConformanceReport
 * (tools/conform/verdict.ts) into console text, JUnit XML, JSON, HTML and SVG.
 */
export { formatCaseLine, formatSummary } from './console.js'
export type { ConsoleOptions } from './console.js'
export { renderJUnit } from './junit.js'
export { renderJson, toJsonReport } from './json.js'
export type { JsonCase, JsonReport } from './json.js'
export { renderSequenceSvg } from './sequence-svg.js'
export type { SequenceSvgOptions } from './sequence-svg.js'
export { HTML_REPORT_FILE, renderHtml, writeHtmlReport } from './html.js'
export { caseAnchor } from './html-case.js'
