/**
 * 389-DS's sync cookies (sync_util.c; test/fixtures/389ds-traces/README.md):
 *
 *     SERVER#CLIENT#CHANGENUMBER   e.g. localhost:39601#cn=directory manager:dc=example,dc=com:(objectClass=*)#1333
 *
 * SERVER is `host:port`, CLIENT `binddn:base:filter` (bind DN normalised to lower case, base and
 * filter as the search names them), CHANGENUMBER the last retro changelog change number. With
 * `syncrepl-allow-openldap` a cookie starting with `rid=` is an OpenLDAP-compat cookie whose
 * "CSN" is the change number as seconds after 2100-01-01T01:01:01Z (sync_ulong2olcsn; the traces
 * ran with local time = UTC, and so does the mock).
 */
import * as DN from '../../protocol/dn/index.js'
import { formatFilter } from '../../protocol/ldap/filter-string.js'
import type { DialectKnobs } from './dialect.js'
import type { SyncSearchRequest } from './types.js'

/** What a request cookie means to 389-DS, decided once per operation. */
export type ChangelogCookieVerdict =
  /** No cookie, a zero-length one or a lone NUL: initial content (traces a, f1c, f1d). */
  | { readonly kind: 'none' }
  /** A NUL before the last octet: the control does not decode and nothing is ever sent (f1, f1b). */
  | { readonly kind: 'unanswered' }
  /** Unparsable, another server or client signature, a future change number: 4096 (f1e–f6, f8, f9). */
  | { readonly kind: 'invalid' }
  /** Compat: `rid=…` without a CSN — initial content, replies in compat form (compat/k1, k6). */
  | { readonly kind: 'compatInitial'; readonly clientSignature: string }
  /** Compat cookie with refreshAndPersist: 53 (compat/k4, k5). */
  | { readonly kind: 'compatPersist' }
  /** A cookie 389 accepts: changes after `changeNumber` are sent (b, c, e2, e3, f7, g2, h2, j1, compat/k2, k3). */
  | { readonly kind: 'valid'; readonly changeNumber: number; readonly compat: boolean; readonly clientSignature: string }

/** The 389-DS session: how its reply cookies are written. */
export interface ChangelogSession {
  readonly verdict: ChangelogCookieVerdict
  /** The change number when the search began: the reply cookie's. */
  readonly changeNumber: number
  /** Cookie text for a change number (the session's, or a persist change's). */
  cookie(changeNumber: number): Uint8Array
}

/** 2100-01-01T01:01:01Z in seconds: 389's CSN_OFFSET as the compat traces show it (1334 ↔ 21000101012315). */
const COMPAT_EPOCH = Date.UTC(2100, 0, 1, 1, 1, 1) / 1000

/**
 * Decides what the request cookie means, with the provider's current change number `current`.
 */
export function analyseChangelogCookie(request: SyncSearchRequest, knobs: DialectKnobs, current: number): ChangelogSession {
  const clientSignature = `${requestorDn(request.bindDn)}:${DN.format(request.base)}:${formatFilter(request.filter)}`
  const verdict = judge(request, knobs, current, clientSignature)
  const compat = verdict.kind === 'compatInitial' || (verdict.kind === 'valid' && verdict.compat)
  const signature = verdict.kind === 'compatInitial' || verdict.kind === 'valid' ? verdict.clientSignature : clientSignature
  return {
    verdict,
    changeNumber: current,
    cookie: (n) => new TextEncoder().encode(compat ? `${signature},csn=${compatCsnOf(n)}` : `${knobs.serverSignature}#${signature}#${n}`),
  }
}

/** 389's SLAPI_REQUESTOR_DN as it lands in the cookie: normalised, lower case; '' when anonymous. */
function requestorDn(bindDn: string | undefined): string {
  if (bindDn === undefined) return ''
  try {
    return DN.normalize(bindDn)
  } catch {
    return bindDn.toLowerCase() // not a DN we can parse: still a stable signature
  }
}

