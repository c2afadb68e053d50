import { describe, expect, it } from 'vitest'
import { BerReader, BerWriter } from '../ber/index.js'
import { parseFilter, formatFilter } from './filter-string.js'
import { writeFilter } from './filter.js'
import { decodeMessage, encodeMessage } from './message.js'
import type { LdapMessage, ProtocolOp } from './message.js'
import { ResultCode } from './result-codes.js'
import { writeSearchResultEntryMessage } from './search-result-entry.js'
import { oracleDecode } from './test-support/asn1-oracle.js'
import { SYNC_INFO_OID, SYNC_REQUEST_OID, SYNC_STATE_OID, hex, plain, toHex, utf8 } from './test-support/samples.js'

import { GOLDEN } from './test-support/golden-pdus.js'

type Name = keyof typeof GOLDEN
const decoded = (name: Name): LdapMessage => decodeMessage(hex(GOLDEN[name]))
function op<K extends ProtocolOp['kind']>(name: Name, kind: K): Extract<ProtocolOp, { kind: K }> {
  const o = decoded(name).op
  expect(o.kind).toBe(kind)
  return o as Extract<ProtocolOp, { kind: K }>
}

const COMPLEX_FILTER =
  '(&(objectClass=person)(|(cn=J*n D\\2a*e)(sn~=smith))(!(uid=\\28x\\29\\5c))(mail=*)(age>=18)(age<=65)(cn:caseExactMatch:=Fred)(:dn:2.4.6.8.10:=Dino))'

