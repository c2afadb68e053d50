import { describe, expect, it } from 'vitest'
import { BerReader, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import { readIntermediateResponse, writeIntermediateResponse } from './intermediate-response.js'
import type { IntermediateResponse } from './intermediate-response.js'
import { decodeMessage, encodeMessage } from './message.js'
import { oracleDecode, oracleEncode } from './test-support/asn1-oracle.js'
import { BINARY, EMPTY, SYNC_INFO_OID, hex, plain, toHex } from './test-support/samples.js'

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return e as ProtocolError
  }
  throw new Error('expected the call to throw')
}
const r = (h: string) => new BerReader(hex(h.replace(/ /g, '')))

describe('IntermediateResponse (RFC 4511 §4.13)', () => {
  const cases: Array<[string, IntermediateResponse]> = [
    ['neither member', { kind: 'intermediateResponse', responseName: undefined, responseValue: undefined }],
    ['name only', { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: undefined }],
    ['value only', { kind: 'intermediateResponse', responseName: undefined, responseValue: hex('a100') }],
    ['empty value', { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: EMPTY }],
    ['binary value (newcookie with bytes ≥ 0x80)', { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: Uint8Array.from([0x80, BINARY.length, ...BINARY]) }],
  ]

  it.each(cases)('%s: round trip and asn1js both ways', (_n, op) => {
    const bytes = plain(encodeWith((w) => writeIntermediateResponse(w, op)))
    expect(readIntermediateResponse(new BerReader(bytes))).toEqual(op)
    const msg = { messageId: 2, op, controls: [] }
    expect(oracleDecode(encodeMessage(msg))).toEqual(msg)
    expect(decodeMessage(oracleEncode(msg))).toEqual(msg)
  })

  it('writes the layout RFC 4533 §2.5 uses: 79 { 80 OID, 81 value }', () => {
    const op: IntermediateResponse = { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: hex('a100') }
    expect(toHex(encodeWith((w) => writeIntermediateResponse(w, op)))).toBe('791e8018312e332e362e312e342e312e343230332e312e392e312e348102a100')
  })

  it('keeps the value bytes exact as a view of the input', () => {
    const bytes = plain(encodeWith((w) => writeIntermediateResponse(w, { kind: 'intermediateResponse', responseValue: BINARY })))
    const op = readIntermediateResponse(new BerReader(bytes))
    expect(op.responseValue).toEqual(BINARY)
    expect(op.responseValue?.buffer).toBe(bytes.buffer)
  })

  it('LDAP_BAD_OPERATION for members out of order, duplicated or unknown', () => {
    expect(thrown(() => readIntermediateResponse(r('7905 8100 8001 31'))).message).toMatch(/responseName .* comes after responseValue/)
    expect(thrown(() => readIntermediateResponse(r('7904 8000 8000'))).message).toMatch(/second responseName/)
    const unknown = thrown(() => readIntermediateResponse(r('7902 0400')))
    expect(unknown.code).toBe('LDAP_BAD_OPERATION')
    expect(unknown.tag).toBe(0x04)
  })
})
