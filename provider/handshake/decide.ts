/**
 * The provider's answer to a Start request, decided without any I/O, in 389's order
 * (389ds-session-hooks.md §5.3 step 5, §1.2, §1.4):
 *
 * 1. the request value must decode (else DECODING_ERROR 0x04; strict RUV / CSN knobs likewise);
 * 2. the protocol OID must be incremental (…3.6.1) or total (…3.6.2), else
 *    UNKNOWN_UPDATE_PROTOCOL 0x05 — the 7.1 OIDs too, which 389 would accept (§5.2);
 * 3. recv: payload presence, GUID, codec, criteria — a rejection is 0x0E (incremental) or
 *    0x0C (total) unless `rejectCode` says otherwise;
 * 4. reply (for every Start, as 389's reply hook): a veto forces 0x0E and drops the payload;
 *    otherwise the payload goes with the answer to a v2 Start, whatever the code;
 * 5. `forceCode` overrides the code.
 *
 * A predicate or reply `data` function that throws answers INTERNAL_ERROR (0x08).
 */
import { ReplOid, ReplResponseCode, replProtocolOf } from '../../protocol/replsession/index.js'
import type { StartReplicationRequest } from '../../protocol/replsession/index.js'
import { checkCriterion } from './criteria.js'
import { decodePayload, replyData, toHex } from './payload.js'
import type { Criterion, DecodedPayload, HandshakeRequest, PayloadRecord, RecvOutcome, RecvScript, SessionHookAttempt } from './types.js'

export interface StartInput {
  readonly request: HandshakeRequest
  /** The decoded value, or undefined when it did not decode. */
  readonly decoded: StartReplicationRequest | undefined
  readonly decodeError?: { readonly code: string; readonly message: string }
}

export interface StartDecision {
  readonly code: number
  /** Why this code, in a sentence. */
  readonly reason: string
  readonly recv: RecvOutcome
  /** The consumer's payload under the recv codec. */
  readonly payload?: PayloadRecord
  /** The reply payload to send. */
  readonly reply?: PayloadRecord
  /** True when the reply stage vetoed (for `includeRuv` and the record). */
  readonly replyVetoed: boolean
  readonly consumerRuv?: readonly string[]
}

const CSN = /^[0-9a-f]{20}$/

