/**
 * A sequence diagram of a case's wire log as inline SVG: the consumer on the left, the provider
 * on the right, requests (`in`) as arrows to the right, responses and Sync Info messages (`out`)
 * as arrows to the left, runner and scenario notes as boxes across the lifelines. Each arrow is
 * labelled "N. text", N being the "message N" that verdicts cite; a long text is shortened and
 * shown whole in the arrow's <title> tooltip.
 *
 * When a case opens a few connections (a resume, a reconnect after a fault) each gets its own
 * consumer lifeline, `consumer #1`, `consumer #2`…; with more than MAX_LANES the lifelines would
 * crowd, so one consumer lifeline is drawn and each label starts with its connection (`#3`).
 *
 * Arrowheads are drawn as paths rather than <marker>s: an HTML page holds many of these SVGs, and
 * marker ids would collide between them.
 */
import type { WireRecord } from '../verdict.js'
import { escapeAttribute, escapeText } from './markup-escape.js'
import { truncate } from './text-layout.js'

export interface SequenceSvgOptions {
  /** At most this many records are drawn; the rest are counted in a closing note. Default 400. */
  readonly maxRecords?: number
}

const DEFAULT_MAX_RECORDS = 400
const MAX_LANES = 4
const TIME_COLUMN = 72
const HEADER_HEIGHT = 44
const ROW_HEIGHT = 24
const LANE_SPACING = 104
const HEAD_WIDTH = 96
const ARROW_SPAN = 500
const NOTE_OVERHANG = 40
const RIGHT_MARGIN = 64
/** Approximate advance of one character of 11 px monospace text. */
const CHAR_WIDTH = 6.7

const COLOURS = {
  in: '#1f5fa8',
  out: '#2a7a3b',
  lifeline: '#9aa4b2',
  headFill: '#eef2f7',
  noteFill: '#fff6d5',
  noteStroke: '#d9c27a',
  time: '#6b7280',
  text: '#1f2937',
} as const

interface Lanes {
  /** x of the consumer lifeline for a connection number. */
  readonly xOf: (connection: number) => number
  readonly heads: readonly { readonly x: number; readonly label: string }[]
  /** Labels carry a `#N` connection badge (too many connections for one lifeline each). */
  readonly badges: boolean
  readonly firstX: number
  readonly providerX: number
}

function layoutLanes(records: readonly WireRecord[]): Lanes {
  const connections: number[] = []
  for (const r of records) {
    if (r.direction !== 'note' && !connections.includes(r.connection)) connections.push(r.connection)
  }
  const firstX = TIME_COLUMN + HEAD_WIDTH / 2 + 8
  if (connections.length <= 1 || connections.length > MAX_LANES) {
    const providerX = firstX + ARROW_SPAN
    return {
      xOf: () => firstX,
      heads: [{ x: firstX, label: 'consumer' }, { x: providerX, label: 'provider' }],
      badges: connections.length > MAX_LANES,
      firstX,
      providerX,
    }
  }
  const xs = new Map(connections.map((c, i) => [c, firstX + i * LANE_SPACING]))
  const lastX = firstX + (connections.length - 1) * LANE_SPACING
  const providerX = lastX + ARROW_SPAN
  return {
    xOf: (c) => xs.get(c) ?? firstX,
    heads: [...connections.map((c, i) => ({ x: firstX + i * LANE_SPACING, label: `consumer #${c}` })), { x: providerX, label: 'provider' }],
    badges: false,
    firstX,
    providerX,
  }
}

function fitChars(width: number): number {
  return Math.max(8, Math.floor(width / CHAR_WIDTH))
}

function noteRow(text: string, tooltip: string, y: number, lanes: Lanes): string {
  const left = lanes.firstX - NOTE_OVERHANG
  const width = lanes.providerX - lanes.firstX + 2 * NOTE_OVERHANG
  return [
    '<g class="note">',
    `<title>${escapeText(tooltip)}</title>`,
    `<rect x="${left}" y="${y + 3}" width="${width}" height="${ROW_HEIGHT - 6}" rx="3" fill="${COLOURS.noteFill}" stroke="${COLOURS.noteStroke}"/>`,
    `<text x="${left + 6}" y="${y + 16}" fill="${COLOURS.text}">${escapeText(truncate(text, fitChars(width - 12)))}</text>`,
    '</g>',
  ].join('')
}

