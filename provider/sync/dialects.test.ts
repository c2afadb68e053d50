/**
 * The dialect presets: lookup and overrides, and the signature behaviour of `apacheds` and
 * `strict-rfc` at the message level (`389ds` has its own file, `openldap` engine.test.ts and the
 * slapd trace replay).
 */
import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { OPENLDAP_2_5 } from './dialect.js'
import type { DialectKnobs } from './dialect.js'
import { SyncEngine } from './engine.js'
import { SyncEngineError } from './errors.js'
import { DIALECTS, dialectByName } from './presets.js'
import { SUFFIX, bytes, cookieOf, directory, drain, kinds, last, person, rename, request, run, setCn, text } from './dialects.test-support.js'
import type { SyncEntryMessage, SyncMessage } from './types.js'

describe('dialect presets', () => {
  it('are frozen and keyed by name; the default engine is exactly slapd 2.5', () => {
    expect(Object.keys(DIALECTS)).toEqual(['openldap', '389ds', 'apacheds', 'strict-rfc'])
    for (const [name, knobs] of Object.entries(DIALECTS)) {
      expect(knobs.name).toBe(name)
      expect(Object.isFrozen(knobs)).toBe(true)
      expect(Object.keys(knobs).sort()).toEqual(Object.keys(OPENLDAP_2_5).sort())
    }
    expect(new SyncEngine(directory(0)).knobs).toEqual(OPENLDAP_2_5)
    expect(dialectByName('389ds')).toBe(DIALECTS['389ds'])
  })

  it('refuse an unknown name with a coded error that lists the valid ones', () => {
    expect(() => dialectByName('slapd')).toThrow(SyncEngineError)
    expect(() => dialectByName('toString')).toThrow(/no sync dialect preset named "toString"; use one of "openldap", "389ds", "apacheds", "strict-rfc"/)
    try {
      new SyncEngine(directory(0), { preset: 'ad' as 'openldap' })
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({ code: 'SYNC_UNKNOWN_DIALECT' })
    }
  })

  it('take individual knobs on top of a preset, and check them', () => {
    const e = new SyncEngine(directory(0), { preset: 'apacheds', dialect: { refreshDeleteAttributes: 'none' } })
    expect(e.knobs).toEqual({ ...DIALECTS.apacheds, refreshDeleteAttributes: 'none' })
    expect(() => new SyncEngine(directory(0), { dialect: { presentBatchSize: 0 } })).toThrow(expect.objectContaining({ code: 'SYNC_BAD_DIALECT' }))
    expect(() => new SyncEngine(directory(0), { preset: '389ds', dialect: { serverSignature: 'a#b' } })).toThrow(/must not contain "#"/)
  })
})

const apacheds = (d = directory(), dialect: Partial<DialectKnobs> = {}) => new SyncEngine(d, { preset: 'apacheds', dialect })
const entry = (m: SyncMessage | undefined) => m as SyncEntryMessage

