import { describe, expect, it } from 'vitest'
import { BerReader, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import { readExtendedRequest, readExtendedResponse, writeExtendedRequest, writeExtendedResponse } from './extended.js'
import type { ExtendedRequest, ExtendedResponse } from './extended.js'
import { decodeMessage, encodeMessage } from './message.js'
import { oracleDecode, oracleEncode } from './test-support/asn1-oracle.js'
import { BINARY, EMPTY, hex, plain, toHex, utf8 } from './test-support/samples.js'

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
const CANCEL = '1.3.6.1.1.8'

describe('ExtendedRequest (RFC 4511 §4.12)', () => {
  const cases: Array<[string, ExtendedRequest]> = [
    ['name only (WhoAmI)', { kind: 'extendedRequest', requestName: '1.3.6.1.4.1.4203.1.11.3', requestValue: undefined }],
    ['empty value', { kind: 'extendedRequest', requestName: '1.2.3', requestValue: EMPTY }],
    ['Cancel (RFC 3909) with cancelID 4', { kind: 'extendedRequest', requestName: CANCEL, requestValue: hex('3003020104') }],
    ['binary value', { kind: 'extendedRequest', requestName: '1.2.3', requestValue: BINARY }],
  ]
  it.each(cases)('%s: round trip and asn1js both ways', (_n, op) => {
    const bytes = plain(encodeWith((w) => writeExtendedRequest(w, op)))
    expect(readExtendedRequest(new BerReader(bytes))).toEqual(op)
    const msg = { messageId: 5, op, controls: [] }
    expect(oracleDecode(encodeMessage(msg))).toEqual(msg)
    expect(decodeMessage(oracleEncode(msg))).toEqual(msg)
  })

  it('writes the Cancel request as python-ldap does', () => {
    const bytes = encodeMessage({ messageId: 5, op: { kind: 'extendedRequest', requestName: CANCEL, requestValue: hex('3003020104') } })
    expect(toHex(bytes)).toBe('30190201057714800b312e332e362e312e312e3881053003020104')
  })

  it('coded errors: missing or empty requestName, unknown/duplicate member', () => {
    expect(thrown(() => readExtendedRequest(r('7700'))).code).toBe('LDAP_MISSING_MEMBER')
    expect(thrown(() => readExtendedRequest(r('77028000'))).code).toBe('LDAP_BAD_OPERATION')
    expect(thrown(() => readExtendedRequest(r('7705 8001 31 8200'))).code).toBe('LDAP_BAD_OPERATION')
    expect(thrown(() => readExtendedRequest(r('7707 8001 31 8100 8100'))).message).toMatch(/second requestValue/)
    expect(thrown(() => readExtendedRequest(r('7704 0402 3132'))).code).toBe('BER_UNEXPECTED_TAG')
  })
})

describe('ExtendedResponse (RFC 4511 §4.12)', () => {
  const base = { kind: 'extendedResponse', resultCode: 0, matchedDN: '', diagnosticMessage: '' } as const
  const cases: Array<[string, ExtendedResponse]> = [
    ['result only (Cancel success)', base],
    ['name only', { ...base, responseName: '1.3.6.1.4.1.1466.20037' }],
    ['value only (WhoAmI)', { ...base, responseValue: utf8('dn:cn=admin,dc=example,dc=com') }],
    ['empty value', { ...base, responseValue: EMPTY }],
    ['referral, name and binary value', { ...base, resultCode: 10, referral: ['ldap://a/'], responseName: '1.2', responseValue: BINARY }],
  ]
  it.each(cases)('%s: round trip and asn1js both ways', (_n, op) => {
    const bytes = plain(encodeWith((w) => writeExtendedResponse(w, op)))
    expect(readExtendedResponse(new BerReader(bytes))).toEqual(op)
    const msg = { messageId: 3, op, controls: [] }
    expect(oracleDecode(encodeMessage(msg))).toEqual(msg)
    expect(decodeMessage(oracleEncode(msg))).toEqual(msg)
  })

  it('coded errors: value before name, unknown member', () => {
    const order = thrown(() => readExtendedResponse(r('780d 0a0100 0400 0400 8b00 8a03 312e32')))
    expect(order.code).toBe('LDAP_BAD_RESULT')
    expect(order.message).toMatch(/responseName .* comes after responseValue/)
    expect(thrown(() => readExtendedResponse(r('7809 0a0100 0400 0400 8c00'))).code).toBe('LDAP_BAD_RESULT')
  })
})
