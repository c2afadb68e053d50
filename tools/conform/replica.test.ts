import { describe, expect, it } from 'vitest'
import { Directory } from '../../provider/directory/index.js'
import { diffReplicas, isEmptyDiff, keepAttributes, providerContent, readableValue, sameReplica } from './replica.js'
import type { ComparableEntry, ComparableReplica } from './replica.js'

const U1 = '00000000-0000-4000-8000-000000000001'
const U2 = '00000000-0000-4000-8000-000000000002'
const U3 = '00000000-0000-4000-8000-000000000003'

type Values = Record<string, (string | Uint8Array)[]>

function entry(uuid: string, dn: string, attributes: Values = {}): ComparableEntry {
  return { uuid, dn, attributes: new Map(Object.entries(attributes).map(([k, vs]) => [k, vs.map((v) => (typeof v === 'string' ? Uint8Array.from(Buffer.from(v, 'utf8')) : v))])) }
}

function replica(entries: ComparableEntry[], cookie: string | null = null): ComparableReplica {
  return { cookie: cookie === null ? null : Uint8Array.from(Buffer.from(cookie)), entries: new Map(entries.map((e) => [e.uuid, e])) }
}

describe('diffReplicas', () => {
  it('equal replicas: nothing missing, nothing unexpected, every entry matching', () => {
    const content = replica([entry(U1, 'dc=example,dc=com', { dc: ['example'] }), entry(U2, 'ou=people,dc=example,dc=com')])
    const d = diffReplicas(content, replica([entry(U2, 'ou=people,dc=example,dc=com'), entry(U1, 'dc=example,dc=com', { dc: ['example'] })]))
    expect(d).toEqual({ missing: [], unexpected: [], changed: [], matching: 2 })
    expect(isEmptyDiff(d)).toBe(true)
  })

  it('keys entries by UUID: an entry only in the content is missing, one only in the replica is a ghost', () => {
    const content = replica([entry(U1, 'dc=example,dc=com'), entry(U2, 'ou=people,dc=example,dc=com')])
    const d = diffReplicas(content, replica([entry(U1, 'dc=example,dc=com'), entry(U3, 'ou=people,dc=example,dc=com')]))
    expect(d.missing).toEqual([{ uuid: U2, dn: 'ou=people,dc=example,dc=com' }])
    expect(d.unexpected).toEqual([{ uuid: U3, dn: 'ou=people,dc=example,dc=com' }])
    expect(d.matching).toBe(1)
    expect(isEmptyDiff(d)).toBe(false)
  })

  it('compares DNs RDN by RDN: attribute types case-insensitively, spaces around them ignored', () => {
    const content = replica([entry(U1, 'uid=bjensen,ou=people,dc=example,dc=com')])
    for (const same of ['UID=bjensen,OU=people,DC=example,DC=com', 'uid = bjensen , ou=people, dc=example,dc=com']) {
      expect(diffReplicas(content, replica([entry(U1, same)])).changed, same).toEqual([])
    }
    const moved = diffReplicas(content, replica([entry(U1, 'uid=bjensen,ou=groups,dc=example,dc=com')]))
    expect(moved.changed).toEqual([{ uuid: U1, dn: 'uid=bjensen,ou=people,dc=example,dc=com', consumerDn: 'uid=bjensen,ou=groups,dc=example,dc=com', attributes: [] }])
    const renamed = diffReplicas(content, replica([entry(U1, 'uid=bjensen2,ou=people,dc=example,dc=com')]))
    expect(renamed.changed[0]?.consumerDn).toBe('uid=bjensen2,ou=people,dc=example,dc=com')
    const shorter = diffReplicas(content, replica([entry(U1, 'ou=people,dc=example,dc=com')]))
    expect(shorter.changed).toHaveLength(1)
  })

  it('a DN that does not parse is compared as text, case-insensitively', () => {
    const content = replica([entry(U1, 'not a dn')])
    expect(diffReplicas(content, replica([entry(U1, 'NOT A DN')])).changed).toEqual([])
    expect(diffReplicas(content, replica([entry(U1, 'something else')])).changed).toHaveLength(1)
  })

  it('compares attribute values as sets of octets: order and repeats do not count, case does', () => {
    const content = replica([entry(U1, 'cn=x', { objectclass: ['top', 'person'], cn: ['x'] })])
    expect(diffReplicas(content, replica([entry(U1, 'cn=x', { objectclass: ['person', 'top', 'top'], cn: ['x'] })])).changed).toEqual([])
    const d = diffReplicas(content, replica([entry(U1, 'cn=x', { objectclass: ['top', 'Person', 'device'], cn: ['x'] })]))
    expect(d.changed).toEqual([{ uuid: U1, dn: 'cn=x', attributes: [{ name: 'objectclass', missing: ['person'], unexpected: ['Person', 'device'] }] }])
  })

  it('an attribute on one side only is all missing or all unexpected; binary values read as base64', () => {
    const content = replica([entry(U1, 'cn=x', { cn: ['x'], jpegphoto: [Uint8Array.of(0xff, 0xd8)] })])
    const d = diffReplicas(content, replica([entry(U1, 'cn=x', { cn: ['x'], description: ['extra'] })]))
    expect(d.changed[0]?.attributes).toEqual([
      { name: 'description', missing: [], unexpected: ['extra'] },
      { name: 'jpegphoto', missing: ['base64:/9g='], unexpected: [] },
    ])
  })
})