function arrowRow(record: WireRecord, y: number, lanes: Lanes): string {
  const consumerX = lanes.xOf(record.connection)
  const inbound = record.direction === 'in'
  const [fromX, toX] = inbound ? [consumerX, lanes.providerX] : [lanes.providerX, consumerX]
  const colour = inbound ? COLOURS.in : COLOURS.out
  const lineY = y + 18
  const head = inbound
    ? `M${toX} ${lineY} l-8 -4 v8 z`
    : `M${toX} ${lineY} l8 -4 v8 z`
  const badge = lanes.badges ? `#${record.connection} ` : ''
  const label = `${record.n}. ${badge}${record.text}`
  const labelWidth = Math.abs(toX - fromX) - 16
  const labelX = Math.min(fromX, toX) + 8
  const tooltip = `message ${record.n}${record.messageId !== undefined ? `, messageID ${record.messageId}` : ''}` +
    `, connection ${record.connection}${record.run !== undefined ? `, run ${record.run}` : ''}, ${record.atMs} ms\n${record.text}`
  return [
    `<g class="arrow ${record.direction}">`,
    `<title>${escapeText(tooltip)}</title>`,
    `<line x1="${fromX}" y1="${lineY}" x2="${toX}" y2="${lineY}" stroke="${colour}" stroke-width="1.5"/>`,
    `<path d="${head}" fill="${colour}"/>`,
    `<text x="${labelX}" y="${y + 13}" fill="${colour}">${escapeText(truncate(label, fitChars(labelWidth)))}</text>`,
    '</g>',
  ].join('')
}

/**
 * The wire log as a standalone SVG document fragment (valid both inline in HTML and as an .svg
 * file).
 *
 * @example
 * const svg = renderSequenceSvg(result.wire, { maxRecords: 200 })
 */
export function renderSequenceSvg(wire: readonly WireRecord[], options: SequenceSvgOptions = {}): string {
  const max = Math.max(0, Math.floor(options.maxRecords ?? DEFAULT_MAX_RECORDS))
  const shown = wire.slice(0, max)
  const hidden = wire.length - shown.length
  const lanes = layoutLanes(shown)
  const rows: string[] = []
  let y = HEADER_HEIGHT

  if (wire.length === 0) {
    rows.push(noteRow('no messages recorded', 'The wire log of this case is empty.', y, lanes))
    y += ROW_HEIGHT
  }
  for (const record of shown) {
    rows.push(`<text x="${TIME_COLUMN - 8}" y="${y + 16}" text-anchor="end" fill="${COLOURS.time}">${record.atMs} ms</text>`)
    if (record.direction === 'note') rows.push(noteRow(`${record.n}. ${record.text}`, `message ${record.n}, ${record.atMs} ms\n${record.text}`, y, lanes))
    else rows.push(arrowRow(record, y, lanes))
    y += ROW_HEIGHT
  }
  if (hidden > 0) {
    const text = `… ${hidden} more message${hidden === 1 ? '' : 's'} not drawn (the first ${shown.length} are shown)`
    rows.push(noteRow(text, text, y, lanes))
    y += ROW_HEIGHT
  }

  const height = y + 12
  const width = lanes.providerX + HEAD_WIDTH / 2 + RIGHT_MARGIN
  const heads = lanes.heads.map(({ x, label }) => [
    `<line x1="${x}" y1="${HEADER_HEIGHT - 8}" x2="${x}" y2="${height - 8}" stroke="${COLOURS.lifeline}" stroke-dasharray="4 3"/>`,
    `<rect x="${x - HEAD_WIDTH / 2}" y="8" width="${HEAD_WIDTH}" height="${HEADER_HEIGHT - 16}" rx="4" fill="${COLOURS.headFill}" stroke="${COLOURS.lifeline}"/>`,
    `<text x="${x}" y="${HEADER_HEIGHT - 18}" text-anchor="middle" font-weight="bold" fill="${COLOURS.text}">${escapeText(label)}</text>`,
  ].join(''))
  const description = `Sequence diagram of ${wire.length} wire record${wire.length === 1 ? '' : 's'} between the consumer and the provider`

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="sequence" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` role="img" aria-label="${escapeAttribute(description)}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`,
    ...heads,
    ...rows,
    '</svg>',
  ].join('\n')
}
