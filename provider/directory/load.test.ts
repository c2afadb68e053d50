import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LdifError, generateDirectory } from '../../fixtures/index.js'
import { ManualClock, dnsOf, expectDirectoryError } from './directory.test-support.js'
import { Directory } from './directory.js'

const LDIF = `version: 1

# the suffix entry comes from the data
dn: dc=example,dc=com
objectClass: top
objectClass: domain
dc: example
entryUUID: 0D7A8F2C-5B1E-4C3D-9E8F-1A2B3C4D5E6F
entryCSN: 20000101000000.000000Z#000000#000#000000
createTimestamp: 20000101000000Z

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: uid=ann,ou=people,dc=example,dc=com
objectClass: account
uid: ann
description:: Y2Fmw6k=
audio:: /9j/

`

describe('loading LDIF', () => {
  it('loads content records, keeps entryUUID, drops other operational attributes and stamps its own CSNs', () => {
    const clock = new ManualClock()
    const directory = new Directory({ clock: clock.now, sessionLogSize: 10 })
    const events: unknown[] = []
    directory.onChange((e) => events.push(e))
    expect(directory.loadLdif(LDIF, { file: 'small.ldif' })).toEqual({ count: 3 })
    expect(dnsOf(directory.entries())).toEqual(['dc=example,dc=com', 'ou=people,dc=example,dc=com', 'uid=ann,ou=people,dc=example,dc=com'])
    const suffix = directory.getByDn('dc=example,dc=com')!
    expect(suffix.uuid).toBe('0d7a8f2c-5b1e-4c3d-9e8f-1a2b3c4d5e6f')
    expect(suffix.entryCsn).toBe('20240115093012.345000Z#000000#000#000000')
    expect(suffix.createTimestamp).toBe('20240115093012Z')
    expect(suffix.get('entryCSN')).toBeUndefined()
    const ann = directory.getByDn('uid=ann,ou=people,dc=example,dc=com')!
    expect(ann.get('description')).toEqual(['café'])
    expect(ann.get('audio')).toEqual([new Uint8Array([0xff, 0xd8, 0xff])])
    expect(directory.contextCsn.get(0)).toBe(ann.entryCsn)
    // Like slapadd: nothing reaches the listeners or the session log.
    expect(events).toEqual([])
    expect(directory.sessionLog.length).toBe(0)
  })

  it('names the line of a child that comes before its parent', () => {
    const text = `dn: dc=example,dc=com\nobjectClass: domain\n\n# a comment\ndn: uid=ann,ou=people,dc=example,dc=com\nobjectClass: account\nuid: ann\n\ndn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\n`
    const directory = new Directory()
    const e = expectDirectoryError(() => directory.loadLdif(text, { file: 'order.ldif' }), 'DIRECTORY_LOAD_FAILED')
    expect(e.message).toMatch(/^order\.ldif:5: cannot load the entry "uid=ann,ou=people,dc=example,dc=com" \(parents must come before their children in the LDIF\)/)
    expect(e.matchedDN).toBe('dc=example,dc=com')
    expect((e.cause as { code: string }).code).toBe('DIRECTORY_NO_SUCH_OBJECT')
    expect(directory.size).toBe(1)
  })

  it('refuses change records other than add, and passes LDIF syntax errors through', () => {
    const directory = new Directory()
    const e = expectDirectoryError(() => directory.loadLdif('dn: dc=example,dc=com\nchangetype: delete\n'), 'DIRECTORY_LOAD_FAILED')
    expect(e.message).toMatch(/^<input>:1: .*delete change record cannot be loaded/)
    expect(directory.loadLdif('dn: dc=example,dc=com\nchangetype: add\nobjectClass: domain\n').count).toBe(1)
    expect(() => directory.loadLdif('dn: ou=x,dc=example,dc=com\nobjectClass:: !!!\n')).toThrow(LdifError)
  })

  it('reads a file, naming it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'directory-load-'))
    try {
      const path = join(dir, 'people.ldif')
      writeFileSync(path, LDIF)
      const directory = new Directory()
      expect(directory.loadLdifFile(path).count).toBe(3)
      writeFileSync(path, 'dn: ou=x,dc=nowhere\nobjectClass: organizationalUnit\n')
      const e = expectDirectoryError(() => new Directory().loadLdifFile(path), 'DIRECTORY_LOAD_FAILED')
      expect(e.message.startsWith(`${path}:1: `)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('loading the generator', () => {
  it('loads every generated entry with the generator\'s UUIDs: same seed, same directory', () => {
    const a = new Directory()
    const b = new Directory()
    expect(a.loadGenerated({ count: 300, seed: 11 })).toEqual({ count: 309 })
    b.loadGenerated({ count: 300, seed: 11 })
    const expected = [...generateDirectory({ count: 300, seed: 11 })]
    const loaded = [...a.entries()]
    expect(loaded.map((e) => e.uuid)).toEqual(expected.map((e) => e.entryUUID))
    expect(loaded.map((e) => e.dnText)).toEqual(expected.map((e) => e.dn))
    expect([...b.entries()].map((e) => e.uuid)).toEqual(loaded.map((e) => e.uuid))
    const other = new Directory()
    other.loadGenerated({ count: 300, seed: 12 })
    expect([...other.entries()][5]!.uuid).not.toBe(loaded[5]!.uuid)
    const sample = expected[10]!
    expect(a.getByUuid(sample.entryUUID)!.get('mail')).toEqual(sample.attributes['mail'])
    expect(a.getByUuid(sample.entryUUID)!.uuidBytes).toHaveLength(16)
  })

  it('loads 20,000 people quickly and searches them', () => {
    const directory = new Directory({ uuidSeed: 1 })
    const started = performance.now()
    directory.loadGenerated({ count: 20_000, seed: 3 })
    const elapsed = performance.now() - started
    expect(directory.size).toBe(20_403)
    // Generous: the point is to catch an accidental quadratic, not to benchmark a shared CI box.
    expect(elapsed).toBeLessThan(20_000)
    const people = directory.search({ base: 'ou=people,dc=example,dc=com', scope: 'one' })
    let n = 0
    for (const _ of people) n++
    expect(n).toBe(20_000)
  })
})
