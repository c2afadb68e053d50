import { describe, expect, it } from 'vitest'
import { ReplOid, startOids } from './oids.js'
import { ReplResponseCode, responseCodeInfo } from './response-codes.js'
import { decodeReplicationResponse, encodeReplicationResponse, endReplicationResponse } from './response.js'
import { decodeStartReplicationRequest, encodeStartReplicationRequest } from './start-request.js'
import type { StartReplicationRequest } from './start-request.js'
import type { ReplicationResponse } from './response.js'

// The byte-level examples of 389ds-session-hooks.md §2.7, copied verbatim (minimal lengths, as 389 emits).

const NSDS90_START_REQUEST = `
30 81 85 04 17 32 2e 31 36 2e 38 34 30 2e 31 2e 31 31 33 37 33 30 2e 33
2e 36 2e 31 04 11 64 63 3d 65 78 61 6d 70 6c 65 2c 64 63 3d 63 6f 6d 31
2a 04 28 7b 72 65 70 6c 69 63 61 67 65 6e 65 72 61 74 69 6f 6e 7d 20 36
35 61 30 63 31 64 32 30 30 30 30 30 30 30 31 30 30 30 30 04 14 36 35 61
30 63 32 30 30 30 30 30 30 30 30 30 31 30 30 30 30 04 09 74 65 73 74 2d
67 75 69 64 04 0a 74 65 73 74 2d 64 61 74 61 00
`

const NSDS90_READY_RESPONSE = `
30 52 0a 01 00 30 2a 04 28 7b 72 65 70 6c 69 63 61 67 65 6e 65 72 61 74
69 6f 6e 7d 20 36 35 61 30 63 31 64 32 30 30 30 30 30 30 30 31 30 30 30
30 04 0f 74 65 73 74 2d 72 65 70 6c 79 2d 67 75 69 64 04 10 74 65 73 74
2d 72 65 70 6c 79 2d 64 61 74 61 00
`

const HOOK_REJECTION_INCREMENTAL = '30 03 0a 01 0e'
const HOOK_REJECTION_TOTAL = '30 03 0a 01 0c'
const END_RESPONSE = '30 03 0a 01 09'

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const utf8 = (s: string) => new TextEncoder().encode(s)

const RUV = '{replicageneration} 65a0c1d2000000010000'

describe('389ds-session-hooks.md §2.7 byte-level examples', () => {
  it('the 136-byte NSDS90 Start request decodes to the documented fields and re-encodes byte for byte', () => {
    const bytes = hex(NSDS90_START_REQUEST)
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
    expect(toHex(encodeStartReplicationRequest(value))).toBe(toHex(hex(NSDS90_START_REQUEST)))
    expect(startOids(value.version).requestOid).toBe('2.16.840.1.113730.3.5.12')
  })

  it('the 84-byte READY response with RUV and reply payload decodes to the documented fields and re-encodes byte for byte', () => {
    const bytes = hex(NSDS90_READY_RESPONSE)
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
    const v = decodeReplicationResponse(hex(h))
    expect(v).toEqual({ kind: 'replicationResponse', responseCode: code })
    expect(responseCodeInfo(v.responseCode)?.macro).toBe(macro)
    expect(toHex(encodeReplicationResponse(v))).toBe(toHex(hex(h)))
  })

  it('endReplicationResponse() builds the §2.4 End response', () => {
    expect(toHex(encodeReplicationResponse(endReplicationResponse()))).toBe(toHex(hex(END_RESPONSE)))
    expect(toHex(encodeReplicationResponse(endReplicationResponse(ReplResponseCode.decodingError)))).toBe('3003' + '0a0104')
  })
})
