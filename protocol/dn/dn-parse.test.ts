import { describe, expect, it } from 'vitest'
import { LdapDecodeError } from '../errors.js'
import { parse, parseRdn } from './dn-parse.js'
import type { Dn } from './dn-types.js'

/** A DN as plain [type, value] pairs per RDN, hex AVAs as [type, value, hex]. */
function pairs(dn: Dn): unknown[][] {
  return dn.map((rdn) => rdn.map((a) => (a.hex === undefined ? [a.type, a.value] : [a.type, a.value, Array.from(a.hex)])))
}

/** Asserts that `run` throws LDAP_BAD_DN at the 1-based `column`, mentioning `words`. */
function expectBadDn(run: () => unknown, column: number, words: string): void {
  let caught: unknown
  try {
    run()
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(LdapDecodeError)
  const err = caught as LdapDecodeError
  expect(err.code).toBe('LDAP_BAD_DN')
  expect(err.offset).toBe(column - 1)
  expect(err.message).toContain(`at column ${column}:`)
  expect(err.message).toContain(words)
}

describe('parse: RFC 4514 §4 examples', () => {
  const table: [string, unknown[][]][] = [
    ['UID=jsmith,DC=example,DC=net', [[['UID', 'jsmith']], [['DC', 'example']], [['DC', 'net']]]],
    ['OU=Sales+CN=J.  Smith,DC=example,DC=net', [[['OU', 'Sales'], ['CN', 'J.  Smith']], [['DC', 'example']], [['DC', 'net']]]],
    ['CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net', [[['CN', 'James "Jim" Smith, III']], [['DC', 'example']], [['DC', 'net']]]],
    ['CN=Before\\0dAfter,DC=example,DC=net', [[['CN', 'Before\rAfter']], [['DC', 'example']], [['DC', 'net']]]],
    ['1.3.6.1.4.1.1466.0=#04024869', [[['1.3.6.1.4.1.1466.0', '#04024869', [0x04, 0x02, 0x48, 0x69]]]]],
    ['CN=Lu\\C4\\8Di\\C4\\87', [[['CN', 'Lučić']]]],
  ]
  it.each(table)('%s', (text, expected) => {
    expect(pairs(parse(text))).toEqual(expected)
  })
})

describe('parse: real-world DNs', () => {
  const table: [string, unknown[][]][] = [
    ['', []],
    ['cn=Ærøskøbing,dc=dk', [[['cn', 'Ærøskøbing']], [['dc', 'dk']]]],
    ['cn=\\C3\\A6ble', [[['cn', 'æble']]]],
    ['cn=\\c3\\a6ble', [[['cn', 'æble']]]],
    ['cn=\\E2\\82\\AC 5', [[['cn', '€ 5']]]],
    ['cn=\\F0\\9F\\98\\80', [[['cn', '😀']]]],
    ['cn=smile 😀', [[['cn', 'smile 😀']]]],
    ['cn=\\41\\42c', [[['cn', 'ABc']]]],
    ['cn=Smith\\, John,ou=People,dc=example', [[['cn', 'Smith, John']], [['ou', 'People']], [['dc', 'example']]]],
    ['cn=a\\2Cb', [[['cn', 'a,b']]]],
    ['cn=a\\+b', [[['cn', 'a+b']]]],
    ['cn=Ann+sn=Lee+uid=ann,dc=x', [[['cn', 'Ann'], ['sn', 'Lee'], ['uid', 'ann']], [['dc', 'x']]]],
    ['cn=\\#1', [[['cn', '#1']]]],
    ['cn=x#y', [[['cn', 'x#y']]]],
    ['cn=a=b', [[['cn', 'a=b']]]],
    ['cn=\\=', [[['cn', '=']]]],
    ['cn=trailing\\ ', [[['cn', 'trailing ']]]],
    ['cn=\\ leading', [[['cn', ' leading']]]],
    ['cn=\\20leading', [[['cn', ' leading']]]],
    ['cn=foo\\ \\ ', [[['cn', 'foo  ']]]],
    ['cn=foo\\  ,dc=x', [[['cn', 'foo ']], [['dc', 'x']]]],
    ['cn=a  b', [[['cn', 'a  b']]]],
    ['cn=a \\ b', [[['cn', 'a  b']]]],
    ['cn=', [[['cn', '']]]],
    ['cn=,dc=x', [[['cn', '']], [['dc', 'x']]]],
    ['cn=+sn=', [[['cn', ''], ['sn', '']]]],
    ['cn=\\\\', [[['cn', '\\']]]],
    ['cn=semi\\;colon', [[['cn', 'semi;colon']]]],
    ['cn=\\<tag\\>', [[['cn', '<tag>']]]],
    ['cn=\\00', [[['cn', '\u0000']]]],
    ['cn=tab\there', [[['cn', 'tab\there']]]],
    ['olcDatabase={1}mdb,cn=config', [[['olcDatabase', '{1}mdb']], [['cn', 'config']]]],
    ['entryUUID=6b1a8f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b,dc=x', [[['entryUUID', '6b1a8f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b']], [['dc', 'x']]]],
    ['cn=#0402abCD', [[['cn', '#0402ABCD', [0x04, 0x02, 0xab, 0xcd]]]]],
    ['x-custom-attr=1,dc=x', [[['x-custom-attr', '1']], [['dc', 'x']]]],
    ['0.9.2342.19200300.100.1.25=com', [[['0.9.2342.19200300.100.1.25', 'com']]]],
  ]
  it.each(table)('%j', (text, expected) => {
    expect(pairs(parse(text))).toEqual(expected)
  })
})

describe('parse: RFC 2253 / RFC 1779 laxities', () => {
  const table: [string, unknown[][]][] = [
    ['cn = a , ou = b', [[['cn', 'a']], [['ou', 'b']]]],
    ['cn=a;ou=b', [[['cn', 'a']], [['ou', 'b']]]],
    ['cn=a ; ou=b', [[['cn', 'a']], [['ou', 'b']]]],
    ['  cn=a  ', [[['cn', 'a']]]],
    ['   ', []],
    ['cn=a + sn=b', [[['cn', 'a'], ['sn', 'b']]]],
    ['cn=a   ,dc=b', [[['cn', 'a']], [['dc', 'b']]]],
    ['cn="a, b + c; <d> #e"', [[['cn', 'a, b + c; <d> #e']]]],
    ['cn="a \\"q\\" \\C3\\A6"', [[['cn', 'a "q" æ']]]],
    ['cn=  "  spaced  "  ,dc=x', [[['cn', '  spaced  ']], [['dc', 'x']]]],
    ['cn=""', [[['cn', '']]]],
    ['cn="#x"', [[['cn', '#x']]]],
    ['OID.2.5.4.3=x', [[['2.5.4.3', 'x']]]],
    ['oid.0.9.2342.19200300.100.1.25=com', [[['0.9.2342.19200300.100.1.25', 'com']]]],
    ['oid=x', [[['oid', 'x']]]],
    ['cn= #0402 , dc=x', [[['cn', '#0402', [4, 2]]], [['dc', 'x']]]],
    ['CN=Steve Kille , O=Isode Limited ; C=GB', [[['CN', 'Steve Kille']], [['O', 'Isode Limited']], [['C', 'GB']]]],
  ]
  it.each(table)('%j', (text, expected) => {
    expect(pairs(parse(text))).toEqual(expected)
  })
})

describe('parse: errors name the column', () => {
  const table: [string, number, string][] = [
    [',cn=a', 1, 'expected an attribute type'],
    ['cn=a,', 6, 'found the end of the DN'],
    ['cn=a+', 6, 'expected an attribute type'],
    ['cn=a,,dc=b', 6, 'found ","'],
    ['cn=a;;dc=b', 6, 'found ";"'],
    ['=a', 1, 'expected an attribute type'],
    ['cn', 3, 'expected "=" after the attribute type "cn", found the end of the DN'],
    ['cn a=b', 4, 'expected "=" after the attribute type "cn", found "a"'],
    ['c_n=x', 2, 'found "_"'],
    ['-cn=x', 1, 'expected an attribute type'],
    ['cn;binary=x', 3, 'expected "="'],
    ['cn.x=y', 3, 'expected "="'],
    ['2=x', 2, 'at least two numbers'],
    ['2.=x', 3, 'expected a digit'],
    ['2.5.=x', 5, 'expected a digit'],
    ['01.2=x', 1, 'leading zero'],
    ['2.5.04=x', 5, 'leading zero'],
    ['OID.cn=x', 5, 'expected a numeric OID'],
    ['cn=a"b', 5, 'must be escaped'],
    ['cn=a<b', 5, 'must be escaped'],
    ['cn=a>b', 5, 'must be escaped'],
    ['cn=a\u0000b', 5, 'NUL'],
    ['cn=a\\', 6, 'found the end of the DN'],
    ['cn=a\\x', 6, 'expected two hex digits'],
    ['cn=a\\4', 7, 'found the end of the DN'],
    ['cn=a\\4g', 7, 'found "g"'],
    ['cn=a\\*', 6, 'found "*"'],
    ['cn=\\C3', 4, 'starts a 2-byte UTF-8 sequence'],
    ['cn=\\C3x', 4, 'starts a 2-byte UTF-8 sequence'],
    ['cn=\\E2\\82', 4, 'starts a 3-byte UTF-8 sequence'],
    ['cn=\\C3\\28', 7, 'expected a byte from \\80 to \\BF, found \\28'],
    ['cn=\\80', 4, 'continuation byte'],
    ['cn=ok\\C3\\A6\\A6', 12, 'continuation byte'],
    ['cn=\\C0\\80', 4, 'can never appear in UTF-8'],
    ['cn=\\FF', 4, 'can never appear in UTF-8'],
    ['cn=\\E0\\80\\80', 7, 'expected a byte from \\A0 to \\BF'],
    ['cn=\\ED\\A0\\80', 7, 'expected a byte from \\80 to \\9F'],
    ['cn=\\F4\\90\\80\\80', 7, 'expected a byte from \\80 to \\8F'],
    ['cn=\\F0\\80\\80\\80', 7, 'expected a byte from \\90 to \\BF'],
    ['cn=#', 5, 'expected hex digits after "#"'],
    ['cn=#zz', 5, 'write "\\#" for a literal "#"'],
    ['cn=#0', 6, 'second hex digit'],
    ['cn=#04x', 7, 'after the hex value'],
    ['cn=#04 02', 8, 'after the hex value'],
    ['cn="abc', 4, 'never closed'],
    ['cn="abc"x', 9, 'after the closing quote'],
    ['cn="a\u0000"', 6, 'NUL'],
    ['cn=\uD800', 4, 'unpaired UTF-16 surrogate'],
    ['cn=a\uDC00', 5, 'unpaired UTF-16 surrogate'],
    ['cn=a\uD800b', 5, 'unpaired UTF-16 surrogate'],
    ['cn=a+CN=A', 6, 'repeats an earlier AVA'],
    ['cn=a + cn=a', 8, 'repeats an earlier AVA'],
    ['cn=a+2.5.4.3=A', 6, 'repeats an earlier AVA'],
  ]
  it.each(table)('%j fails at column %i', (text, column, words) => {
    expectBadDn(() => parse(text), column, words)
  })

  it('quotes a long DN only around the fault', () => {
    const text = 'cn=' + 'x'.repeat(200) + '<' + 'y'.repeat(200)
    expectBadDn(() => parse(text), 204, 'must be escaped')
    try {
      parse(text)
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(260)
      expect((e as Error).message).toContain('x<y')
    }
  })
})

describe('parseRdn', () => {
  it('reads single and multi-valued RDNs', () => {
    expect(parseRdn(' cn = a ').map((a) => [a.type, a.value])).toEqual([['cn', 'a']])
    expect(parseRdn('cn=a+sn=b\\,c').map((a) => [a.type, a.value])).toEqual([['cn', 'a'], ['sn', 'b,c']])
  })
  it('refuses more than one RDN, and the empty string', () => {
    expectBadDn(() => parseRdn('cn=a,dc=b'), 5, 'a single RDN cannot contain')
    expectBadDn(() => parseRdn('cn=a;dc=b'), 5, 'a single RDN cannot contain')
    expectBadDn(() => parseRdn(''), 1, 'expected an attribute type')
  })
})

describe('parse: results are immutable', () => {
  it('freezes the DN, its RDNs and AVAs', () => {
    const dn = parse('cn=a+sn=b,dc=x')
    expect(Object.isFrozen(dn)).toBe(true)
    expect(Object.isFrozen(dn[0])).toBe(true)
    expect(Object.isFrozen(dn[0]?.[1])).toBe(true)
    expect(() => (dn as unknown as unknown[]).push(1)).toThrow(TypeError)
  })
})
