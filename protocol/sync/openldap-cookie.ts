import { SyncValueError } from '../errors.js'
import { isValidCsn, scanCsn, type Csn } from './csn.js'

/**
 * slapd's cookie format (RFC 4533 digest §3.3), as syncprov composes and parses it:
 *
 *     rid=RRR[,sid=SSS][,csn=CSN1[;CSN2…]][,delcsn=CSN]
 *
 * RFC 4533 §2.1.2 makes cookies opaque to clients; these helpers exist because our mock provider
 * must answer odd cookies exactly as slapd 2.5 does (traces f2, f4, f7, f8), and our reference
 * consumer must merge multi-provider cookies per serverID (python-ldap#562).
 *
 * The parser follows slap_parse_sync_cookie() step by step rather than a grammar (read in the
 * OpenLDAP master source; the slapd 2.5.13 traces f2, f3, f4, f7, f8 agree with it):
 * - a cookie of 4 bytes or fewer fails outright (before any rid is read);
 * - it scans byte by byte for `rid=`, `sid=`, `csn=`, `delcsn=`, skipping anything else, so
 *   components may come in any order and unknown ones are ignored;
 * - numbers are read like C's strtol (leading blanks, a sign, `0x` for sid), stored in a C int
 *   (so 4294967296 wraps to 0), and must be followed by `,` or the end; rid must be 0..999, sid
 *   0..0xfff, or the whole parse fails — after rid has been stored, which is why slapd echoes
 *   `rid=4096` back (trace f8);
 * - each CSN is validated; the first invalid one ends the CSN list and scanning resumes at it
 *   (trace f2: `csn=garbage` leaves no state, so slapd sends initial content);
 * - CSNs are normalized (legacy form rewritten) and sorted by serverID.
 * syncprov then ignores the cookie's state when the parse failed or found no rid; with no rid it
 * replies with a zero-length cookie (traces f4, f7).
 */

export type CookieOutcome =
  /** Parsed, with a rid: slapd uses its CSNs (if any) as the consumer's state. */
  | 'ok'
  /** Parsed, but no `rid=`: slapd serves initial content and replies with a zero-length cookie. */
  | 'ridMissing'
  /** 4 bytes or fewer: the parse fails before reading anything (a zero-length cookie lands here). */
  | 'tooShort'
  /** `rid=` not followed by a decimal number ending at `,` or the end. */
  | 'ridInvalid'
  /** rid outside 0..999 (slapd's SLAP_SYNC_RID_MAX). */
  | 'ridOutOfRange'
  | 'sidInvalid'
  /** sid outside 0..0xfff (SLAP_SYNC_SID_MAX). */
  | 'sidOutOfRange'

export interface InvalidCookieCsn {
  readonly component: 'csn' | 'delcsn'
  /** Offset of the rejected CSN in the cookie. */
  readonly offset: number
  /** The rejected text (Latin-1 view of its bytes). */
  readonly text: string
}

export interface OpenLdapCookie {
  readonly kind: 'openldapCookie'
  readonly outcome: CookieOutcome
  /** True only for `ok`: the cookie carries a replica ID and slapd takes its state. */
  readonly usable: boolean
  /** The rid as read (may be out of range, see `outcome`); undefined when none was read. */
  readonly rid: number | undefined
  /** The requester's serverID as read; undefined when none was read. */
  readonly sid: number | undefined
  /** Normalized CSNs read before parsing stopped, sorted by serverID. Use them only when `usable`. */
  readonly csns: readonly Csn[]
  readonly delcsn: Csn | undefined
  /** CSNs that failed validation; each ended its list. */
  readonly invalidCsns: readonly InvalidCookieCsn[]
  /**
   * The rid slapd puts in the cookies it sends back in reply, or undefined when it sends a
   * zero-length cookie: the rid as read, even out of range (trace f8); 0 for a too-short cookie
   * (slapd's zeroed default — from reading the code, no trace covers it); undefined when no rid
   * was read or it read -1.
   */
  readonly replyRid: number | undefined
}

const RID_MAX = 999
const SID_MAX = 0xfff

const RID = ascii('rid=')
const SID = ascii('sid=')
const CSN = ascii('csn=')
const DELCSN = ascii('delcsn=')

/**
 * Parses a cookie the way slapd 2.5's syncprov does. Never throws: odd input is described by
 * `outcome` and `invalidCsns`.
 *
 * @example parseOpenLdapCookie(bytes('rid=4096,csn=…')).outcome // 'ridOutOfRange', replyRid 4096
 */