describe('apacheds preset', () => {
  it('initial content: adds only, Done{cookie rid=N,csn} without refreshDeletes, each initial refresh a new replica id', () => {
    const d = directory(2)
    const e = apacheds(d)
    const first = drain(e.start(request('refreshOnly')).refresh())
    expect(kinds(first)).toEqual([`add ${SUFFIX}`, `add ou=people,${SUFFIX}`, `add ou=other,${SUFFIX}`, `add ${person(1)}`, `add ${person(2)}`, 'done 0'])
    expect(last(first)).toMatchObject({ syncDone: { refreshDeletes: false } })
    expect(text(cookieOf(first))).toBe(`rid=1,csn=${d.contextCsnVector()[0]}`)
    expect(text(cookieOf(drain(e.start(request('refreshOnly')).refresh())))).toMatch(/^rid=2,csn=/)
  })

  it('refreshAndPersist: the refresh ends with a newcookie, never a refreshDelete / refreshPresent', () => {
    const e = apacheds(directory(1))
    const initial = run(e.start(request('refreshAndPersist')))
    expect(kinds(initial).slice(-2)).toEqual([`add ${person(1)}`, 'newcookie'])
    const resumed = drain(e.start(request('refreshAndPersist', { cookie: cookieOf(initial) })).refresh())
    expect(kinds(resumed)).toEqual(['newcookie'])
  })

  it('a resumed session replays the journal: modify → add (full entry), ModifyDN → modify, delete → entryUUID only', () => {
    const d = directory(3)
    const e = apacheds(d)
    const cookie = cookieOf(drain(e.start(request('refreshOnly')).refresh()))
    const deleted = d.getByDn(person(3))?.uuid
    d.apply(setCn(1, 'one'))
    d.apply(setCn(1, 'two'))
    d.apply(rename(2, 'uid=p2b'))
    d.apply({ kind: 'delete', dn: person(3) })
    const ms = drain(e.start(request('refreshOnly', { cookie })).refresh())
    expect(kinds(ms)).toEqual([`add ${person(1)}`, `add ${person(1)}`, `modify uid=p2b,ou=people,${SUFFIX}`, `delete ${person(3)}`, 'done 0'])
    expect(entry(ms[0]).attributes.map((a) => a.type)).toContain('cn')
    expect(entry(ms[3]).attributes).toEqual([{ type: 'entryUUID', vals: [deleted] }])
    expect(last(ms)).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie: bytes(`rid=1,csn=${d.contextCsnVector()[0]}`), refreshDeletes: false } })
  })

  it('an invalid cookie, or one naming a replica it never served, gets 4096 without a Sync Done control', () => {
    const d = directory(1)
    const e = apacheds(d)
    const cookie = cookieOf(drain(e.start(request('refreshOnly')).refresh()))
    for (const bad of ['garbage', 'rid=1', text(cookie).replace('rid=1', 'rid=9')]) {
      expect(drain(e.start(request('refreshOnly', { cookie: bytes(bad) })).refresh()), bad).toEqual([{ kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage: '' }])
    }
  })

  it('persist: deletes carry the whole entry, writes outside the content send nothing, every entry its CSN cookie', () => {
    const d = directory(2)
    const op = apacheds(d).start(request('refreshAndPersist', { filter: '(employeeType=staff)' }))
    const ms = run(op)
    d.apply(setCn(2, 'outside'))
    d.apply({ kind: 'delete', dn: person(1) })
    op.stop()
    expect(kinds(ms).slice(-2)).toEqual(['newcookie', `delete ${person(1)}`])
    expect(entry(last(ms)).attributes.map((a) => a.type)).toContain('cn')
    expect(text(entry(last(ms)).cookie)).toBe(`rid=1,csn=${d.contextCsnVector()[0]}`)
  })
})

const strict = (d = directory(), dialect: Partial<DialectKnobs> = {}) => new SyncEngine(d, { preset: 'strict-rfc', dialect })

