import { describe, expect, it } from 'vitest'
import { LdapDecodeError } from '../errors.js'
import { equals, normalize, normalizeRdn, rdnEquals } from './dn-normalize.js'
import { parse } from './dn-parse.js'

describe('normalize: the comparison key', () => {
  const table: [string, string][] = [
    ['', ''],
    ['CN=Steve Kille,O=Isode Limited,C=GB', 'cn=steve kille,o=isode limited,c=gb'],
    ['CN=Ann  Lee + UID=ann, DC=Example', 'cn=ann lee+uid=ann,dc=example'],
    ['sn=Lee+cn=Ann', 'cn=ann+sn=lee'],
    ['2.5.4.3=X', 'cn=x'],
    ['OID.2.5.4.11=Sales', 'ou=sales'],
    ['commonName=x,domainComponent=com', 'cn=x,dc=com'],
    ['userid=ann,organizationalUnitName=People', 'uid=ann,ou=people'],
    ['1.2.3.4=Value', '1.2.3.4=value'],
    ['cn=\\ a\\ ', 'cn=a'],
    ['cn=Smith\\, John', 'cn=smith\\, john'],
    ['cn=#0402abcd', 'cn=#0402ABCD'],
    ['cn=Straße', 'cn=strasse'],
    ['cn=\uFB01le', 'cn=file'],
    ['cn=e\u0301', 'cn=\u00e9'],
    ['cn=a\u00A0\u3000b', 'cn=a b'],
    ['cn=soft\u00ADhyphen\u200B', 'cn=softhyphen'],
    ['cn=tab\there', 'cn=tab here'],
    ['krbPrincipalName=Ann@EXAMPLE.COM', 'krbprincipalname=Ann@EXAMPLE.COM'],
    ['olcDatabase={1}MDB,cn=config', 'olcdatabase={1}mdb,cn=config'],
  ]
  it.each(table)('%j → %j', (text, key) => {
    expect(normalize(text)).toBe(key)
  })

  it('gives a key that is itself a DN with the same key', () => {
    for (const [text] of table) {
      const key = normalize(text)
      expect(normalize(parse(key))).toBe(key)
    }
  })

  it('keeps values as parsed in exact mode, but still canonicalises types and AVA order', () => {
    expect(normalize(' SN = Lee + CN = Ann  Lee , 2.5.4.10=Acme', { values: 'exact' })).toBe('cn=Ann  Lee+sn=Lee,o=Acme')
    expect(normalize('cn=\\ a\\ ', { values: 'exact' })).toBe('cn=\\ a\\ ')
  })

  it('throws LDAP_BAD_DN for a string that is not a DN', () => {
    expect(() => normalize('cn')).toThrow(LdapDecodeError)
  })
})

describe('equals', () => {
  const same: [string, string][] = [
    ['', '   '],
    ['cn=a+sn=b,dc=x', 'sn=b+cn=a,dc=x'],
    ['cn=A+sn=B,dc=x', ' SN = b + CN = a ; DC = X '],
    ['CN=Ærøskøbing', 'cn=ærøskøbing'],
    ['cn=\\C3\\A6', 'cn=æ'],
    ['cn=\\41', 'cn=a'],
    ['cn=a   b', 'cn=a b'],
    ['cn="a, b"', 'cn=a\\, b'],
    ['2.5.4.3=x', 'cn=X'],
    ['0.9.2342.19200300.100.1.25=Example', 'DC=example'],
    ['cn=#0402abcd', 'cn=#0402ABCD'],
    ['KRBPRINCIPALNAME=Ann@EXAMPLE.COM', 'krbPrincipalName=Ann@EXAMPLE.COM'],
  ]
  it.each(same)('%j equals %j', (a, b) => {
    expect(equals(a, b)).toBe(true)
    expect(equals(parse(b), parse(a))).toBe(true)
  })

  const different: [string, string][] = [
    ['cn=a', 'cn=b'],
    ['cn=a', 'sn=a'],
    ['cn=a,dc=x', 'cn=a'],
    ['cn=a,dc=x', 'cn=a+dc=x'],
    ['cn=a+sn=b', 'cn=a'],
    ['cn=a,dc=x', 'dc=x,cn=a'],
    ['cn=#04024869', 'cn=Hi'],
    ['cn=a\\,b', 'cn=a,cn=b'],
    ['krbPrincipalName=Ann@EXAMPLE.COM', 'krbPrincipalName=ann@example.com'],
    ['', 'cn=a'],
  ]
  it.each(different)('%j differs from %j', (a, b) => {
    expect(equals(a, b)).toBe(false)
    expect(equals(b, a)).toBe(false)
  })

  it('compares values exactly on request: types and spaces around separators still ignored', () => {
    expect(equals('CN = Foo , DC=x', 'cn=Foo,dc=x', { values: 'exact' })).toBe(true)
    expect(equals('2.5.4.3=Foo', 'commonName=Foo', { values: 'exact' })).toBe(true)
    expect(equals('cn=Foo', 'cn=foo', { values: 'exact' })).toBe(false)
    expect(equals('cn=a  b', 'cn=a b', { values: 'exact' })).toBe(false)
    expect(equals('cn=Foo', 'cn=foo')).toBe(true)
  })
})

describe('normalizeRdn and rdnEquals', () => {
  it('treat an RDN as a set of AVAs', () => {
    expect(normalizeRdn('UID=Ann + CN=Ann Lee')).toBe('cn=ann lee+uid=ann')
    expect(rdnEquals('cn=a+sn=b', 'SN=B+CN=A')).toBe(true)
    expect(rdnEquals('cn=a+sn=b', 'cn=a')).toBe(false)
    expect(rdnEquals(parse('cn=Foo,dc=x')[0]!, 'cn=foo', { values: 'exact' })).toBe(false)
  })
})
