/**
 * `provider.sessionHooks`, from the checked tree to scenarios/types.ts (SessionHooksSpec): code
 * names to numbers, durations to milliseconds, byte values to bytes, versions kept as written —
 * and the checks a schema cannot express (SCENARIO_HANDSHAKE), on the settings and on every
 * `sequence` entry as it will run (merged over the settings).
 */
import { ReplResponseCode } from '../protocol/replsession/response-codes.js'
// The provider's own version grammar, so the loader refuses exactly what the runtime would.
import { parseVersion } from '../provider/handshake/criteria.js'
import { bytesOf, durationOf, resultCodeOf } from './build-values.js'
import { arrayAt, asObject, booleanAt, has, objectAt, stringAt } from './checked-tree.js'
import type { CheckedObject } from './checked-tree.js'
import { optional } from './optional-member.js'
import type { ProblemList } from './problem-list.js'
import type { TreePositions } from './tree-positions.js'
import type {
  SessionHookAttemptSpec,
  SessionHookCriterionSpec,
  SessionHookFaultSpec,
  SessionHookRecvSpec,
  SessionHookReplySpec,
  SessionHooksSpec,
} from './types.js'

interface Context {
  readonly positions: TreePositions
  readonly problems: ProblemList
}

type Codec = NonNullable<SessionHookRecvSpec['codec']>
type Malformed = Extract<SessionHookFaultSpec, { malformed: unknown }>['malformed']

export function buildSessionHooks(o: CheckedObject | undefined, ctx: Context): SessionHooksSpec | undefined {
  if (o === undefined) return undefined
  const base = buildAttempt(o, ctx)
  checkAttempt(o, undefined, ctx)
  const sequence = arrayAt(o, 'sequence')
  const entries: SessionHookAttemptSpec[] = []
  sequence?.forEach((raw) => {
    const entry = asObject(raw)
    if (entry === undefined) return
    checkAttempt(entry, o, ctx)
    entries.push(buildAttempt(entry, ctx))
  })
  return {
    ...optional('enabled', booleanAt(o, 'enabled')),
    ...optional('advertise', booleanAt(o, 'advertise')),
    ...optional('required', booleanAt(o, 'required')),
    ...base,
    ...optional('sequence', sequence === undefined ? undefined : entries),
  }
}

/** A code as a number: a number as written, or a name of ReplResponseCode. */
function codeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(ReplResponseCode, value)) return ReplResponseCode[value as keyof typeof ReplResponseCode]
  return undefined
}

function buildAttempt(o: CheckedObject, ctx: Context): SessionHookAttemptSpec {
  const recv = objectAt(o, 'recv')
  const reply = objectAt(o, 'reply')
  return {
    ...optional('recv', recv === undefined ? undefined : buildRecv(recv, ctx)),
    ...optional('reply', reply === undefined ? undefined : buildReply(reply)),
    ...optional('forceCode', codeOf(o.forceCode)),
    ...optional('fault', buildFault(o.fault)),
  }
}

function buildRecv(r: CheckedObject, ctx: Context): SessionHookRecvSpec {
  const accept = r.accept
  const list = Array.isArray(accept) ? accept : accept === undefined ? undefined : [accept]
  const criteria = list?.flatMap((c) => {
    const o = asObject(c)
    const built = o === undefined ? undefined : buildCriterion(o, ctx)
    return built === undefined ? [] : [built]
  })
  return {
    ...optional('expectGuid', stringAt(r, 'expectGuid')),
    ...optional('onGuidMismatch', stringAt(r, 'onGuidMismatch') as 'accept' | 'reject' | undefined),
    ...optional('onMissingPayload', stringAt(r, 'onMissingPayload') as 'accept' | 'reject' | undefined),
    ...optional('codec', stringAt(r, 'codec') as Codec | undefined),
    ...optional('accept', criteria),
    ...optional('rejectCode', codeOf(r.rejectCode)),
    ...optional('reject', booleanAt(r, 'reject')),
    ...optional('strictRuv', booleanAt(r, 'strictRuv')),
    ...optional('strictCsn', booleanAt(r, 'strictCsn')),
  }
}

/** Versions and checksums keep the text they had in the file (`4.10` is "4.10", not 4.1). */
function textOf(o: CheckedObject, key: string, ctx: Context): string | undefined {
  const v = o[key]
  if (typeof v === 'string') return v
  if (typeof v === 'number') return ctx.positions.sourceText(o, key) ?? String(v)
  return undefined
}

function buildCriterion(o: CheckedObject, ctx: Context): SessionHookCriterionSpec | undefined {
  const field = stringAt(o, 'field')
  const withField = { ...optional('field', field) }
  const min = textOf(o, 'minVersion', ctx)
  if (min !== undefined) return { minVersion: min, ...withField }
  const exact = textOf(o, 'exactVersion', ctx)
  if (exact !== undefined) return { exactVersion: exact, ...withField }
  const checksum = textOf(o, 'schemaChecksum', ctx)
  if (checksum !== undefined) return { schemaChecksum: checksum, ...withField }
  if (Object.prototype.hasOwnProperty.call(o, 'equals')) {
    if (field === undefined) return undefined // reported by checkAttempt
    return { field, equals: o.equals as string | number | boolean | null }
  }
  return undefined
}

