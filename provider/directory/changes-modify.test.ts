import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { SUFFIX, expectDirectoryError, smallDirectory } from './directory.test-support.js'

const ANN = `uid=ann,ou=people,${SUFFIX}`

describe('modify (RFC 4511 §4.6)', () => {
  it('applies add, delete, replace and increment in order and emits before/after snapshots', () => {
    const { directory, clock, events } = smallDirectory()
    const before = directory.getByDn(ANN)!
    const oldCsn = before.entryCsn
    clock.ms += 61_000
    const event = directory.apply({
      kind: 'modify', dn: ANN,
      modifications: [
        { operation: 'add', type: 'mail', values: ['lee@example.com'] },
        { operation: 'delete', type: 'mail', values: ['ANN@example.com'] },
        { operation: 'replace', type: 'sn', values: ['Leigh'] },
        { operation: 'increment', type: 'uidNumber', values: ['5'] },
        { operation: 'add', type: 'description', values: ['new'] },
      ],
    }, { by: 'cn=editor' })
    expect(event.kind).toBe('modify')
    expect(events).toEqual([event])
    expect(event.before?.get('sn')).toEqual(['Lee'])
    expect(event.before?.get('mail')).toEqual(['ann@example.com'])
    expect(event.before?.entryCsn).toBe(oldCsn)
    expect(event.after?.get('sn')).toEqual(['Leigh'])
    expect(event.after?.get('mail')).toEqual(['lee@example.com'])
    expect(event.after?.get('uidNumber')).toEqual(['1005'])
    expect(event.after?.entryCsn).toBe(event.csn)
    const entry = directory.getByDn(ANN)!
    expect(entry).toBe(before) // the live entry is changed in place; the snapshot kept the old state
    // Replace removes and re-adds the attribute, so it moves to the end, as in slapd (attr_delete + attr_merge).
    expect(entry.attributes.map((a) => a.type)).toEqual(['objectClass', 'uid', 'cn', 'mail', 'uidNumber', 'sn', 'description'])
    expect(entry.modifiersName).toBe('cn=editor')
    expect(entry.creatorsName).toBe(directory.rootDn)
    expect(entry.createTimestamp).toBe('20240115093012Z')
    expect(entry.modifyTimestamp).toBe('20240115093113Z')
  })

  it('deletes a whole attribute, and replace with no values removes one that may not exist', () => {
    const { directory } = smallDirectory()
    directory.apply({ kind: 'modify', dn: ANN, modifications: [
      { operation: 'delete', type: 'mail' },
      { operation: 'replace', type: 'title' },
      { operation: 'replace', type: 'uidNumber', values: [] },
    ] })
    const entry = directory.getByDn(ANN)!
    expect(entry.get('mail')).toBeUndefined()
    expect(entry.get('uidNumber')).toBeUndefined()
  })

  it('accepts an empty modification list as a write that only stamps a new CSN (slapd does too)', () => {
    const { directory } = smallDirectory()
    const old = directory.getByDn(ANN)!.entryCsn
    const event = directory.apply({ kind: 'modify', dn: ANN, modifications: [] })
    expect(event.csn > old).toBe(true)
  })

  it.each([
    ['a missing value', { operation: 'delete', type: 'mail', values: ['x@y'] }, 'DIRECTORY_NO_SUCH_ATTRIBUTE', ResultCode.noSuchAttribute],
    ['a missing attribute', { operation: 'delete', type: 'title' }, 'DIRECTORY_NO_SUCH_ATTRIBUTE', ResultCode.noSuchAttribute],
    ['an existing value (caseIgnore)', { operation: 'add', type: 'mail', values: ['ANN@EXAMPLE.COM'] }, 'DIRECTORY_VALUE_EXISTS', ResultCode.attributeOrValueExists],
    ['an add without values', { operation: 'add', type: 'mail', values: [] }, 'DIRECTORY_MISSING_VALUES', ResultCode.protocolError],
    ['increment of a missing attribute', { operation: 'increment', type: 'gidNumber', values: ['1'] }, 'DIRECTORY_NO_SUCH_ATTRIBUTE', ResultCode.noSuchAttribute],
    ['increment of a non-INTEGER attribute', { operation: 'increment', type: 'cn', values: ['1'] }, 'DIRECTORY_INCREMENT_NOT_SUPPORTED', ResultCode.constraintViolation],
    ['increment by a non-integer', { operation: 'increment', type: 'uidNumber', values: ['one'] }, 'DIRECTORY_INVALID_VALUE', ResultCode.invalidAttributeSyntax],
    ['increment with two values', { operation: 'increment', type: 'uidNumber', values: ['1', '2'] }, 'DIRECTORY_MISSING_VALUES', ResultCode.protocolError],
    ['an operational attribute', { operation: 'replace', type: 'entryUUID', values: ['x'] }, 'DIRECTORY_NO_USER_MODIFICATION', ResultCode.constraintViolation],
    ['removing objectClass', { operation: 'delete', type: 'objectClass' }, 'DIRECTORY_OBJECT_CLASS_VIOLATION', ResultCode.objectClassViolation],
    ['removing the RDN value', { operation: 'delete', type: 'uid', values: ['ann'] }, 'DIRECTORY_NAMING_VIOLATION', ResultCode.namingViolation],
    ['replacing the RDN value', { operation: 'replace', type: 'UID', values: ['anne'] }, 'DIRECTORY_NAMING_VIOLATION', ResultCode.namingViolation],
  ] as const)('refuses %s, all or nothing', (_name, modification, code, resultCode) => {
    const { directory, events } = smallDirectory()
    const entry = directory.getByDn(ANN)!
    const before = { attributes: entry.attributes, csn: entry.entryCsn, context: directory.contextCsn.get(0) }
    const e = expectDirectoryError(() => directory.apply({
      kind: 'modify', dn: ANN,
      modifications: [{ operation: 'replace', type: 'sn', values: ['Changed'] }, modification],
    }), code)
    expect(e.resultCode).toBe(resultCode)
    expect(entry.attributes).toEqual(before.attributes)
    expect(entry.entryCsn).toBe(before.csn)
    expect(directory.contextCsn.get(0)).toBe(before.context)
    expect(directory.sessionLog.length).toBe(0)
    expect(events).toEqual([])
  })

  it('refuses a missing entry with noSuchObject and matchedDN', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.apply({ kind: 'modify', dn: `uid=zed,ou=people,${SUFFIX}`, modifications: [] }), 'DIRECTORY_NO_SUCH_OBJECT')
    expect(e.resultCode).toBe(ResultCode.noSuchObject)
    expect(e.matchedDN).toBe(`ou=people,${SUFFIX}`)
  })

  it('keeps a RDN value that changed only in case (equal under caseIgnore)', () => {
    const { directory } = smallDirectory()
    directory.apply({ kind: 'modify', dn: ANN, modifications: [{ operation: 'replace', type: 'uid', values: ['ANN'] }] })
    expect(directory.getByDn(ANN)!.get('uid')).toEqual(['ANN'])
  })
})
