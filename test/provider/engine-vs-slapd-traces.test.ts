/**
 * The sync engine against every recorded slapd 2.5.13 session (test/fixtures/slapd-traces): the
 * same DIT, the same changes between searches, the same requests (cookies translated to our
 * CSNs), and the same message shapes out — types, states, DNs, syncIdSet contents and batching,
 * refreshDeletes / refreshDone values, result codes and texts, cookie shapes (which CSN a cookie
 * carries: the request's, the final contextCSN, or another). The live differential against a
 * running slapd is in test/interop/.
 */
import { describe, expect, it } from 'vitest'
import { parse as parseDn } from '../../protocol/dn/index.js'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import { formatSyncUuid } from '../../protocol/sync/index.js'
import { Directory } from '../../provider/directory/index.js'
import type { Change } from '../../provider/directory/index.js'
import { SyncEngine } from '../../provider/sync/index.js'
import type { SyncMessage, SyncOperation } from '../../provider/sync/index.js'
import { readTrace, shapeOfMessages, shapeOfTrace, traceUuidNames } from './trace-shapes.js'

const SUFFIX = 'dc=example,dc=com'
const traceNames = traceUuidNames()

/** The traces' DIT: the suffix, ou=people and `users` inetOrgPersons (odd = staff). */
function traceDirectory(users: number, sessionLogSize: number): Directory {
  let t = Date.parse('2026-11-23T14:24:50Z')
  const d = new Directory({ suffixes: [SUFFIX], sessionLogSize, clock: () => new Date((t += 3)), uuidSeed: 4533 })
  d.apply({ kind: 'add', dn: SUFFIX, attributes: { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' } })
  d.apply({ kind: 'add', dn: `ou=people,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'people' } })
  for (let i = 1; i <= users; i++) d.apply(userAdd(i))
  return d
}

function userAdd(i: number, dn?: string): Change {
  const n = String(i).padStart(6, '0')
  return {
    kind: 'add',
    dn: dn ?? `uid=user${n},ou=people,${SUFFIX}`,
    attributes: {
      objectClass: 'inetOrgPerson',
      uid: `user${n}`,
      cn: `User ${n}`,
      sn: `Surname${n}`,
      givenName: 'User',
      mail: `user${n}@example.com`,
      employeeNumber: String(i),
      employeeType: i % 2 ? 'staff' : 'contractor',
      description: `generated test entry ${i}`,
    },
  }
}

const user = (i: number) => `uid=user${String(i).padStart(6, '0')},ou=people,${SUFFIX}`
const modify = (dn: string, type: string, value: string): Change => ({ kind: 'modify', dn, modifications: [{ operation: 'replace', type, values: [value] }] })

/** Drives one directory through a family of traces, keeping our UUID → first-DN map. */
class Session {
  readonly names = new Map<string, string>()
  constructor(
    readonly directory: Directory,
    readonly engine = new SyncEngine(directory),
  ) {
    this.learn()
    directory.onChange((e) => {
      const dn = (e.before ?? e.after)?.dnText
      if (dn && !this.names.has(e.uuid)) this.names.set(e.uuid, dn)
    })
  }

  private learn(): void {
    for (const e of this.directory.entries()) if (!this.names.has(e.uuid)) this.names.set(e.uuid, e.dnText)
  }

  apply(...changes: Change[]): void {
    for (const c of changes) this.directory.apply(c)
  }

  /** Runs a search to its refresh end; returns the messages and the open operation. */
  search(mode: 'refreshOnly' | 'refreshAndPersist', cookie: Uint8Array | undefined, options: { filter?: string; reloadHint?: boolean } = {}): { messages: SyncMessage[]; op: SyncOperation } {
    this.learn()
    const op = this.engine.start({
      messageId: 2,
      base: parseDn(SUFFIX),
      scope: 'sub',
      filter: parseFilter(options.filter ?? '(objectClass=*)'),
      attributes: ['*', 'entryCSN'],
      sizeLimit: 0,
      sync: { kind: 'syncRequest', mode, reloadHint: options.reloadHint ?? false, ...(cookie ? { cookie } : {}) },
    })
    const messages: SyncMessage[] = []
    const it = op.refresh()
    for (let r = it.next(); !r.done; r = it.next()) messages.push(r.value)
    if (mode === 'refreshAndPersist') op.onPersist((m) => messages.push(m))
    return { messages, op }
  }

  shape(messages: SyncMessage[], requestCookie: Uint8Array | undefined, withAttributes = true): string[] {
    return shapeOfMessages(messages, this.names, requestCookie, withAttributes)
  }
}

/** The cookie a refresh ended with (Done or terminating info). */
function finalCookie(messages: SyncMessage[]): Uint8Array {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as SyncMessage
    if (m.kind === 'done' && m.syncDone?.cookie) return m.syncDone.cookie
    if (m.kind === 'info' && (m.info.kind === 'refreshDelete' || m.info.kind === 'refreshPresent') && m.info.cookie) return m.info.cookie
    if (m.kind === 'entry' && m.cookie) return m.cookie
  }
  throw new Error('no cookie in the session')
}

const text = (s: string) => Buffer.from(s)
const expectSameShape = (ours: string[], trace: string, withAttributes = true) => expect(ours).toEqual(shapeOfTrace(readTrace(trace), traceNames, withAttributes))

describe('sync engine, OpenLDAP 2.5 dialect, against recorded slapd sessions', () => {
  it('(a) initial refreshOnly, (b) up-to-date cookie, (c) session log, (c2) after a restart', () => {
    const s = new Session(traceDirectory(5, 100))
    const a = s.search('refreshOnly', undefined)
    expectSameShape(s.shape(a.messages, undefined), 'a-refreshonly-initial')
    const cookie = finalCookie(a.messages)
    expectSameShape(s.shape(s.search('refreshOnly', cookie).messages, cookie), 'b-refreshonly-nochange')
    s.apply({ kind: 'delete', dn: user(5) }, modify(user(2), 'description', 'changed'))
    expectSameShape(s.shape(s.search('refreshOnly', cookie).messages, cookie), 'c-refreshonly-sessionlog')
    s.directory.sessionLog.clear() // a provider restart empties slapd's in-memory log
    expectSameShape(s.shape(s.search('refreshOnly', cookie).messages, cookie), 'c2-refreshonly-sessionlog-after-restart')
  })

  it('(d) present phase without a session log, refreshOnly and (d2) refreshAndPersist', () => {
    const s = new Session(traceDirectory(5, 0))
    const d0 = s.search('refreshOnly', undefined)
    expectSameShape(s.shape(d0.messages, undefined), 'd0-refreshonly-initial')
    const cookie = finalCookie(d0.messages)
    s.apply({ kind: 'delete', dn: user(5) }, modify(user(2), 'description', 'changed'))
    expectSameShape(s.shape(s.search('refreshOnly', cookie).messages, cookie), 'd-refreshonly-presentphase')
    const d2 = s.search('refreshAndPersist', cookie)
    d2.op.stop()
    expectSameShape(s.shape(d2.messages, cookie), 'd2-persist-presentphase')
  })

  it('(e) refreshAndPersist with live add / modify / rename / delete / move, (e2) resume, (e3) resume after offline changes', () => {
    const s = new Session(traceDirectory(5, 100))
    const e = s.search('refreshAndPersist', undefined)
    s.apply(
      // what the trace's ldapadd sent
      { kind: 'add', dn: user(6), attributes: { objectClass: 'inetOrgPerson', uid: 'user000006', cn: 'User 000006', sn: 'Surname000006', employeeType: 'staff', description: 'added during persist' } },
      modify(user(1), 'description', 'changed'),
      { kind: 'modDN', dn: user(2), newRdn: 'uid=user000002b', deleteOldRdn: true },
      { kind: 'delete', dn: user(3) },
      { kind: 'add', dn: `ou=moved,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'moved' } },
      { kind: 'modDN', dn: user(4), newRdn: 'uid=user000004', deleteOldRdn: true, newSuperior: `ou=moved,${SUFFIX}` },
    )
    e.op.stop()
    expectSameShape(s.shape(e.messages, undefined), 'e-persist-live-changes')
    const cookie = finalCookie(e.messages)
    const e2 = s.search('refreshAndPersist', cookie)
    e2.op.stop()
    expectSameShape(s.shape(e2.messages, cookie), 'e2-persist-resume-nochange')
    s.apply(modify(user(1), 'description', 'changed offline'), { kind: 'delete', dn: user(6) })
    const e3 = s.search('refreshAndPersist', cookie)
    e3.op.stop()
    expectSameShape(s.shape(e3.messages, cookie), 'e3-persist-resume-after-offline-changes')
  })

  it('(f) bad cookies: future CSN, garbage, rid mismatch, no rid, unknown sid, ancient CSN, not a cookie, rid out of range', () => {
    const s = new Session(traceDirectory(5, 0))
    const f0 = s.search('refreshOnly', undefined)
    expectSameShape(s.shape(f0.messages, undefined), 'f0-refreshonly-initial')
    const csn = Buffer.from(finalCookie(f0.messages)).toString('latin1').replace(/^rid=000,csn=/, '')
    // The provider is one change ahead of the cookie.
    s.apply(modify(user(1), 'description', 'changed'))
    const cases: Array<[string, string]> = [
      ['f1-cookie-future-csn', 'rid=000,csn=29991231235959.999999Z#000000#000#000000'],
      ['f2-cookie-garbage-csn', 'rid=000,csn=garbage'],
      ['f3-cookie-rid-mismatch', `rid=123,csn=${csn}`],
      ['f4-cookie-no-rid', `csn=${csn}`],
      ['f5-cookie-unknown-sid', `rid=000,csn=${csn.replace('#000#', '#005#')}`],
      ['f6-cookie-ancient-csn', 'rid=000,csn=20000101000000.000000Z#000000#000#000000'],
      ['f7-cookie-not-a-cookie', 'hello'],
      ['f8-cookie-rid-out-of-range', `rid=4096,csn=${csn}`],
    ]
    for (const [trace, cookie] of cases) {
      expect(s.shape(s.search('refreshOnly', text(cookie)).messages, text(cookie)), trace).toEqual(shapeOfTrace(readTrace(trace), traceNames))
    }
  })

  it('(f9, f10) syncprov-reloadhint TRUE: a stale cookie gets 4096, unless the client set reloadHint', () => {
    const directory = traceDirectory(5, 0)
    const s = new Session(directory, new SyncEngine(directory, { dialect: { reloadHint: true } }))
    const ancient = text('rid=000,csn=20000101000000.000000Z#000000#000#000000')
    expectSameShape(s.shape(s.search('refreshOnly', ancient).messages, ancient), 'f9-reloadhint-ancient-csn')
    expectSameShape(s.shape(s.search('refreshOnly', ancient, { reloadHint: true }).messages, ancient), 'f10-reloadhint-ancient-csn-with-reloadHint')
  })

  it('(g) a filter: entries leaving and entering it in persist, newcookie for writes outside it, (g2) session log, (g3) present phase', () => {
    const s = new Session(traceDirectory(5, 100))
    const filter = '(employeeType=staff)'
    const g0 = s.search('refreshOnly', undefined, { filter })
    expectSameShape(s.shape(g0.messages, undefined), 'g0-filter-refreshonly-initial')
    const cookie = finalCookie(g0.messages)
    const g = s.search('refreshAndPersist', undefined, { filter })
    s.apply(
      modify(user(1), 'employeeType', 'contractor'),
      modify(user(2), 'description', 'changed'),
      modify(user(4), 'employeeType', 'staff'),
      modify(user(3), 'description', 'changed'),
    )
    g.op.stop()
    expectSameShape(s.shape(g.messages, undefined), 'g-filter-persist')
    expectSameShape(s.shape(s.search('refreshOnly', cookie, { filter }).messages, cookie), 'g2-filter-refreshonly-sessionlog')
    s.directory.sessionLog.clear()
    expectSameShape(s.shape(s.search('refreshOnly', cookie, { filter }).messages, cookie), 'g3-filter-refreshonly-presentphase')
  })

  it('(h) 600 entries: present syncIdSets batched 256 + 256 + 90, then the changed entry', () => {
    const s = new Session(traceDirectory(600, 0))
    const h0 = s.search('refreshOnly', undefined)
    // The 600-entry traces were recorded without attribute lists.
    expectSameShape(s.shape(h0.messages, undefined, false), 'h0-refreshonly-initial-600', false)
    const cookie = finalCookie(h0.messages)
    s.apply(modify(user(300), 'description', 'changed'))
    const h = s.search('refreshOnly', cookie)
    expectSameShape(s.shape(h.messages, cookie, false), 'h-refreshonly-presentphase-600', false)
    const sizes = h.messages.flatMap((m) => (m.kind === 'info' && m.info.kind === 'syncIdSet' ? [m.info.syncUUIDs.length] : []))
    expect(sizes).toEqual([256, 256, 90])
    expect(formatSyncUuid((h.messages[3] as Extract<SyncMessage, { kind: 'entry' }>).uuid)).toBe(s.directory.getByDn(user(300))?.uuid)
  })
})
