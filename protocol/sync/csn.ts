import { SyncValueError } from '../errors.js'

/**
 * OpenLDAP Change Sequence Numbers, the state inside slapd's cookies (RFC 4533 digest §3.3;
 * RFC 4533 Appendix A describes the idea):
 *
 *     YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#mmmmmm
 *
 * GMT time with microseconds; `cccccc` a hex counter for changes within one microsecond; `sss`
 * the hex serverID (0..0xfff); `mmmmmm` a hex modification number within one operation.
 *
 * What we accept is what slapd accepts in a cookie (csnValidate followed by csnNormalize): this
 * 40-character form, and the OpenLDAP 2.2/2.3 form `YYYYmmddHHMMSSZ#cccccc#ss#mmmmmm` (32
 * characters, no microseconds, 2-digit serverID). slapd still reads the legacy form and rewrites
 * it as `YYYYmmddHHMMSS.000000Z#cccccc#0ss#mmmmmm`; we do the same, so a consumer or provider
 * under test that meets an old cookie sees the same CSN slapd would (`legacy: true` says so).
 * Hex digits of the serverID and modification number are lowercased, the counter is kept as
 * written — again as slapd's normaliser does.
 *
 * Not accepted, although slapd's generalizedTime check would let them through: the other
 * GeneralizedTime spellings that happen to have the same length (a `,` decimal mark, a time
 * zone offset, a fraction of minutes). No OpenLDAP version writes them.
 */

export interface Csn {
  readonly kind: 'csn'
  /** The normalized 40-character text, which is what slapd compares and echoes. */
  readonly text: string
  /** `YYYYmmddHHMMSS.uuuuuuZ` (legacy CSNs get `.000000`). */
  readonly time: string
  readonly count: number
  readonly sid: number
  readonly mod: number
  /** True when the input used the OpenLDAP 2.2/2.3 form. */
  readonly legacy: boolean
}

export const MAX_CSN_SID = 0xfff
const MAX_COUNT = 0xffffff

const D = 1 // digit
const H = 2 // hex digit
type Slot = typeof D | typeof H | number // a number > 2 is a literal character code

const lit = (c: string): number => c.charCodeAt(0)
const MODERN: readonly Slot[] = [
  ...Array<Slot>(14).fill(D), lit('.'), ...Array<Slot>(6).fill(D), lit('Z'), lit('#'),
  ...Array<Slot>(6).fill(H), lit('#'), ...Array<Slot>(3).fill(H), lit('#'), ...Array<Slot>(6).fill(H),
]
const LEGACY: readonly Slot[] = [
  ...Array<Slot>(14).fill(D), lit('Z'), lit('#'),
  ...Array<Slot>(6).fill(H), lit('#'), ...Array<Slot>(2).fill(H), lit('#'), ...Array<Slot>(6).fill(H),
]
const MODERN_TEXT = 'YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#mmmmmm'

/** A CSN that failed: where (relative to the CSN's first octet) and why. */
export interface CsnFault {
  readonly kind: 'csnFault'
  readonly offset: number
  readonly reason: string
}

/**
 * Checks `bytes[start, end)` as a CSN. Used by `parseCsn` and by the cookie parser, which must
 * not throw on a bad CSN (slapd just ends the CSN list there).
 */