function buildReply(r: CheckedObject): SessionHookReplySpec {
  const data = r.data
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : bytesOf(data)
  const ruv = arrayAt(r, 'includeRuv')
  return {
    ...optional('guid', stringAt(r, 'guid')),
    ...optional('data', bytes),
    ...optional('appendNul', booleanAt(r, 'appendNul')),
    ...optional('reject', booleanAt(r, 'reject')),
    ...optional('includeRuv', ruv?.filter((s): s is string => typeof s === 'string')),
  }
}

function buildFault(value: unknown): SessionHookFaultSpec | undefined {
  if (value === 'hang') return { hang: true }
  const f = asObject(value)
  if (f === undefined) return undefined
  if (has(f, 'delay')) {
    const ms = durationOf(f.delay)
    return ms === undefined ? undefined : { delayMs: ms }
  }
  if (f.hang === true) return { hang: true }
  const disconnect = stringAt(f, 'disconnect')
  if (disconnect !== undefined) return { disconnect: disconnect as 'onRequest' | 'afterResponse' }
  const malformed = stringAt(f, 'malformed')
  if (malformed !== undefined) return { malformed: malformed as Malformed }
  const name = stringAt(f, 'responseName')
  if (name !== undefined) return { responseName: name }
  const code = has(f, 'ldapResult') ? resultCodeOf(f.ldapResult) : undefined
  if (code !== undefined) return { ldapResult: code, ...optional('message', stringAt(f, 'message')) }
  return undefined
}

/**
 * The cross-field rules, on `o` as it will run: the settings alone, or a sequence entry over the
 * settings (`base`). Reported where the entry (or the settings) says the offending thing.
 */
function checkAttempt(o: CheckedObject, base: CheckedObject | undefined, ctx: Context): void {
  const { positions, problems } = ctx
  const where = base === undefined ? 'provider.sessionHooks' : 'This sessionHooks.sequence entry'
  const reply = objectAt(o, 'reply')
  const baseReply = objectAt(base, 'reply')
  const written = (r: CheckedObject | undefined, key: string): boolean => r !== undefined && positions.written(r, key)
  const hasGuid = written(reply, 'guid') || written(baseReply, 'guid')
  const hasData = written(reply, 'data') || written(baseReply, 'data')
  // An entry is judged by what it writes: a pair the settings already lack is reported there, once.
  const entryWritesPair = base === undefined || written(reply, 'guid') || written(reply, 'data')
  if (reply !== undefined && entryWritesPair && hasGuid !== hasData) {
    const missing = hasGuid ? 'data' : 'guid'
    problems.add('SCENARIO_HANDSHAKE', positions.of(reply), `${where} gives reply ${hasGuid ? 'a guid but no data' : 'data but no guid'}; 389 sends both or neither, so add ${missing}.`,
      'for a GUID alone on purpose, use fault: { malformed: guidWithoutData }')
  }
  const recv = objectAt(o, 'recv')
  const codec = stringAt(recv, 'codec') ?? stringAt(objectAt(base, 'recv'), 'codec') ?? 'cstring'
  const accept = recv?.accept
  const criteria = (Array.isArray(accept) ? accept : [accept]).flatMap((c) => {
    const co = asObject(c)
    return co === undefined ? [] : [co]
  })
  for (const c of criteria) {
    if (Object.prototype.hasOwnProperty.call(c, 'equals') && stringAt(c, 'field') === undefined && !positions.written(c, 'field')) {
      problems.add('SCENARIO_HANDSHAKE', positions.of(c), `This criterion has equals but no field; say which JSON field must equal ${JSON.stringify(c.equals)}.`, 'e.g. { field: schema, equals: 7 }')
    }
    const min = textOf(c, 'minVersion', ctx)
    if (min !== undefined && parseVersion(min) === undefined) {
      problems.add('SCENARIO_HANDSHAKE', positions.at(c, 'minVersion'), `minVersion ${JSON.stringify(min)} is not a version; write dotted numbers such as 4.10.2 (a semver pre-release such as 1.0.0-rc.1 is allowed).`)
    }
    if (positions.written(c, 'field') && codec !== 'json') {
      problems.add('SCENARIO_HANDSHAKE', positions.keyAt(c, 'field'), `This criterion reads the JSON field ${JSON.stringify(c.field)}, but recv.codec is ${codec}; only a json payload has fields.`, 'set recv.codec: json')
    }
  }
  const fault = asObject(o.fault)
  if (fault !== undefined && positions.written(fault, 'message') && !positions.written(fault, 'ldapResult')) {
    problems.add('SCENARIO_HANDSHAKE', positions.keyAt(fault, 'message'), 'The fault has a message but no ldapResult; message is the diagnosticMessage of an ldapResult fault.')
  }
}
