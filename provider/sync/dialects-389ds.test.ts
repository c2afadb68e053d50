/**
 * The `389ds` preset at the message level, beyond what the recorded sessions show (those are in
 * test/provider/engine-vs-389ds-traces.test.ts): cookie binding, NUL handling by liblber's rule,
 * the overflow knob, ModifyDN across the scope, trimming, compat mode, limits.
 */
import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { SyncEngine } from './engine.js'
import { compatCsnOf } from './changelog-cookie.js'
import { SUFFIX, bytes, cookieOf, directory, drain, kinds, last, person, rename, request, run, setCn, text } from './dialects.test-support.js'
import type { DialectKnobs } from './dialect.js'
import type { SyncMessage } from './types.js'

const engine = (d = directory(), dialect: Partial<DialectKnobs> = {}) => new SyncEngine(d, { preset: '389ds', dialect })
const ADMIN = 'cn=Directory Manager'
const INVALID: SyncMessage = { kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage: 'Invalid session cookie' }

describe('389ds preset: cookies', () => {
  it('writes host:port#binddn:base:filter#changenumber, bind DN lower-cased, on every terminator, also when nothing changed', () => {
    const d = directory(2)
    const e = engine(d)
    const a = drain(e.start(request('refreshOnly', { bindDn: ADMIN, filter: '(employeeType=staff)' })).refresh())
    expect(kinds(a)).toEqual([`add ${person(1)}`, 'done 0'])
    expect(last(a)).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie: bytes(`localhost:389#cn=directory manager:${SUFFIX}:(employeeType=staff)#${d.lastChangeNumber}`), refreshDeletes: false } })
    const b = drain(e.start(request('refreshOnly', { bindDn: ADMIN, filter: '(employeeType=staff)', cookie: cookieOf(a) })).refresh())
    expect(b).toEqual([last(a)])
    const persist = drain(e.start(request('refreshAndPersist', { bindDn: ADMIN, filter: '(employeeType=staff)', cookie: cookieOf(a) })).refresh())
    expect(persist).toEqual([{ kind: 'info', info: { kind: 'refreshDelete', cookie: cookieOf(a), refreshDone: true } }])
  })

  it('binds the cookie to the bind DN (compared normalised), the base, the filter and the server: any other → 4096', () => {
    const d = directory(2)
    const e = engine(d)
    const cookie = cookieOf(drain(e.start(request('refreshOnly', { bindDn: ADMIN })).refresh()))
    expect(kinds(drain(e.start(request('refreshOnly', { bindDn: 'CN=directory  manager', cookie })).refresh()))).toEqual(['done 0'])
    expect(drain(e.start(request('refreshOnly', { bindDn: 'cn=someone', cookie })).refresh())).toEqual([INVALID])
    expect(drain(e.start(request('refreshOnly', { cookie })).refresh())).toEqual([INVALID]) // anonymous
    expect(drain(e.start(request('refreshOnly', { bindDn: ADMIN, base: `ou=people,${SUFFIX}`, cookie })).refresh())).toEqual([INVALID])
    expect(drain(e.start(request('refreshOnly', { bindDn: ADMIN, filter: '(cn=*)', cookie })).refresh())).toEqual([INVALID])
    expect(drain(engine(d, { serverSignature: 'ldap2:389' }).start(request('refreshOnly', { bindDn: ADMIN, cookie })).refresh())).toEqual([INVALID])
  })

  it('never answers a cookie with a NUL before its last octet; a trailing NUL only ends the string', () => {
    const d = directory(2)
    const e = engine(d)
    const cookie = cookieOf(drain(e.start(request('refreshOnly', { bindDn: ADMIN })).refresh()))
    const silent = e.start(request('refreshOnly', { bindDn: ADMIN, cookie: Buffer.concat([cookie.subarray(0, 5), Buffer.of(0), cookie.subarray(5)]) }))
    expect(drain(silent.refresh())).toEqual([])
    expect([silent.unanswered, silent.persisting]).toEqual([true, true])
    const sent: SyncMessage[] = []
    silent.onPersist((m) => sent.push(m))
    d.apply(setCn(1, 'changed'))
    expect(sent).toEqual([])
    silent.stop()
    expect(silent.persisting).toBe(false)
    const trailing = drain(e.start(request('refreshOnly', { bindDn: ADMIN, cookie: Buffer.concat([cookie, Buffer.of(0)]) })).refresh())
    expect(kinds(trailing)).toEqual([`add ${person(1)}`, 'done 0']) // the cookie was understood: an incremental refresh
  })

  it('reads the change number as strtoul does: blanks and a sign are fine, a minus makes it "future"', () => {
    const d = directory(1)
    const prefix = `localhost:389#cn=directory manager:${SUFFIX}:(objectClass=*)#`
    const e = engine(d)
    expect(kinds(drain(e.start(request('refreshOnly', { bindDn: ADMIN, cookie: bytes(`${prefix} +1`) })).refresh())).at(-1)).toBe('done 0')
    expect(drain(e.start(request('refreshOnly', { bindDn: ADMIN, cookie: bytes(`${prefix}-1`) })).refresh())).toEqual([INVALID])
    expect(drain(e.start(request('refreshOnly', { bindDn: ADMIN, cookie: bytes(`${prefix}1x`) })).refresh())).toEqual([INVALID])
  })
})

