import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { SUFFIX, dnsOf, expectDirectoryError, smallDirectory } from './directory.test-support.js'
import { Directory } from './directory.js'

const PEOPLE = `ou=people,${SUFFIX}`
const ANN = `uid=ann,${PEOPLE}`

describe('modDN (RFC 4511 §4.9)', () => {
  it('renames an entry: new RDN value added, old one removed with deleteOldRdn', () => {
    const { directory, events } = smallDirectory()
    const ann = directory.getByDn(ANN)!
    const event = directory.apply({ kind: 'modDN', dn: ANN, newRdn: 'uid=anna', deleteOldRdn: true })
    expect(event).toMatchObject({ kind: 'modDN', uuid: ann.uuid })
    expect(event.before?.dnText).toBe(ANN)
    expect(event.after?.dnText).toBe(`uid=anna,${PEOPLE}`)
    expect(event.after?.get('uid')).toEqual(['anna'])
    expect(event.after?.entryCsn).toBe(event.csn)
    expect(events).toEqual([event])
    expect(directory.getByDn(ANN)).toBeUndefined()
    expect(directory.getByDn(`uid=anna,${PEOPLE}`)).toBe(ann)
  })

  it('keeps the old RDN value without deleteOldRdn', () => {
    const { directory } = smallDirectory()
    directory.apply({ kind: 'modDN', dn: ANN, newRdn: 'cn=Ann Lee', deleteOldRdn: false })
    const entry = directory.getByDn(`cn=ann lee,${PEOPLE}`)!
    expect(entry.get('uid')).toEqual(['ann'])
    expect(entry.get('cn')).toEqual(['Ann Lee'])
  })

  it('allows a rename to the same DN in another case', () => {
    const { directory } = smallDirectory()
    directory.apply({ kind: 'modDN', dn: ANN, newRdn: 'UID=Ann', deleteOldRdn: true })
    const entry = directory.getByDn(ANN)!
    expect(entry.dnText).toBe(`UID=Ann,${PEOPLE}`)
  })

  it('moves a subtree: descendants follow, old DNs no longer resolve, one event for the target only', () => {
    const { directory, events } = smallDirectory()
    directory.apply({ kind: 'add', dn: `ou=staff,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit' } })
    const bob = directory.getByDn(`uid=bob,${PEOPLE}`)!
    const bobCsn = bob.entryCsn
    events.length = 0
    const event = directory.apply({ kind: 'modDN', dn: PEOPLE, newRdn: 'ou=humans', deleteOldRdn: true, newSuperior: `ou=staff,${SUFFIX}` })
    expect(events).toEqual([event])
    expect(event.after?.dnText).toBe(`ou=humans,ou=staff,${SUFFIX}`)
    expect(event.before?.hasSubordinates).toBe(true)
    expect(directory.getByDn(`uid=bob,${PEOPLE}`)).toBeUndefined()
    expect(directory.getByDn(PEOPLE)).toBeUndefined()
    expect(directory.getByDn(`uid=bob,ou=humans,ou=staff,${SUFFIX}`)).toBe(bob)
    expect(bob.dnText).toBe(`uid=bob,ou=humans,ou=staff,${SUFFIX}`)
    // back-mdb rewrites the DN index only: descendants keep their entryCSN.
    expect(bob.entryCsn).toBe(bobCsn)
    // Insertion (entry-ID) order, which the move keeps: ou=people was loaded long before ou=staff.
    expect(dnsOf(directory.search({ base: `ou=staff,${SUFFIX}`, scope: 'sub' }))).toEqual([
      `ou=humans,ou=staff,${SUFFIX}`,
      `uid=ann,ou=humans,ou=staff,${SUFFIX}`,
      `uid=bob,ou=humans,ou=staff,${SUFFIX}`,
      `ou=staff,${SUFFIX}`,
    ])
    expect(dnsOf(directory.search({ base: SUFFIX, scope: 'one' }))).toEqual([`ou=groups,${SUFFIX}`, `ou=staff,${SUFFIX}`])
  })

  it('ignores a newSuperior that is the current parent', () => {
    const { directory } = smallDirectory()
    directory.apply({ kind: 'modDN', dn: ANN, newRdn: 'uid=ann2', deleteOldRdn: false, newSuperior: PEOPLE })
    expect(directory.getByDn(`uid=ann2,${PEOPLE}`)!.get('uid')).toEqual(['ann', 'ann2'])
  })

  it('refuses a taken DN with entryAlreadyExists (68)', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'modDN', dn: ANN, newRdn: 'uid=BOB', deleteOldRdn: true }), 'DIRECTORY_ENTRY_ALREADY_EXISTS')
    expect(e.resultCode).toBe(ResultCode.entryAlreadyExists)
  })

  it('refuses a missing newSuperior with noSuchObject (32) and no matchedDN, as back-mdb', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'modDN', dn: ANN, newRdn: 'uid=ann', deleteOldRdn: true, newSuperior: `ou=gone,${SUFFIX}` }), 'DIRECTORY_NEW_SUPERIOR_NOT_FOUND')
    expect(e.resultCode).toBe(ResultCode.noSuchObject)
    expect(e.matchedDN).toBe('')
  })

  it('refuses moving an entry under itself with noSuchObject, as back-mdb ("new superior not found")', () => {
    const { directory } = smallDirectory()
    for (const newSuperior of [PEOPLE, ANN]) {
      const e = expectDirectoryError(() => directory.apply({ kind: 'modDN', dn: PEOPLE, newRdn: 'ou=p2', deleteOldRdn: true, newSuperior }), 'DIRECTORY_MOVE_UNDER_ITSELF')
      expect(e.resultCode).toBe(ResultCode.noSuchObject)
      expect(e.message).toMatch(/new superior not found/)
    }
    expect(directory.getByDn(PEOPLE)).toBeDefined()
  })

  it('refuses a missing entry with noSuchObject and matchedDN', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'modDN', dn: `uid=zed,${PEOPLE}`, newRdn: 'uid=z', deleteOldRdn: true }), 'DIRECTORY_NO_SUCH_OBJECT')
    expect(e.matchedDN).toBe(PEOPLE)
  })

  it('refuses renaming the suffix entry with namingViolation (64), as back-mdb', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'modDN', dn: SUFFIX, newRdn: 'dc=sample', deleteOldRdn: true }), 'DIRECTORY_NAMING_VIOLATION')
    expect(e.resultCode).toBe(ResultCode.namingViolation)
  })

  it('refuses a move into another naming context with affectsMultipleDSAs (71)', () => {
    const directory = new Directory({ suffixes: ['o=a', 'o=b'] })
    directory.apply({ kind: 'add', dn: 'o=a', attributes: { objectClass: 'organization' } })
    directory.apply({ kind: 'add', dn: 'o=b', attributes: { objectClass: 'organization' } })
    directory.apply({ kind: 'add', dn: 'cn=x,o=a', attributes: { objectClass: 'device' } })
    const e = expectDirectoryError(() => directory.apply({ kind: 'modDN', dn: 'cn=x,o=a', newRdn: 'cn=x', deleteOldRdn: true, newSuperior: 'o=b' }), 'DIRECTORY_AFFECTS_MULTIPLE_DSAS')
    expect(e.resultCode).toBe(ResultCode.affectsMultipleDSAs)
    expect(directory.getByDn('cn=x,o=a')).toBeDefined()
  })

  it('refuses a bad new RDN with invalidDNSyntax (34)', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'modDN', dn: ANN, newRdn: 'uid=a,ou=b', deleteOldRdn: true }), 'DIRECTORY_INVALID_DN')
    expect(e.resultCode).toBe(ResultCode.invalidDNSyntax)
  })
})