export function parseOpenLdapCookie(cookie: Uint8Array): OpenLdapCookie {
  const end = cookie.length
  if (end <= RID.length) {
    return result('tooShort', undefined, undefined, [], undefined, [], 0)
  }
  let rid: number | undefined
  let sid: number | undefined
  const csns: Csn[] = []
  let delcsn: Csn | undefined
  const invalid: InvalidCookieCsn[] = []
  const fail = (outcome: CookieOutcome) => result(outcome, rid, sid, sortBySid(csns), delcsn, invalid, rid === -1 ? undefined : rid)

  let next = 0
  while (next < end) {
    if (startsWith(cookie, next, RID) || startsWith(cookie, next, SID)) {
      const isRid = cookie[next] === 0x72
      const n = strtol(cookie, next + 4, isRid ? 10 : 16)
      if (isRid) rid = n.value
      else sid = n.value
      const after = n.stop < end ? (cookie[n.stop] as number) : 0
      if (after !== 0 && after !== 0x2c) return fail(isRid ? 'ridInvalid' : 'sidInvalid')
      if (n.value < 0 || n.value > (isRid ? RID_MAX : SID_MAX)) return fail(isRid ? 'ridOutOfRange' : 'sidOutOfRange')
      next = after === 0x2c ? n.stop + 1 : n.stop
      continue
    }
    const isCsn = startsWith(cookie, next, CSN)
    if (isCsn || startsWith(cookie, next, DELCSN)) {
      next += isCsn ? CSN.length : DELCSN.length
      while (next < end) {
        const csnStart = next
        const hash = cStrchr(cookie, csnStart, 0x23)
        // From the first '#', slapd looks for the next ';' (anywhere further on) and only then
        // for ','; that ends this CSN.
        const from = hash < 0 ? csnStart : hash
        let sep = cStrchr(cookie, from, 0x3b)
        if (sep < 0) sep = cStrchr(cookie, from, 0x2c)
        const stampEnd = sep < 0 ? end : sep
        // Without a '#' slapd stops before validating; either way the CSN is rejected.
        const c = hash < 0 ? undefined : scanCsn(cookie, csnStart, stampEnd)
        if (c === undefined || c.kind !== 'csn') {
          invalid.push({ component: isCsn ? 'csn' : 'delcsn', offset: csnStart, text: latin1(cookie, csnStart, stampEnd) })
          break // `next` stays at the rejected CSN; the outer scan resumes there
        }
        if (isCsn) csns.push(c)
        else delcsn = c
        next = sep < 0 ? end : sep + 1
        if (!isCsn || sep < 0 || cookie[sep] !== 0x3b) break
      }
      continue
    }
    next++
  }
  if (rid === undefined) return result('ridMissing', undefined, sid, sortBySid(csns), delcsn, invalid, undefined)
  return result('ok', rid, sid, sortBySid(csns), delcsn, invalid, rid)
}

function result(
  outcome: CookieOutcome,
  rid: number | undefined,
  sid: number | undefined,
  csns: readonly Csn[],
  delcsn: Csn | undefined,
  invalidCsns: readonly InvalidCookieCsn[],
  replyRid: number | undefined,
): OpenLdapCookie {
  return { kind: 'openldapCookie', outcome, usable: outcome === 'ok', rid, sid, csns, delcsn, invalidCsns, replyRid }
}

/** Stable sort by serverID, as slapd sorts a multi-CSN cookie. */
function sortBySid(csns: Csn[]): Csn[] {
  return csns.length > 1 ? csns.map((c, i) => ({ c, i })).sort((a, b) => a.c.sid - b.c.sid || a.i - b.i).map((x) => x.c) : csns
}

export interface OpenLdapCookieFields {
  /** undefined: slapd's "no rid" (-1), which composes a zero-length cookie. */
  readonly rid: number | undefined
  /** The provider's serverID; leave it out for serverID 0, as slapd does. */
  readonly sid?: number
  /** CSNs in the order to write them (slapd writes its contextCSN vector, sorted by serverID). */
  readonly csns?: readonly (Csn | string)[]
  /** Only written when there are CSNs (slapd drops it otherwise). */
  readonly delcsn?: Csn | string
}

