import { describe, expect, it } from 'vitest'
import { BerReader, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import { parseFilter } from './filter-string.js'
import { decodeMessage, encodeMessage } from './message.js'
import type { LdapMessage } from './message.js'
import { DerefAliases, SearchScope, derefAliasesName, readSearchRequest, searchScopeName, writeSearchRequest } from './search-request.js'
import type { SearchRequest } from './search-request.js'
import { oracleDecode, oracleEncode } from './test-support/asn1-oracle.js'
import { SYNC_REQUEST_OID, hex, plain, toHex } from './test-support/samples.js'

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return e as ProtocolError
  }
  throw new Error('expected the call to throw')
}

const request = (filter: string, extra: Partial<SearchRequest> = {}): SearchRequest => ({
  kind: 'searchRequest',
  baseObject: 'dc=example,dc=com',
  scope: SearchScope.wholeSubtree,
  derefAliases: DerefAliases.neverDerefAliases,
  sizeLimit: 0,
  timeLimit: 0,
  typesOnly: false,
  filter: parseFilter(filter),
  attributes: ['*', '+'],
  ...extra,
})

describe('SearchRequest (RFC 4511 §4.5.1)', () => {
  const filters = [
    '(objectClass=*)',
    '(&(objectClass=inetOrgPerson)(|(employeeType=staff)(employeeType=contractor)))',
    '(!(uid=user00000\\2a))',
    '(cn=U*r*One)',
    '(&(age>=18)(age<=65)(sn~=smith))',
    '(|(cn:caseExactMatch:=Fred)(:dn:2.4.6.8.10:=Dino)(o:dn:=Ace))',
    '(jpegPhoto=\\ff\\d8\\ff\\e0)',
    '(&)',
  ]

  it.each(filters)('with filter %s: asn1js reads what we encode, we read what asn1js encodes', (f) => {
    const msg: LdapMessage = { messageId: 2, op: request(f), controls: [{ type: SYNC_REQUEST_OID, critical: true, value: hex('30030a0101') }] }
    expect(oracleDecode(encodeMessage(msg))).toEqual(msg)
    expect(decodeMessage(oracleEncode(msg))).toEqual(msg)
  })

  it('keeps scope and derefAliases values RFC 4511 does not name, so the provider can answer them', () => {
    const op = request('(a=b)', { scope: 3, derefAliases: 7 })
    const back = readSearchRequest(new BerReader(plain(encodeWith((w) => writeSearchRequest(w, op)))))
    expect(back.scope).toBe(3)
    expect(back.derefAliases).toBe(7)
    expect(searchScopeName(back.scope)).toBeUndefined()
    expect(derefAliasesName(back.derefAliases)).toBeUndefined()
  })

  it('names the RFC values; derefInSearching and derefAlways stay visible (RFC 4533 §3.5.2 → protocolError)', () => {
    expect([0, 1, 2].map(searchScopeName)).toEqual(['baseObject', 'singleLevel', 'wholeSubtree'])
    expect([0, 1, 2, 3].map(derefAliasesName)).toEqual(['neverDerefAliases', 'derefInSearching', 'derefFindingBaseObj', 'derefAlways'])
    // ldapsearch -a always, captured: derefAliases 0a 01 03
    const bytes = hex(
      '305e0201026331041164633d6578616d706c652c64633d636f6d0a01020a0103020100020100010100870b6f626a656374436c6173733000a02630240418312e332e362e312e342e312e343230332e312e392e312e310101ff040530030a0101',
    )
    const op = decodeMessage(bytes).op as SearchRequest
    expect(op.derefAliases).toBe(DerefAliases.derefAlways)
  })

  it('writes limits, typesOnly and an empty attribute list exactly', () => {
    const op = request('(a=*)', { baseObject: '', scope: 0, sizeLimit: 0x7fffffff, timeLimit: 128, typesOnly: true, attributes: [] })
    expect(toHex(encodeWith((w) => writeSearchRequest(w, op)))).toBe('631a 0400 0a0100 0a0100 02047fffffff 02020080 0101ff 870161 3000'.replace(/ /g, ''))
    expect(readSearchRequest(new BerReader(plain(encodeWith((w) => writeSearchRequest(w, op)))))).toEqual(op)
  })

  it('writes typesOnly TRUE as 0x01 on request and reads any non-zero octet as TRUE', () => {
    const op = request('(a=*)', { typesOnly: true })
    const bytes = plain(encodeWith((w) => writeSearchRequest(w, op, { trueOctet: 0x01 })))
    expect(toHex(bytes)).toContain('010101')
    expect(readSearchRequest(new BerReader(bytes)).typesOnly).toBe(true)
  })

  describe('coded errors', () => {
    const build = (parts: string[]) => {
      const body = parts.join('')
      return new BerReader(hex(`63${(body.length / 2).toString(16).padStart(2, '0')}${body}`))
    }
    const ok = ['0400', '0a0102', '0a0100', '020100', '020100', '010100', '870161', '3000']

    it('LDAP_BAD_OPERATION for a negative sizeLimit or timeLimit', () => {
      const size = thrown(() => readSearchRequest(build(['0400', '0a0102', '0a0100', '0201ff', '020100', '010100', '870161', '3000'])))
      expect(size.code).toBe('LDAP_BAD_OPERATION')
      expect(size.message).toMatch(/sizeLimit of the SearchRequest at offset 10 is -1/)
      expect(thrown(() => readSearchRequest(build(['0400', '0a0102', '0a0100', '020100', '0201ff', '010100', '870161', '3000']))).code).toBe('LDAP_BAD_OPERATION')
    })

    it.each(['baseObject', 'scope', 'derefAliases', 'sizeLimit', 'timeLimit', 'typesOnly', 'filter', 'attributes'])(
      'LDAP_MISSING_MEMBER when the SearchRequest ends before %s',
      (member) => {
        const index = ['baseObject', 'scope', 'derefAliases', 'sizeLimit', 'timeLimit', 'typesOnly', 'filter', 'attributes'].indexOf(member)
        const e = thrown(() => readSearchRequest(build(ok.slice(0, index))))
        expect(e.code).toBe('LDAP_MISSING_MEMBER')
        expect(e.message).toContain(`without its ${member}`)
      },
    )

    it('BER_TRAILING_BYTES for an element after the attributes; BER_UNEXPECTED_TAG for a non-string selector', () => {
      expect(thrown(() => readSearchRequest(build([...ok, '0400']))).code).toBe('BER_TRAILING_BYTES')
      expect(thrown(() => readSearchRequest(build([...ok.slice(0, 7), '3003020101']))).code).toBe('BER_UNEXPECTED_TAG')
    })

    it('LDAP_BAD_FILTER from inside the filter', () => {
      expect(thrown(() => readSearchRequest(build([...ok.slice(0, 6), 'aa00', '3000']))).code).toBe('LDAP_BAD_FILTER')
    })
  })
})
