/**
 * Durations of the text form: whole milliseconds as a number, or a string `<number><unit>` with
 * the units `ms`, `s` and `m` (`250ms`, `2s`, `1.5s`, `1m`). Timers work in whole milliseconds,
 * so a duration that is not one (`0.5ms`, `1.0001s`) is refused rather than rounded.
 */
import { failed, parsed } from './parsed.js'
import type { Parsed } from './parsed.js'

const DURATION = /^([0-9]+)(?:\.([0-9]+))?(ms|s|m)$/

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 }

/** Longest duration accepted: what a Node.js timer can wait (2^31-1 ms, about 24.8 days). */
export const MAX_DURATION_MS = 2 ** 31 - 1

/**
 * @example parseDuration('1.5s') // { ok: true, value: 1500 }
 */
export function parseDuration(text: string): Parsed<number> {
  const match = DURATION.exec(text)
  if (match === null) {
    return failed(`"${text}" is not a duration; write whole milliseconds as a number (250) or a number with a unit: 250ms, 2s, 1.5s, 1m.`)
  }
  const [, whole = '', fraction = '', unit = 'ms'] = match
  const scale = UNIT_MS[unit] as number
  // Exact decimal arithmetic: 1.001s is 1001 ms, with no floating-point rounding in between.
  const digits = BigInt(whole + fraction) * BigInt(scale)
  const divisor = 10n ** BigInt(fraction.length)
  if (digits % divisor !== 0n) return failed(`"${text}" is not a whole number of milliseconds; timers count whole milliseconds.`)
  const ms = digits / divisor
  if (ms > BigInt(MAX_DURATION_MS)) return failed(`"${text}" is longer than the longest timer (${MAX_DURATION_MS} ms, about 24.8 days).`)
  return parsed(Number(ms))
}
