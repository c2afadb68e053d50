import { describe, expect, it } from 'vitest'
import { BerReader, BerWriter, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import { MAX_FILTER_DEPTH, readFilter, writeFilter } from './filter.js'
import type { Filter } from './filter.js'
import { asn1Bytes, asn1Parse, oracleFilter, oracleFilterNode } from './test-support/asn1-oracle.js'
import { FILTERS, hex, plain, toHex, utf8 } from './test-support/samples.js'

const enc = (f: Filter): Uint8Array => plain(encodeWith((w) => writeFilter(w, f)))
const dec = (b: Uint8Array | string): Filter => {
  const r = new BerReader(typeof b === 'string' ? hex(b) : b)
  const f = readFilter(r)
  expect(r.atEnd()).toBe(true)
  return f
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

describe('Filter BER (RFC 4511 §4.5.1.7)', () => {
  it.each(Object.entries(FILTERS))('%s: round trip, and asn1js agrees both ways', (_n, f) => {
    const bytes = enc(f)
    expect(dec(bytes)).toEqual(f)
    expect(oracleFilter(asn1Parse(bytes))).toEqual(f)
    expect(dec(asn1Bytes(oracleFilterNode(f)))).toEqual(f)
  })

  it('uses the RFC tags: present is primitive [7], not is explicit [2] around the inner filter', () => {
    expect(toHex(enc({ kind: 'present', attributeDesc: 'cn' }))).toBe('8702636e')
    expect(toHex(enc({ kind: 'not', filter: { kind: 'present', attributeDesc: 'cn' } }))).toBe('a2048702636e')
    expect(toHex(enc({ kind: 'equalityMatch', attributeDesc: 'cn', assertionValue: utf8('a') }))).toBe('a3070402636e040161')
    expect(toHex(enc({ kind: 'substrings', type: 'cn', initial: utf8('a'), any: [utf8('b')], final: utf8('c') }))).toBe(
      'a40f0402636e3009800161810162820163',
    )
    expect(toHex(enc(FILTERS.extensibleFull as Filter))).toBe('a919810a322e342e362e382e31308202636e8304467265648401ff')
  })

  it('accepts dnAttributes written as explicit FALSE and as TRUE 0x01', () => {
    expect(dec('a90a 8202636e 830178 840100'.replace(/ /g, ''))).toEqual({ kind: 'extensibleMatch', matchingRule: undefined, type: 'cn', matchValue: utf8('x'), dnAttributes: false })
    expect((dec('a90a 8202636e 830178 840101'.replace(/ /g, '')) as { dnAttributes: boolean }).dnAttributes).toBe(true)
  })

  it(`decodes ${MAX_FILTER_DEPTH} nested levels and refuses one more with LDAP_BAD_FILTER`, () => {
    const nest = (levels: number): Uint8Array =>
      plain(
        encodeWith((w) => {
          for (let i = 1; i < levels; i++) w.startConstructed(0xa2)
          w.writeString('x', 0x87)
          for (let i = 1; i < levels; i++) w.endConstructed()
        }),
      )
    let f = dec(nest(MAX_FILTER_DEPTH))
    let depth = 1
    while (f.kind === 'not') {
      f = f.filter
      depth++
    }
    expect(depth).toBe(MAX_FILTER_DEPTH)
    const e = thrown(() => dec(nest(MAX_FILTER_DEPTH + 1)))
    expect(e.code).toBe('LDAP_BAD_FILTER')
    expect(e.message).toMatch(/nested more than 100 levels/)
  })

  it('refuses a hostile 100,000-level nesting without exhausting the stack', () => {
    const w = new BerWriter(1 << 20)
    for (let i = 0; i < 100_000; i++) w.startConstructed(i % 2 === 0 ? 0xa2 : 0xa0, 4)
    w.writeString('x', 0x87)
    for (let i = 0; i < 100_000; i++) w.endConstructed()
    expect(thrown(() => dec(plain(w.toBuffer()))).code).toBe('LDAP_BAD_FILTER')
  })

  describe('LDAP_BAD_FILTER for malformed filters', () => {
    it.each([
      ['an unknown CHOICE tag', 'aa00', /Unknown Filter choice with tag 0xaa/],
      ['present written constructed', 'a700', /Unknown Filter choice with tag 0xa7/],
      ['an empty not', 'a200', /not filter at offset 0 is empty/],
      ['a not with two filters', 'a2088702636e8702736e', /more than one Filter/],
      ['an empty equalityMatch', 'a300', /needs an attributeDesc and an assertionValue/],
      ['an equalityMatch without assertionValue', 'a3040402636e', /has no assertionValue/],
      ['an empty substrings', 'a400', /substrings filter at offset 0 is empty/],
      ['substrings without the SEQUENCE', 'a4040402636e', /has no substrings SEQUENCE/],
      ['substrings with no parts', 'a4060402636e3000', /SIZE \(1..MAX\)/],
      ['an initial that is not first', 'a40c0402636e3006810161800162', /initial part at offset 11 that is not first/],
      ['a part after final', 'a40c0402636e3006820161810162', /after its final/],
      ['two finals', 'a40c0402636e3006820161820162', /after its final/],
      ['an unknown substring choice', 'a4090402636e3003830161', /Unknown substring choice with tag 0x83/],
      ['extensibleMatch without matchValue', 'a9048202636e', /has no matchValue/],
      ['extensibleMatch with neither rule nor type', 'a903830178', /neither matchingRule nor type/],
      ['extensibleMatch with type before rule', 'a90b8202636e8102636e830178', /matchingRule .* comes after type/],
      ['extensibleMatch with two types', 'a90b8202636e8202636e830178', /second type/],
      ['extensibleMatch with an unknown member', 'a9098202636e830178 8500'.replace(' ', ''), /Unknown member with tag 0x85/],
    ])('%s', (_n, h, message) => {
      const e = thrown(() => dec(h))
      expect(e.code).toBe('LDAP_BAD_FILTER')
      expect(e.message).toMatch(message)
      expect(typeof e.offset).toBe('number')
    })

    it('no Filter at all where one is required', () => {
      expect(thrown(() => readFilter(new BerReader(new Uint8Array(0)))).code).toBe('LDAP_BAD_FILTER')
    })
  })

  it('lets reader errors inside a filter through (trailing element in an AVA, bad UTF-8 attribute)', () => {
    expect(thrown(() => dec('a3090402636e0401610400')).code).toBe('BER_TRAILING_BYTES')
    expect(thrown(() => dec('8702c328')).code).toBe('BER_BAD_UTF8')
  })
})
