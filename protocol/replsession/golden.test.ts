import { describe, expect, it } from 'vitest'
import { ReplOid, startOids } from './oids.js'
import { ReplResponseCode, responseCodeInfo } from './response-codes.js'
import { decodeReplicationResponse, encodeReplicationResponse, endReplicationResponse } from './response.js'
import { decodeStartReplicationRequest, encodeStartReplicationRequest } from './start-request.js'
import type { StartReplicationRequest } from './start-request.js'
import type { ReplicationResponse } from './response.js'
import { END_RESPONSE_2_7, READY_2_7, REJECTION_INCREMENTAL_2_7, REJECTION_TOTAL_2_7, RUV_2_7, START_2_7 } from '../../test/fixtures/389ds-handshake.js'

// The byte-level examples of 389ds-session-hooks.md §2.7 (test/fixtures/389ds-handshake.ts).
const NSDS90_START_REQUEST = START_2_7
const NSDS90_READY_RESPONSE = READY_2_7
const HOOK_REJECTION_INCREMENTAL = REJECTION_INCREMENTAL_2_7
const HOOK_REJECTION_TOTAL = REJECTION_TOTAL_2_7
const END_RESPONSE = END_RESPONSE_2_7

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const utf8 = (s: string) => new TextEncoder().encode(s)

const RUV = RUV_2_7

describe('389ds-session-hooks.md §2.7 byte-level examples', () => {
  it('the 136-byte NSDS90 Start request decodes to the documented fields and re-encodes byte for byte', () => {
    const bytes = NSDS90_START_REQUEST
    expect(bytes.length).toBe(136)
    const v = decodeStartReplicationRequest(bytes, { version: 2 })
    expect(v.kind).toBe('startReplicationRequest')
    expect(v.version).toBe(2)
    expect(v.replProtocolOid).toBe(ReplOid.incrementalProtocol)
    expect(v.replicatedTree).toBe('dc=example,dc=com')
    expect(v.supplierRuv).toEqual([RUV])
    expect(v.referralUrls).toBeUndefined()
    expect(v.csn).toBe('65a0c200000000010000')
    expect(v.dataGuid).toBe('test-guid')
    expect(toHex(v.data as Uint8Array)).toBe(toHex(utf8('test-data\0')))
    expect(v.data?.length).toBe(10)
    expect(v.trailing).toBeUndefined()
    expect(toHex(encodeStartReplicationRequest(v))).toBe(toHex(bytes))
  })

  it('the same request built by hand encodes to exactly those 136 bytes', () => {
    const value: StartReplicationRequest = {
      kind: 'startReplicationRequest',
      version: 2,
      replProtocolOid: '2.16.840.1.113730.3.6.1',
      replicatedTree: 'dc=example,dc=com',
      supplierRuv: [RUV],
      csn: '65a0c200000000010000',
      dataGuid: 'test-guid',
      data: utf8('test-data\0'),
    }
    expect(toHex(encodeStartReplicationRequest(value))).toBe(toHex(NSDS90_START_REQUEST))
    expect(startOids(value.version).requestOid).toBe('2.16.840.1.113730.3.5.12')
  })

  it('the 84-byte READY response with RUV and reply payload decodes to the documented fields and re-encodes byte for byte', () => {
    const bytes = NSDS90_READY_RESPONSE
    expect(bytes.length).toBe(84)
    const v = decodeReplicationResponse(bytes)
    expect(v.kind).toBe('replicationResponse')
    expect(v.responseCode).toBe(ReplResponseCode.replicaReady)
    expect(v.consumerRuv).toEqual([RUV])
    expect(v.dataGuid).toBe('test-reply-guid')
    expect(toHex(v.data as Uint8Array)).toBe(toHex(utf8('test-reply-data\0')))
    expect(v.data?.length).toBe(16)
    expect(toHex(encodeReplicationResponse(v))).toBe(toHex(bytes))

    const byHand: ReplicationResponse = {
      kind: 'replicationResponse',
      responseCode: 0,
      consumerRuv: [RUV],
      dataGuid: 'test-reply-guid',
      data: utf8('test-reply-data\0'),
    }
    expect(toHex(encodeReplicationResponse(byHand))).toBe(toHex(bytes))
  })

  it.each([
    [HOOK_REJECTION_INCREMENTAL, 0x0e, 'NSDS50_REPL_BACKOFF'],
    [HOOK_REJECTION_TOTAL, 0x0c, 'NSDS50_REPL_DISABLED'],
    [END_RESPONSE, 0x09, 'NSDS50_REPL_REPLICA_RELEASE_SUCCEEDED'],
  ])('%s decodes to code %i (%s) alone and re-encodes byte for byte', (h, code, macro) => {
    const v = decodeReplicationResponse(h)
    expect(v).toEqual({ kind: 'replicationResponse', responseCode: code })
    expect(responseCodeInfo(v.responseCode)?.macro).toBe(macro)
    expect(toHex(encodeReplicationResponse(v))).toBe(toHex(h))
  })

  it('endReplicationResponse() builds the §2.4 End response', () => {
    expect(toHex(encodeReplicationResponse(endReplicationResponse()))).toBe(toHex(END_RESPONSE))
    expect(toHex(encodeReplicationResponse(endReplicationResponse(ReplResponseCode.decodingError)))).toBe('3003' + '0a0104')
  })
})