describe('golden bytes from ldapsearch, python-ldap and slapd', () => {
  it.each(Object.keys(GOLDEN) as Name[])('%s re-encodes byte for byte, and asn1js reads the same message', (name) => {
    const bytes = hex(GOLDEN[name])
    const msg = decodeMessage(bytes)
    expect(toHex(encodeMessage(msg))).toBe(GOLDEN[name])
    if (msg.op.kind !== 'unsupported') expect(oracleDecode(bytes)).toEqual(decodeMessage(plain(bytes)))
  })

  it("ldapsearch -E '!sync=ro': the SearchRequest fields and the critical Sync Request control", () => {
    const msg = decoded('LDAPSEARCH_SYNC_RO')
    expect(msg.messageId).toBe(2)
    expect(msg.op).toEqual({
      kind: 'searchRequest',
      baseObject: 'dc=example,dc=com',
      scope: 2,
      derefAliases: 0,
      sizeLimit: 0,
      timeLimit: 0,
      typesOnly: false,
      filter: { kind: 'present', attributeDesc: 'objectClass' },
      attributes: ['*', 'entryCSN'],
    })
    expect(msg.controls).toEqual([{ type: SYNC_REQUEST_OID, critical: true, value: hex('30030a0101') }])
    // python-ldap sends exactly the same bytes for the same search
    expect(GOLDEN.PYTHON_LDAP_SYNC_RO).toBe(GOLDEN.LDAPSEARCH_SYNC_RO)
  })

  it("ldapsearch -E '!sync=rp/rid=000,csn=x/5': refreshAndPersist with a cookie, no reloadHint", () => {
    const msg = decoded('LDAPSEARCH_SYNC_RP_COOKIE')
    expect(msg.controls).toEqual([{ type: SYNC_REQUEST_OID, critical: true, value: Uint8Array.from([0x30, 0x12, 0x0a, 0x01, 0x03, 0x04, 0x0d, ...utf8('rid=000,csn=x')]) }])
  })

  it('python-ldap refreshAndPersist: long-form envelope length 81 a4 and a control value with TRUE = 0x01, kept exact', () => {
    const msg = decoded('PYTHON_LDAP_SYNC_RP_RELOADHINT')
    expect(GOLDEN.PYTHON_LDAP_SYNC_RP_RELOADHINT.slice(0, 6)).toBe('3081a4')
    const value = msg.controls[0]?.value as Uint8Array
    expect(toHex(value.subarray(value.length - 3))).toBe('010101')
    expect(Buffer.from(value.subarray(7, 7 + 0x34)).toString()).toBe('rid=000,csn=20261123142450.415806Z#000000#000#000000')
  })

  it('ldapsearch -s one -a always -z 10 -l 5 -A with a non-critical sync control and an extensible filter', () => {
    const msg = decoded('LDAPSEARCH_ONELEVEL_DEREF_TYPESONLY')
    expect(msg.op).toMatchObject({ kind: 'searchRequest', scope: 1, derefAliases: 3, sizeLimit: 10, timeLimit: 5, typesOnly: true, attributes: ['1.1'] })
    expect(formatFilter((msg.op as { filter: Parameters<typeof formatFilter>[0] }).filter)).toBe('(:dn:2.4.6.8.10:=Dino)')
    expect(msg.controls[0]).toMatchObject({ type: SYNC_REQUEST_OID, critical: false })
  })

  it('python-ldap complex filter: our parser + encoder produce exactly the BER libldap produced from the same string', () => {
    const search = op('PY_SEARCH_COMPLEX_FILTER', 'searchRequest')
    expect(formatFilter(search.filter)).toBe(COMPLEX_FILTER)
    expect(parseFilter(COMPLEX_FILTER)).toEqual(search.filter)
    const w = new BerWriter()
    writeFilter(w, parseFilter(COMPLEX_FILTER))
    const ours = toHex(w.toBuffer())
    expect(GOLDEN.PY_SEARCH_COMPLEX_FILTER).toContain(ours)
    expect(ours.slice(0, 6)).toBe('a08198')
    expect(search).toMatchObject({ baseObject: 'ou=people,dc=example,dc=com', scope: 1, sizeLimit: 10, timeLimit: 5, typesOnly: true, attributes: ['cn', '1.1'] })
  })

  it('python-ldap binds: simple with a non-UTF-8-safe password kept as bytes; SASL with and without credentials', () => {
    expect(op('PY_BIND_SIMPLE', 'bindRequest')).toEqual({
      kind: 'bindRequest',
      version: 3,
      name: 'cn=admin,dc=example,dc=com',
      authentication: { kind: 'simple', password: Uint8Array.from([...utf8('sécret'), 0, 0x78]) },
    })
    expect(op('PY_SASL_PLAIN', 'bindRequest').authentication).toEqual({ kind: 'sasl', mechanism: 'PLAIN', credentials: utf8('\0user\0pass') })
    expect(op('PY_SASL_EXTERNAL', 'bindRequest').authentication).toEqual({ kind: 'sasl', mechanism: 'EXTERNAL', credentials: undefined })
    expect(op('LDAPSEARCH_BIND', 'bindRequest')).toEqual({ kind: 'bindRequest', version: 3, name: '', authentication: { kind: 'simple', password: new Uint8Array(0) } })
  })

  it('python-ldap abandon, cancel, whoami and unbind', () => {
    expect(decoded('PY_ABANDON')).toEqual({ messageId: 3, op: { kind: 'abandonRequest', idToAbandon: 2 }, controls: [] })
    expect(op('PY_CANCEL', 'extendedRequest')).toEqual({ kind: 'extendedRequest', requestName: '1.3.6.1.1.8', requestValue: hex('3003020104') })
    expect(op('PY_WHOAMI', 'extendedRequest')).toEqual({ kind: 'extendedRequest', requestName: '1.3.6.1.4.1.4203.1.11.3', requestValue: undefined })
    expect(decoded('PY_UNBIND')).toEqual({ messageId: 7, op: { kind: 'unbindRequest' }, controls: [] })
    expect(op('PY_SEARCH_ROOT_DSE', 'searchRequest')).toMatchObject({ baseObject: '', scope: 0, attributes: ['+'] })
  })

  it('slapd refreshOnly entries: DN, attribute values as bytes, non-critical Sync State control', () => {
    const msg = decoded('SLAPD_ENTRY_USER')
    const entry = msg.op as Extract<ProtocolOp, { kind: 'searchResultEntry' }>
    expect(entry.objectName).toBe('uid=user000001,ou=people,dc=example,dc=com')
    expect(entry.attributes.map((a) => a.type)).toEqual(['objectClass', 'uid', 'cn', 'sn', 'givenName', 'mail', 'employeeType', 'description', 'entryCSN'])
    expect(entry.attributes[7]?.vals).toEqual([utf8("Zoë's entry with UTF-8")])
    expect(msg.controls).toEqual([{ type: SYNC_STATE_OID, critical: false, value: hex('30150a010104102fb00a807ba1104197867fc91fc836ce') }])
    expect(op('SLAPD_ENTRY_SUFFIX', 'searchResultEntry').attributes[0]).toEqual({ type: 'objectClass', vals: [utf8('dcObject'), utf8('organization')] })
  })

  it('slapd entries come back byte for byte from the hot-path encoder', () => {
    for (const name of ['SLAPD_ENTRY_SUFFIX', 'SLAPD_ENTRY_OU', 'SLAPD_ENTRY_USER', 'SLAPD_ENTRY_PERSIST_MODIFY', 'SLAPD_ENTRY_PLAIN'] as const) {
      const msg = decoded(name)
      const entry = msg.op as Extract<ProtocolOp, { kind: 'searchResultEntry' }>
      const w = new BerWriter()
      writeSearchResultEntryMessage(w, msg.messageId, entry.objectName, entry.attributes, msg.controls)
      expect(toHex(w.toBuffer())).toBe(GOLDEN[name])
    }
  })

  it('slapd SearchResultDone with the Sync Done control; refreshDelete intermediate; persist modify with cookie', () => {
    const done = decoded('SLAPD_DONE_SYNC_DONE')
    expect(done.op).toEqual({ kind: 'searchResultDone', resultCode: 0, matchedDN: '', diagnosticMessage: '', referral: undefined })
    expect(done.controls[0]?.type).toBe('1.3.6.1.4.1.4203.1.9.1.3')
    expect(done.controls[0]?.critical).toBe(false)
    expect(toHex(done.controls[0]?.value ?? new Uint8Array(0)).slice(-6)).toBe('0101ff')
    const info = op('SLAPD_INTERMEDIATE_REFRESH_DELETE', 'intermediateResponse')
    expect(info.responseName).toBe(SYNC_INFO_OID)
    expect(toHex(info.responseValue ?? new Uint8Array(0)).slice(0, 8)).toBe('a1360434')
    const persist = decoded('SLAPD_ENTRY_PERSIST_MODIFY')
    expect(toHex(persist.controls[0]?.value ?? new Uint8Array(0)).slice(0, 10)).toBe('304b0a0102')
  })

  it('slapd results: canceled, Cancel response, noSuchObject, referral, protocolError, invalidCredentials, WhoAmI', () => {
    expect(op('SLAPD_DONE_CANCELED', 'searchResultDone').resultCode).toBe(ResultCode.canceled)
    expect(op('SLAPD_CANCEL_RESPONSE', 'extendedResponse')).toEqual({
      kind: 'extendedResponse',
      resultCode: 0,
      matchedDN: '',
      diagnosticMessage: '',
      referral: undefined,
      responseName: undefined,
      responseValue: undefined,
    })
    expect(op('SLAPD_DONE_NO_SUCH_OBJECT', 'searchResultDone')).toMatchObject({ resultCode: ResultCode.noSuchObject, matchedDN: 'ou=people,dc=example,dc=com' })
    expect(op('SLAPD_DONE_DEFAULT_REFERRAL', 'searchResultDone')).toMatchObject({ resultCode: ResultCode.referral, referral: ['ldap://other.example.net/dc=other,dc=org??sub'] })
    expect(op('SLAPD_REFERENCE', 'searchResultReference').uris).toEqual(['ldap://other.example.com/ou=elsewhere,dc=example,dc=com??sub'])
    expect(op('SLAPD_DONE_PROTOCOL_ERROR', 'searchResultDone')).toMatchObject({ resultCode: ResultCode.protocolError, diagnosticMessage: 'illegal value for derefAliases' })
    expect(op('LDAPSEARCH_SYNC_DEREF_ALWAYS', 'searchRequest').derefAliases).toBe(3)
    expect(op('SLAPD_BIND_INVALID_CREDENTIALS', 'bindResponse').resultCode).toBe(ResultCode.invalidCredentials)
    expect(op('SLAPD_WHOAMI_RESPONSE', 'extendedResponse')).toMatchObject({ responseName: undefined, responseValue: utf8('dn:cn=admin,dc=example,dc=com') })
  })

  it('the whole slapd refreshOnly exchange reads back in order from one buffer', () => {
    const stream = hex(GOLDEN.SLAPD_ENTRY_SUFFIX + GOLDEN.SLAPD_ENTRY_OU + GOLDEN.SLAPD_ENTRY_USER + GOLDEN.SLAPD_DONE_SYNC_DONE)
    const r = new BerReader(stream)
    const kinds: string[] = []
    while (!r.atEnd()) {
      const start = r.offset
      r.skip()
      kinds.push(decodeMessage(stream.subarray(start, r.offset)).op.kind)
    }
    expect(kinds).toEqual(['searchResultEntry', 'searchResultEntry', 'searchResultEntry', 'searchResultDone'])
  })
})