function judge(request: SyncSearchRequest, knobs: DialectKnobs, current: number, clientSignature: string): ChangelogCookieVerdict {
  const bytes = request.sync.cookie
  if (bytes === undefined) return { kind: 'none' }
  // liblber's LBER_BV_STRING check (ber_get_stringbv): a NUL anywhere but in the last octet fails
  // the decode, and sync_srch_refresh_pre_search gives up without a result (traces f1, f1b); a
  // trailing NUL just ends the C string (a lone NUL is an empty cookie, trace f1c).
  const nul = bytes.indexOf(0)
  if (nul >= 0 && nul < bytes.length - 1) return { kind: 'unanswered' }
  const text = Buffer.from(nul >= 0 ? bytes.subarray(0, nul) : bytes).toString('latin1')
  if (text === '') return { kind: 'none' }
  if (text.startsWith('rid=')) return judgeCompat(request, knobs, current, text)
  // sync_cookie_parse: SERVER up to the first '#', CLIENT up to the next, the rest a number.
  const first = text.indexOf('#')
  const second = first < 0 ? -1 : text.indexOf('#', first + 1)
  if (second < 0) return { kind: 'invalid' }
  const changeNumber = strtoul(text.slice(second + 1))
  // sync_cookie_isvalid: same server, same client (bind DN, base, filter), not in the future.
  if (changeNumber === undefined || changeNumber > current) return { kind: 'invalid' }
  if (text.slice(0, first) !== knobs.serverSignature || text.slice(first + 1, second) !== clientSignature) return { kind: 'invalid' }
  return { kind: 'valid', changeNumber, compat: false, clientSignature }
}

function judgeCompat(request: SyncSearchRequest, knobs: DialectKnobs, current: number, text: string): ChangelogCookieVerdict {
  // "An openldap sync request was made, but syncrepl-allow-openldap is false" (trace f8).
  if (!knobs.openldapCompat) return { kind: 'invalid' }
  // "Invalid session state, openldap compat not supported with persistence" (compat/k4, k5).
  if (request.sync.mode === 'refreshAndPersist') return { kind: 'compatPersist' }
  const comma = text.indexOf(',')
  if (comma < 0) return { kind: 'compatInitial', clientSignature: text }
  const rest = text.slice(comma)
  // ",csn=" and at least 20 characters from the comma, or the CSN is "probably corrupt" (k7).
  if (!rest.startsWith(',csn=') || rest.length < 20) return { kind: 'invalid' }
  const changeNumber = compatChangeNumberOf(rest.slice(5, 19))
  // Before the offset (k9) or after the provider (k8): invalid.
  if (changeNumber === undefined || changeNumber > current) return { kind: 'invalid' }
  return { kind: 'valid', changeNumber, compat: true, clientSignature: text.slice(0, comma) }
}

/** The compat CSN of a change number: `YYYYmmddHHMMSS.000000Z#000000#000#000000`. */
export function compatCsnOf(changeNumber: number): string {
  const d = new Date((COMPAT_EPOCH + changeNumber) * 1000)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  const stamp = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
  return `${stamp}.000000Z#000000#000#000000`
}

/** sync_olcsn2ulong: 14 digits read as a UTC time (mktime normalises out-of-range fields too). */
function compatChangeNumberOf(stamp: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp)
  if (m === null) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const seconds = Date.UTC(y, mo - 1, d, h, mi, s) / 1000
  return seconds < COMPAT_EPOCH ? undefined : seconds - COMPAT_EPOCH
}

/**
 * sync_number2ulong: C's strtoul (leading blanks, a sign, decimal digits) that must consume the
 * whole text; no digits at all leave the end pointer at the start, so only "" reads as 0. A
 * minus sign wraps to a huge number, which then lies in the future.
 */
function strtoul(text: string): number | undefined {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d*)$/.exec(text)
  if (m === null) return undefined
  const digits = m[2] as string
  if (digits === '') return text === '' ? 0 : undefined
  const n = Number(digits)
  return m[1] === '-' && n !== 0 ? Number.MAX_SAFE_INTEGER : n
}
