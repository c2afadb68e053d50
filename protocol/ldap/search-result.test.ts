import { describe, expect, it } from 'vitest'
import { BerReader, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import { readSearchResultDone, writeSearchResultDone } from './search-result-done.js'
import type { SearchResultDone } from './search-result-done.js'
import { readSearchResultReference, writeSearchResultReference } from './search-result-reference.js'
import { hex, plain, toHex } from './test-support/samples.js'

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

describe('SearchResultReference (RFC 4511 §4.5.3)', () => {
  it('writes and reads a URI list', () => {
    const op = { kind: 'searchResultReference', uris: ['ldap://a/', 'ldap://b/dc=x??sub'] } as const
    const bytes = plain(encodeWith((w) => writeSearchResultReference(w, op)))
    expect(bytes[0]).toBe(0x73)
    expect(readSearchResultReference(new BerReader(bytes))).toEqual(op)
  })

  it('decodes the empty list RFC 4533 §3.3.2 asks for (RFC 4511 says SIZE (1..MAX)) and writes it back as 73 00', () => {
    expect(readSearchResultReference(r('7300'))).toEqual({ kind: 'searchResultReference', uris: [] })
    expect(toHex(encodeWith((w) => writeSearchResultReference(w, { kind: 'searchResultReference', uris: [] })))).toBe('7300')
  })

  it('rejects a URI that is not an OCTET STRING', () => {
    expect(thrown(() => readSearchResultReference(r('7303 020101'))).code).toBe('BER_UNEXPECTED_TAG')
  })
})

describe('SearchResultDone (RFC 4511 §4.5.2) and the LDAPResult components (§4.1.9)', () => {
  it.each<[string, SearchResultDone, string]>([
    ['success', { kind: 'searchResultDone', resultCode: 0, matchedDN: '', diagnosticMessage: '' }, '65070a010004000400'],
    ['canceled (118)', { kind: 'searchResultDone', resultCode: 118, matchedDN: '', diagnosticMessage: '' }, '65070a017604000400'],
    ['e-syncRefreshRequired (4096)', { kind: 'searchResultDone', resultCode: 4096, matchedDN: '', diagnosticMessage: '' }, '65080a0210000400 0400'.replace(' ', '')],
    ['pre-RFC 0x4100', { kind: 'searchResultDone', resultCode: 0x4100, matchedDN: '', diagnosticMessage: '' }, '65080a02410004000400'],
    [
      'referral with matchedDN and message',
      { kind: 'searchResultDone', resultCode: 10, matchedDN: 'dc=x', diagnosticMessage: 'go', referral: ['ldap://a/'] },
      '651a 0a010a 040464633d78 0402676f a30b 04096c6461703a2f2f612f'.replace(/ /g, ''),
    ],
    ['empty referral (kept, so checks can flag it)', { kind: 'searchResultDone', resultCode: 10, matchedDN: '', diagnosticMessage: '', referral: [] }, '65090a010a04000400a300'],
  ])('%s', (_n, op, h) => {
    const bytes = plain(encodeWith((w) => writeSearchResultDone(w, op)))
    expect(toHex(bytes)).toBe(h)
    expect(readSearchResultDone(new BerReader(bytes))).toEqual(op)
  })

  it('keeps an absent referral undefined and a present one a list', () => {
    expect(readSearchResultDone(r('65070a010004000400')).referral).toBeUndefined()
    expect(readSearchResultDone(r('65090a010a04000400a300')).referral).toEqual([])
  })

  it('LDAP_BAD_RESULT for a second referral, an unknown member, and a negative resultCode', () => {
    const twice = thrown(() => readSearchResultDone(r('650b0a010a04000400a300a300')))
    expect(twice.code).toBe('LDAP_BAD_RESULT')
    expect(twice.message).toMatch(/second referral/)
    const unknown = thrown(() => readSearchResultDone(r('65090a010004000400 8700')))
    expect(unknown.code).toBe('LDAP_BAD_RESULT')
    expect(unknown.message).toMatch(/Unknown member with tag 0x87 at offset 9 in the SearchResultDone; only referral \(0xa3\) may follow there/)
    const after = thrown(() => readSearchResultDone(r('650b0a010004000400 a300 0400')))
    expect(after.message).toMatch(/nothing more may follow there/)
    expect(thrown(() => readSearchResultDone(r('65070a01ff04000400'))).code).toBe('LDAP_BAD_RESULT')
  })

  it('LDAP_MISSING_MEMBER for each missing LDAPResult component', () => {
    for (const body of ['6500', '65030a0100', '65050a01000400']) {
      expect(thrown(() => readSearchResultDone(r(body))).code).toBe('LDAP_MISSING_MEMBER')
    }
  })

  it('BER_BAD_UTF8 for a diagnosticMessage that is not UTF-8', () => {
    expect(thrown(() => readSearchResultDone(r('65090a010004000402c328'))).code).toBe('BER_BAD_UTF8')
  })
})
