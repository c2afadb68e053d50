import { describe, expect, it, vi } from 'vitest'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { compareCsn } from '../../protocol/sync/csn.js'
import { SUFFIX, dnsOf, expectDirectoryError, smallDirectory } from './directory.test-support.js'
import { Directory } from './directory.js'
import type { ChangeEvent } from './types.js'

const PEOPLE = `ou=people,${SUFFIX}`
const ANN = `uid=ann,${PEOPLE}`
const BOB = `uid=bob,${PEOPLE}`
const device = (cn: string) => ({ kind: 'add' as const, dn: `cn=${cn},${SUFFIX}`, attributes: { objectClass: 'device', cn } })

describe('CSNs and the contextCSN', () => {
  it('stamps strictly increasing CSNs with a frozen clock, loading included, and the contextCSN follows', () => {
    const { directory } = smallDirectory()
    const loaded = [...directory.entries()].map((e) => e.entryCsn)
    expect(new Set(loaded).size).toBe(loaded.length)
    for (let i = 1; i < loaded.length; i++) expect(compareCsn(loaded[i - 1]!, loaded[i]!)).toBe(-1)
    expect(directory.contextCsn.get(0)).toBe(loaded[loaded.length - 1])
    const csns = [device('a'), device('b'), device('c')].map((c) => directory.apply(c).csn)
    expect(compareCsn(loaded[loaded.length - 1]!, csns[0]!)).toBe(-1)
    expect(csns[0]! < csns[1]! && csns[1]! < csns[2]!).toBe(true)
    expect([...directory.contextCsn]).toEqual([[0, csns[2]]])
    expect(directory.contextCsnVector()).toEqual([csns[2]])
  })

  it('keeps CSNs increasing when the clock goes backwards', () => {
    const { directory, clock } = smallDirectory()
    const a = directory.apply(device('a')).csn
    clock.ms -= 3_600_000
    const b = directory.apply(device('b')).csn
    expect(compareCsn(a, b)).toBe(-1)
    expect(directory.contextCsn.get(0)).toBe(b)
  })

  it('writes the configured serverID, and a change from another serverID adds to the vector', () => {
    const { directory } = smallDirectory({ sid: 2 })
    expect(directory.apply(device('a')).csn).toMatch(/#002#000000$/)
    const peer = directory.apply(device('b'), { sid: 7 })
    expect(peer.sid).toBe(7)
    expect(peer.csn).toMatch(/#007#000000$/)
    expect([...directory.contextCsn.keys()].sort()).toEqual([2, 7])
    expect(directory.contextCsnVector().map((c) => c.slice(30, 33))).toEqual(['002', '007'])
    expect(() => directory.apply(device('c'), { sid: 5000 })).toThrow(/0\.\.4095/)
  })

  it('shows the contextCSN on the suffix entry only', () => {
    const { directory } = smallDirectory()
    const suffix = directory.getByDn(SUFFIX)!
    expect(directory.project(suffix, ['contextCSN'])).toEqual([{ type: 'contextCSN', vals: directory.contextCsnVector() }])
    expect(directory.project(directory.getByDn(ANN)!, ['contextCSN'])).toEqual([])
    expect(directory.matches(suffix, parseFilter(`(contextCSN=${directory.contextCsnVector()[0]})`))).toBe(true)
  })
})

describe('session log through apply', () => {
  it('records every change kind in commit order, loading excluded', () => {
    const { directory } = smallDirectory({ sessionLogSize: 3 })
    expect(directory.sessionLog.length).toBe(0)
    const a = directory.apply(device('a'))
    const m = directory.apply({ kind: 'modify', dn: ANN, modifications: [{ operation: 'add', type: 'title', values: ['x'] }] })
    const r = directory.apply({ kind: 'modDN', dn: BOB, newRdn: 'uid=robert', deleteOldRdn: false })
    const d = directory.apply({ kind: 'delete', dn: `cn=a,${SUFFIX}` })
    expect(directory.sessionLog.records().map((x) => [x.kind, x.csn, x.uuid])).toEqual([
      ['modify', m.csn, m.uuid],
      ['modDN', r.csn, r.uuid],
      ['delete', d.csn, a.uuid],
    ])
    expect(directory.sessionLog.coverageCsn(0)).toBe(a.csn)
    expect(directory.sessionLog.since(m.csn).map((x) => x.kind)).toEqual(['modDN', 'delete'])
    expect([...directory.sessionLog.records()[2]!.uuidBytes]).toEqual([...a.uuidBytes])
  })
})

describe('listeners', () => {
  it('get frozen events whose snapshots do not change with later changes', () => {
    const { directory, events } = smallDirectory()
    directory.apply({ kind: 'modify', dn: ANN, modifications: [{ operation: 'replace', type: 'cn', values: ['Ann One'] }] })
    directory.apply({ kind: 'modify', dn: ANN, modifications: [{ operation: 'replace', type: 'cn', values: ['Ann Two'] }] })
    directory.apply({ kind: 'modDN', dn: ANN, newRdn: 'uid=ann2', deleteOldRdn: true })
    const [first, second, third] = events as [ChangeEvent, ChangeEvent, ChangeEvent]
    expect(Object.isFrozen(first)).toBe(true)
    expect(Object.isFrozen(first.after)).toBe(true)
    expect(first.before?.get('cn')).toEqual(['Ann Lee'])
    expect(first.after?.get('cn')).toEqual(['Ann One'])
    expect(second.after?.get('cn')).toEqual(['Ann Two'])
    expect(first.after?.dnText).toBe(ANN)
    expect(third.after?.dnText).toBe(`uid=ann2,${PEOPLE}`)
    expect(first.after?.entryCsn).toBe(first.csn)
  })

  it('lets the sync engine evaluate scope and filter on before and after', () => {
    const { directory, events } = smallDirectory()
    const filter = parseFilter('(mail=*@example.com)')
    directory.apply({ kind: 'modify', dn: ANN, modifications: [{ operation: 'delete', type: 'mail' }] })
    const [event] = events as [ChangeEvent]
    expect(directory.matches(event.before!, filter)).toBe(true)
    expect(directory.matches(event.after!, filter)).toBe(false)
  })

  it('survive a throwing listener: the change stands, other listeners run, the error is reported', () => {
    const errors: [unknown, ChangeEvent][] = []
    const { directory } = smallDirectory({ onListenerError: (error, event) => errors.push([error, event]) })
    const seen: string[] = []
    directory.onChange(() => {
      throw new Error('listener broke')
    })
    directory.onChange((event) => seen.push(event.kind))
    const event = directory.apply(device('a'))
    expect(directory.getByDn(`cn=a,${SUFFIX}`)).toBeDefined()
    expect(seen).toEqual(['add'])
    expect(errors).toHaveLength(1)
    expect((errors[0]![0] as Error).message).toBe('listener broke')
    expect(errors[0]![1]).toBe(event)
    directory.apply(device('b'))
    expect(directory.size).toBe(8)
    expect(seen).toEqual(['add', 'add'])
  })

  it('report a throwing listener as a process warning when no handler is given', () => {
    const { directory } = smallDirectory()
    directory.onChange(() => {
      throw new Error('quietly broken')
    })
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined)
    try {
      directory.apply(device('w'))
      expect(warn).toHaveBeenCalledTimes(1)
      const warning = warn.mock.calls[0]![0] as Error
      expect(warning).toMatchObject({ name: 'DirectoryError', code: 'DIRECTORY_LISTENER_FAILED' })
      expect((warning.cause as Error).message).toBe('quietly broken')
    } finally {
      warn.mockRestore()
    }
    expect(directory.getByDn(`cn=w,${SUFFIX}`)).toBeDefined()
  })

  it('deliver a change made by a listener after the current one, to everyone, in commit order', () => {
    const { directory } = smallDirectory()
    const order: string[] = []
    directory.onChange((event) => {
      order.push(`A:${event.after?.dnText ?? event.kind}`)
      if (event.kind === 'add' && event.after?.get('cn')?.[0] === 'a') directory.apply(device('b'))
    })
    directory.onChange((event) => order.push(`B:${event.after?.dnText ?? event.kind}`))
    directory.apply(device('a'))
    expect(order).toEqual([`A:cn=a,${SUFFIX}`, `B:cn=a,${SUFFIX}`, `A:cn=b,${SUFFIX}`, `B:cn=b,${SUFFIX}`])
  })

  it('stop after unsubscribe', () => {
    const { directory } = smallDirectory()
    const seen: string[] = []
    const off = directory.onChange((e) => seen.push(e.uuid))
    directory.apply(device('a'))
    off()
    off()
    directory.apply(device('b'))
    expect(seen).toHaveLength(1)
  })
})

describe('search (RFC 4511 §4.5.1)', () => {
  it('honours scope base, one and sub, in insertion order', () => {
    const { directory } = smallDirectory()
    expect(dnsOf(directory.search({ base: PEOPLE, scope: 'base' }))).toEqual([PEOPLE])
    expect(dnsOf(directory.search({ base: PEOPLE, scope: 'one' }))).toEqual([ANN, BOB])
    expect(dnsOf(directory.search({ base: SUFFIX, scope: 'one' }))).toEqual([PEOPLE, `ou=groups,${SUFFIX}`])
    expect(dnsOf(directory.search({ base: PEOPLE, scope: 'sub' }))).toEqual([PEOPLE, ANN, BOB])
    expect(dnsOf(directory.search({ base: ANN, scope: 'one' }))).toEqual([])
    expect(dnsOf(directory.search({ base: SUFFIX, scope: 'sub', filter: parseFilter('(objectClass=inetOrgPerson)') }))).toEqual([ANN, BOB])
  })

  it('stops at the size limit and says so', () => {
    const { directory } = smallDirectory()
    const cursor = directory.search({ base: SUFFIX, scope: 'sub', sizeLimit: 2 })
    expect(dnsOf(cursor)).toEqual([SUFFIX, PEOPLE])
    expect(cursor.sizeLimitExceeded).toBe(true)
    const exact = directory.search({ base: PEOPLE, scope: 'one', sizeLimit: 2 })
    expect(dnsOf(exact)).toHaveLength(2)
    expect(exact.sizeLimitExceeded).toBe(false)
  })

  it('refuses a missing base with noSuchObject and matchedDN', () => {
    const { directory } = smallDirectory()
    const e = expectDirectoryError(() => directory.search({ base: `ou=x,${PEOPLE}`, scope: 'sub' }), 'DIRECTORY_NO_SUCH_OBJECT')
    expect(e.resultCode).toBe(ResultCode.noSuchObject)
    expect(e.matchedDN).toBe(PEOPLE)
    expect(expectDirectoryError(() => directory.search({ base: '', scope: 'base' }), 'DIRECTORY_OUTSIDE_SUFFIXES').matchedDN).toBe('')
  })

  it('survives changes during iteration: deleted entries are skipped, moved-out ones too, added ones appear', () => {
    const { directory } = smallDirectory()
    directory.apply({ kind: 'add', dn: `uid=cy,${PEOPLE}`, attributes: { objectClass: 'account', uid: 'cy' } })
    const seen: string[] = []
    for (const entry of directory.search({ base: SUFFIX, scope: 'sub' })) {
      seen.push(entry.dnText)
      if (entry.dnText === PEOPLE) {
        directory.apply({ kind: 'delete', dn: BOB })
        directory.apply({ kind: 'modDN', dn: `uid=cy,${PEOPLE}`, newRdn: 'uid=cy', deleteOldRdn: true, newSuperior: `ou=groups,${SUFFIX}` })
        directory.apply(device('late'))
      }
    }
    expect(seen).toEqual([SUFFIX, PEOPLE, `ou=groups,${SUFFIX}`, ANN, `cn=admins,ou=groups,${SUFFIX}`, `uid=cy,ou=groups,${SUFFIX}`, `cn=late,${SUFFIX}`])
  })

  it('skips entries deleted during a one-level search that reads the children list', () => {
    const { directory } = smallDirectory()
    for (let i = 0; i < 20; i++) directory.apply(device(`d${i}`)) // ou=people's children are now a small part of the directory
    const people: string[] = []
    for (const entry of directory.search({ base: PEOPLE, scope: 'one' })) {
      people.push(entry.dnText)
      if (entry.dnText === ANN) directory.apply({ kind: 'delete', dn: BOB })
    }
    expect(people).toEqual([ANN])
  })
})

describe('construction', () => {
  it('refuses no naming context and a bad serverID', () => {
    expect(() => new Directory({ suffixes: [] })).toThrow(/at least one naming context/)
    expect(() => new Directory({ suffixes: [''] })).toThrow(/root DSE/)
    expect(() => new Directory({ sid: 4096 })).toThrow(/0\.\.4095/)
    expect(new Directory().rootDn).toBe('cn=admin,dc=example,dc=com')
  })

  it('uses an injected UUID source', () => {
    let n = 0
    const directory = new Directory({ suffixes: ['o=x'], uuidSource: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` })
    expect(directory.apply({ kind: 'add', dn: 'o=x', attributes: { objectClass: 'organization' } }).uuid).toBe('00000000-0000-4000-8000-000000000001')
  })
})