describe('keepAttributes', () => {
  const all = new Map<string, Uint8Array[]>([['cn', []], ['sn', []], ['entrycsn', []], ['createtimestamp', []], ['entryuuid', []], ['contextcsn', []]])
  const kept = (requested: string[]): string[] => [...keepAttributes(all, requested).keys()].sort()

  it('ignores operational attributes unless they were requested (by + or by name)', () => {
    expect(kept([])).toEqual(['cn', 'sn'])
    expect(kept(['*'])).toEqual(['cn', 'sn'])
    expect(kept(['+'])).toEqual(['contextcsn', 'createtimestamp', 'entrycsn', 'entryuuid'])
    expect(kept(['*', '+'])).toEqual(['cn', 'contextcsn', 'createtimestamp', 'entrycsn', 'entryuuid', 'sn'])
    expect(kept(['*', 'entryCSN'])).toEqual(['cn', 'entrycsn', 'sn'])
  })

  it('with a named list (no *), only the named attributes count: a consumer may keep more', () => {
    expect(kept(['CN'])).toEqual(['cn'])
    expect(kept(['cn', 'entryUUID'])).toEqual(['cn', 'entryuuid'])
    expect(kept(['cn', '+'])).toEqual(['cn', 'contextcsn', 'createtimestamp', 'entrycsn', 'entryuuid'])
  })
})

describe('sameReplica', () => {
  const base = replica([entry(U1, 'cn=a', { cn: ['a'] }), entry(U2, 'cn=b', { cn: ['b'] })], 'rid=000,csn=1')

  it('says nothing when cookie bytes and entries are equal', () => {
    expect(sameReplica(base, replica([entry(U2, 'cn=b', { cn: ['b'] }), entry(U1, 'cn=a', { cn: ['a'] })], 'rid=000,csn=1'))).toBeUndefined()
    expect(sameReplica(replica([]), replica([]))).toBeUndefined()
  })

  it('names what changed: the cookie, entries that appeared, vanished or changed', () => {
    expect(sameReplica(base, replica([...base.entries.values()], 'rid=000,csn=2'))).toBe('the cookie changed')
    expect(sameReplica(base, replica([...base.entries.values()]))).toBe('the cookie changed')
    expect(sameReplica(replica([]), replica([], ''))).toBe('the cookie changed')
    expect(sameReplica(base, replica([entry(U1, 'cn=a', { cn: ['a'] }), entry(U2, 'cn=b', { cn: ['B'] }), entry(U3, 'cn=c')], 'rid=000,csn=1'))).toBe(
      '1 entry appeared (cn=c), 1 entry changed (cn=b)',
    )
    expect(sameReplica(base, replica([], 'rid=000,csn=1'))).toBe('2 entries vanished (cn=a)')
  })
})

describe('providerContent', () => {
  const directory = new Directory({ suffixes: ['dc=example,dc=com'] })
  directory.apply({ kind: 'add', dn: 'dc=example,dc=com', uuid: U1, attributes: { objectClass: ['top', 'dcObject', 'organization'], dc: 'example', o: 'Example' } })
  directory.apply({ kind: 'add', dn: 'ou=people,dc=example,dc=com', uuid: U2, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'people' } })
  directory.apply({ kind: 'add', dn: 'uid=ann,ou=people,dc=example,dc=com', uuid: U3, attributes: { objectClass: ['top', 'person', 'inetOrgPerson'], uid: 'ann', cn: 'Ann', sn: 'Lee' } })

  it('selects by base, scope and filter, with user attributes only by default, keyed by entryUUID', () => {
    const content = providerContent(directory, { base: 'dc=example,dc=com', scope: 'sub', filter: '(objectClass=*)', attributes: [] })
    expect([...content.entries.keys()].sort()).toEqual([U1, U2, U3])
    expect(content.entries.get(U3)?.dn).toBe('uid=ann,ou=people,dc=example,dc=com')
    expect([...(content.entries.get(U3)?.attributes.keys() ?? [])].sort()).toEqual(['cn', 'objectclass', 'sn', 'uid'])
    const people = providerContent(directory, { base: 'ou=people,dc=example,dc=com', scope: 'one', filter: '(cn=ann)', attributes: ['cn'] })
    expect([...people.entries.keys()]).toEqual([U3])
    expect([...(people.entries.get(U3)?.attributes.keys() ?? [])]).toEqual(['cn'])
  })

  it('the content of a base that does not exist is empty, not an error', () => {
    expect(providerContent(directory, { base: 'ou=nowhere,dc=example,dc=com', scope: 'sub', filter: '(objectClass=*)', attributes: [] }).entries.size).toBe(0)
  })
})

describe('readableValue', () => {
  it('is the text of valid UTF-8 (tabs and newlines included), base64 otherwise', () => {
    expect(readableValue(Buffer.from('Jénsen\tline\n'))).toBe('Jénsen\tline\n')
    expect(readableValue(Uint8Array.of(0xff, 0xfe))).toBe('base64://4=')
    expect(readableValue(Uint8Array.of(0x61, 0x00))).toBe('base64:YQA=')
  })
})
