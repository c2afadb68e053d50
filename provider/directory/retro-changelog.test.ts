import { describe, expect, it } from 'vitest'
import * as DN from '../../protocol/dn/index.js'
import { Directory } from './directory.js'
import { DirectoryError } from './errors.js'
import { RetroChangelog } from './retro-changelog.js'

const SUFFIX = 'dc=example,dc=com'

function directory(retroChangelogSize?: number): Directory {
  const d = new Directory({ suffixes: [SUFFIX], uuidSeed: 3, ...(retroChangelogSize === undefined ? {} : { retroChangelogSize }) })
  d.loadEntry({ kind: 'add', dn: SUFFIX, attributes: { objectClass: ['top', 'domain'], dc: 'example' } })
  return d
}

describe('retro changelog and change numbers (389-DS Retro Changelog plugin)', () => {
  it('numbers every applied change 1, 2, 3… and records kind, CSN, UUID, the DN before and a ModifyDN\'s new DN; loading counts nothing', () => {
    const d = directory()
    expect(d.lastChangeNumber).toBe(0)
    const add = d.apply({ kind: 'add', dn: `ou=a,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'a' } })
    const rename = d.apply({ kind: 'modDN', dn: `ou=a,${SUFFIX}`, newRdn: 'ou=b', deleteOldRdn: true })
    const del = d.apply({ kind: 'delete', dn: `ou=b,${SUFFIX}` })
    expect([add.changeNumber, rename.changeNumber, del.changeNumber, d.lastChangeNumber]).toEqual([1, 2, 3, 3])
    const records = d.retroChangelog.records()
    expect(records.map((r) => [r.changeNumber, r.kind, r.csn, r.uuid])).toEqual([
      [1, 'add', add.csn, add.uuid],
      [2, 'modDN', rename.csn, add.uuid],
      [3, 'delete', del.csn, add.uuid],
    ])
    expect(records.map((r) => [DN.format(r.targetDn), r.newDn && DN.format(r.newDn)])).toEqual([
      [`ou=a,${SUFFIX}`, undefined],
      [`ou=a,${SUFFIX}`, `ou=b,${SUFFIX}`],
      [`ou=b,${SUFFIX}`, undefined],
    ])
    expect(Object.isFrozen(records[0])).toBe(true)
  })

  it('returns the records after a change number, forgets trimmed ones silently, and drops the oldest beyond its size', () => {
    const d = directory()
    for (let i = 1; i <= 5; i++) d.apply({ kind: 'add', dn: `ou=o${i},${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: `o${i}` } })
    expect(d.retroChangelog.after(3).map((r) => r.changeNumber)).toEqual([4, 5])
    d.retroChangelog.trim(2)
    expect([d.retroChangelog.firstChangeNumber, d.retroChangelog.length]).toEqual([3, 3])
    expect(d.retroChangelog.after(0).map((r) => r.changeNumber)).toEqual([3, 4, 5])
    const small = directory(2)
    for (let i = 1; i <= 3; i++) small.apply({ kind: 'add', dn: `ou=o${i},${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: `o${i}` } })
    expect(small.retroChangelog.records().map((r) => r.changeNumber)).toEqual([2, 3])
    const none = directory(0)
    none.apply({ kind: 'add', dn: `ou=x,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'x' } })
    expect([none.retroChangelog.length, none.lastChangeNumber]).toEqual([0, 1])
  })

  it('refuses a negative or fractional size', () => {
    expect(() => new RetroChangelog(-1)).toThrow(DirectoryError)
    expect(() => new RetroChangelog(0.5)).toThrow(/whole number/)
  })
})
