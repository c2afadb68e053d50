import { describe, expect, it } from 'vitest'
import { ReplOid } from '../../protocol/replsession/index.js'
import type { StartReplicationRequest } from '../../protocol/replsession/index.js'
import { decideStart } from './decide.js'
import type { HandshakeRequest, SessionHookAttempt } from './types.js'

const utf8 = (s: string) => new TextEncoder().encode(s)
const RUV = '{replicageneration} 65a0c1d2000000010000'

function input(over: Partial<StartReplicationRequest> = {}, version: 1 | 2 = 2) {
  const decoded: StartReplicationRequest = {
    kind: 'startReplicationRequest',
    version,
    replProtocolOid: ReplOid.incrementalProtocol,
    replicatedTree: 'dc=example,dc=com',
    supplierRuv: [RUV],
    csn: '65a0c200000000010000',
    dataGuid: 'test-guid',
    data: utf8('test-data\0'),
    ...over,
  }
  const request: HandshakeRequest = {
    connectionId: 1, messageId: 2, attempt: 1, version, requestOid: version === 2 ? ReplOid.startNsds90Request : ReplOid.startNsds50Request,
    protocolOid: decoded.replProtocolOid, isTotal: decoded.replProtocolOid === ReplOid.totalProtocol, base: decoded.replicatedTree,
    ...(decoded.dataGuid === undefined ? {} : { guid: decoded.dataGuid }), ...(decoded.data === undefined ? {} : { data: decoded.data }),
  }
  return { request, decoded }
}
const total = { replProtocolOid: ReplOid.totalProtocol }
const noPayload = { dataGuid: undefined, data: undefined }
const decide = (script: SessionHookAttempt, i = input()) => decideStart(script, i)

describe('decideStart: the recv stage (389ds-session-hooks.md §1.4, §5.5)', () => {
  it('accepts by default and records the payload read with the codec', () => {
    const d = decide({})
    expect(d).toMatchObject({ code: 0x00, recv: { outcome: 'accepted' }, payload: { guid: 'test-guid', dataHex: '746573742d6461746100', decoded: { text: 'test-data' } } })
    expect(d.reply).toBeUndefined()
  })

  it('rejects with 0x0E for an incremental and 0x0C for a total session, or rejectCode', () => {
    const fail = { recv: { accept: { exactVersion: 'other' } } }
    expect(decide(fail)).toMatchObject({ code: 0x0e, recv: { outcome: 'rejected' } })
    expect(decide(fail, input(total))).toMatchObject({ code: 0x0c })
    expect(decide({ recv: { ...fail.recv, rejectCode: 0x03 } }, input(total)).code).toBe(0x03)
    expect(decide({ recv: { reject: true } }).code).toBe(0x0e)
  })

  it('a missing payload is accepted unless onMissingPayload is reject; criteria do not run', () => {
    expect(decide({ recv: { accept: { exactVersion: 'x' } } }, input(noPayload))).toMatchObject({ code: 0, recv: { outcome: 'accepted', reason: expect.stringContaining('FreeIPA') } })
    expect(decide({ recv: { onMissingPayload: 'reject' } }, input(noPayload)).code).toBe(0x0e)
  })

  it('an unknown GUID is left alone and accepted (389, FreeIPA), or rejected with onGuidMismatch', () => {
    const recv = { expectGuid: 'other-guid', accept: { exactVersion: 'x' } }
    expect(decide({ recv }).code).toBe(0)
    expect(decide({ recv: { ...recv, onGuidMismatch: 'reject' } }).code).toBe(0x0e)
    // The GUID's terminating NUL (a C string) is not part of its name.
    expect(decide({ recv: { expectGuid: 'test-guid', accept: { exactVersion: 'x' } } }, input({ dataGuid: 'test-guid\0' })).code).toBe(0x0e)
  })

  it('a predicate may answer its own code; one that throws answers INTERNAL_ERROR (0x08)', () => {
    expect(decide({ recv: { accept: { predicate: () => ({ reject: 0x01 }) } } }).code).toBe(0x01)
    expect(decide({ recv: { accept: { predicate: () => { throw new Error('boom') } } } })).toMatchObject({ code: 0x08, reason: expect.stringContaining('boom') })
  })
})

describe('decideStart: before recv', () => {
  it('DECODING_ERROR (0x04) when the value did not decode, with the decoder’s words', () => {
    const d = decideStart({}, { request: input().request, decoded: undefined, decodeError: { code: 'REPL_GUID_WITHOUT_DATA', message: 'no data.' } })
    expect(d).toMatchObject({ code: 0x04, recv: { outcome: 'skipped' }, reason: expect.stringContaining('REPL_GUID_WITHOUT_DATA') })
  })

  it('UNKNOWN_UPDATE_PROTOCOL (0x05) for any other protocol OID, the 7.1 ones included', () => {
    for (const oid of [ReplOid.nsds71IncrementalProtocol, ReplOid.nsds71TotalProtocol, '1.2.3']) {
      expect(decide({ recv: { reject: true } }, input({ replProtocolOid: oid }))).toMatchObject({ code: 0x05, recv: { outcome: 'skipped' } })
    }
  })

  it('strictRuv and strictCsn answer 0x04 to an empty RUV and a malformed CSN; both are read otherwise', () => {
    expect(decide({}, input({ supplierRuv: [] })).code).toBe(0)
    expect(decide({ recv: { strictRuv: true } }, input({ supplierRuv: [] })).code).toBe(0x04)
    expect(decide({}, input({ csn: 'now' })).code).toBe(0)
    expect(decide({ recv: { strictCsn: true } }, input({ csn: '65A0C200000000010000' })).code).toBe(0x04)
  })
})

describe('decideStart: reply, forceCode, includeRuv', () => {
  const reply = { guid: 'test-reply-guid', data: 'test-reply-data', appendNul: true, includeRuv: [RUV] }

  it('sends the reply payload and RUV with READY to a v2 Start, never to a v1 Start', () => {
    expect(decide({ reply })).toMatchObject({ code: 0, reply: { guid: 'test-reply-guid', dataHex: '746573742d7265706c792d6461746100' }, consumerRuv: [RUV] })
    const v1 = decide({ reply }, input({}, 1))
    expect(v1.reply).toBeUndefined()
    expect(v1.consumerRuv).toEqual([RUV])
  })

  it('the payload goes with a refusal too (389 runs reply for every Start), the RUV does not', () => {
    const d = decide({ reply, recv: { reject: true } })
    expect(d).toMatchObject({ code: 0x0e, reply: { guid: 'test-reply-guid' } })
    expect(d.consumerRuv).toBeUndefined()
  })

  it('a reply veto forces 0x0E over READY, drops the payload and keeps the RUV', () => {
    const d = decide({ reply: { ...reply, reject: true } }, input(total))
    expect(d).toMatchObject({ code: 0x0e, replyVetoed: true, consumerRuv: [RUV] })
    expect(d.reply).toBeUndefined()
  })

  it('forceCode wins over everything, decode failures included', () => {
    expect(decide({ forceCode: 0x01, reply: { ...reply, reject: true } }).code).toBe(0x01)
    expect(decideStart({ forceCode: 0 }, { request: input().request, decoded: undefined }).code).toBe(0)
  })

  it('a reply data function that throws answers INTERNAL_ERROR (0x08)', () => {
    expect(decide({ reply: { guid: 'g', data: () => { throw new Error('no data today') } } })).toMatchObject({ code: 0x08, reason: expect.stringContaining('no data today') })
  })
})
