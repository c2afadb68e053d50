import { describe, expect, it } from 'vitest'
import { parseFilter } from '../../protocol/index.js'
import { RootDse, START_TLS_OID } from './root-dse.js'

const dse = new RootDse({ suffixes: ['dc=example,dc=com', 'o=other'], startTls: true })
const types = (requested: string[]): string[] => dse.project(requested, false).map((a) => a.type)

describe('RootDse', () => {
  it('returns objectClass only for no attribute list or *, as slapd does', () => {
    expect(dse.project([], false)).toEqual([{ type: 'objectClass', vals: ['top', 'OpenLDAProotDSE'] }])
    expect(types(['*'])).toEqual(['objectClass'])
  })

  it('returns the operational attributes with + or by name (case-insensitively)', () => {
    expect(types(['+'])).toEqual(['structuralObjectClass', 'namingContexts', 'supportedControl', 'supportedExtension', 'supportedFeatures', 'supportedLDAPVersion', 'entryDN', 'subschemaSubentry'])
    expect(dse.project(['NAMINGcontexts'], false)).toEqual([{ type: 'namingContexts', vals: ['dc=example,dc=com', 'o=other'] }])
    expect(types(['1.1'])).toEqual([])
    expect(types(['1.1', 'supportedLDAPVersion'])).toEqual(['supportedLDAPVersion'])
    expect(dse.project(['supportedExtension'], true)).toEqual([{ type: 'supportedExtension', vals: [] }])
  })

  it('lists StartTLS only where it is offered', () => {
    const ext = (d: RootDse): unknown => d.project(['supportedExtension'], false)[0]?.vals
    expect(ext(dse)).toEqual(['1.3.6.1.1.8', START_TLS_OID])
    expect(ext(new RootDse({ suffixes: [], startTls: false }))).toEqual(['1.3.6.1.1.8'])
  })

  it('reads further extensions at every search (the session-hook OIDs come and go), without duplicates', () => {
    let more: string[] = []
    const d = new RootDse({ suffixes: [], startTls: true, extensions: () => more })
    const ext = (): unknown => d.project(['supportedExtension'], false)[0]?.vals
    expect(ext()).toEqual(['1.3.6.1.1.8', START_TLS_OID])
    more = ['2.16.840.1.113730.3.5.12', '1.3.6.1.1.8']
    expect(ext()).toEqual(['1.3.6.1.1.8', START_TLS_OID, '2.16.840.1.113730.3.5.12'])
    expect(d.matches(parseFilter('(supportedExtension=2.16.840.1.113730.3.5.12)'))).toBe(true)
    more = []
    expect(d.matches(parseFilter('(supportedExtension=2.16.840.1.113730.3.5.12)'))).toBe(false)
  })

  it.each([
    ['(objectClass=*)', true],
    ['(objectclass=openldaprootdse)', true],
    ['(supportedControl=1.3.6.1.4.1.4203.1.9.1.1)', true],
    ['(&(objectClass=top)(!(cn=*)))', true],
    ['(cn=*)', false],
    ['(|(cn=*)(objectClass=nothing))', false],
    ['(objectClass=top*)', false],
  ])('evaluates %s as %s', (filter, expected) => {
    expect(dse.matches(parseFilter(filter))).toBe(expected)
  })
})