export function scanCsn(bytes: Uint8Array, start = 0, end = bytes.length): Csn | CsnFault {
  const len = end - start
  let firstHash = -1
  for (let i = start; i < end; i++) {
    if (bytes[i] === 0x23) {
      firstHash = i - start
      break
    }
  }
  const legacy = firstHash === 15 || (firstHash !== 22 && len === LEGACY.length)
  const pattern = legacy ? LEGACY : MODERN
  const n = Math.min(len, pattern.length)
  for (let i = 0; i < n; i++) {
    const c = bytes[start + i] as number
    const slot = pattern[i] as Slot
    const ok = slot === D ? isDigit(c) : slot === H ? isHex(c) : c === slot
    if (!ok) {
      const want = slot === D ? 'a digit' : slot === H ? 'a hex digit' : `"${String.fromCharCode(slot)}"`
      return fault(i, `character ${i + 1} should be ${want}`)
    }
  }
  if (len !== pattern.length) {
    return fault(n, `it has ${len} characters where ${pattern.length} are expected`)
  }
  const num = (from: number, count: number, base: number): number => {
    let v = 0
    for (let i = 0; i < count; i++) v = v * base + hexValue(bytes[start + from + i] as number)
    return v
  }
  const timeFault = checkCalendar(num(0, 2, 10), num(2, 2, 10), num(4, 2, 10), num(6, 2, 10), num(8, 2, 10), num(10, 2, 10), num(12, 2, 10))
  if (timeFault !== undefined) return fault(timeFault.offset, timeFault.reason)

  const text = latin1(bytes, start, end)
  if (legacy) {
    const time = text.slice(0, 14) + '.000000Z'
    const count = text.slice(16, 22)
    const sid = text.slice(23, 25).toLowerCase()
    const mod = text.slice(26, 32).toLowerCase()
    return csn(`${time}#${count}#0${sid}#${mod}`, time, num(16, 6, 16), num(23, 2, 16), num(26, 6, 16), true)
  }
  const normalized = text.slice(0, 30) + text.slice(30).toLowerCase()
  return csn(normalized, text.slice(0, 22), num(23, 6, 16), num(30, 3, 16), num(34, 6, 16), false)
}

function csn(text: string, time: string, count: number, sid: number, mod: number, legacy: boolean): Csn {
  return { kind: 'csn', text, time, count, sid, mod, legacy }
}

function fault(offset: number, reason: string): CsnFault {
  return { kind: 'csnFault', offset, reason }
}

/**
 * Range checks slapd's GeneralizedTime validator applies: month 1..12, a day that exists in that
 * month (Gregorian leap years), hour 0..23, minute 0..59, second 0..60 (leap second).
 */
function checkCalendar(
  century: number,
  yearInCentury: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): { offset: number; reason: string } | undefined {
  if (month < 1 || month > 12) return { offset: 4, reason: `the month ${month} is not 1..12` }
  const leap = (yearInCentury === 0 ? century : yearInCentury) % 4 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number
  if (day < 1 || day > days) return { offset: 6, reason: `day ${day} does not exist in month ${month}` }
  if (hour > 23) return { offset: 8, reason: `the hour ${hour} is not 0..23` }
  if (minute > 59) return { offset: 10, reason: `the minute ${minute} is not 0..59` }
  if (second > 60) return { offset: 12, reason: `the second ${second} is not 0..60` }
  return undefined
}

function toBytes(input: string | Uint8Array): Uint8Array {
  if (typeof input !== 'string') return input
  const out = new Uint8Array(input.length)
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    out[i] = c > 0xff ? 0 : c // any non-Latin-1 character is invalid anyway; 0 fails every slot
  }
  return out
}

/**
 * Parses a CSN (text or bytes).
 *
 * @example parseCsn('20240115093012.345678Z#000000#001#000000').sid // 1
 * @throws SyncValueError SYNC_BAD_CSN with the offset of the first offending character.
 */
export function parseCsn(input: string | Uint8Array): Csn {
  const r = scanCsn(toBytes(input))
  if (r.kind === 'csn') return r
  const shown = typeof input === 'string' ? input : latin1(input, 0, input.length)
  throw new SyncValueError(
    'SYNC_BAD_CSN',
    `"${shown.length > 60 ? shown.slice(0, 60) + '…' : shown}" is not a CSN: ${r.reason} (offset ${r.offset}); expected ${MODERN_TEXT}.`,
    { offset: r.offset },
  )
}

/** True when slapd would accept the CSN in a cookie. */
export function isValidCsn(input: string | Uint8Array): boolean {
  return scanCsn(toBytes(input)).kind === 'csn'
}

