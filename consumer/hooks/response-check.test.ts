import { describe, expect, it } from 'vitest'
import type { ExtendedResponse } from '../../protocol/ldap/extended.js'
import { checkResponseValue, checkStartResponse } from './response-check.js'

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))
const V2 = '2.16.840.1.113730.3.5.13'
const V1 = '2.16.840.1.113730.3.5.4'
const ext = (responseName: string | undefined, value: Uint8Array | undefined): ExtendedResponse => ({
  kind: 'extendedResponse', resultCode: 0, matchedDN: '', diagnosticMessage: '',
  ...(responseName === undefined ? {} : { responseName }), ...(value === undefined ? {} : { responseValue: value }),
})

// 389ds-session-hooks.md §2.7: READY with the consumer RUV and the reply payload, 84 bytes.
const READY_WITH_PAYLOAD = bytes(`
30 52 0a 01 00 30 2a 04 28 7b 72 65 70 6c 69 63 61 67 65 6e 65 72 61 74
69 6f 6e 7d 20 36 35 61 30 63 31 64 32 30 30 30 30 30 30 30 31 30 30 30
30 04 0f 74 65 73 74 2d 72 65 70 6c 79 2d 67 75 69 64 04 10 74 65 73 74
2d 72 65 70 6c 79 2d 64 61 74 61 00`)

describe('checkStartResponse: strict decoding of the Start response (§5.3 step 6)', () => {
  it('decodes the §2.7 READY response with RUV and reply payload', () => {
    expect(READY_WITH_PAYLOAD.length).toBe(84)
    const r = checkStartResponse(ext(V2, READY_WITH_PAYLOAD), false)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.response.responseCode).toBe(0)
    expect(r.response.consumerRuv).toEqual(['{replicageneration} 65a0c1d2000000010000'])
    expect(r.response.dataGuid).toBe('test-reply-guid')
    expect(Buffer.from(r.response.data!).toString('latin1')).toBe('test-reply-data\u0000')
  })

  it('decodes the short rejections and long-form lengths', () => {
    for (const [hex, code] of [['30 03 0a 01 0e', 0x0e], ['30 03 0a 01 0c', 0x0c], ['30 84 00 00 00 07 0a 84 00 00 00 01 01', 0x01]] as const) {
      const r = checkStartResponse(ext(V2, bytes(hex)), false)
      expect(r.ok && r.response.responseCode).toBe(code)
    }
  })

  it('wants responseName 3.5.13; 3.5.4 only in lenient mode (389 ignores the name)', () => {
    const v = bytes('30 03 0a 01 00')
    const strict = checkStartResponse(ext(V1, v), false)
    expect(strict).toMatchObject({ ok: false, reason: 'HANDSHAKE_RESPONSE_NAME', toleratedBy389: true })
    expect(!strict.ok && strict.detail).toMatch(/responseName is "2.16.840.1.113730.3.5.4"; expected 2.16.840.1.113730.3.5.13 .*lenientResponseName/)
    expect(checkStartResponse(ext(V1, v), true).ok).toBe(true)
    expect(checkStartResponse(ext(undefined, v), true)).toMatchObject({ ok: false, reason: 'HANDSHAKE_RESPONSE_NAME' })
    expect(checkStartResponse(ext('1.2.3', v), true)).toMatchObject({ ok: false, reason: 'HANDSHAKE_RESPONSE_NAME' })
  })

  it('reports what 389 tolerates as decode errors, flagged toleratedBy389', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['integer instead of enumerated', '30 03 02 01 00', /REPL_BAD_ENUM.*INTEGER/],
      ['RUV as SET', '30 0b 0a 01 00 31 06 04 04 72 75 76 31', /REPL_UNKNOWN_MEMBER.*SET \(0x31\)/],
      ['trailing garbage after the data', '30 0b 0a 01 00 04 01 67 04 01 64 05 00', /REPL_TRAILING_BYTES/],
    ]
    for (const [name, hex, pattern] of cases) {
      const r = checkStartResponse(ext(V2, bytes(hex)), false)
      expect(r.ok, name).toBe(false)
      if (r.ok) continue
      expect(r).toMatchObject({ reason: 'HANDSHAKE_BAD_RESPONSE', toleratedBy389: true })
      expect(r.detail, name).toMatch(pattern)
      expect(r.detail, name).toMatch(/389's own supplier would have accepted it/)
    }
  })

  it('reports what 389 refuses too, not flagged', () => {
    const cases: Array<[string, Uint8Array | undefined, RegExp]> = [
      ['no value', undefined, /REPL_MISSING_MEMBER.*absent/],
      ['empty value', new Uint8Array(0), /REPL_MISSING_MEMBER.*empty/],
      ['guid without data', bytes('30 06 0a 01 00 04 01 67'), /REPL_GUID_WITHOUT_DATA/],
      ['truncated', bytes('30 52 0a 01 00 30 2a 04'), /BER_/],
      ['enumerated of 5 octets', bytes('30 07 0a 05 00 00 00 00 00'), /REPL_BAD_ENUM.*5 content octets/],
    ]
    for (const [name, value, pattern] of cases) {
      const r = checkStartResponse(ext(V2, value), false)
      expect(r.ok, name).toBe(false)
      if (r.ok) continue
      expect(r.toleratedBy389, name).toBe(false)
      expect(r.detail, name).toMatch(pattern)
    }
  })

  it('decodes an End response (§2.4)', () => {
    const r = checkResponseValue(bytes('30 03 0a 01 09'), 'End')
    expect(r.ok && r.response.responseCode).toBe(0x09)
  })
})
