import { describe, expect, it } from 'vitest'
import { createDn } from './dn.js'
import { escapeValue, format, formatRdn } from './dn-format.js'
import { parse } from './dn-parse.js'

describe('escapeValue: exactly what RFC 4514 §2.4 requires', () => {
  const table: [string, string][] = [
    ['plain', 'plain'],
    ['', ''],
    ['a,b', 'a\\,b'],
    ['a+b', 'a\\+b'],
    ['a"b', 'a\\"b'],
    ['a;b', 'a\\;b'],
    ['a<b>c', 'a\\<b\\>c'],
    ['a\\b', 'a\\\\b'],
    ['a\u0000b', 'a\\00b'],
    [' a', '\\ a'],
    ['a ', 'a\\ '],
    [' ', '\\ '],
    ['  ', '\\ \\ '],
    ['   ', '\\  \\ '],
    ['a  b', 'a  b'],
    ['#a', '\\#a'],
    ['a#', 'a#'],
    ['a=b', 'a=b'],
    ['Ærøskøbing', 'Ærøskøbing'],
    ['line\rbreak', 'line\rbreak'],
    ['😀', '😀'],
  ]
  it.each(table)('%j → %j', (value, escaped) => {
    expect(escapeValue(value)).toBe(escaped)
  })
})

describe('format', () => {
  const table: [string, string][] = [
    ['UID=jsmith,DC=example,DC=net', 'UID=jsmith,DC=example,DC=net'],
    ['OU=Sales+CN=J.  Smith,DC=example,DC=net', 'OU=Sales+CN=J.  Smith,DC=example,DC=net'],
    ['CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net', 'CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net'],
    ['CN=Before\\0dAfter,DC=example,DC=net', 'CN=Before\rAfter,DC=example,DC=net'],
    ['1.3.6.1.4.1.1466.0=#04024869', '1.3.6.1.4.1.1466.0=#04024869'],
    ['cn=#0402abcd', 'cn=#0402ABCD'],
    ['CN=Lu\\C4\\8Di\\C4\\87', 'CN=Lučić'],
    ['cn=\\C3\\A6', 'cn=æ'],
    ['cn=\\2C\\20x\\20', 'cn=\\, x\\ '],
    ['  cn = a ; OID.2.5.4.3 = "x,y" ', 'cn=a,2.5.4.3=x\\,y'],
    ['cn="#a "', 'cn=\\#a\\ '],
    ['cn=\\ ', 'cn=\\ '],
    ['cn=\\00', 'cn=\\00'],
    ['cn=a\\=b', 'cn=a=b'],
    ['cn=\\#', 'cn=\\#'],
    ['cn=a#', 'cn=a#'],
    ['cn=', 'cn='],
    ['', ''],
  ]
  it.each(table)('%j → %j', (text, expected) => {
    expect(format(parse(text))).toBe(expected)
  })

  it('keeps the AVA order of a multi-valued RDN', () => {
    expect(formatRdn(parse('sn=b+cn=a')[0]!)).toBe('sn=b+cn=a')
  })

  it('writes built hex values as #HEX and string values that look like hex escaped', () => {
    const dn = createDn([[{ type: 'cn', hex: Uint8Array.of(0x04, 0x01, 0x7a) }, { type: 'sn', value: '#04017A' }]])
    expect(format(dn)).toBe('cn=#04017A+sn=\\#04017A')
  })
})

describe('parse → format → parse is stable', () => {
  const inputs = [
    'CN=James \\"Jim\\" Smith\\, III,DC=example,DC=net',
    'cn=\\ a\\ +sn=\\#b,dc=x',
    ' cn = "a;b" ; dc = "" ',
    'cn=\\00\\\\\\<\\>\\;\\+\\,',
    'cn=#0402abcd+uid=x',
    'cn=Ærøskøbing\\C3\\A6😀',
    'cn=   ,dc=\\  ',
    'OID.2.5.4.3=\\ \\ ',
  ]
  it.each(inputs)('%j', (text) => {
    const once = parse(text)
    const text1 = format(once)
    const twice = parse(text1)
    expect(twice).toEqual(once)
    expect(format(twice)).toBe(text1)
  })
})
