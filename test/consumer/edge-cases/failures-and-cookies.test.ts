/**
 * rfc4533.md §5: how the reference consumer comes through refreshes that do not end well (4096
 * with a cookie, limits, a lost connection, a Cancel that comes too late), and the cookies and
 * UUIDs a provider hands it between polls (a DN reused by a new UUID, withheld entries, a rid
 * that is not ours, serverIDs it does not know or lacks).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileStore, LdapClientError, SyncreplConsumer } from '../../../consumer/index.js'
import { ResultCode } from '../../../protocol/index.js'
import { createProvider } from '../../../provider/index.js'
import { bytes, extendedResponse, startScriptedSyncServer, syncDoneMessage, syncEntry, syncIdSet, syncInfo, testUuid } from '../../support/scripted-sync-server.js'
import type { ScriptedSearch } from '../../support/scripted-sync-server.js'
import { PEOPLE, SUFFIX, content, cookieText, held, peopleDirectory, peopleLdif, personDn, seededStore, valuesOf } from './people.js'
import { syncWithEngine } from './session-feed.js'

const ADMIN = `cn=admin,${SUFFIX}`
const [A, B, C, X] = [1, 2, 3, 24].map(testUuid) as [string, string, string, string]
const dnOf = (name: string) => `uid=${name},${PEOPLE}`
const csn = (second: number, sid = '000') => `20260101000000.${String(second).padStart(6, '0')}Z#000000#${sid}#000000`
const cookie = (second: number) => bytes(`rid=001,csn=${csn(second)}`)

describe('rfc4533.md §5: failures, cookies and UUIDs between polls', () => {
  it('§5.27: a DN deleted and re-added with a new UUID between polls: only the new UUID at that DN', async () => {
    for (const sessionLog of [0, 50]) {
      const provider = await createProvider({ ldif: peopleLdif(3), password: 'secret', sessionLog })
      try {
        const c = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret' })
        await c.syncSearch({ base: SUFFIX })
        await c.poll()
        const old = provider.directory.getByDn(personDn(2))?.uuid as string
        provider.directory.apply({ kind: 'delete', dn: personDn(2) })
        provider.directory.apply({ kind: 'add', dn: personDn(2), attributes: { objectClass: 'inetOrgPerson', uid: 'p2', cn: 'reborn', sn: 'P' } })
        const reborn = provider.directory.getByDn(personDn(2))?.uuid as string
        expect(reborn).not.toBe(old)
        await c.syncSearch({ base: SUFFIX })
        expect(await c.poll(), `session log ${sessionLog}`).toMatchObject({ kind: 'done', resultCode: 0 })
        expect(await held(c.store)).toEqual(content(provider.directory))
        expect([...(await held(c.store)).entries()].filter(([, dn]) => dn === personDn(2))).toEqual([[reborn, personDn(2)]])
        expect(await valuesOf(c.store, reborn, 'cn')).toEqual(['reborn'])
        await c.close()
      } finally {
        await provider.close()
      }
    }
  })

  it('§5.33: 4096 with a Sync Done cookie: the refresh is dropped and the search sent again with that cookie', async () => {
    const server = await startScriptedSyncServer({
      onSearch: (s, index) => {
        if (index === 0) s.send(syncEntry(s.messageId, { state: 'add', uuid: X, dn: dnOf('x') }), syncDoneMessage(s.messageId, 4096, { cookie: cookie(5) }, 'resume from here'))
        else s.send(syncIdSet(s.messageId, false, [A, B]), syncEntry(s.messageId, { state: 'add', uuid: B, dn: dnOf('b'), attributes: { cn: 'b2' } }), syncDoneMessage(s.messageId, 0, { cookie: cookie(6) }))
      },
    })
    try {
      const store = seededStore([{ uuid: A, dn: dnOf('a') }, { uuid: B, dn: dnOf('b') }, { uuid: C, dn: dnOf('c') }], cookie(1))
      const c = await SyncreplConsumer.connect({ url: server.url, store })
      const committed: string[] = []
      c.onEvent((e) => e.kind === 'cookie' && committed.push(cookieText(e.cookie) as string))
      await c.syncSearch({ base: SUFFIX })
      expect(await c.poll()).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '' })
      expect(server.searches.map((s) => cookieText(s.cookie))).toEqual([cookieText(cookie(1)), cookieText(cookie(5))])
      expect(await held(store)).toEqual(new Map([[A, dnOf('a')], [B, dnOf('b')]])) // X (before the 4096) is not kept
      expect(await valuesOf(store, B, 'cn')).toEqual(['b2'])
      expect(committed).toEqual([cookieText(cookie(6))]) // the 4096's cookie is a retry point, never committed
      await c.close()
    } finally {
      await server.close()
    }
  })

  it('§5.35: sizeLimitExceeded in the middle of a present-phase refresh (our engine): no deletion, old cookie kept', async () => {
    const d = peopleDirectory()
    const store = seededStore([])
    await syncWithEngine(d, store)
    const before = await store.load()
    d.apply({ kind: 'delete', dn: personDn(2) })
    for (const i of [1, 3, 5]) d.apply({ kind: 'modify', dn: personDn(i), modifications: [{ operation: 'replace', type: 'cn', values: ['new'] }] })
    const limited = await syncWithEngine(d, store, { sizeLimit: 1 })
    expect(limited.messages.map((m) => m.kind)).toEqual(['info', 'entry', 'done']) // present list, one add, then the limit
    expect(limited.steps.at(-1)).toEqual({ kind: 'done', resultCode: ResultCode.sizeLimitExceeded, diagnosticMessage: '' })
    expect(await store.load()).toEqual(before)
    await syncWithEngine(d, store)
    expect(await held(store)).toEqual(content(d))
  })

  it('§5.35: timeLimitExceeded without a Sync Done after a partial present list (refreshAndPersist): no deletion, old cookie kept', async () => {
    const server = await startScriptedSyncServer({ onSearch: (s) => s.send(syncIdSet(s.messageId, false, [A]), syncDoneMessage(s.messageId, ResultCode.timeLimitExceeded)) })
    try {
      const store = seededStore([{ uuid: A, dn: dnOf('a') }, { uuid: B, dn: dnOf('b') }], cookie(1))
      const c = await SyncreplConsumer.connect({ url: server.url, store })
      await c.syncSearch({ base: SUFFIX, mode: 'refreshAndPersist' })
      expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: ResultCode.timeLimitExceeded })
      expect(await held(store)).toEqual(new Map([[A, dnOf('a')], [B, dnOf('b')]]))
      expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(1)))
      await c.close()
    } finally {
      await server.close()
    }
  })

  it('§5.36: the connection drops in the middle of a present phase: nothing deleted, cookie kept, a retry converges', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncrepl-edge-36-'))
    const server = await startScriptedSyncServer({
      onSearch: (s, index) => {
        if (index === 0) {
          s.send(syncIdSet(s.messageId, false, [A]), syncEntry(s.messageId, { state: 'add', uuid: X, dn: dnOf('x') }))
          s.drop()
        } else {
          s.send(syncIdSet(s.messageId, false, [A, B]), syncDoneMessage(s.messageId, 0, { cookie: cookie(2) }))
        }
      },
    })
    try {
      const seed = await FileStore.open(dir)
      const tx = await seed.begin()
      for (const [uuid, name] of [[A, 'a'], [B, 'b'], [C, 'c']] as const) tx.put({ uuid, dn: dnOf(name), attributes: new Map() })
      await tx.commit(cookie(1))
      await seed.close()
      const first = await SyncreplConsumer.connect({ url: server.url, store: await FileStore.open(dir) })
      const seen: string[] = []
      first.onEvent((e) => seen.push(e.kind))
      await first.syncSearch({ base: SUFFIX })
      const lost = await first.poll().then(() => undefined, (e: unknown) => e)
      expect(seen).toEqual(['present', 'entry']) // the partial list and an add were handled, then the connection went
      expect(lost).toBeInstanceOf(LdapClientError)
      expect((lost as LdapClientError).code).toBe('CLIENT_CONNECTION_LOST')
      await first.close()
      const retry = await SyncreplConsumer.connect({ url: server.url, store: await FileStore.open(dir) })
      expect(await held(retry.store)).toEqual(new Map([[A, dnOf('a')], [B, dnOf('b')], [C, dnOf('c')]]))
      expect(cookieText(retry.getCookie())).toBe(cookieText(cookie(1)))
      await retry.syncSearch({ base: SUFFIX })
      expect(await retry.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
      expect(cookieText(server.searches[1]?.cookie)).toBe(cookieText(cookie(1)))
      expect(await held(retry.store)).toEqual(new Map([[A, dnOf('a')], [B, dnOf('b')]]))
      expect(cookieText(retry.getCookie())).toBe(cookieText(cookie(2)))
      await retry.close()
    } finally {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('§5.38: a Cancel answered noSuchOperation (119) does not hang, whether the search’s Done crossed it or never comes', async () => {
    let answerCancel: 'doneThen119' | 'only119' = 'doneThen119'
    const server = await startScriptedSyncServer({
      onSearch: (s) => {
        if (s.sync?.mode === 'refreshOnly') s.send(syncDoneMessage(s.messageId, 0, { cookie: cookie(3) }))
        else s.send(syncInfo(s.messageId, { kind: 'refreshDelete', cookie: cookie(2), refreshDone: true }))
      },
      onCancel: (cancel) => {
        const search = cancel.search as ScriptedSearch
        // The provider ended the search on its own just before the Cancel came (its Done and
        // the Cancel crossed), or it has lost the search: either way, 119 and nothing more.
        if (answerCancel === 'doneThen119') search.send(syncDoneMessage(search.messageId, ResultCode.busy, undefined, 'shutting down'))
        cancel.send(extendedResponse(cancel.messageId, ResultCode.noSuchOperation))
      },
    })
    try {
      for (const mode of ['doneThen119', 'only119'] as const) {
        answerCancel = mode
        const c = await SyncreplConsumer.connect({ url: server.url, store: seededStore([], cookie(1)) })
        await c.syncSearch({ base: SUFFIX, mode: 'refreshAndPersist' })
        expect(await c.poll({ all: false }), mode).toEqual({ kind: 'refreshDone' })
        await c.cancel()
        const end = await c.poll()
        expect(end, mode).toEqual(mode === 'doneThen119' ? { kind: 'done', resultCode: ResultCode.busy, diagnosticMessage: 'shutting down' } : { kind: 'done', resultCode: -1, diagnosticMessage: 'abandoned' })
        expect(cookieText(c.getCookie()), mode).toBe(cookieText(cookie(2)))
        await c.close()
      }
      // A refreshOnly search that has ended: cancel() sends nothing at all.
      const c = await SyncreplConsumer.connect({ url: server.url })
      await c.syncSearch({ base: SUFFIX, mode: 'refreshOnly' })
      expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
      const requests = server.received.length
      await c.cancel()
      await c.close()
      expect(server.received.slice(requests).map((m) => m.op.kind)).not.toContain('extendedRequest')
    } finally {
      await server.close()
    }
  })

  it('§5.46: entries written while a refreshOnly runs are withheld (our engine, slapd’s snapshot) and arrive at the next poll', async () => {
    const d = peopleDirectory()
    const store = seededStore([])
    await syncWithEngine(d, store)
    const p6 = d.getByDn(personDn(6))?.uuid as string
    d.apply({ kind: 'modify', dn: personDn(1), modifications: [{ operation: 'replace', type: 'cn', values: ['before'] }] })
    let late: string | undefined
    const run = await syncWithEngine(d, store, {
      between: (_m, index) => {
        if (index !== 0) return // after the present list, while the changed entries are being sent
        d.apply({ kind: 'modify', dn: personDn(6), modifications: [{ operation: 'replace', type: 'cn', values: ['during'] }] })
        late = d.apply({ kind: 'add', dn: dnOf('late'), attributes: { objectClass: 'inetOrgPerson', uid: 'late', cn: 'late', sn: 'L' } }).uuid
      },
    })
    expect(run.messages[0]).toMatchObject({ kind: 'info', info: { kind: 'syncIdSet', refreshDeletes: false } })
    expect(run.steps.at(-1)).toMatchObject({ kind: 'done', resultCode: 0 })
    // Not sent this time: p6 stays as it was (it was named present), the new entry is not there yet.
    expect(await valuesOf(store, p6, 'cn')).toEqual(['P 6'])
    expect((await held(store)).has(late as string)).toBe(false)
    const second = await syncWithEngine(d, store)
    expect(second.events.filter((e) => e.kind === 'entry').map((e) => e.kind === 'entry' && e.dn).sort()).toEqual([dnOf('late'), personDn(6)].sort())
    expect(await held(store)).toEqual(content(d))
    expect(await valuesOf(store, p6, 'cn')).toEqual(['during'])
  })

  it('§5.49: a cookie whose rid is not the one we sent is kept byte for byte and sent back as it came', async () => {
    const server = await startScriptedSyncServer({
      onSearch: (s, index) => {
        if (index === 0) s.send(syncEntry(s.messageId, { state: 'add', uuid: A, dn: dnOf('a') }), syncDoneMessage(s.messageId, 0, { cookie: bytes(`rid=123,csn=${csn(2)}`) }))
        else s.send(syncDoneMessage(s.messageId, 0, { refreshDeletes: true }))
      },
    })
    try {
      const c = await SyncreplConsumer.connect({ url: server.url, store: seededStore([], bytes(`rid=001,csn=${csn(1)}`)) })
      await c.syncSearch({ base: SUFFIX })
      await c.poll()
      expect(cookieText(c.getCookie())).toBe(`rid=123,csn=${csn(2)}`)
      await c.syncSearch({ base: SUFFIX })
      await c.poll()
      expect(server.searches.map((s) => cookieText(s.cookie))).toEqual([`rid=001,csn=${csn(1)}`, `rid=123,csn=${csn(2)}`])
      await c.close()
    } finally {
      await server.close()
    }
    // Trace f3 with our engine: slapd echoes the request's rid, and the replica converges.
    const d = peopleDirectory()
    const store = seededStore([])
    await syncWithEngine(d, store)
    const held123 = seededStore([...(await store.load()).entries.values()].map((e) => ({ uuid: e.uuid, dn: e.dn })), bytes(cookieText((await store.load()).cookie)?.replace('rid=000', 'rid=123') as string))
    d.apply({ kind: 'delete', dn: personDn(3) })
    await syncWithEngine(d, held123)
    expect(cookieText((await held123.load()).cookie)).toMatch(/^rid=123,csn=/)
    expect(await held(held123)).toEqual(content(d))
  })

  it('§5.50: a cookie lacking a serverID the provider tracks, or holding only one it does not know (trace f5): full reload with present semantics, then incremental', async () => {
    for (const variant of ['unknown sid', 'missing sid'] as const) {
      const d = peopleDirectory()
      if (variant === 'missing sid') d.apply({ kind: 'modify', dn: personDn(1), modifications: [{ operation: 'replace', type: 'cn', values: ['from 2'] }] }, { sid: 2 })
      const store = seededStore([])
      await syncWithEngine(d, store)
      const ghost = { uuid: testUuid(0xdead), dn: dnOf('ghost') }
      const entries = [...(await store.load()).entries.values()].map((e) => ({ uuid: e.uuid, dn: e.dn }))
      const own = d.contextCsn.get(0) as string
      const stale = variant === 'unknown sid' ? `rid=000,csn=${csn(1, '005')}` : `rid=000,csn=${own}`
      const replica = seededStore([...entries, ghost], bytes(stale))
      d.apply({ kind: 'delete', dn: personDn(4) })
      const reload = await syncWithEngine(d, replica)
      expect(reload.messages.filter((m) => m.kind === 'entry' && m.state === 'add'), variant).toHaveLength(content(d).size)
      expect(reload.messages.at(-1), variant).toMatchObject({ kind: 'done', syncDone: { refreshDeletes: false } })
      expect(await held(replica), variant).toEqual(content(d))
      // The cookie now covers every serverID the provider tracks: the next poll is incremental.
      const next = await syncWithEngine(d, replica)
      expect(next.messages.filter((m) => m.kind === 'entry'), variant).toEqual([])
      expect(await held(replica), variant).toEqual(content(d))
    }
  })
})
