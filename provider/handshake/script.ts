/**
 * A session-hook script as the provider runs it: checked once when it is given (every problem a
 * full sentence naming the option), with its defaults filled in (§5.8 as settled by the issue:
 * `required` defaults to true when hooks are enabled), and the per-attempt view that `sequence`
 * produces.
 */
import { HandshakeError } from './errors.js'
import { parseVersion } from './criteria.js'
import { MALFORMED_VARIANTS } from './types.js'
import type { Criterion, HandshakeFault, RecvScript, ReplyScript, SessionHookAttempt, SessionHookScript } from './types.js'

export interface NormalizedScript {
  readonly enabled: boolean
  readonly advertise: boolean
  readonly required: boolean
  readonly base: SessionHookAttempt
  readonly sequence: readonly SessionHookAttempt[]
}

/** No handshake: the extended operations are unknown, nothing is advertised, nothing is gated. */
export const NO_SESSION_HOOKS: NormalizedScript = { enabled: false, advertise: false, required: false, base: {}, sequence: [] }

const MAX_CODE = 0x7fffffff
const CODECS = ['cstring', 'utf8', 'json', 'raw']
const CRITERION_KINDS = ['minVersion', 'exactVersion', 'schemaChecksum', 'equals', 'predicate'] as const
const FAULT_KINDS = ['delayMs', 'hang', 'disconnect', 'malformed', 'responseName', 'ldapResult'] as const

/**
 * Checks a script and fills in its defaults. Undefined means no hooks at all.
 *
 * @throws HandshakeError HANDSHAKE_BAD_SCRIPT listing every problem.
 */
