/**
 * The sync engine's `389ds` preset against the recorded 389-DS 2.3.1 sessions
 * (test/fixtures/389ds-traces): the same DIT, the same changes between searches, the same
 * requests, and the same messages out — types, states, DNs, syncIdSet contents and batch sizes,
 * refreshDeletes values and whether they are on the wire (every Sync value's TLV outline, taken
 * from the bytes the provider's encoder writes), cookie shapes (change numbers as tokens), result
 * codes and texts.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse as parseDn } from '../../protocol/dn/index.js'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import { formatSyncUuid } from '../../protocol/sync/index.js'
import { Directory } from '../../provider/directory/index.js'
import type { Change } from '../../provider/directory/index.js'
import { SyncEngine } from '../../provider/sync/index.js'
import type { DialectKnobs, SyncMessage, SyncOperation } from '../../provider/sync/index.js'
import { changeNumbersOf, read389Trace, requestCookieOf, requestCookieShape, shapeOf389Messages, shapeOf389Trace, trace389UuidNames } from './trace-shapes-389ds.js'

const SUFFIX = 'dc=example,dc=com'
const BIND_DN = 'cn=Directory Manager'
const traceNames = trace389UuidNames(['a-refreshonly-initial', 'e-persist-live-changes', 'g-filter-persist', 'h-refreshonly-initial-605', 'i2-reloadhint-oldcookie', 'j0-before-trim', 'compat/k0-nocookie', 'compat/k1-rid001'])

const user = (i: number) => `uid=user${String(i).padStart(6, '0')},ou=people,${SUFFIX}`
const modify = (dn: string, type: string, value: string): Change => ({ kind: 'modify', dn, modifications: [{ operation: 'replace', type, values: [value] }] })

function userAdd(i: number): Change {
  const n = String(i).padStart(6, '0')
  return {
    kind: 'add',
    dn: user(i),
    attributes: {
      objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
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

/**
 * The traces' DIT and its retro changelog: dscreate's suffix entry (imported, so not in the
 * changelog), ou=people, the entryUUID fixup task's modify of the suffix, then `users` people.
 */
