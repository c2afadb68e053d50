import * as asn1js from 'asn1js'
import { describe, expect, it } from 'vitest'
import { ReplOid, decodeReplicationResponse } from '../../protocol/replsession/index.js'
import { DEFAULT_RUV, LONE_GUID, endAnswer, malformedValue, startAnswer, stateAfterAnswer } from './answer.js'
import type { StartDecision } from './decide.js'
import { MALFORMED_VARIANTS } from './types.js'

const utf8 = (s: string) => new TextEncoder().encode(s)
const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'))
const RUV = '{replicageneration} 65a0c1d2000000010000'
const data = utf8('test-reply-data\0')
const ready: StartDecision = {
  code: 0,
  reason: 'ok',
  recv: { outcome: 'accepted', reason: 'ok' },
  replyVetoed: false,
  reply: { guid: 'test-reply-guid', data, dataHex: hex(data) as string },
  consumerRuv: [RUV],
}
const backoff: StartDecision = { code: 0x0e, reason: 'no', recv: { outcome: 'rejected', reason: 'no' }, replyVetoed: false }

// 389ds-session-hooks.md §2.7, the 84-byte READY response value.
const READY_84 = '30520a0100302a04287b7265706c69636167656e65726174696f6e7d203635613063316432303030303030303130303030040f746573742d7265706c792d677569640410746573742d7265706c792d6461746100'

/** asn1js's reading: identifier octets of the SEQUENCE's members. */
function members(bytes: Uint8Array): number[] {
  const { offset, result } = asn1js.fromBER(new Uint8Array(bytes))
  expect(result.error).toBe('')
  expect(offset).toBe(bytes.length)
  return (result as asn1js.Sequence).valueBlock.value.map((b) => ((b.idBlock.tagClass - 1) << 6) | (b.idBlock.isConstructed ? 0x20 : 0) | b.idBlock.tagNumber)
}

describe('startAnswer', () => {
  it('READY with RUV and payload is §2.7’s 84 bytes under 3.5.13; v1 answers under 3.5.4', () => {
    expect(startAnswer(ready, 2, undefined)).toEqual({ resultCode: 0, diagnosticMessage: '', responseName: ReplOid.nsds90Response, responseValue: expect.anything(), responseValueHex: READY_84 })
    expect(startAnswer(backoff, 1, undefined)).toMatchObject({ responseName: ReplOid.nsds50Response, responseValueHex: '30030a010e' })
  })

  it('responseName and ldapResult faults change only the envelope', () => {
    expect(startAnswer(backoff, 2, { responseName: '1.2.3' })).toMatchObject({ responseName: '1.2.3', responseValueHex: '30030a010e' })
    expect(startAnswer(backoff, 2, { ldapResult: 53, message: 'go away' })).toMatchObject({ resultCode: 53, diagnosticMessage: 'go away', responseValueHex: '30030a010e' })
  })

  it('End: 3.5.4 with the code alone', () => {
    expect(endAnswer(0x09)).toMatchObject({ resultCode: 0, responseName: ReplOid.nsds50Response, responseValueHex: '30030a0109' })
  })
})