export function normalizeScript(script: SessionHookScript | undefined): NormalizedScript {
  if (script === undefined) return NO_SESSION_HOOKS
  const problems: string[] = []
  const flag = (key: 'enabled' | 'advertise' | 'required'): boolean | undefined => {
    const v = script[key]
    if (v !== undefined && typeof v !== 'boolean') problems.push(`sessionHooks.${key} is ${JSON.stringify(v)}; it must be true or false.`)
    return typeof v === 'boolean' ? v : undefined
  }
  const enabled = flag('enabled') ?? true
  const advertise = flag('advertise') ?? true
  const required = flag('required') ?? true
  const { enabled: _e, advertise: _a, required: _r, sequence, ...base } = script
  checkAttempt(base, 'sessionHooks', problems)
  checkMerged(base, 'sessionHooks', problems)
  if (sequence !== undefined && !Array.isArray(sequence)) problems.push('sessionHooks.sequence must be a list of per-attempt overrides.')
  const entries = Array.isArray(sequence) ? (sequence as readonly SessionHookAttempt[]) : []
  entries.forEach((entry, i) => {
    const where = `sessionHooks.sequence[${i}]`
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${where} is ${JSON.stringify(entry)}; each entry is a mapping of recv, reply, forceCode and fault overrides.`)
      return
    }
    const unknown = Object.keys(entry).filter((k) => !['recv', 'reply', 'forceCode', 'fault'].includes(k))
    if (unknown.length > 0) problems.push(`${where} has ${unknown.join(', ')}; an entry may override recv, reply, forceCode and fault only.`)
    checkAttempt(entry, where, problems)
    checkMerged(merge(base, entry), where, problems)
  })
  if (problems.length > 0) throw new HandshakeError('HANDSHAKE_BAD_SCRIPT', `The session-hook script cannot work as written: ${problems.join(' ')}`)
  return { enabled, advertise, required, base, sequence: entries }
}

/** The script for Start request number `attempt` (1-based, provider-wide). */
export function attemptScript(script: NormalizedScript, attempt: number): SessionHookAttempt {
  const entry = script.sequence[attempt - 1]
  return entry === undefined ? script.base : merge(script.base, entry)
}

/** `entry` over `base`: recv and reply field by field, forceCode and fault replaced. */
function merge(base: SessionHookAttempt, entry: SessionHookAttempt): SessionHookAttempt {
  const recv = entry.recv === undefined ? base.recv : { ...base.recv, ...entry.recv }
  const reply = entry.reply === undefined ? base.reply : { ...base.reply, ...entry.reply }
  const forceCode = entry.forceCode ?? base.forceCode
  const fault = entry.fault ?? base.fault
  return {
    ...(recv === undefined ? {} : { recv }),
    ...(reply === undefined ? {} : { reply }),
    ...(forceCode === undefined ? {} : { forceCode }),
    ...(fault === undefined ? {} : { fault }),
  }
}

function checkCode(value: unknown, where: string, problems: string[]): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_CODE) {
    problems.push(`${where} is ${JSON.stringify(value)}; it must be a response code, a whole number from 0 to ${MAX_CODE} (0x0E backoff, 0x01 busy…).`)
  }
}

/** Types and values of one attempt's own fields. */
function checkAttempt(a: SessionHookAttempt, where: string, problems: string[]): void {
  checkCode(a.forceCode, `${where}.forceCode`, problems)
  if (a.recv !== undefined) checkRecv(a.recv, `${where}.recv`, problems)
  if (a.reply !== undefined) checkReply(a.reply, `${where}.reply`, problems)
  if (a.fault !== undefined) checkFault(a.fault, `${where}.fault`, problems)
}

function checkRecv(r: RecvScript, where: string, problems: string[]): void {
  for (const key of ['onGuidMismatch', 'onMissingPayload'] as const) {
    const v = r[key]
    if (v !== undefined && v !== 'accept' && v !== 'reject') problems.push(`${where}.${key} is ${JSON.stringify(v)}; it must be accept or reject.`)
  }
  if (r.codec !== undefined && !CODECS.includes(r.codec)) problems.push(`${where}.codec is ${JSON.stringify(r.codec)}; it must be one of ${CODECS.join(', ')}.`)
  if (r.expectGuid !== undefined && typeof r.expectGuid !== 'string') problems.push(`${where}.expectGuid must be a string.`)
  checkCode(r.rejectCode, `${where}.rejectCode`, problems)
  const list = r.accept === undefined ? [] : Array.isArray(r.accept) ? (r.accept as readonly Criterion[]) : [r.accept as Criterion]
  list.forEach((c, i) => checkCriterion(c, `${where}.accept[${i}]`, problems))
}

function checkCriterion(c: Criterion, where: string, problems: string[]): void {
  if (typeof c !== 'object' || c === null) {
    problems.push(`${where} is ${JSON.stringify(c)}; a criterion is a mapping such as { minVersion: "4.2" }.`)
    return
  }
  const kinds = CRITERION_KINDS.filter((k) => k in c)
  if (kinds.length !== 1) {
    problems.push(`${where} has ${kinds.length === 0 ? 'none' : kinds.join(' and ')} of ${CRITERION_KINDS.join(', ')}; it needs exactly one.`)
    return
  }
  const field = (c as { field?: unknown }).field
  if (field !== undefined && (typeof field !== 'string' || field === '')) problems.push(`${where}.field must be a non-empty dotted path such as version or ipa.schema.`)
  const kind = kinds[0] as (typeof CRITERION_KINDS)[number]
  if (kind === 'equals' && field === undefined) problems.push(`${where} has equals but no field; say which JSON field must equal it.`)
  if (kind === 'predicate' && typeof (c as { predicate: unknown }).predicate !== 'function') problems.push(`${where}.predicate must be a function.`)
  if (kind === 'minVersion' || kind === 'exactVersion' || kind === 'schemaChecksum') {
    const v = (c as Record<string, unknown>)[kind]
    if (typeof v !== 'string') problems.push(`${where}.${kind} must be a string.`)
    else if (kind === 'minVersion' && parseVersion(v) === undefined) problems.push(`${where}.minVersion ${JSON.stringify(v)} is not a version (dotted numbers such as 4.10.2, optionally -pre.release).`)
  }
}

function checkReply(r: ReplyScript, where: string, problems: string[]): void {
  if (r.guid !== undefined && (typeof r.guid !== 'string' || r.guid.slice(0, -1).includes('\u0000'))) {
    problems.push(`${where}.guid must be a string without a NUL before its end (389 reads it as a C string).`)
  }
  const d = r.data
  if (d !== undefined && typeof d !== 'string' && typeof d !== 'function' && !(d instanceof Uint8Array)) problems.push(`${where}.data must be a string, bytes or a function.`)
  if (r.includeRuv !== undefined && (!Array.isArray(r.includeRuv) || r.includeRuv.some((s) => typeof s !== 'string'))) {
    problems.push(`${where}.includeRuv must be a list of RUV element strings such as "{replicageneration} 65a0c1d2000000010000".`)
  }
}

function checkFault(f: HandshakeFault, where: string, problems: string[]): void {
  if (typeof f !== 'object' || f === null) {
    problems.push(`${where} is ${JSON.stringify(f)}; a fault is a mapping with one of ${FAULT_KINDS.join(', ')}.`)
    return
  }
  const kinds = FAULT_KINDS.filter((k) => k in f)
  if (kinds.length !== 1) {
    problems.push(`${where} has ${kinds.length === 0 ? 'none' : kinds.join(' and ')} of ${FAULT_KINDS.join(', ')}; it needs exactly one.`)
    return
  }
  const v = (f as Record<string, unknown>)[kinds[0] as string]
  switch (kinds[0]) {
    case 'delayMs':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_CODE) problems.push(`${where}.delayMs is ${JSON.stringify(v)}; it must be whole milliseconds from 0 to ${MAX_CODE}.`)
      return
    case 'hang':
      if (v !== true) problems.push(`${where}.hang must be true (leave the fault out for an answer).`)
      return
    case 'disconnect':
      if (v !== 'onRequest' && v !== 'afterResponse') problems.push(`${where}.disconnect is ${JSON.stringify(v)}; it must be onRequest or afterResponse.`)
      return
    case 'malformed':
      if (!MALFORMED_VARIANTS.includes(v as never)) problems.push(`${where}.malformed is ${JSON.stringify(v)}; it must be one of ${MALFORMED_VARIANTS.join(', ')}.`)
      return
    case 'responseName':
      if (typeof v !== 'string') problems.push(`${where}.responseName must be a string (an OID, or anything to send instead).`)
      return
    case 'ldapResult': {
      checkCode(v, `${where}.ldapResult`, problems)
      const message = (f as { message?: unknown }).message
      if (message !== undefined && typeof message !== 'string') problems.push(`${where}.message must be a string.`)
      return
    }
    default:
      return
  }
}

/** Rules across fields, on an attempt as it will run (the script, or an entry merged over it). */
function checkMerged(a: SessionHookAttempt, where: string, problems: string[]): void {
  const reply = a.reply
  if (reply !== undefined && (reply.guid === undefined) !== (reply.data === undefined)) {
    problems.push(`${where}: reply has ${reply.guid === undefined ? 'data but no guid' : 'a guid but no data'}; 389 sends both or neither (use fault: { malformed: guidWithoutData } for a GUID alone).`)
  }
  const codec = a.recv?.codec ?? 'cstring'
  const list = a.recv?.accept === undefined ? [] : Array.isArray(a.recv.accept) ? (a.recv.accept as readonly Criterion[]) : [a.recv.accept as Criterion]
  if (codec !== 'json' && list.some((c) => typeof c === 'object' && c !== null && 'field' in c)) {
    problems.push(`${where}: a criterion names a JSON field but recv.codec is ${codec}; set codec: json.`)
  }
}