describe('389ds preset: incremental refreshes from the retro changelog', () => {
  it('sends deletes in syncIdSets of 50 with the cookie; the knob off keeps the 51st', () => {
    for (const [drops, sizes] of [[true, [50]], [false, [50, 1]]] as const) {
      const d = directory(51)
      const e = engine(d, { deleteBatchDropsOverflow: drops })
      const cookie = cookieOf(drain(e.start(request('refreshOnly', { bindDn: ADMIN })).refresh()))
      for (let i = 1; i <= 51; i++) d.apply({ kind: 'delete', dn: person(i) })
      const ms = drain(e.start(request('refreshOnly', { bindDn: ADMIN, cookie })).refresh())
      const sets = ms.flatMap((m) => (m.kind === 'info' && m.info.kind === 'syncIdSet' ? [m.info] : []))
      expect(sets.map((s) => s.syncUUIDs.length)).toEqual(sizes)
      expect(sets.every((s) => s.refreshDeletes && text(s.cookie) === text(cookieOf(ms)))).toBe(true)
    }
  })

  it('folds the changes per entry: add + delete vanish, modify + delete is a delete, later modifies add nothing', () => {
    const d = directory(3)
    const e = engine(d)
    const cookie = cookieOf(drain(e.start(request('refreshOnly', { bindDn: ADMIN })).refresh()))
    const p1 = d.getByDn(person(1))?.uuidBytes
    d.apply({ kind: 'add', dn: person(9), attributes: { objectClass: 'inetOrgPerson', uid: 'p9', cn: 'P 9', sn: 'P' } })
    d.apply(setCn(2, 'x'))
    d.apply(setCn(1, 'y'))
    d.apply(setCn(2, 'z'))
    d.apply({ kind: 'delete', dn: person(9) })
    d.apply({ kind: 'delete', dn: person(1) })
    const ms = drain(e.start(request('refreshOnly', { bindDn: ADMIN, cookie })).refresh())
    expect(kinds(ms)).toEqual(['syncIdSet', `add ${person(2)}`, 'done 0'])
    expect(ms[0]).toMatchObject({ info: { syncUUIDs: [p1] } })
  })

  it('judges a ModifyDN by scope: moved out → a delete UUID, moved in → add; an entry that left the filter is not reported', () => {
    const d = directory(3)
    const e = engine(d)
    const base = `ou=people,${SUFFIX}`
    const p8 = { kind: 'add', dn: `uid=p8,ou=other,${SUFFIX}`, attributes: { objectClass: 'inetOrgPerson', uid: 'p8', cn: 'P 8', sn: 'P' } } as const
    const moveIn = { kind: 'modDN', dn: `uid=p8,ou=other,${SUFFIX}`, newRdn: 'uid=p8', deleteOldRdn: true, newSuperior: base } as const
    d.apply(p8)
    const cookie = cookieOf(drain(e.start(request('refreshOnly', { bindDn: ADMIN, base })).refresh()))
    const movedOut = d.getByDn(person(1))?.uuidBytes
    d.apply(rename(1, 'uid=p1', `ou=other,${SUFFIX}`))
    d.apply(moveIn)
    const ms = drain(e.start(request('refreshOnly', { bindDn: ADMIN, base, cookie })).refresh())
    expect(kinds(ms)).toEqual(['syncIdSet', `add uid=p8,${base}`, 'done 0'])
    expect(ms[0]).toMatchObject({ info: { syncUUIDs: [movedOut] } })
    const filtered = cookieOf(drain(e.start(request('refreshOnly', { bindDn: ADMIN, filter: '(employeeType=staff)' })).refresh()))
    d.apply({ kind: 'modify', dn: person(3), modifications: [{ operation: 'replace', type: 'employeeType', values: ['contractor'] }] })
    expect(kinds(drain(e.start(request('refreshOnly', { bindDn: ADMIN, filter: '(employeeType=staff)', cookie: filtered })).refresh()))).toEqual(['done 0'])
  })

  it('sends an entry added outside the scope and then moved in twice, as sync_read_entry_from_changelog opens two add slots', () => {
    const d = directory(1)
    const e = engine(d)
    const base = `ou=people,${SUFFIX}`
    const cookie = cookieOf(drain(e.start(request('refreshOnly', { bindDn: ADMIN, base })).refresh()))
    d.apply({ kind: 'add', dn: `uid=p8,ou=other,${SUFFIX}`, attributes: { objectClass: 'inetOrgPerson', uid: 'p8', cn: 'P 8', sn: 'P' } })
    d.apply({ kind: 'modDN', dn: `uid=p8,ou=other,${SUFFIX}`, newRdn: 'uid=p8', deleteOldRdn: true, newSuperior: base })
    expect(kinds(drain(e.start(request('refreshOnly', { bindDn: ADMIN, base, cookie })).refresh()))).toEqual([`add uid=p8,${base}`, `add uid=p8,${base}`, 'done 0'])
  })

  it('does not notice a trimmed changelog: the cookie is still valid, trimmed deletes are lost', () => {
    const d = directory(3)
    const e = engine(d)
    const cookie = cookieOf(drain(e.start(request('refreshOnly', { bindDn: ADMIN })).refresh()))
    d.apply({ kind: 'delete', dn: person(3) })
    d.apply(setCn(2, 'after'))
    d.retroChangelog.trim(d.lastChangeNumber - 1)
    expect(kinds(drain(e.start(request('refreshOnly', { bindDn: ADMIN, cookie })).refresh()))).toEqual([`add ${person(2)}`, 'done 0'])
  })
})

