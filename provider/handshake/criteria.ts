/**
 * The recv stage's acceptance criteria (389ds-session-hooks.md §5.5): minimum version, exact
 * version (FreeIPA's rule: its recv hook refuses any other data version), schema checksum,
 * equality of a JSON field, and — in the TS API only — a predicate. All must hold.
 */
import { isDeepStrictEqual } from 'node:util'
import type { Criterion, DecodedPayload, HandshakeRequest, PayloadCodec } from './types.js'

/** A criterion's verdict: holds, or fails with a sentence (and, from a predicate, its own code). */
export type CriterionResult = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly code?: number }

const HOLDS: CriterionResult = { ok: true }

export function checkCriterion(criterion: Criterion, payload: DecodedPayload, request: HandshakeRequest): CriterionResult {
  if ('predicate' in criterion) return runPredicate(criterion.predicate, payload, request)
  if ('equals' in criterion) return checkEquals(criterion.field, criterion.equals, payload)
  if ('minVersion' in criterion) {
    const read = readValue(payload, criterion.field, 'version')
    if (!read.ok) return read
    const order = compareVersions(read.value, criterion.minVersion)
    if (order === undefined) return { ok: false, reason: `The payload's ${read.what} ${JSON.stringify(read.value)} is not a version, so minVersion ${criterion.minVersion} cannot hold.` }
    return order >= 0 ? HOLDS : { ok: false, reason: `The payload's ${read.what} ${JSON.stringify(read.value)} is below minVersion ${criterion.minVersion}.` }
  }
  if ('exactVersion' in criterion) {
    const read = readValue(payload, criterion.field, 'version')
    if (!read.ok) return read
    return read.value === criterion.exactVersion ? HOLDS : { ok: false, reason: `The payload's ${read.what} ${JSON.stringify(read.value)} is not exactVersion ${JSON.stringify(criterion.exactVersion)}.` }
  }
  const read = readValue(payload, criterion.field, 'schemaChecksum')
  if (!read.ok) return read
  return read.value === criterion.schemaChecksum
    ? HOLDS
    : { ok: false, reason: `The payload's ${read.what} ${JSON.stringify(read.value)} is not schemaChecksum ${JSON.stringify(criterion.schemaChecksum)}.` }
}

function runPredicate(predicate: Extract<Criterion, { predicate: unknown }>['predicate'], payload: DecodedPayload, request: HandshakeRequest): CriterionResult {
  const verdict = predicate(payload, request)
  if (verdict === true) return HOLDS
  if (verdict === false) return { ok: false, reason: 'The predicate refused the payload.' }
  return { ok: false, code: verdict.reject, reason: verdict.reason ?? `The predicate refused the payload with code ${verdict.reject}.` }
}

function checkEquals(field: string, expected: unknown, payload: DecodedPayload): CriterionResult {
  if (payload.codec !== 'json' || payload.error !== undefined) {
    return { ok: false, reason: payload.error ?? `The field criterion ${field} needs the json codec; the payload was read as ${payload.codec}.` }
  }
  const found = fieldOf(payload.json, field)
  if (!found.present) return { ok: false, reason: `The payload's JSON has no field ${field}.` }
  return isDeepStrictEqual(found.value, expected)
    ? HOLDS
    : { ok: false, reason: `The payload's field ${field} is ${JSON.stringify(found.value)}, not ${JSON.stringify(expected)}.` }
}

type Read = { readonly ok: true; readonly value: string; readonly what: string } | { readonly ok: false; readonly reason: string }

/** The text a version or checksum criterion compares (see `Criterion`). */
function readValue(payload: DecodedPayload, field: string | undefined, defaultField: string): Read {
  if (payload.error !== undefined) return { ok: false, reason: payload.error }
  if (payload.codec !== 'json') return { ok: true, value: payload.text ?? '', what: whatOf(payload.codec) }
  const json = payload.json
  if (field === undefined && (typeof json === 'string' || typeof json === 'number')) return { ok: true, value: String(json), what: 'JSON value' }
  const name = field ?? defaultField
  const found = fieldOf(json, name)
  if (!found.present) return { ok: false, reason: `The payload's JSON has no field ${name}.` }
  if (typeof found.value !== 'string' && typeof found.value !== 'number') {
    return { ok: false, reason: `The payload's field ${name} is ${JSON.stringify(found.value)}, neither a string nor a number.` }
  }
  return { ok: true, value: String(found.value), what: `field ${name}` }
}

function whatOf(codec: PayloadCodec): string {
  return codec === 'raw' ? 'data (hex)' : 'text'
}

/** A dotted path into a JSON value: `a.b.0` reads `{ a: { b: [x] } }` → x. */
export function fieldOf(json: unknown, path: string): { readonly present: boolean; readonly value?: unknown } {
  let current: unknown = json
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, part)) return { present: false }
    current = (current as Record<string, unknown>)[part]
  }
  return { present: true, value: current }
}

interface Version {
  readonly release: readonly number[]
  readonly preRelease: readonly string[]
}

const VERSION = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/

/** `4.10.2`, `20`, `v1.2.3-rc.1+build`: numeric release parts and semver pre-release identifiers. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim())
  if (m === null) return undefined
  const release = (m[1] as string).split('.').map(Number)
  if (release.some((n) => !Number.isSafeInteger(n))) return undefined
  return { release, preRelease: m[2] === undefined ? [] : m[2].split('.') }
}

/**
 * Negative, 0 or positive as `a` is below, equal to or above `b`; undefined when either is not a
 * version. Missing release parts count as 0 (`4.2` = `4.2.0`); a pre-release is below its
 * release (`1.0.0-rc.1` < `1.0.0`), and pre-releases compare as semver §11 says.
 */
export function compareVersions(a: string, b: string): number | undefined {
  const x = parseVersion(a)
  const y = parseVersion(b)
  if (x === undefined || y === undefined) return undefined
  const n = Math.max(x.release.length, y.release.length)
  for (let i = 0; i < n; i++) {
    const d = (x.release[i] ?? 0) - (y.release[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  if (x.preRelease.length === 0 || y.preRelease.length === 0) return y.preRelease.length - x.preRelease.length === 0 ? 0 : x.preRelease.length === 0 ? 1 : -1
  const m = Math.max(x.preRelease.length, y.preRelease.length)
  for (let i = 0; i < m; i++) {
    const p = x.preRelease[i]
    const q = y.preRelease[i]
    if (p === undefined) return -1
    if (q === undefined) return 1
    const d = comparePreRelease(p, q)
    if (d !== 0) return d
  }
  return 0
}

function comparePreRelease(p: string, q: string): number {
  const pn = /^\d+$/.test(p)
  const qn = /^\d+$/.test(q)
  if (pn && qn) return Math.sign(Number(p) - Number(q))
  if (pn !== qn) return pn ? -1 : 1
  return p < q ? -1 : p > q ? 1 : 0
}
