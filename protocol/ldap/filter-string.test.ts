import { describe, expect, it } from 'vitest'
import { BerReader, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import { MAX_FILTER_DEPTH, readFilter, writeFilter } from './filter.js'
import type { Filter } from './filter.js'
import { formatFilter, formatValue, parseFilter } from './filter-string.js'
import { BINARY, EMPTY, FILTERS, utf8 } from './test-support/samples.js'

/** string → Filter → BER → Filter → string */
function viaBer(text: string): string {
  const bytes = new Uint8Array(encodeWith((w) => writeFilter(w, parseFilter(text))))
  return formatFilter(readFilter(new BerReader(bytes)))
}

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return e as ProtocolError
  }
  throw new Error('expected the call to throw')
}

describe('RFC 4515 filter strings', () => {
  // [input, canonical form written back]; RFC 4515 §4's examples first.
  const table: Array<[string, string]> = [
    ['(cn=Babs Jensen)', '(cn=Babs Jensen)'],
    ['(!(cn=Tim Howes))', '(!(cn=Tim Howes))'],
    ['(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))', '(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))'],
    ['(o=univ*of*mich*)', '(o=univ*of*mich*)'],
    ['(seeAlso=)', '(seeAlso=)'],
    ['(cn:caseExactMatch:=Fred Flintstone)', '(cn:caseExactMatch:=Fred Flintstone)'],
    ['(cn:=Betty Rubble)', '(cn:=Betty Rubble)'],
    ['(sn:dn:2.4.6.8.10:=Barney Rubble)', '(sn:dn:2.4.6.8.10:=Barney Rubble)'],
    ['(o:dn:=Ace Industry)', '(o:dn:=Ace Industry)'],
    ['(:1.2.3:=Wilma Flintstone)', '(:1.2.3:=Wilma Flintstone)'],
    ['(:DN:2.4.6.8.10:=Dino)', '(:dn:2.4.6.8.10:=Dino)'],
    ['(o=Parens R Us \\28for all your parenthetical needs\\29)', '(o=Parens R Us \\28for all your parenthetical needs\\29)'],
    ['(cn=*\\2A*)', '(cn=*\\2a*)'],
    ['(filename=C:\\5cMyFile)', '(filename=C:\\5cMyFile)'],
    ['(bin=\\00\\00\\00\\04)', '(bin=\\00\\00\\00\\04)'],
    ['(sn=Lu\\c4\\8di\\c4\\87)', '(sn=Lučić)'],
    ['(1.3.6.1.4.1.1466.0=\\04\\02\\48\\69)', '(1.3.6.1.4.1.1466.0=\\04\\02Hi)'],
    // more combinations
    ['(objectClass=*)', '(objectClass=*)'],
    ['(cn~=smith)', '(cn~=smith)'],
    ['(age>=18)', '(age>=18)'],
    ['(age<=65)', '(age<=65)'],
    ['(cn=J*)', '(cn=J*)'],
    ['(cn=*n)', '(cn=*n)'],
    ['(cn=*o*)', '(cn=*o*)'],
    ['(cn=J*o*h*n)', '(cn=J*o*h*n)'],
    ['(cn=a**b)', '(cn=a**b)'],
    ['(cn;lang-en;x-foo=Zoë)', '(cn;lang-en;x-foo=Zoë)'],
    ['(cn=日本語 🎉)', '(cn=日本語 🎉)'],
    ['(uid=\\28x\\29\\5c\\2a\\00)', '(uid=\\28x\\29\\5c\\2a\\00)'],
    ['(&(a=1)(|(b=2)(!(c=3)))(d=*))', '(&(a=1)(|(b=2)(!(c=3)))(d=*))'],
    ['(|(&)(|))', '(|(&)(|))'],
    ['(&)', '(&)'],
    ['(|)', '(|)'],
    ['(cn:dn:caseExactMatch:=x)', '(cn:dn:caseExactMatch:=x)'],
    ['(:caseIgnoreMatch:=)', '(:caseIgnoreMatch:=)'],
    ['(dn:=x)', '(dn:=x)'],
    ['(cn:dnFoo:=x)', '(cn:dnFoo:=x)'],
    ['(description=tab\\09 and newline\\0a)', '(description=tab\\09 and newline\\0a)'],
    ['objectClass=*', '(objectClass=*)'],
    ['cn=Babs*', '(cn=Babs*)'],
  ]

  it.each(table)('%s round-trips string → BER → string as %s', (input, canonical) => {
    expect(viaBer(input)).toBe(canonical)
    expect(parseFilter(canonical)).toEqual(parseFilter(input))
    expect(formatFilter(parseFilter(canonical))).toBe(canonical)
  })

  it('parses into the typed Filter with byte-exact assertion values', () => {
    expect(parseFilter('(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))')).toEqual({
      kind: 'and',
      filters: [
        { kind: 'equalityMatch', attributeDesc: 'objectClass', assertionValue: utf8('Person') },
        {
          kind: 'or',
          filters: [
            { kind: 'equalityMatch', attributeDesc: 'sn', assertionValue: utf8('Jensen') },
            { kind: 'substrings', type: 'cn', initial: utf8('Babs J'), any: [], final: undefined },
          ],
        },
      ],
    })
    expect(parseFilter('(bin=\\00\\00\\00\\04)')).toEqual({ kind: 'equalityMatch', attributeDesc: 'bin', assertionValue: Uint8Array.of(0, 0, 0, 4) })
    expect(parseFilter('(sn=Lu\\c4\\8di\\c4\\87)')).toEqual({ kind: 'equalityMatch', attributeDesc: 'sn', assertionValue: utf8('Lučić') })
    expect(parseFilter('(cn=*\\2A*)')).toEqual({ kind: 'substrings', type: 'cn', initial: undefined, any: [utf8('*')], final: undefined })
    expect(parseFilter('(cn=a**b)')).toEqual({ kind: 'substrings', type: 'cn', initial: utf8('a'), any: [EMPTY], final: utf8('b') })
    expect(parseFilter('(seeAlso=)')).toEqual({ kind: 'equalityMatch', attributeDesc: 'seeAlso', assertionValue: EMPTY })
    expect(parseFilter('(sn:dn:2.4.6.8.10:=Barney Rubble)')).toEqual({
      kind: 'extensibleMatch',
      matchingRule: '2.4.6.8.10',
      type: 'sn',
      matchValue: utf8('Barney Rubble'),
      dnAttributes: true,
    })
    expect(parseFilter('(:1.2.3:=Wilma)')).toEqual({ kind: 'extensibleMatch', matchingRule: '1.2.3', type: undefined, matchValue: utf8('Wilma'), dnAttributes: false })
    expect(parseFilter('(cn=日本語 🎉)')).toEqual({ kind: 'equalityMatch', attributeDesc: 'cn', assertionValue: utf8('日本語 🎉') })
  })

  it.each(Object.entries(FILTERS))('formats and re-parses the sample %s exactly', (_n, f) => {
    expect(parseFilter(formatFilter(f))).toEqual(f)
  })

  it('escapes values that are not UTF-8 byte by byte, so the bytes come back exact', () => {
    expect(formatValue(BINARY)).toBe('\\00\\ff\\80\\7f\\c3\\28\\0a0')
    expect(parseFilter(`(x=${formatValue(BINARY)})`)).toEqual({ kind: 'equalityMatch', attributeDesc: 'x', assertionValue: BINARY })
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(parseFilter(`(x=${formatValue(all)})`)).toEqual({ kind: 'equalityMatch', attributeDesc: 'x', assertionValue: all })
  })

  it('refuses to format a substrings filter with no parts (it would read as presence)', () => {
    const f: Filter = { kind: 'substrings', type: 'cn', initial: undefined, any: [], final: undefined }
    expect(thrown(() => formatFilter(f)).code).toBe('LDAP_BAD_FILTER')
  })

  describe('malformed strings: LDAP_BAD_FILTER_STRING with the column', () => {
    it.each<[string, number, RegExp]>([
      ['', 1, /expected an attribute description but found end of the string/],
      ['(', 2, /expected an attribute description/],
      ['()', 2, /expected an attribute description but found character '\)'/],
      ['(cn=a', 6, /expected '\)' to close the '\(' at column 1 but found end of the string/],
      ['(cn=a))', 7, /unexpected character '\)' after the end of the filter/],
      ['(cn=a)(sn=b)', 7, /unexpected character '\(' after the end/],
      ['(cn=a(b)', 6, /unescaped '\(' .* write \\28/],
      ['(cn=\\2)', 5, /backslash must be followed by two hexadecimal digits/],
      ['(cn=\\zz)', 5, /backslash/],
      ['(cn=abc\\', 8, /backslash/],
      ['(cn~=a*)', 7, /takes no wildcard/],
      ['(cn>=*)', 6, /takes no wildcard/],
      ['(cn<=a*b*)', 7, /takes no wildcard/],
      ['(cn:=a*)', 7, /takes no wildcard/],
      ['(&(cn=a)', 9, /expected '\)' to close the '\(' at column 1/],
      ['(&(cn=a)x)', 9, /expected '\)'.*found character 'x'/],
      ['(!(cn=a)(sn=b))', 9, /expected '\)'/],
      ['(!cn=a)', 3, /expected '\(' but found character 'c'/],
      ['(1cn=a)', 2, /'1cn' is not an attribute description/],
      ['(cn;=a)', 2, /'cn;' is not an attribute description/],
      ['(c_n=a)', 3, /expected '=', '~=', '>=', '<=' or ':' after the attribute description but found character '_'/],
      ['(cn)', 4, /expected '=', '~=', '>=', '<=' or ':'/],
      ['(cn!=a)', 4, /found character '!'/],
      ['(cn>a)', 4, /found character '>'/],
      ['(:dn:=x)', 2, /needs a matching rule/],
      ['(:=x)', 2, /needs a matching rule/],
      ['(cn:1.2.:=x)', 5, /'1.2.' is not a matching rule/],
      ['(cn:dn=x)', 7, /expected ':=' in the extensible match but found character '='/],
      ['(cn=a\u0000b)', 6, /NUL character/],
      ['(cn=\ud800)', 5, /lone UTF-16 surrogate/],
    ])('%j fails at column %i', (text, column, message) => {
      const e = thrown(() => parseFilter(text))
      expect(e.code).toBe('LDAP_BAD_FILTER_STRING')
      expect(e.message).toMatch(new RegExp(`^Bad filter string at column ${column}: `))
      expect(e.message).toMatch(message)
      expect(e.offset).toBe(column - 1)
    })

    it(`accepts ${MAX_FILTER_DEPTH} levels of nesting and refuses ${MAX_FILTER_DEPTH + 1}`, () => {
      const nested = (levels: number) => `${'(!'.repeat(levels - 1)}(a=b)${')'.repeat(levels - 1)}`
      expect(formatFilter(parseFilter(nested(MAX_FILTER_DEPTH)))).toBe(nested(MAX_FILTER_DEPTH))
      const e = thrown(() => parseFilter(nested(MAX_FILTER_DEPTH + 1)))
      expect(e.code).toBe('LDAP_BAD_FILTER_STRING')
      expect(e.offset).toBe(2 * MAX_FILTER_DEPTH)
      expect(e.message).toMatch(/nested more than 100 levels deep/)
    })

    it('survives hostile nesting (200,000 levels) with a coded error', () => {
      const text = `${'(&'.repeat(200_000)}${')'.repeat(200_000)}`
      expect(thrown(() => parseFilter(text)).code).toBe('LDAP_BAD_FILTER_STRING')
    })

    it('shortens very long filters in the message', () => {
      const e = thrown(() => parseFilter(`(cn=${'a'.repeat(500)}`))
      expect(e.message.length).toBeLessThan(400)
      expect(e.offset).toBe(504)
    })
  })
})