describe('389ds preset: persist, compat, limits', () => {
  it('persist: each message carries its own change number; a write outside the content sends nothing', () => {
    const d = directory(2)
    const op = engine(d).start(request('refreshAndPersist', { bindDn: ADMIN, filter: '(employeeType=staff)' }))
    const ms = run(op)
    d.apply(setCn(2, 'outside'))
    d.apply(setCn(1, 'inside'))
    d.apply(rename(1, 'uid=p1b'))
    op.stop()
    expect(kinds(ms)).toEqual([`add ${person(1)}`, 'refreshDelete', `modify ${person(1)}`, `modify uid=p1b,ou=people,${SUFFIX}`])
    const numbers = ms.flatMap((m) => (m.kind === 'entry' && m.cookie ? [Number(/#(\d+)$/.exec(text(m.cookie))?.[1])] : []))
    expect(numbers).toEqual([d.lastChangeNumber - 1, d.lastChangeNumber])
  })

  it('compat off: a rid= cookie gets 4096; on: rid alone is initial content with refreshDeletes TRUE, refreshAndPersist 53', () => {
    const d = directory(1)
    expect(drain(engine(d).start(request('refreshOnly', { bindDn: ADMIN, cookie: bytes('rid=001') })).refresh())).toEqual([INVALID])
    const compat = engine(d, { openldapCompat: true })
    const initial = drain(compat.start(request('refreshOnly', { bindDn: ADMIN, cookie: bytes('rid=007') })).refresh())
    expect(last(initial)).toMatchObject({ syncDone: { cookie: bytes(`rid=007,csn=${compatCsnOf(d.lastChangeNumber)}`), refreshDeletes: true } })
    expect(drain(compat.start(request('refreshAndPersist', { bindDn: ADMIN, cookie: bytes('rid=007') })).refresh())).toEqual([
      { kind: 'done', resultCode: ResultCode.unwillingToPerform, diagnosticMessage: 'Invalid session state, openldap compat not supported with persistence' },
    ])
    expect(kinds(drain(compat.start(request('refreshAndPersist', { bindDn: ADMIN })).refresh())).at(-1)).toBe('refreshDelete')
    expect(compatCsnOf(1334)).toBe('21000101012315.000000Z#000000#000#000000') // compat/k1
  })

  it('initial content honours sizeLimit and a missing base; no entry is withheld from a refreshOnly', () => {
    const d = directory(3)
    expect(last(drain(engine(d).start(request('refreshOnly', { bindDn: ADMIN, sizeLimit: 2 })).refresh()))).toMatchObject({ resultCode: ResultCode.sizeLimitExceeded })
    expect(drain(engine(d).start(request('refreshOnly', { bindDn: ADMIN, base: `ou=none,${SUFFIX}` })).refresh())).toMatchObject([{ resultCode: ResultCode.noSuchObject, matchedDN: SUFFIX }])
    const it = engine(d).start(request('refreshOnly', { bindDn: ADMIN })).refresh()
    it.next()
    d.apply(setCn(3, 'late'))
    const rest = drain(it)
    expect(kinds(rest)).toContain(`add ${person(3)}`)
  })
})