export function decideStart(script: SessionHookAttempt, input: StartInput): StartDecision {
  const { decoded, request } = input
  const recvScript = script.recv ?? {}
  let code: number
  let reason: string
  let recv: RecvOutcome
  let payload: PayloadRecord | undefined
  const early = decoded === undefined ? undefined : strictProblem(recvScript, decoded)
  if (decoded === undefined || early !== undefined) {
    code = ReplResponseCode.decodingError
    reason = early ?? `The request value did not decode (${input.decodeError?.code ?? 'no value'}): ${input.decodeError?.message ?? 'it is absent.'}`
    recv = { outcome: 'skipped', reason: 'The recv stage did not run: the request did not decode.' }
  } else if (replProtocolOf(decoded.replProtocolOid) === undefined) {
    code = ReplResponseCode.unknownUpdateProtocol
    reason = `The replProtocolOID ${decoded.replProtocolOid} is neither ${ReplOid.incrementalProtocol} (incremental) nor ${ReplOid.totalProtocol} (total).`
    recv = { outcome: 'skipped', reason: 'The recv stage did not run: 389 runs it only for the incremental and total protocol OIDs.' }
  } else {
    const outcome = runRecv(recvScript, decoded, request)
    recv = { outcome: outcome.rejected ? 'rejected' : 'accepted', reason: outcome.reason }
    payload = outcome.payload
    code = outcome.code
    reason = outcome.reason
  }

  const replyScript = script.reply ?? {}
  let reply: PayloadRecord | undefined
  const replyVetoed = replyScript.reject === true
  if (replyVetoed) {
    code = ReplResponseCode.backoff
    reason = 'The reply stage vetoed the session (reply.reject), which forces NSDS50_REPL_BACKOFF (0x0E) and drops the reply payload.'
  } else if (request.version === 2 && replyScript.guid !== undefined) {
    try {
      const data = replyData(replyScript, request)
      if (data !== undefined) reply = { guid: replyScript.guid, data, dataHex: toHex(data) }
    } catch (error) {
      code = ReplResponseCode.internalError
      reason = `The reply data function threw: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  if (script.forceCode !== undefined) {
    code = script.forceCode
    reason = `The script forces this code (forceCode); without it: ${reason}`
  }
  const ruv = replyScript.includeRuv
  const consumerRuv = ruv !== undefined && (code === ReplResponseCode.replicaReady || replyVetoed) ? ruv : undefined
  return {
    code,
    reason,
    recv,
    replyVetoed,
    ...(payload === undefined ? {} : { payload }),
    ...(reply === undefined ? {} : { reply }),
    ...(consumerRuv === undefined ? {} : { consumerRuv }),
  }
}

function strictProblem(recv: RecvScript, decoded: StartReplicationRequest): string | undefined {
  if (recv.strictRuv === true && decoded.supplierRuv.length === 0) {
    return 'The supplierRUV SET is empty; with recv.strictRuv the provider answers DECODING_ERROR (0x04), as a real 389 does.'
  }
  if (recv.strictCsn === true && !CSN.test(decoded.csn)) {
    return `The csn ${JSON.stringify(decoded.csn)} is not 20 lower-case hex digits; with recv.strictCsn the provider answers DECODING_ERROR (0x04).`
  }
  return undefined
}

interface RecvResult {
  readonly rejected: boolean
  readonly code: number
  readonly reason: string
  readonly payload?: PayloadRecord
}

function runRecv(recv: RecvScript, decoded: StartReplicationRequest, request: HandshakeRequest): RecvResult {
  const isTotal = request.isTotal
  const rejectCode = recv.rejectCode ?? (isTotal ? ReplResponseCode.disabled : ReplResponseCode.backoff)
  const kind = isTotal ? 'total' : 'incremental'
  const accept = (reason: string, payload?: PayloadRecord): RecvResult => ({ rejected: false, code: ReplResponseCode.replicaReady, reason, ...(payload === undefined ? {} : { payload }) })
  const reject = (reason: string, payload?: PayloadRecord, code = rejectCode): RecvResult => ({
    rejected: true,
    code,
    reason: `${reason} The recv stage rejects this ${kind} session.`,
    ...(payload === undefined ? {} : { payload }),
  })

  const guid = decoded.dataGuid
  const data = decoded.data
  const decodedPayload: DecodedPayload | undefined = data === undefined ? undefined : decodePayload(data, recv.codec ?? 'cstring')
  const payload: PayloadRecord | undefined =
    guid === undefined || decodedPayload === undefined ? undefined : { guid, data: decodedPayload.bytes, dataHex: toHex(decodedPayload.bytes), decoded: decodedPayload }
  if (recv.reject === true) return reject('The script rejects every request at the recv stage (recv.reject).', payload)
  if (payload === undefined || decodedPayload === undefined) {
    if (recv.onMissingPayload === 'reject') return reject('The request carries no dataGuid/data and recv.onMissingPayload is reject.')
    return accept('The request carries no payload, which is accepted (recv.onMissingPayload: accept, as FreeIPA).')
  }
  // 389 reads the GUID as a C string: a terminating NUL is not part of the name.
  const name = payload.guid.endsWith('\u0000') ? payload.guid.slice(0, -1) : payload.guid
  if (recv.expectGuid !== undefined && name !== recv.expectGuid) {
    if (recv.onGuidMismatch === 'reject') return reject(`The payload's GUID ${JSON.stringify(name)} is not the expected ${JSON.stringify(recv.expectGuid)} and recv.onGuidMismatch is reject.`, payload)
    return accept(`The payload's GUID ${JSON.stringify(name)} is not the expected one; the payload is left alone and accepted, as 389 and FreeIPA do.`, payload)
  }
  const criteria: readonly Criterion[] = recv.accept === undefined ? [] : Array.isArray(recv.accept) ? recv.accept : [recv.accept as Criterion]
  for (const criterion of criteria) {
    let verdict
    try {
      verdict = checkCriterion(criterion, decodedPayload, request)
    } catch (error) {
      return reject(`A predicate threw: ${error instanceof Error ? error.message : String(error)}.`, payload, ReplResponseCode.internalError)
    }
    if (!verdict.ok) return reject(verdict.reason, payload, verdict.code ?? rejectCode)
  }
  return accept(criteria.length === 0 ? 'The payload is accepted (no criteria).' : `The payload meets all ${criteria.length} criteria.`, payload)
}
