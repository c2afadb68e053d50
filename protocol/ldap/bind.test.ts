import { describe, expect, it } from 'vitest'
import { BerReader, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import { readAbandonRequest, writeAbandonRequest } from './abandon.js'
import { readBindRequest, readBindResponse, writeBindRequest, writeBindResponse } from './bind.js'
import type { BindRequest, BindResponse } from './bind.js'
import { readUnbindRequest } from './unbind.js'
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
const r = (h: string) => new BerReader(hex(h))

describe('BindRequest (RFC 4511 §4.2)', () => {
  it('writes simple authentication as [0] with the password bytes exact', () => {
    const op: BindRequest = { kind: 'bindRequest', version: 3, name: 'cn=a', authentication: { kind: 'simple', password: BINARY } }
    const bytes = plain(encodeWith((w) => writeBindRequest(w, op)))
    expect(toHex(bytes)).toBe(`6013 020103 0404636e3d61 8008${toHex(BINARY)}`.replace(/ /g, ''))
    expect(readBindRequest(new BerReader(bytes))).toEqual(op)
  })

  it('distinguishes SASL credentials absent, empty and present', () => {
    const absent = readBindRequest(r('6011 020103 0400 a30a 040845585445524e414c'.replace(/ /g, '')))
    expect(absent.authentication).toEqual({ kind: 'sasl', mechanism: 'EXTERNAL', credentials: undefined })
    const empty = readBindRequest(r('6010 020103 0400 a309 0405504c41494e 0400'.replace(/ /g, '')))
    expect(empty.authentication).toEqual({ kind: 'sasl', mechanism: 'PLAIN', credentials: EMPTY })
    const present = readBindRequest(r('6011 020103 0400 a30a 0405504c41494e 040178'.replace(/ /g, '')))
    expect(present.authentication).toEqual({ kind: 'sasl', mechanism: 'PLAIN', credentials: utf8('x') })
  })

  it('rejects a version outside 1..127 with LDAP_BAD_OPERATION', () => {
    for (const v of ['020100', '02020080']) {
      const len = (v.length / 2 + 4).toString(16).padStart(2, '0')
      const e = thrown(() => readBindRequest(r(`60${len}${v}04008000`)))
      expect(e.code).toBe('LDAP_BAD_OPERATION')
      expect(e.message).toMatch(/allows 1 to 127/)
    }
  })

  it('rejects an authentication choice other than simple and sasl with LDAP_BAD_OPERATION naming the tag', () => {
    const e = thrown(() => readBindRequest(r('6009 020103 0400 81020000'.replace(/ /g, ''))))
    expect(e.code).toBe('LDAP_BAD_OPERATION')
    expect(e.tag).toBe(0x81)
    expect(e.offset).toBe(7)
  })

  it('reports missing members with LDAP_MISSING_MEMBER and extra ones as trailing bytes', () => {
    expect(thrown(() => readBindRequest(r('6005 020103 0400'.replace(/ /g, '')))).code).toBe('LDAP_MISSING_MEMBER')
    expect(thrown(() => readBindRequest(r('6000'))).code).toBe('LDAP_MISSING_MEMBER')
    expect(thrown(() => readBindRequest(r('6003 020103'.replace(/ /g, '')))).code).toBe('LDAP_MISSING_MEMBER')
    // SaslCredentials without its mechanism
    expect(thrown(() => readBindRequest(r('6007 020103 0400 a300'.replace(/ /g, '')))).code).toBe('LDAP_MISSING_MEMBER')
    expect(thrown(() => readBindRequest(r('6009 020103 0400 8000 0400'.replace(/ /g, '')))).code).toBe('BER_TRAILING_BYTES')
    expect(thrown(() => readBindRequest(r('600d 020103 0400 a306 0401 41 0400 0400'.replace(/ /g, '')))).code).toBe('BER_TRAILING_BYTES')
  })
})

describe('BindResponse (RFC 4511 §4.2.2)', () => {
  const base = { kind: 'bindResponse', resultCode: 0, matchedDN: '', diagnosticMessage: '' } as const

  it.each<[string, BindResponse, string]>([
    ['plain success (the hand-made response the capture listener sent)', base, '61070a010004000400'],
    ['with serverSaslCreds', { ...base, serverSaslCreds: utf8('ok') }, '610b0a01000400040087026f6b'],
    ['with empty serverSaslCreds', { ...base, serverSaslCreds: EMPTY }, '61090a0100040004008700'],
    ['with referral and serverSaslCreds', { ...base, resultCode: 10, referral: ['ldap://x/'], serverSaslCreds: EMPTY }, '61160a010a04000400a30b04096c6461703a2f2f782f8700'],
  ])('%s', (_n, op, h) => {
    const bytes = plain(encodeWith((w) => writeBindResponse(w, op)))
    expect(toHex(bytes)).toBe(h)
    expect(readBindResponse(new BerReader(bytes))).toEqual(op)
  })

  it('rejects serverSaslCreds before the referral (out of order) with LDAP_BAD_RESULT', () => {
    const e = thrown(() => readBindResponse(r('610b 0a0100 0400 0400 8700 a300'.replace(/ /g, ''))))
    expect(e.code).toBe('LDAP_BAD_RESULT')
    expect(e.message).toMatch(/referral .* comes after serverSaslCreds/)
  })

  it('rejects a negative resultCode with LDAP_BAD_RESULT', () => {
    expect(thrown(() => readBindResponse(r('61070a01ff04000400'))).code).toBe('LDAP_BAD_RESULT')
  })
})

describe('UnbindRequest (RFC 4511 §4.3) and AbandonRequest (§4.11)', () => {
  it('reads 42 00 and rejects content', () => {
    expect(readUnbindRequest(r('4200'))).toEqual({ kind: 'unbindRequest' })
    expect(thrown(() => readUnbindRequest(r('420100'))).code).toBe('BER_BAD_NULL')
  })

  it('writes the MessageID as primitive INTEGER content under 0x50', () => {
    expect(toHex(encodeWith((w) => writeAbandonRequest(w, { kind: 'abandonRequest', idToAbandon: 2 })))).toBe('500102')
    expect(toHex(encodeWith((w) => writeAbandonRequest(w, { kind: 'abandonRequest', idToAbandon: 128 })))).toBe('50020080')
    expect(readAbandonRequest(r('500400ffffff'))).toEqual({ kind: 'abandonRequest', idToAbandon: 0xffffff })
  })

  it('rejects an ID outside 0..2^31-1 with LDAP_BAD_MESSAGE_ID', () => {
    expect(thrown(() => readAbandonRequest(r('5001ff'))).code).toBe('LDAP_BAD_MESSAGE_ID')
    expect(thrown(() => readAbandonRequest(r('50050080000000'))).code).toBe('LDAP_BAD_MESSAGE_ID')
    expect(thrown(() => readAbandonRequest(r('5000'))).code).toBe('BER_BAD_INTEGER')
  })
})