/**
 * Composes a cookie as slap_compose_sync_cookie() does: `rid=%03d[,sid=%03x][,csn=a;b][,delcsn=x]`;
 * without CSNs just `rid=%03d[,sid=%03x]`; with no rid a zero-length cookie.
 *
 * @example composeOpenLdapCookie({ rid: 0, csns: ['20240115093012.345678Z#000000#000#000000'] })
 * // bytes of 'rid=000,csn=20240115093012.345678Z#000000#000#000000'
 * @throws SyncValueError SYNC_BAD_COOKIE for a rid or sid that is not an integer (or a negative
 *   sid), SYNC_BAD_CSN for an invalid CSN.
 */
export function composeOpenLdapCookie(fields: OpenLdapCookieFields): Uint8Array {
  const { rid, sid } = fields
  if (rid === undefined) return new Uint8Array(0)
  if (!Number.isSafeInteger(rid)) {
    throw new SyncValueError('SYNC_BAD_COOKIE', `A cookie rid must be an integer (slapd prints it with %03d), not ${rid}.`)
  }
  if (sid !== undefined && !(Number.isSafeInteger(sid) && sid >= 0)) {
    throw new SyncValueError('SYNC_BAD_COOKIE', `A cookie sid must be a non-negative integer (slapd prints it with %03x), not ${sid}.`)
  }
  const csns = (fields.csns ?? []).map(csnText)
  let s = 'rid=' + printfD03(rid)
  if (sid !== undefined) s += ',sid=' + sid.toString(16).padStart(3, '0')
  if (csns.length > 0) {
    s += ',csn=' + csns.join(';')
    if (fields.delcsn !== undefined) {
      const d = csnText(fields.delcsn)
      if (d !== '') s += ',delcsn=' + d
    }
  }
  return ascii(s)
}

function csnText(c: Csn | string): string {
  if (typeof c !== 'string') return c.text
  if (!isValidCsn(c)) {
    throw new SyncValueError('SYNC_BAD_CSN', `"${c}" is not a CSN slapd would accept; expected YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#mmmmmm.`)
  }
  return c
}

/** C's printf("%03d"): zero-padded to width 3, the sign counting toward the width. */
function printfD03(n: number): string {
  const digits = String(Math.abs(n))
  return n < 0 ? '-' + digits.padStart(2, '0') : digits.padStart(3, '0')
}

/**
 * C's strtol over a NUL-terminated copy of the cookie, then stored in a 32-bit int: leading
 * blanks, an optional sign, `0x` for base 16; no digits → 0 with the end pointer left where it
 * started; overflow clamps to the 64-bit long range before the int conversion wraps it.
 */
function strtol(b: Uint8Array, from: number, base: 10 | 16): { value: number; stop: number } {
  let p = from
  while (p < b.length && isCSpace(b[p] as number)) p++
  let negative = false
  if (p < b.length && (b[p] === 0x2b || b[p] === 0x2d)) {
    negative = b[p] === 0x2d
    p++
  }
  if (base === 16 && b[p] === 0x30 && ((b[p + 1] ?? 0) | 0x20) === 0x78 && digitValue(b[p + 2] ?? 0) < 16) p += 2
  const first = p
  let v = 0n
  const big = BigInt(base)
  while (p < b.length && digitValue(b[p] as number) < base) {
    if (v <= LONG_MAX) v = v * big + BigInt(digitValue(b[p] as number))
    p++
  }
  if (p === first) return { value: 0, stop: from }
  if (negative) v = -v
  if (v > LONG_MAX) v = LONG_MAX
  if (v < LONG_MIN) v = LONG_MIN
  return { value: Number(BigInt.asIntN(32, v)), stop: p }
}

const LONG_MAX = 2n ** 63n - 1n
const LONG_MIN = -(2n ** 63n)

/** strchr over the NUL-terminated copy: the index of `byte` at or after `from`, or -1. */
function cStrchr(b: Uint8Array, from: number, byte: number): number {
  for (let i = from; i < b.length; i++) {
    const c = b[i] as number
    if (c === byte) return i
    if (c === 0) return -1
  }
  return -1
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d)
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  const l = c | 0x20
  if (l >= 0x61 && l <= 0x7a) return l - 0x61 + 10
  return 99
}

function startsWith(b: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > b.length) return false
  for (let i = 0; i < prefix.length; i++) if (b[at + i] !== prefix[i]) return false
  return true
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff
  return out
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = ''
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number)
  return s
}
