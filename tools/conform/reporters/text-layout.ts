/**
 * Shortening and measuring text for reports that have limited room (a console column, an SVG
 * arrow label). Works on code points so an emoji or a non-BMP character is never cut in half.
 */

/** `text` cut to at most `max` code points, ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  if (max <= 1) return max === 1 ? '…' : ''
  return chars.slice(0, max - 1).join('') + '…'
}

/** The first line of `text`, marked with `…` when more lines follow. */
export function firstLine(text: string): string {
  const lines = text.split(/\r?\n/)
  const first = lines[0] ?? ''
  return lines.length > 1 && lines.slice(1).some((l) => l.trim() !== '') ? `${first} …` : first
}

/** Length in code points. */
export function textLength(text: string): number {
  return Array.from(text).length
}

/** `text` padded with spaces to `width` code points (never cut). */
export function padEnd(text: string, width: number): string {
  const missing = width - textLength(text)
  return missing > 0 ? text + ' '.repeat(missing) : text
}

/** A duration as people read it: `312 ms`, `4.2 s`, `2 min 03 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '? ms'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const totalSeconds = Math.round(ms / 1000)
  const minutes = Math.floor(totalSeconds / 60)
  const seconds = totalSeconds % 60
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}