function ds389Directory(users: number): Directory {
  let t = Date.parse('2026-11-24T09:00:00Z')
  const d = new Directory({ suffixes: [SUFFIX], clock: () => new Date((t += 7)), uuidSeed: 389 })
  d.loadEntry({ kind: 'add', dn: SUFFIX, attributes: { objectClass: ['top', 'domain'], dc: 'example', description: SUFFIX } })
  d.apply({ kind: 'add', dn: `ou=people,${SUFFIX}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'people' } })
  d.apply(modify(SUFFIX, 'description', SUFFIX))
  for (let i = 1; i <= users; i++) d.apply(userAdd(i))
  return d
}

/** Drives one directory through a family of traces, keeping our UUID → first-DN map. */
class Session {
  readonly names = new Map<string, string>()
  readonly engine: SyncEngine

  constructor(
    readonly directory: Directory,
    dialect: Partial<DialectKnobs> = {},
  ) {
    this.engine = new SyncEngine(directory, { preset: '389ds', dialect: { serverSignature: 'localhost:39601', ...dialect } })
    for (const e of directory.entries()) this.names.set(e.uuid, e.dnText)
    directory.onChange((e) => {
      const dn = (e.before ?? e.after)?.dnText
      if (dn && !this.names.has(e.uuid)) this.names.set(e.uuid, dn)
    })
  }

  apply(...changes: Change[]): void {
    for (const c of changes) this.directory.apply(c)
  }

  /** Runs a search to its refresh end; persist messages keep arriving in `messages`. */
  search(mode: 'refreshOnly' | 'refreshAndPersist', cookie: Uint8Array | undefined, options: { filter?: string; reloadHint?: boolean } = {}): { messages: SyncMessage[]; op: SyncOperation } {
    const op = this.engine.start({
      messageId: 2,
      base: parseDn(SUFFIX),
      scope: 'sub',
      filter: parseFilter(options.filter ?? '(objectClass=*)'),
      attributes: ['*', 'nsUniqueId', 'entryUUID'],
      sizeLimit: 0,
      bindDn: BIND_DN,
      sync: { kind: 'syncRequest', mode, reloadHint: options.reloadHint ?? false, ...(cookie ? { cookie } : {}) },
    })
    const messages: SyncMessage[] = []
    const it = op.refresh()
    for (let r = it.next(); !r.done; r = it.next()) messages.push(r.value)
    if (op.persisting) op.onPersist((m) => messages.push(m))
    return { messages, op }
  }

  /** Runs the trace's request (mode, filter, reloadHint) with `cookie` and requires its shape. */
  replay(trace: string, cookie: Uint8Array | undefined, persistChanges: Change[] = []): { messages: SyncMessage[]; op: SyncOperation } {
    const lines = read389Trace(trace)
    const request = lines.find((l) => l.type === '_request')
    expect(requestCookieShape(cookie), `${trace}: request cookie`).toBe(requestCookieShape(requestCookieOf(lines)))
    const run = this.search(request?.mode as 'refreshOnly' | 'refreshAndPersist', cookie, { ...(request?.filter ? { filter: request.filter } : {}), reloadHint: request?.reloadHint ?? false })
    this.apply(...persistChanges)
    run.op.stop()
    expect(shapeOf389Messages(run.messages, this.names, cookie), trace).toEqual(shapeOf389Trace(lines, traceNames))
    // Change numbers only grow within a session (each persist cookie is its own change's).
    const numbers = [...new Set(changeNumbersOf(run.messages))]
    expect(numbers, `${trace}: change numbers`).toEqual([...numbers].sort((x, y) => x - y))
    return run
  }
}

/** The cookie a refresh ended with (Done or terminating info), or the last persist cookie. */
function finalCookie(messages: SyncMessage[]): Uint8Array {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as SyncMessage
    if (m.kind === 'done' && m.syncDone?.cookie) return m.syncDone.cookie
    if (m.kind === 'info' && m.info.kind !== 'newcookie' && m.info.cookie) return m.info.cookie
    if (m.kind === 'entry' && m.cookie) return m.cookie
  }
  throw new Error('no cookie in the session')
}

const text = (s: string) => Buffer.from(s, 'latin1')
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1')

describe('sync engine, 389-DS 2.3.1 dialect, against recorded 389-DS sessions', () => {
  it('(a) initial refreshOnly, (b) no change, (c) after a delete and a modify, (c2) the same again', () => {
    const s = new Session(ds389Directory(5))
    const cookie = finalCookie(s.replay('a-refreshonly-initial', undefined).messages)
    s.replay('b-refreshonly-nochange', cookie)
    s.apply({ kind: 'delete', dn: user(5) }, modify(user(2), 'description', 'changed'))
    s.replay('c-refreshonly-after-delete-modify', cookie)
    s.replay('c2-refreshonly-after-delete-modify-again', cookie)
  })

  it('(e) refreshAndPersist with live changes, (e2) resume, (e3) resume after offline changes, then (f1–f9) odd cookies', () => {
    const s = new Session(ds389Directory(5))
    const e = s.replay('e-persist-live-changes', undefined, [
      { kind: 'add', dn: user(6), attributes: { objectClass: 'inetOrgPerson', uid: 'user000006', cn: 'User 000006', sn: 'Surname000006' } },
      modify(user(1), 'description', 'changed'),
      { kind: 'modDN', dn: user(2), newRdn: 'uid=user000002b', deleteOldRdn: true },
      { kind: 'delete', dn: user(3) },
      { kind: 'add', dn: `ou=moved,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'moved' } },
      { kind: 'modDN', dn: user(4), newRdn: 'uid=user000004', deleteOldRdn: true, newSuperior: `ou=moved,${SUFFIX}` },
    ])
    const cookie = finalCookie(e.messages)
    s.replay('e2-persist-resume-nochange', cookie)
    s.apply(modify(user(1), 'description', 'changed offline'), { kind: 'delete', dn: user(6) })
    s.replay('e3-persist-resume-after-offline-changes', cookie)

    const valid = latin1(cookie)
    const withNumber = (n: string) => text(valid.replace(/#\d+$/, `#${n}`))
    const cases: Array<[string, Uint8Array]> = [
      ['f1-garbage-leading-nul', Buffer.from('00ff10e3a5b6c7d8', 'hex')],
      ['f1b-nul-then-valid-cookie', Buffer.concat([Buffer.of(0), cookie])],
      ['f1c-nul-only', Buffer.of(0)],
      ['f1d-empty-cookie', new Uint8Array(0)],
      ['f1e-garbage-binary-no-nul', Buffer.from('ff10e3a5b6c7d8', 'hex')],
      ['f2-hello', text('hello')],
      ['f3-no-hash', text(valid.replaceAll('#', ','))],
      ['f3b-x-hash-y-hash-z', text('x#y#z')],
      ['f4-future-changenumber', withNumber('999999')],
      ['f5-other-client-signature', text(valid.replace('cn=directory manager', 'cn=someone else'))],
      ['f6-other-server-signature', text(valid.replace('localhost:39601', 'otherhost:389'))],
      ['f7-changenumber-zero', withNumber('0')],
      ['f8-openldap-cookie-compat-off', text('rid=001,csn=21000101000000.000000Z#000000#000#000000')],
      ['f9-changenumber-nonnumeric', withNumber('abc')],
    ]
    for (const [trace, bad] of cases) {
      const run = s.replay(trace, bad)
      // No SearchResultDone ever for a NUL inside the cookie: the operation stays open, silent.
      expect(run.op.unanswered, trace).toBe(trace === 'f1-garbage-leading-nul' || trace === 'f1b-nul-then-valid-cookie')
    }
  })

  it('(g) a filter: leaving it is a delete, a write outside it sends nothing, (g2) leavers are not reported, (g3) another filter → 4096', () => {
    const s = new Session(ds389Directory(5))
    const g = s.replay('g-filter-persist', undefined, [
      modify(user(1), 'employeeType', 'contractor'),
      modify(user(2), 'description', 'changed'),
      modify(user(4), 'employeeType', 'staff'),
      modify(user(3), 'description', 'changed'),
    ])
    const refreshEnd = g.messages.find((m) => m.kind === 'info') as SyncMessage & { kind: 'info' }
    const cookie = (refreshEnd.info as { cookie: Uint8Array }).cookie
    s.replay('g2-filter-refreshonly-oldcookie', cookie)
    s.replay('g3-cookie-with-other-filter', cookie)
  })

  it('(h) 607 entries one by one, (h2) 300 deletes in syncIdSets of 50 with every 51st UUID lost', () => {
    const s = new Session(ds389Directory(605))
    const cookie = finalCookie(s.replay('h-refreshonly-initial-605', undefined).messages)
    for (let i = 6; i <= 305; i++) s.apply({ kind: 'delete', dn: user(i) })
    s.apply(modify(user(400), 'description', 'changed in h'))
    const h2 = s.replay('h2-refreshonly-300-deletes', cookie)
    const sets = h2.messages.flatMap((m) => (m.kind === 'info' && m.info.kind === 'syncIdSet' ? [m.info.syncUUIDs] : []))
    expect(sets.map((u) => u.length)).toEqual([50, 50, 50, 50, 50, 45])
    const sent = new Set(sets.flat().map((u) => s.names.get(formatSyncUuid(u))))
    const lost = Array.from({ length: 300 }, (_, k) => user(k + 6)).filter((dn) => !sent.has(dn))
    const recorded = readFileSync(fileURLToPath(new URL('../fixtures/389ds-traces/h2-missing-deletes.txt', import.meta.url)), 'utf8')
    expect(lost.map((dn) => dn.split(',')[0]).join(', ')).toBe(/never reported: (.*)/.exec(recorded)?.[1])
  })

  it('(i2) reloadHint TRUE with an old cookie is ignored: an incremental refresh over several re-seeds', () => {
    const s = new Session(ds389Directory(5))
    const cookie = finalCookie(s.search('refreshOnly', undefined).messages)
    s.apply({ kind: 'delete', dn: user(5) }, modify(user(2), 'description', 'changed'))
    // Re-seeds: the people deleted (last first) and added again, twice; add + delete cancel out.
    for (let round = 0; round < 2; round++) {
      for (let i = round === 0 ? 4 : 5; i >= 1; i--) s.apply({ kind: 'delete', dn: user(i) })
      for (let i = 1; i <= 5; i++) s.apply(userAdd(i))
    }
    s.replay('i2-reloadhint-oldcookie', cookie)
  })

  it('(j0, j1) a changelog trimmed past the cookie is not noticed: the trimmed delete is lost', () => {
    const s = new Session(ds389Directory(5))
    const cookie = finalCookie(s.replay('j0-before-trim', undefined).messages)
    s.apply({ kind: 'delete', dn: user(5) }, modify(user(2), 'description', 'changed'))
    s.directory.retroChangelog.trim(s.directory.lastChangeNumber - 1) // only the modify is left
    s.replay('j1-stale-cookie-after-trim', cookie)
  })

  it('(compat k0–k10) OpenLDAP compat: rid cookies, fake CSNs, refreshDeletes TRUE, 53 with refreshAndPersist', () => {
    const s = new Session(ds389Directory(5), { openldapCompat: true })
    s.replay('compat/k0-nocookie', undefined)
    const k1 = finalCookie(s.replay('compat/k1-rid001', text('rid=001')).messages)
    s.replay('compat/k2-nochange', k1)
    s.apply({ kind: 'delete', dn: user(5) }, modify(user(2), 'description', 'changed'))
    const k3 = finalCookie(s.replay('compat/k3-after-delete-modify', k1).messages)
    s.replay('compat/k4-persist-rid001', text('rid=001'))
    s.replay('compat/k5-persist-csn-cookie', k3)
    s.replay('compat/k6-rid123', text('rid=123'))
    s.replay('compat/k7-bad-csn', text('rid=001,csn=garbage'))
    s.replay('compat/k8-future-csn', text('rid=001,csn=29990101000000.000000Z#000000#000#000000'))
    s.replay('compat/k9-old-csn-before-offset', text('rid=001,csn=20200101000000.000000Z#000000#000#000000'))
    s.replay('compat/k10-rid-other-than-k1', text(latin1(k1).replace('rid=001', 'rid=002')))
  })
})
