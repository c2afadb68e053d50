import { describe, expect, it } from 'vitest'
import { LdapDecodeError } from '../errors.js'
import { EMPTY_DN } from './dn.js'
import { format } from './dn-format.js'
import { parse, parseRdn } from './dn-parse.js'
import { child, depth, isDescendantOf, isWithinScope, move, parent, rdn, rebase, rename } from './dn-tree.js'
import type { SearchScope } from './dn-tree.js'

describe('depth, rdn, parent, child', () => {
  it('walk up from an entry to the root DSE', () => {
    const dn = 'uid=ann,ou=People,dc=example'
    expect(depth(dn)).toBe(3)
    expect(depth('')).toBe(0)
    expect(rdn(dn)!.map((a) => a.value)).toEqual(['ann'])
    expect(rdn('')).toBeUndefined()
    expect(format(parent(dn)!)).toBe('ou=People,dc=example')
    expect(parent('dc=example')).toBe(EMPTY_DN)
    expect(parent('')).toBeUndefined()
  })

  it('child puts an RDN under a parent, keeping both spellings', () => {
    expect(format(child('OU=People, DC=Example', 'uid=Ann+cn=Ann Lee'))).toBe('uid=Ann+cn=Ann Lee,OU=People,DC=Example')
    expect(format(child('', parseRdn('dc=com')))).toBe('dc=com')
    expect(() => child('dc=x', 'cn=a,cn=b')).toThrow(LdapDecodeError)
  })

  it('returns frozen DNs', () => {
    expect(Object.isFrozen(parent('a=1,b=2'))).toBe(true)
    expect(Object.isFrozen(child('b=2', 'a=1'))).toBe(true)
    expect(Object.isFrozen(rebase('a=1,b=2', 'b=2', 'c=3'))).toBe(true)
  })
})

describe('isDescendantOf', () => {
  const table: [string, string, boolean, boolean][] = [
    // dn, ancestor, strictly below, below or self
    ['uid=ann,ou=People,dc=example', 'dc=example', true, true],
    ['uid=ann,ou=People,dc=example', 'ou=People,dc=example', true, true],
    ['uid=ann,ou=People,dc=example', ' OU = people ; DC = EXAMPLE ', true, true],
    ['uid=ann,ou=People,dc=example', '2.5.4.11=people,0.9.2342.19200300.100.1.25=example', true, true],
    ['ou=People,dc=example', 'ou=People,dc=example', false, true],
    ['ou=People,dc=example', 'OU=PEOPLE,DC=EXAMPLE', false, true],
    ['dc=example', 'ou=People,dc=example', false, false],
    ['ou=Groups,dc=example', 'ou=People,dc=example', false, false],
    ['uid=ann,dc=example,dc=com', 'dc=example', false, false],
    ['uid=ann,ou=People+l=x,dc=example', 'ou=People,dc=example', false, false],
    ['uid=ann,l=x+ou=People,dc=example', 'ou=People+l=X,dc=example', true, true],
    ['dc=com', '', true, true],
    ['', '', false, true],
    ['', 'dc=com', false, false],
  ]
  it.each(table)('%j below %j: %s, orSelf: %s', (dn, ancestor, below, orSelf) => {
    expect(isDescendantOf(dn, ancestor)).toBe(below)
    expect(isDescendantOf(parse(dn), parse(ancestor), { orSelf: true })).toBe(orSelf)
  })

  it('honours exact value matching', () => {
    expect(isDescendantOf('uid=a,ou=People', 'ou=people', { values: 'exact' })).toBe(false)
    expect(isDescendantOf('uid=a,ou=People', 'OU=People', { values: 'exact' })).toBe(true)
  })
})

describe('isWithinScope (RFC 4511 §4.5.1.2)', () => {
  const base = 'ou=People,dc=example'
  const table: [string, string, SearchScope, boolean][] = [
    [base, base, 'base', true],
    ['OU=people,DC=example', base, 'base', true],
    ['uid=a,' + base, base, 'base', false],
    ['dc=example', base, 'base', false],
    [base, base, 'one', false],
    ['uid=a,' + base, base, 'one', true],
    ['cn=x,uid=a,' + base, base, 'one', false],
    ['uid=a,ou=Groups,dc=example', base, 'one', false],
    [base, base, 'sub', true],
    ['uid=a,' + base, base, 'sub', true],
    ['cn=x,uid=a,' + base, base, 'sub', true],
    ['dc=example', base, 'sub', false],
    ['uid=a,ou=Groups,dc=example', base, 'sub', false],
    ['dc=com', '', 'one', true],
    ['dc=example,dc=com', '', 'sub', true],
    ['', '', 'base', true],
    ['dc=com', '', 'base', false],
  ]
  it.each(table)('%j in %j scope %s: %s', (dn, b, scope, within) => {
    expect(isWithinScope(dn, b, scope)).toBe(within)
  })
})

describe('rename, move, rebase', () => {
  it('rename replaces the RDN only', () => {
    expect(format(rename('cn=old,ou=People,dc=x', 'cn=new+sn=y'))).toBe('cn=new+sn=y,ou=People,dc=x')
    expect(format(rename('dc=x', 'dc=y'))).toBe('dc=y')
  })

  it('move keeps the RDN under a new superior', () => {
    expect(format(move('uid=ann,ou=Old,dc=x', 'ou=New, dc=x'))).toBe('uid=ann,ou=New,dc=x')
    expect(format(move('uid=ann,ou=Old,dc=x', ''))).toBe('uid=ann')
  })

  it('refuses to rename or move the root DSE', () => {
    expect(() => rename('', 'cn=a')).toThrow(/root DSE/)
    expect(() => move('', 'dc=x')).toThrow(/root DSE/)
  })

  it('rebase rewrites descendants after a ModifyDN of their ancestor', () => {
    const from = 'ou=Old,dc=x'
    const to = 'ou=New,dc=y'
    expect(format(rebase('uid=ann,ou=Old,dc=x', from, to)!)).toBe('uid=ann,ou=New,dc=y')
    expect(format(rebase('cn=a+sn=b,uid=ann,OU=old,DC=X', from, to)!)).toBe('cn=a+sn=b,uid=ann,ou=New,dc=y')
    expect(format(rebase(from, from, to)!)).toBe(to)
    expect(rebase('uid=bob,ou=Other,dc=x', from, to)).toBeUndefined()
    expect(rebase('dc=x', from, to)).toBeUndefined()
    expect(format(rebase('uid=ann,dc=x', '', 'o=top')!)).toBe('uid=ann,dc=x,o=top')
    expect(format(rebase('uid=ann,dc=x', 'dc=x', '')!)).toBe('uid=ann')
  })
})
