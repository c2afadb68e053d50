import { describe, expect, it } from 'vitest'
import { LdapDecodeError } from '../errors.js'
import { EMPTY_DN, createAva, createDn, createRdn, isRdn } from './dn.js'
import { format } from './dn-format.js'
import { parse } from './dn-parse.js'

describe('createDn / createRdn / createAva', () => {
  it('builds a DN that formats and parses back to itself', () => {
    const dn = createDn([
      [{ type: 'cn', value: ' Ann, "Jr" ' }, { type: 'uid', value: 'ann' }],
      [{ type: '2.5.4.11', value: '#People' }],
      [{ type: 'dc', hex: Uint8Array.of(0x16, 0x01, 0x78) }],
    ])
    expect(format(dn)).toBe('cn=\\ Ann\\, \\"Jr\\"\\ +uid=ann,2.5.4.11=\\#People,dc=#160178')
    expect(parse(format(dn))).toEqual(dn)
  })

  it('takes RDNs it made as they are, and freezes what it builds', () => {
    const r = createRdn([{ type: 'cn', value: 'a' }])
    expect(isRdn(r)).toBe(true)
    expect(isRdn([{ type: 'cn', value: 'a' }])).toBe(false)
    const dn = createDn([r, [{ type: 'dc', value: 'x' }]])
    expect(dn[0]).toBe(r)
    expect(Object.isFrozen(dn) && Object.isFrozen(dn[1]) && Object.isFrozen(dn[1]?.[0])).toBe(true)
    expect(createDn([])).toBe(EMPTY_DN)
  })

  it('copies hex bytes, so later changes to the caller’s array do not leak in', () => {
    const bytes = Uint8Array.of(4, 1, 0x61)
    const ava = createAva({ type: 'cn', hex: bytes })
    bytes[2] = 0x62
    expect(Array.from(ava.hex!)).toEqual([4, 1, 0x61])
    expect(ava.value).toBe('#040161')
  })

  const bad: [string, () => unknown, RegExp][] = [
    ['an empty type', () => createAva({ type: '', value: 'x' }), /is not an attribute type/],
    ['a type with a space', () => createAva({ type: 'c n', value: 'x' }), /is not an attribute type/],
    ['an OID. prefix', () => createAva({ type: 'OID.2.5.4.3', value: 'x' }), /is not an attribute type/],
    ['a one-number OID', () => createAva({ type: '2', value: 'x' }), /is not an attribute type/],
    ['a leading-zero OID', () => createAva({ type: '2.05', value: 'x' }), /is not an attribute type/],
    ['an empty hex value', () => createAva({ type: 'cn', hex: new Uint8Array(0) }), /at least one byte/],
    ['a lone surrogate', () => createAva({ type: 'cn', value: 'a\uD800' }), /unpaired UTF-16 surrogate/],
    ['an empty RDN', () => createRdn([]), /at least one attribute type and value/],
    ['a duplicate AVA', () => createRdn([{ type: 'cn', value: 'A' }, { type: 'commonName', value: 'a ' }]), /AVA 2 of the RDN/],
  ]
  it.each(bad)('refuses %s with LDAP_BAD_DN', (_what, run, message) => {
    expect(run).toThrow(LdapDecodeError)
    expect(run).toThrow(message)
  })
})
