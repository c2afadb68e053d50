import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { SUFFIX, expectDirectoryError, smallDirectory } from './directory.test-support.js'
import { Directory } from './directory.js'

const person = (uid: string) => ({
  objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
  uid,
  cn: `${uid} Person`,
  sn: 'Person',
})

describe('add (RFC 4511 §4.7)', () => {
  it('adds an entry with a fresh CSN, timestamps, creatorsName and the given UUID, and emits an add event', () => {
    const { directory, events } = smallDirectory()
    const event = directory.apply(
      { kind: 'add', dn: `uid=cy,ou=people,${SUFFIX}`, attributes: person('cy'), uuid: '6F9619FF-8B86-D011-B42D-00C04FC964FF' },
      { by: 'cn=writer,dc=example,dc=com' },
    )
    expect(event.kind).toBe('add')
    expect(event.uuid).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff')
    expect([...event.uuidBytes]).toEqual([0x6f, 0x96, 0x19, 0xff, 0x8b, 0x86, 0xd0, 0x11, 0xb4, 0x2d, 0x00, 0xc0, 0x4f, 0xc9, 0x64, 0xff])
    expect(event.before).toBeUndefined()
    expect(event.after?.dnText).toBe(`uid=cy,ou=people,${SUFFIX}`)
    expect(events).toEqual([event])
    const entry = directory.getByUuid(event.uuid)!
    expect(entry.entryCsn).toBe(event.csn)
    expect(entry.createCsn).toBe(event.csn)
    expect(entry.createTimestamp).toBe('20240115093012Z')
    expect(entry.modifyTimestamp).toBe('20240115093012Z')
    expect(entry.creatorsName).toBe('cn=writer,dc=example,dc=com')
    expect(entry.modifiersName).toBe('cn=writer,dc=example,dc=com')
    expect(entry.get('cn')).toEqual(['cy Person'])
  })

  it('generates deterministic UUIDs from a seed', () => {
    const uuids = (seed: number): string[] => {
      const { directory } = smallDirectory({ uuidSeed: seed })
      return [...directory.entries()].map((e) => e.uuid)
    }
    expect(uuids(3)).toEqual(uuids(3))
    expect(uuids(3)).not.toEqual(uuids(4))
    expect(uuids(3)[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('adds the RDN value when the attributes lack it, as slapd does', () => {
    const { directory } = smallDirectory()
    directory.apply({ kind: 'add', dn: `cn=ops+ou=x,ou=groups,${SUFFIX}`, attributes: { objectClass: 'organizationalRole', cn: 'other' } })
    const entry = directory.getByDn(`cn=ops+ou=x,ou=groups,${SUFFIX}`)!
    expect(entry.get('cn')).toEqual(['other', 'ops'])
    expect(entry.get('ou')).toEqual(['x'])
  })

  it('merges two spellings of one attribute, keeping the first', () => {
    const { directory } = smallDirectory()
    directory.apply({
      kind: 'add', dn: `cn=m,${SUFFIX}`,
      attributes: [{ type: 'objectClass', values: ['device'] }, { type: 'CN', values: ['m'] }, { type: 'commonName', values: ['n'] }],
    })
    expect(directory.getByDn(`cn=m,${SUFFIX}`)!.attributes).toEqual([
      { type: 'objectClass', values: ['device'] },
      { type: 'CN', values: ['m', 'n'] },
    ])
  })

  it('stores UTF-8 bytes as text and other bytes as bytes', () => {
    const { directory } = smallDirectory()
    const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0])
    directory.apply({ kind: 'add', dn: `uid=p,${SUFFIX}`, attributes: { ...person('p'), description: new TextEncoder().encode('café'), jpegPhoto: photo } })
    const entry = directory.getByDn(`uid=p,${SUFFIX}`)!
    expect(entry.get('description')).toEqual(['café'])
    expect(entry.get('jpegPhoto')).toEqual([photo])
    photo[0] = 0
    expect(entry.get('jpegPhoto')![0]).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))
  })

  it('refuses an existing DN with entryAlreadyExists (68)', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'add', dn: `UID=Ann,ou=people,${SUFFIX}`, attributes: person('ann') }), 'DIRECTORY_ENTRY_ALREADY_EXISTS')
    expect(e.resultCode).toBe(ResultCode.entryAlreadyExists)
  })

  it('refuses a missing parent with noSuchObject (32) and the closest ancestor as matchedDN', () => {
    const { directory, events } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'add', dn: `uid=x,ou=staff,ou=people,${SUFFIX}`, attributes: person('x') }), 'DIRECTORY_NO_SUCH_OBJECT')
    expect(e.resultCode).toBe(ResultCode.noSuchObject)
    expect(e.matchedDN).toBe(`ou=people,${SUFFIX}`)
    expect(e.message).toMatch(/closest existing entry is "ou=people,dc=example,dc=com"/)
    expect(events).toEqual([])
  })

  it('gives matchedDN "" when not even the suffix entry exists', () => {
    const directory = new Directory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'add', dn: `ou=people,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit' } }), 'DIRECTORY_NO_SUCH_OBJECT')
    expect(e.matchedDN).toBe('')
  })

  it('refuses an entry outside every naming context with noSuchObject', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'add', dn: 'dc=other,dc=org', attributes: { objectClass: 'domain' } }), 'DIRECTORY_OUTSIDE_SUFFIXES')
    expect(e.resultCode).toBe(ResultCode.noSuchObject)
    expect(e.matchedDN).toBe('')
  })

  it('refuses what slapd refuses: no objectClass, empty values, repeated values, operational types, bad DN, taken UUID', () => {
    const { directory } = smallDirectory()
    const dn = `uid=z,${SUFFIX}`
    const cases = [
      [{ uid: 'z' }, 'DIRECTORY_OBJECT_CLASS_VIOLATION', ResultCode.objectClassViolation],
      [{ ...person('z'), mail: [] }, 'DIRECTORY_MISSING_VALUES', ResultCode.protocolError],
      [{ ...person('z'), mail: ['a@x', 'A@X'] }, 'DIRECTORY_VALUE_EXISTS', ResultCode.attributeOrValueExists],
      [{ ...person('z'), entryCSN: '20240101000000.000000Z#000000#000#000000' }, 'DIRECTORY_NO_USER_MODIFICATION', ResultCode.constraintViolation],
    ] as const
    for (const [attributes, code, resultCode] of cases) {
      expect(expectDirectoryError(() => directory.apply({ kind: 'add', dn, attributes }), code).resultCode).toBe(resultCode)
    }
    expect(expectDirectoryError(() => directory.apply({ kind: 'add', dn: 'uid=z,,dc=x', attributes: person('z') }), 'DIRECTORY_INVALID_DN').resultCode)
      .toBe(ResultCode.invalidDNSyntax)
    expect(expectDirectoryError(() => directory.apply({ kind: 'add', dn: `entryUUID=x,${SUFFIX}`, attributes: person('z') }), 'DIRECTORY_NAMING_VIOLATION').resultCode)
      .toBe(ResultCode.namingViolation)
    const ann = directory.getByDn(`uid=ann,ou=people,${SUFFIX}`)!
    expect(expectDirectoryError(() => directory.apply({ kind: 'add', dn, attributes: person('z'), uuid: ann.uuid }), 'DIRECTORY_UUID_ALREADY_EXISTS').resultCode)
      .toBe(ResultCode.entryAlreadyExists)
    expect(expectDirectoryError(() => directory.apply({ kind: 'add', dn, attributes: person('z'), uuid: 'nope' }), 'DIRECTORY_INVALID_VALUE').resultCode)
      .toBe(ResultCode.invalidAttributeSyntax)
    expect(directory.getByDn(dn)).toBeUndefined()
  })
})

describe('delete (RFC 4511 §4.8)', () => {
  it('deletes a leaf, emits the before snapshot, and frees its DN', () => {
    const { directory, events } = smallDirectory()
    const bob = directory.getByDn(`uid=bob,ou=people,${SUFFIX}`)!
    const event = directory.apply({ kind: 'delete', dn: `uid=BOB,ou=people,${SUFFIX}` })
    expect(event).toMatchObject({ kind: 'delete', uuid: bob.uuid })
    expect(event.after).toBeUndefined()
    expect(event.before?.dnText).toBe(`uid=bob,ou=people,${SUFFIX}`)
    expect(event.before?.get('cn')).toEqual(['Bob Stone'])
    expect(event.before?.entryCsn).toBe(bob.entryCsn)
    expect(event.csn > bob.entryCsn).toBe(true)
    expect(events).toEqual([event])
    expect(directory.getByDn(`uid=bob,ou=people,${SUFFIX}`)).toBeUndefined()
    expect(directory.getByUuid(bob.uuid)).toBeUndefined()
    expect(directory.contextCsn.get(0)).toBe(event.csn)
  })

  it('refuses a non-leaf with notAllowedOnNonLeaf (66)', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'delete', dn: `ou=people,${SUFFIX}` }), 'DIRECTORY_NOT_ALLOWED_ON_NON_LEAF')
    expect(e.resultCode).toBe(ResultCode.notAllowedOnNonLeaf)
    expect(e.matchedDN).toBe('')
  })

  it('refuses a missing entry with noSuchObject (32) and matchedDN of the closest ancestor', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'delete', dn: `uid=nobody,ou=nowhere,ou=people,${SUFFIX}` }), 'DIRECTORY_NO_SUCH_OBJECT')
    expect(e.resultCode).toBe(ResultCode.noSuchObject)
    expect(e.matchedDN).toBe(`ou=people,${SUFFIX}`)
  })

  it('lets the suffix entry go once it is a leaf, and then matchedDN is ""', () => {
    const directory = new Directory({ suffixes: ['o=solo'] })
    directory.apply({ kind: 'add', dn: 'o=solo', attributes: { objectClass: 'organization' } })
    directory.apply({ kind: 'delete', dn: 'o=solo' })
    expect(directory.size).toBe(0)
    expect(expectDirectoryError(() => directory.apply({ kind: 'delete', dn: 'cn=x,o=solo' }), 'DIRECTORY_NO_SUCH_OBJECT').matchedDN).toBe('')
  })
})