/**
 * Orders two CSNs the way slapd orders cookie CSNs: shorter first, then byte by byte
 * (normalized CSNs all have 40 characters, so this is plain text order).
 */
export function compareCsn(a: string | Uint8Array, b: string | Uint8Array): -1 | 0 | 1 {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  const x = toBytes(a)
  const y = toBytes(b)
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] as number) - (y[i] as number)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

export interface CsnFields {
  /** `YYYYmmddHHMMSS.uuuuuuZ` */
  readonly time: string
  readonly count: number
  readonly sid: number
  readonly mod: number
}

/**
 * Writes a CSN from its fields, as slapd's `%06x#%03x#%06x` does.
 *
 * @example formatCsn({ time: '20240115093012.345678Z', count: 0, sid: 1, mod: 0 })
 * @throws SyncValueError SYNC_BAD_CSN when a field is out of range.
 */
export function formatCsn(fields: CsnFields): string {
  checkRange('count', fields.count, MAX_COUNT)
  checkRange('sid', fields.sid, MAX_CSN_SID)
  checkRange('mod', fields.mod, MAX_COUNT)
  const text = `${fields.time}#${hex(fields.count, 6)}#${hex(fields.sid, 3)}#${hex(fields.mod, 6)}`
  const r = scanCsn(toBytes(text))
  if (r.kind !== 'csn' || r.legacy) {
    throw new SyncValueError('SYNC_BAD_CSN', `"${fields.time}" is not a CSN time; expected YYYYmmddHHMMSS.uuuuuuZ with a real date.`)
  }
  return text
}

/**
 * A CSN for a moment: the Date's UTC time with its milliseconds, plus `microseconds` (0..999)
 * below them, then counter, serverID and modification number.
 *
 * @example csnFromDate(new Date(Date.UTC(2024, 0, 15, 9, 30, 12, 345)), { sid: 1, microseconds: 678 })
 * // '20240115093012.345678Z#000000#001#000000'
 */
export function csnFromDate(
  date: Date,
  options: { readonly count?: number; readonly sid?: number; readonly mod?: number; readonly microseconds?: number } = {},
): string {
  const micro = options.microseconds ?? 0
  checkRange('microseconds', micro, 999)
  const year = date.getUTCFullYear()
  if (!(year >= 0 && year <= 9999)) {
    throw new SyncValueError('SYNC_BAD_CSN', `A CSN holds a 4-digit year; ${String(date)} is outside 0000..9999.`)
  }
  const time =
    pad(year, 4) + pad(date.getUTCMonth() + 1, 2) + pad(date.getUTCDate(), 2) + pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) + pad(date.getUTCSeconds(), 2) + '.' + pad(date.getUTCMilliseconds() * 1000 + micro, 6) + 'Z'
  return formatCsn({ time, count: options.count ?? 0, sid: options.sid ?? 0, mod: options.mod ?? 0 })
}

/** The moment a CSN names, to the millisecond, and its microseconds within that millisecond. */
export function csnDate(c: Csn): { readonly date: Date; readonly microseconds: number } {
  const t = c.time
  const n = (a: number, b: number): number => Number(t.slice(a, b))
  const micros = n(15, 21)
  const date = new Date(Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14), Math.floor(micros / 1000)))
  if (n(0, 4) < 100) date.setUTCFullYear(n(0, 4)) // Date.UTC maps years 0..99 to 1900..1999
  return { date, microseconds: micros % 1000 }
}

function checkRange(name: string, v: number, max: number): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= max)) {
    throw new SyncValueError('SYNC_BAD_CSN', `The CSN ${name} must be an integer in 0..${max}, not ${v}.`)
  }
}

function hex(v: number, width: number): string {
  return v.toString(16).padStart(width, '0')
}

function pad(v: number, width: number): string {
  return String(v).padStart(width, '0')
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = ''
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i] as number)
  return s
}
