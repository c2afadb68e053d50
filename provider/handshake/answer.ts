/**
 * The ExtendedResponse fields that carry a decision (389ds-session-hooks.md §2.3): LDAP resultCode
 * 0, responseName 3.5.13 for a v2 Start and 3.5.4 for v1 and End, the response value — and the
 * answer-level faults of §5.5 (`malformed`, `responseName`, `ldapResult`) applied to them.
 * Timing faults (delay, hang, disconnect) are the service's.
 */
import { Tag } from '../../protocol/ber/index.js'
import { ReplOid, ReplResponseCode, encodeReplicationResponse, endReplicationResponse, startOids } from '../../protocol/replsession/index.js'
import type { ReplicationResponse, ResponseEncodeOptions } from '../../protocol/replsession/index.js'
import type { StartDecision } from './decide.js'
import { toHex } from './payload.js'
import type { HandshakeFault, HandshakeState, MalformedVariant, SentResponse } from './types.js'

/** The code `unknownCode` sends: 389 defines no 0x2A. */
export const UNKNOWN_CODE = 0x2a
/** What `trailingGarbage` appends inside the SEQUENCE: a BOOLEAN TRUE, which no member can be. */
export const TRAILING_GARBAGE = Uint8Array.of(0x01, 0x01, 0xff)
/** The GUID `guidWithoutData` sends when the script has no reply GUID. */
export const LONE_GUID = 'guid-without-data'
/** The consumerRUV `ruvAsSet` sends when the script includes none. */
export const DEFAULT_RUV: readonly string[] = ['{replicageneration} 00000000000000000000']

/** The answer to a Start request of `version`, with an answer-level fault applied. */
export function startAnswer(decision: StartDecision, version: 1 | 2, fault: HandshakeFault | undefined): SentResponse {
  const value: ReplicationResponse = {
    kind: 'replicationResponse',
    responseCode: decision.code,
    ...(decision.consumerRuv === undefined ? {} : { consumerRuv: decision.consumerRuv }),
    ...(decision.reply === undefined ? {} : { dataGuid: decision.reply.guid, data: decision.reply.data }),
  }
  const responseValue = fault !== undefined && 'malformed' in fault ? malformedValue(value, fault.malformed, decision.reply?.guid) : encodeReplicationResponse(value)
  const responseName = fault !== undefined && 'responseName' in fault ? fault.responseName : startOids(version).responseOid
  const ldap = fault !== undefined && 'ldapResult' in fault ? { resultCode: fault.ldapResult, diagnosticMessage: fault.message ?? '' } : { resultCode: 0, diagnosticMessage: '' }
  return sent(ldap.resultCode, ldap.diagnosticMessage, responseName, responseValue)
}

/** The answer to an End request: responseName 3.5.4, the code alone (§2.4). */
export function endAnswer(code: number): SentResponse {
  return sent(0, '', ReplOid.nsds50Response, encodeReplicationResponse(endReplicationResponse(code)))
}

function sent(resultCode: number, diagnosticMessage: string, responseName: string, responseValue: Uint8Array | undefined): SentResponse {
  return {
    resultCode,
    diagnosticMessage,
    responseName,
    ...(responseValue === undefined ? {} : { responseValue, responseValueHex: toHex(responseValue) }),
  }
}

/** The value as the malformed variant sends it (§5.5 and its notes). */
export function malformedValue(value: ReplicationResponse, variant: MalformedVariant, replyGuid: string | undefined): Uint8Array | undefined {
  const lenient: ResponseEncodeOptions = { strict: false }
  switch (variant) {
    case 'truncated': {
      const whole = encodeReplicationResponse(value)
      return whole.subarray(0, whole.length - 1)
    }
    case 'guidWithoutData': {
      const { data: _data, ...rest } = value
      return encodeReplicationResponse({ ...rest, dataGuid: value.dataGuid ?? replyGuid ?? LONE_GUID }, lenient)
    }
    case 'integerInsteadOfEnumerated':
      return encodeReplicationResponse(value, { codeTag: Tag.Integer })
    case 'noValue':
      return undefined
    case 'trailingGarbage':
      return encodeReplicationResponse({ ...value, trailing: TRAILING_GARBAGE }, lenient)
    case 'unknownCode':
      return encodeReplicationResponse({ ...value, responseCode: UNKNOWN_CODE })
    case 'ruvAsSet':
      return encodeReplicationResponse({ ...value, consumerRuv: value.consumerRuv ?? DEFAULT_RUV }, { ruvTag: Tag.Set })
    default: {
      const never: never = variant
      throw new Error(`Unknown malformed variant ${String(never)}.`)
    }
  }
}

/**
 * The connection's state after an answer: `accepted` exactly when a 389 supplier reading these
 * bytes would have acquired the replica. 389 ignores the responseName, the tag of the code and
 * what follows the members it knows, so `integerInsteadOfEnumerated`, `ruvAsSet`,
 * `trailingGarbage` and `responseName` keep a READY; it cannot parse `truncated`, `noValue` or
 * `guidWithoutData`, and `unknownCode` is no READY. A non-zero LDAP result (`ldapResult`) is a
 * failed operation.
 */
export function stateAfterAnswer(code: number, fault: HandshakeFault | undefined): HandshakeState {
  if (code !== ReplResponseCode.replicaReady) return 'rejected'
  if (fault === undefined) return 'accepted'
  if ('ldapResult' in fault) return fault.ldapResult === 0 ? 'accepted' : 'rejected'
  if ('malformed' in fault) {
    const unreadable: readonly MalformedVariant[] = ['truncated', 'noValue', 'guidWithoutData', 'unknownCode']
    return unreadable.includes(fault.malformed) ? 'rejected' : 'accepted'
  }
  return 'accepted'
}