describe('strict-rfc preset', () => {
  it('initial content ends with refreshDeletes FALSE (§3.3.1) or refreshPresent{refreshDone TRUE} (§3.4)', () => {
    expect(last(drain(strict(directory(1)).start(request('refreshOnly')).refresh()))).toMatchObject({ syncDone: { refreshDeletes: false } })
    expect(last(drain(strict(directory(1)).start(request('refreshAndPersist')).refresh()))).toMatchObject({ info: { kind: 'refreshPresent', refreshDone: true } })
  })

  it('nothing changed: an empty delete phase with the cookie (§3.9)', () => {
    const e = strict(directory(1))
    const cookie = cookieOf(drain(e.start(request('refreshOnly')).refresh()))
    expect(drain(e.start(request('refreshOnly', { cookie })).refresh())).toEqual([{ kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie, refreshDeletes: true } }])
    expect(drain(e.start(request('refreshAndPersist', { cookie })).refresh())).toEqual([{ kind: 'info', info: { kind: 'refreshDelete', cookie, refreshDone: true } }])
  })

  it('history covering the cookie: a delete phase of attribute-less delete entries, while deletes do not outnumber unchanged entries (§3.9)', () => {
    const d = directory(5, 20)
    const e = strict(d)
    const cookie = cookieOf(drain(e.start(request('refreshOnly')).refresh()))
    d.apply({ kind: 'delete', dn: person(5) })
    d.apply(setCn(1, 'changed'))
    const deletes = drain(e.start(request('refreshOnly', { cookie })).refresh())
    expect(kinds(deletes)).toEqual(['delete ', `add ${person(1)}`, 'done 0'])
    expect(entry(deletes[0]).attributes).toEqual([])
    expect(last(deletes)).toMatchObject({ syncDone: { refreshDeletes: true } })
    for (let i = 2; i <= 4; i++) d.apply({ kind: 'delete', dn: person(i) }) // 4 deletes, 3 unchanged entries
    const present = drain(e.start(request('refreshOnly', { cookie })).refresh())
    expect(kinds(present)).toEqual([`present ${SUFFIX}`, `present ou=people,${SUFFIX}`, `present ou=other,${SUFFIX}`, `present ${person(1)}`, `add ${person(1)}`, 'done 0'])
    expect(last(present)).toMatchObject({ syncDone: { refreshDeletes: false } })
  })

  it('history starting after the cookie: present phase, refreshPresent{refreshDone FALSE}, delete phase, refreshDeletes TRUE (§3.3.2)', () => {
    const d = directory(3, 20)
    const e = strict(d)
    const cookie = cookieOf(drain(e.start(request('refreshOnly')).refresh()))
    d.sessionLog.clear() // a restart: the log now starts after the cookie
    d.apply({ kind: 'delete', dn: person(3) })
    const ms = drain(e.start(request('refreshOnly', { cookie })).refresh())
    expect(kinds(ms)).toEqual([`present ${SUFFIX}`, `present ou=people,${SUFFIX}`, `present ou=other,${SUFFIX}`, `present ${person(1)}`, `present ${person(2)}`, 'refreshPresent', 'delete ', 'done 0'])
    expect(ms[5]).toEqual({ kind: 'info', info: { kind: 'refreshPresent', refreshDone: false } })
    expect(last(ms)).toMatchObject({ syncDone: { refreshDeletes: true } })
    const persist = drain(e.start(request('refreshAndPersist', { cookie })).refresh())
    expect(last(persist)).toMatchObject({ info: { kind: 'refreshDelete', refreshDone: true } })
  })

  it('a future cookie means initial content (§3.2), a stale one 4096 unless the client set reloadHint (§2.2)', () => {
    const d = directory(1)
    const future = bytes('rid=000,csn=29991231235959.999999Z#000000#000#000000')
    expect(kinds(drain(strict(d).start(request('refreshOnly', { cookie: future })).refresh())).at(-1)).toBe('done 0')
    const stale = bytes('rid=000,csn=20000101000000.000000Z#000000#000#000000')
    expect(last(drain(strict(d).start(request('refreshOnly', { cookie: stale })).refresh()))).toMatchObject({ resultCode: ResultCode.eSyncRefreshRequired })
    expect(last(drain(strict(d).start(request('refreshOnly', { cookie: stale, reloadHint: true })).refresh()))).toMatchObject({ resultCode: 0, syncDone: { refreshDeletes: false } })
  })

  it('persist: a newcookie for every write outside the content, deletes included (§3.4.2)', () => {
    const d = directory(2)
    const op = strict(d).start(request('refreshAndPersist', { filter: '(employeeType=staff)' }))
    const ms = run(op)
    d.apply(setCn(2, 'outside'))
    d.apply({ kind: 'delete', dn: person(2) })
    op.stop()
    expect(kinds(ms).slice(-2)).toEqual(['newcookie', 'newcookie'])
  })
})
