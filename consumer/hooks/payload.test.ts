import { describe, expect, it } from 'vitest'
import { HandshakeConfigError } from './errors.js'
import { checkPayload, cstringPayload, csn389, payloadBytes, startCsn, supplierRuv } from './payload.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const latin1 = (s: string) => Buffer.from(s, 'latin1')

describe('hook payloads (389ds-session-hooks.md §1.3)', () => {
  it('cstringPayload counts the trailing NUL, as the 389 sample plugin and FreeIPA send it', () => {
    const p = cstringPayload('test-data')
    expect(p.length).toBe(10)
    expect(hex(p)).toBe('746573742d6461746100')
    expect(hex(cstringPayload(''))).toBe('00')
    expect(hex(cstringPayload('é'))).toBe('c3a900')
  })

  it('cstringPayload refuses a NUL inside the text', () => {
    expect(() => cstringPayload('a\u0000b')).toThrow(HandshakeConfigError)
  })

  it('a string payload is UTF-8 as it is, without a NUL added', () => {
    expect(hex(payloadBytes('4.9'))).toBe('342e39')
    const bytes = Uint8Array.of(0, 1, 255)
    expect(payloadBytes(bytes)).toBe(bytes)
  })

  it('checkPayload wants a guid and data, both or neither, and a guid 389 can read as a C string', () => {
    expect(checkPayload({ guid: 'g', data: 'x' }, 'pre')).toEqual({ guid: 'g', data: new Uint8Array([0x78]) })
    expect(checkPayload({ guid: 'g\u0000', data: new Uint8Array(0) }, 'pre').guid).toBe('g\u0000') // a terminating NUL is allowed
    expect(() => checkPayload({ guid: 'g' } as never, 'The pre hook')).toThrow(/The pre hook gave the guid "g" without data; .* both or neither/)
    expect(() => checkPayload({ guid: '', data: 'x' }, 'pre')).toThrow(/without a guid/)
    expect(() => checkPayload({ guid: 'a\u0000b', data: 'x' }, 'pre')).toThrow(/NUL character before its end/)
  })
})

describe('Start request members (§2.2, §5.2)', () => {
  it('supplierRUV carries the replica generation', () => {
    expect(supplierRuv('65a0c1d2000000010000')).toEqual(['{replicageneration} 65a0c1d2000000010000'])
  })

  it('csn389 writes 20 lowercase hex digits: time, seq, rid, subseq', () => {
    expect(csn389(0x65a0c200, 0, 1, 0)).toBe('65a0c200000000010000')
    expect(csn389(0xffffffff, 0xffff, 0xabcd, 0x12)).toBe('ffffffffffffabcd0012')
    expect(() => csn389(-1, 0, 1, 0)).toThrow(HandshakeConfigError)
    expect(() => csn389(0, 0x10000, 1, 0)).toThrow(/sequence number must be an integer in 0..65535/)
  })

  it('startCsn comes from the clock without a cookie, or with a cookie that is not an OpenLDAP one', () => {
    expect(startCsn(undefined, 1705034240999, 1)).toBe('65a0c200000000010000')
    expect(startCsn(latin1('opaque-389-cookie'), 1705034240000, 7)).toBe('65a0c200000000070000')
  })

  it('startCsn rewrites the newest CSN of an OpenLDAP cookie in 389 form', () => {
    // 2024-01-12T04:37:20Z = 0x65a0c200; count 5, sid 2, mod 3 (the newer of the two CSNs).
    const cookie = latin1('rid=001,csn=20240112043720.000000Z#000005#002#000003;20230101000000.000000Z#000000#001#000000')
    expect(startCsn(cookie, 0, 1)).toBe('65a0c200000500020003')
    // A rid-only cookie holds no CSN: the clock decides.
    expect(startCsn(latin1('rid=001'), 1705034240000, 1)).toBe('65a0c200000000010000')
  })
})