describe('malformed response values (§5.5), each checked with asn1js and with our decoder', () => {
  const value = { kind: 'replicationResponse' as const, responseCode: 0, consumerRuv: [RUV], dataGuid: 'test-reply-guid', data }

  it('truncated: every octet but the last, which no BER reader accepts', () => {
    const bytes = malformedValue(value, 'truncated', undefined) as Uint8Array
    expect(hex(bytes)).toBe(READY_84.slice(0, -2))
    expect(asn1js.fromBER(new Uint8Array(bytes)).result.error).not.toBe('')
    expect(() => decodeReplicationResponse(bytes)).toThrow()
  })

  it('guidWithoutData: the reply GUID (or a stand-in) and no data', () => {
    const bytes = malformedValue(value, 'guidWithoutData', undefined) as Uint8Array
    expect(members(bytes)).toEqual([0x0a, 0x30, 0x04])
    expect(() => decodeReplicationResponse(bytes)).toThrow(expect.objectContaining({ code: 'REPL_GUID_WITHOUT_DATA' }))
    const alone = malformedValue({ kind: 'replicationResponse', responseCode: 0x0e }, 'guidWithoutData', undefined) as Uint8Array
    expect(hex(alone)).toBe(`30160a010e0411${hex(utf8(LONE_GUID))}`)
  })

  it('integerInsteadOfEnumerated: the code as INTEGER 0x02, the rest unchanged', () => {
    const bytes = malformedValue(value, 'integerInsteadOfEnumerated', undefined) as Uint8Array
    expect(hex(bytes)).toBe(`305202${READY_84.slice(6)}`)
    expect(members(bytes)).toEqual([0x02, 0x30, 0x04, 0x04])
    expect(() => decodeReplicationResponse(bytes)).toThrow(expect.objectContaining({ code: 'REPL_BAD_ENUM' }))
  })

  it('noValue: nothing at all', () => {
    expect(malformedValue(value, 'noValue', undefined)).toBeUndefined()
  })

  it('trailingGarbage: a BOOLEAN after the data, inside the SEQUENCE; 389-style lenient decoding keeps the rest', () => {
    const bytes = malformedValue(value, 'trailingGarbage', undefined) as Uint8Array
    expect(members(bytes)).toEqual([0x0a, 0x30, 0x04, 0x04, 0x01])
    expect(hex(bytes)).toBe(`3055${READY_84.slice(4)}0101ff`)
    expect(() => decodeReplicationResponse(bytes)).toThrow(expect.objectContaining({ code: 'REPL_TRAILING_BYTES' }))
    expect(decodeReplicationResponse(bytes, { trailing: 'keep' })).toMatchObject({ responseCode: 0, dataGuid: 'test-reply-guid' })
  })

  it('unknownCode: 0x2A instead of the decided code', () => {
    const bytes = malformedValue(value, 'unknownCode', undefined) as Uint8Array
    expect(decodeReplicationResponse(bytes).responseCode).toBe(0x2a)
  })

  it('ruvAsSet: the consumerRUV under 0x31 (a default RUV when none is included)', () => {
    const bytes = malformedValue(value, 'ruvAsSet', undefined) as Uint8Array
    expect(members(bytes)).toEqual([0x0a, 0x31, 0x04, 0x04])
    expect(() => decodeReplicationResponse(bytes)).toThrow(expect.objectContaining({ code: 'REPL_UNKNOWN_MEMBER' }))
    const none = malformedValue({ kind: 'replicationResponse', responseCode: 0 }, 'ruvAsSet', undefined) as Uint8Array
    expect(members(none)).toEqual([0x0a, 0x31])
    expect(decodeReplicationResponse(none, { trailing: 'keep' }).trailing?.length).toBe(2 + 2 + (DEFAULT_RUV[0] as string).length)
  })

  it('covers every variant', () => {
    for (const v of MALFORMED_VARIANTS) expect(() => malformedValue(value, v, undefined)).not.toThrow()
  })
})

describe('stateAfterAnswer: accepted exactly when a 389 supplier would acquire the replica', () => {
  it.each([
    [0, undefined, 'accepted'],
    [0x0e, undefined, 'rejected'],
    [0x01, undefined, 'rejected'],
    [0, { delayMs: 5 }, 'accepted'],
    [0, { disconnect: 'afterResponse' as const }, 'accepted'],
    [0, { malformed: 'integerInsteadOfEnumerated' as const }, 'accepted'],
    [0, { malformed: 'ruvAsSet' as const }, 'accepted'],
    [0, { malformed: 'trailingGarbage' as const }, 'accepted'],
    [0, { responseName: '2.16.840.1.113730.3.5.4' }, 'accepted'],
    [0, { malformed: 'truncated' as const }, 'rejected'],
    [0, { malformed: 'noValue' as const }, 'rejected'],
    [0, { malformed: 'guidWithoutData' as const }, 'rejected'],
    [0, { malformed: 'unknownCode' as const }, 'rejected'],
    [0, { ldapResult: 2 }, 'rejected'],
  ])('code %i with %o → %s', (code, fault, state) => {
    expect(stateAfterAnswer(code, fault)).toBe(state)
  })
})
