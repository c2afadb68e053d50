/**
 * Engine behaviours the recorded slapd sessions do not show (those are in
 * test/provider/engine-vs-slapd-traces.test.ts): limits, races, base changes, stop, MPR echo
 * suppression, and the dialect knobs for the other presets.
 */
import { describe, expect, it } from 'vitest'
import { parse as parseDn } from '../../protocol/dn/index.js'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { Directory } from '../directory/index.js'
import { SyncEngine } from './engine.js'
import type { DialectKnobs } from './dialect.js'
import type { SyncMessage, SyncSearchRequest } from './types.js'

const SUFFIX = 'dc=example,dc=com'
const person = (i: number) => `uid=p${i},ou=people,${SUFFIX}`

function directory(people = 5, sessionLogSize = 0): Directory {
  let t = Date.parse('2026-01-01T00:00:00Z')
  const d = new Directory({ suffixes: [SUFFIX], sessionLogSize, clock: () => new Date((t += 1)), uuidSeed: 1 })
  d.apply({ kind: 'add', dn: SUFFIX, attributes: { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' } })
  d.apply({ kind: 'add', dn: `ou=people,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'people' } })
  for (let i = 1; i <= people; i++) d.apply({ kind: 'add', dn: person(i), attributes: { objectClass: 'inetOrgPerson', uid: `p${i}`, cn: `P ${i}`, sn: 'P', employeeType: i % 2 ? 'staff' : 'contractor' } })
  return d
}

function request(mode: 'refreshOnly' | 'refreshAndPersist', options: Partial<Omit<SyncSearchRequest, 'filter'>> & { cookie?: Uint8Array; filter?: string } = {}): SyncSearchRequest {
  return {
    messageId: 7,
    base: options.base ?? parseDn(SUFFIX),
    scope: options.scope ?? 'sub',
    filter: parseFilter(options.filter ?? '(objectClass=*)'),
    attributes: options.attributes ?? [],
    sizeLimit: options.sizeLimit ?? 0,
    sync: { kind: 'syncRequest', mode, reloadHint: false, ...(options.cookie ? { cookie: options.cookie } : {}) },
  }
}

function drain(it: Iterator<SyncMessage>): SyncMessage[] {
  const out: SyncMessage[] = []
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value)
  return out
}

const last = (ms: SyncMessage[]) => ms[ms.length - 1] as SyncMessage
const kinds = (ms: SyncMessage[]) => ms.map((m) => (m.kind === 'entry' ? `${m.state} ${m.dn}` : m.kind === 'info' ? m.info.kind : `done ${m.resultCode}`))

function cookieOf(ms: SyncMessage[]): Uint8Array {
  const m = last(ms)
  const c = m.kind === 'done' ? m.syncDone?.cookie : m.kind === 'info' && 'cookie' in m.info ? m.info.cookie : undefined
  if (!c) throw new Error('no cookie')
  return c
}

describe('SyncEngine (OpenLDAP 2.5 defaults)', () => {
  it('ends a refresh that exceeds sizeLimit with sizeLimitExceeded and no Sync Done control', () => {
    const ms = drain(new SyncEngine(directory(5)).start(request('refreshOnly', { sizeLimit: 3 })).refresh())
    expect(ms.filter((m) => m.kind === 'entry')).toHaveLength(3)
    expect(last(ms)).toEqual({ kind: 'done', resultCode: ResultCode.sizeLimitExceeded, diagnosticMessage: '' })
  })

  it('answers a missing base with noSuchObject and the matched DN', () => {
    const ms = drain(new SyncEngine(directory(1)).start(request('refreshOnly', { base: parseDn(`ou=nowhere,${SUFFIX}`) })).refresh())
    expect(ms).toEqual([{ kind: 'done', resultCode: ResultCode.noSuchObject, diagnosticMessage: '', matchedDN: SUFFIX }])
  })

  it('withholds from a refreshOnly the entries written after it began (next poll gets them)', () => {
    const d = directory(5)
    const engine = new SyncEngine(d)
    const it = engine.start(request('refreshOnly')).refresh()
    const first = it.next().value as SyncMessage
    expect(first.kind).toBe('entry')
    d.apply({ kind: 'modify', dn: person(5), modifications: [{ operation: 'replace', type: 'cn', values: ['late'] }] })
    const rest = drain(it)
    expect(kinds(rest)).not.toContain(`add ${person(5)}`)
    const next = drain(engine.start(request('refreshOnly', { cookie: cookieOf(rest) })).refresh())
    expect(kinds(next)).toContain(`add ${person(5)}`)
  })

  it('queues persist changes that race with a refreshAndPersist refresh and replays them after it', () => {
    const d = directory(3)
    const op = new SyncEngine(d).start(request('refreshAndPersist'))
    const it = op.refresh()
    it.next()
    d.apply({ kind: 'modify', dn: person(1), modifications: [{ operation: 'replace', type: 'cn', values: ['raced'] }] })
    const refresh = drain(it)
    expect(last(refresh)).toMatchObject({ kind: 'info', info: { kind: 'refreshDelete', refreshDone: true } })
    expect(op.persisting).toBe(true)
    const persisted: SyncMessage[] = []
    op.onPersist((m) => persisted.push(m))
    expect(kinds(persisted)).toEqual([`modify ${person(1)}`])
    op.stop()
  })

  it('keeps a persistent search whose base was deleted (delete state, then newcookies), as slapd 2.5.13 does', () => {
    const d = directory(1)
    const op = new SyncEngine(d).start(request('refreshAndPersist', { base: parseDn(`ou=people,${SUFFIX}`) }))
    drain(op.refresh())
    const out: SyncMessage[] = []
    op.onPersist((m) => out.push(m))
    d.apply({ kind: 'delete', dn: person(1) })
    d.apply({ kind: 'delete', dn: `ou=people,${SUFFIX}` })
    d.apply({ kind: 'modify', dn: SUFFIX, modifications: [{ operation: 'replace', type: 'o', values: ['Other'] }] })
    expect(kinds(out)).toEqual([`delete ${person(1)}`, `delete ou=people,${SUFFIX}`, 'newcookie'])
    expect(op.persisting).toBe(true)
    op.stop()
  })

  it('sends 4096 "search base has changed" on the write after the base entry was renamed, and stops', () => {
    const d = directory(1)
    const op = new SyncEngine(d).start(request('refreshAndPersist', { base: parseDn(`ou=people,${SUFFIX}`) }))
    drain(op.refresh())
    const out: SyncMessage[] = []
    op.onPersist((m) => out.push(m))
    d.apply({ kind: 'modDN', dn: `ou=people,${SUFFIX}`, newRdn: 'ou=staff', deleteOldRdn: true })
    expect(kinds(out)).toEqual([`delete ou=staff,${SUFFIX}`]) // the renamed base left the content
    d.apply({ kind: 'modify', dn: SUFFIX, modifications: [{ operation: 'replace', type: 'o', values: ['Other'] }] })
    expect(last(out)).toEqual({ kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage: 'search base has changed' })
    d.apply({ kind: 'modify', dn: SUFFIX, modifications: [{ operation: 'replace', type: 'o', values: ['Again'] }] })
    expect(out).toHaveLength(2)
    expect(op.persisting).toBe(false)
  })

  it('answers a refreshOnly on a database that was never written with Done{refreshDeletes TRUE}, whatever the base', () => {
    const empty = new Directory({ suffixes: [SUFFIX] })
    expect(drain(new SyncEngine(empty).start(request('refreshOnly')).refresh())).toEqual([{ kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', refreshDeletes: true } }])
    expect(drain(new SyncEngine(empty).start(request('refreshAndPersist')).refresh())).toMatchObject([{ kind: 'done', resultCode: ResultCode.noSuchObject }])
  })

  it('sends nothing after stop()', () => {
    const d = directory(1)
    const op = new SyncEngine(d).start(request('refreshAndPersist'))
    drain(op.refresh())
    const out: SyncMessage[] = []
    op.onPersist((m) => out.push(m))
    op.stop()
    d.apply({ kind: 'delete', dn: person(1) })
    expect(out).toEqual([])
    expect(op.persisting).toBe(false)
  })

  it('does not echo a change back to the multi-provider peer whose serverID it carries', () => {
    const d = directory(1)
    const first = drain(new SyncEngine(d).start(request('refreshOnly')).refresh())
    const cookie = Buffer.from(Buffer.from(cookieOf(first)).toString().replace('rid=000', 'rid=001,sid=002'))
    const op = new SyncEngine(d).start(request('refreshAndPersist', { cookie }))
    drain(op.refresh())
    const out: SyncMessage[] = []
    op.onPersist((m) => out.push(m))
    d.apply({ kind: 'modify', dn: person(1), modifications: [{ operation: 'replace', type: 'cn', values: ['from peer 2'] }] }, { sid: 2 })
    d.apply({ kind: 'modify', dn: person(1), modifications: [{ operation: 'replace', type: 'cn', values: ['local'] }] })
    expect(kinds(out)).toEqual([`modify ${person(1)}`])
    expect(Buffer.from((out[0] as Extract<SyncMessage, { kind: 'entry' }>).cookie as Uint8Array).toString()).toMatch(/^rid=001,csn=\S+#000#000000$/)
  })
})

describe('SyncEngine dialect knobs', () => {
  const strict: Partial<DialectKnobs> = { initialContentRefreshDeletes: false, presentStyle: 'entries', deleteStyle: 'entries', newcookieOutOfContent: 'all' }

  it('initial content can end with refreshDeletes FALSE (RFC 4533 §3.3.1)', () => {
    const ms = drain(new SyncEngine(directory(1), { dialect: strict }).start(request('refreshOnly')).refresh())
    expect(last(ms)).toMatchObject({ kind: 'done', resultCode: 0, syncDone: { refreshDeletes: false } })
    const persist = drain(new SyncEngine(directory(1), { dialect: strict }).start(request('refreshAndPersist')).refresh())
    expect(last(persist)).toMatchObject({ kind: 'info', info: { kind: 'refreshPresent', refreshDone: true } })
  })

  it('present phase as attribute-less present entries (no session log)', () => {
    const d = directory(3, 0)
    const engine = new SyncEngine(d, { dialect: strict })
    const cookie = cookieOf(drain(engine.start(request('refreshOnly')).refresh()))
    d.apply({ kind: 'modify', dn: person(2), modifications: [{ operation: 'replace', type: 'cn', values: ['x'] }] })
    const present = drain(engine.start(request('refreshOnly', { cookie })).refresh())
    expect(kinds(present)).toEqual([`present ${SUFFIX}`, `present ou=people,${SUFFIX}`, `present ${person(1)}`, `present ${person(2)}`, `present ${person(3)}`, `add ${person(2)}`, 'done 0'])
    expect(present.filter((m) => m.kind === 'entry' && m.state === 'present').every((m) => m.kind === 'entry' && m.attributes.length === 0)).toBe(true)
    expect(last(present)).toMatchObject({ syncDone: { refreshDeletes: false } })
  })

  it('session-log deletes as attribute-less delete entries, or batched syncIdSets', () => {
    for (const [knobs, expected] of [
      [strict, ['delete ', 'delete ', 'done 0']],
      [{ deleteStyle: 'syncIdSetBatch', deleteBatchSize: 50 }, ['syncIdSet', 'done 0']],
    ] as const) {
      const d = directory(3, 10)
      const engine = new SyncEngine(d, { dialect: knobs })
      const cookie = cookieOf(drain(engine.start(request('refreshOnly')).refresh()))
      d.apply({ kind: 'delete', dn: person(3) })
      d.apply({ kind: 'delete', dn: person(1) })
      const ms = drain(engine.start(request('refreshOnly', { cookie })).refresh())
      expect(kinds(ms)).toEqual(expected)
      expect(last(ms)).toMatchObject({ syncDone: { refreshDeletes: true } })
    }
  })

  it('a session log restarted after the cookie cannot cover it: present phase instead', () => {
    const d = directory(3, 10)
    const engine = new SyncEngine(d)
    const cookie = cookieOf(drain(engine.start(request('refreshOnly')).refresh()))
    d.sessionLog.clear()
    d.apply({ kind: 'delete', dn: person(3) })
    expect(kinds(drain(engine.start(request('refreshOnly', { cookie })).refresh()))).toEqual(['syncIdSet', 'done 0'])
  })

  it('newcookie for deletes outside the content when asked (slapd 2.6.1+), never in 2.5', () => {
    for (const [knobs, expected] of [
      [{}, []],
      [strict, ['newcookie']],
    ] as const) {
      const d = directory(2)
      const op = new SyncEngine(d, { dialect: knobs }).start(request('refreshAndPersist', { filter: '(employeeType=staff)' }))
      drain(op.refresh())
      const out: SyncMessage[] = []
      op.onPersist((m) => out.push(m))
      d.apply({ kind: 'delete', dn: person(2) }) // a contractor: outside the content
      expect(kinds(out)).toEqual(expected)
      op.stop()
    }
  })

  it('up-to-date reply of slapd 2.6.14+: the present list and an empty cookie', () => {
    const d = directory(2)
    const engine = new SyncEngine(d, { dialect: { upToDateReply: '2.6.14' } })
    const cookie = cookieOf(drain(engine.start(request('refreshOnly')).refresh()))
    const ms = drain(engine.start(request('refreshOnly', { cookie })).refresh())
    expect(kinds(ms)).toEqual(['syncIdSet', 'done 0'])
    expect(last(ms)).toMatchObject({ syncDone: { cookie: new Uint8Array(0), refreshDeletes: false } })
  })
})
