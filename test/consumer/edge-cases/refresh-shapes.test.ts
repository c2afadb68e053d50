/**
 * rfc4533.md §5: the refresh shapes a provider may send that slapd 2.5 does not, faced by the
 * reference consumer — from our engine's dialect knobs over a real socket where they produce the
 * shape, and as exact bytes (test/support/scripted-sync-server.ts builders, decoded by our codec)
 * where no engine does, or where the store must be looked at between two messages.
 */
import { describe, expect, it } from 'vitest'
import { SyncreplConsumer } from '../../../consumer/index.js'
import type { SyncEvent } from '../../../consumer/index.js'
import { createProvider } from '../../../provider/index.js'
import type { SyncMessage } from '../../../provider/index.js'
import { DS389_2_3 } from '../../../provider/sync/index.js'
import { bytes, rawSyncInfo, syncDoneMessage, syncEntry, syncIdSet, syncInfo, testUuid } from '../../support/scripted-sync-server.js'
import { PEOPLE, SUFFIX, content, cookieText, held, peopleDirectory, peopleLdif, personDn, seededStore, valuesOf } from './people.js'
import { openSession, syncWithEngine } from './session-feed.js'

const ADMIN = `cn=admin,${SUFFIX}`
const ID = 2
const [A, B, C, D, E, F, G] = [1, 2, 3, 4, 5, 6, 7].map(testUuid) as [string, string, string, string, string, string, string]
const dnOf = (name: string) => `uid=${name},${PEOPLE}`
const csn = (second: number) => `20260101000000.${String(second).padStart(6, '0')}Z#000000#000#000000`
/** A usable OpenLDAP cookie: a request carrying it is not initial content. */
const cookie = (second: number) => bytes(`rid=001,csn=${csn(second)}`)

/** A, B, C, D held at uid=a…d with cn = their name, and cookie(1). */
function fourHeld() {
  return seededStore(['a', 'b', 'c', 'd'].map((n, i) => ({ uuid: testUuid(i + 1), dn: dnOf(n), attributes: { cn: n } })), cookie(1))
}

describe('rfc4533.md §5: refresh shapes', () => {
  it('§5.1: initial content ending refreshDeletes FALSE / refreshPresent (RFC 4533 §3.3.1, §3.4) leaves exactly the entries sent', async () => {
    const provider = await createProvider({ ldif: peopleLdif(4), password: 'secret', sync: { dialect: { initialContentRefreshDeletes: false } } })
    const sent: SyncMessage[] = []
    provider.events.on('messageSent', (e) => e.sync !== undefined && sent.push(e.sync))
    try {
      for (const mode of ['refreshOnly', 'refreshAndPersist'] as const) {
        // A replica that lost its cookie but kept an entry the provider no longer has.
        const store = seededStore([{ uuid: testUuid(0xdead), dn: dnOf('ghost') }])
        const c = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret', store })
        await c.syncSearch({ base: SUFFIX, mode })
        expect(await c.poll({ all: false }), mode).toMatchObject(mode === 'refreshOnly' ? { kind: 'done', resultCode: 0 } : { kind: 'refreshDone' })
        expect(await held(store), mode).toEqual(content(provider.directory))
        if (mode === 'refreshAndPersist') {
          await c.cancel()
          expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 118 })
        }
        await c.close()
      }
      const ends = sent.filter((m) => m.kind === 'done' || (m.kind === 'info' && m.info.kind !== 'syncIdSet'))
      expect(ends[0]).toMatchObject({ kind: 'done', resultCode: 0, syncDone: { refreshDeletes: false } })
      expect(ends[1]).toMatchObject({ kind: 'info', info: { kind: 'refreshPresent', refreshDone: true } })
    } finally {
      await provider.close()
    }
  })

  it('§5.4: a present phase of attribute-less present entries keeps the stored attributes and deletes the unmentioned', async () => {
    const provider = await createProvider({ ldif: peopleLdif(4), password: 'secret', sync: { dialect: { presentStyle: 'entries' } } })
    try {
      const store = seededStore([])
      const c = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret', store })
      await c.syncSearch({ base: SUFFIX })
      await c.poll()
      const p3 = provider.directory.getByDn(personDn(3))?.uuid as string
      const p3Before = (await store.load()).entries.get(p3)?.attributes
      provider.directory.apply({ kind: 'modify', dn: personDn(1), modifications: [{ operation: 'replace', type: 'cn', values: ['changed'] }] })
      provider.directory.apply({ kind: 'delete', dn: personDn(2) })
      const states: string[] = []
      c.onEvent((e) => e.kind === 'entry' && states.push(`${e.state} ${e.dn}`))
      await c.syncSearch({ base: SUFFIX })
      expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
      // Every entry of the content came as a present entry (no attributes), p1 also as an add.
      expect(states.filter((s) => s.startsWith('present'))).toHaveLength(content(provider.directory).size)
      expect(states.filter((s) => s.startsWith('add'))).toEqual([`add ${personDn(1)}`])
      expect(await held(store)).toEqual(content(provider.directory))
      expect((await store.load()).entries.get(p3)?.attributes).toEqual(p3Before)
      expect(await valuesOf(store, provider.directory.getByDn(personDn(1))?.uuid as string, 'cn')).toEqual(['changed'])
      await c.close()
    } finally {
      await provider.close()
    }
  })

  it('§5.7: adds then Done refreshDeletes FALSE with no present list (389-DS incremental) leaves only the added entries', async () => {
    // RFC 4533 §3.3.2: a present phase in which nothing was named present; everything the
    // refresh did not mention is gone. (389-DS means "the rest is unchanged"; that is its bug.)
    const ds389 = (n: number) => bytes(`localhost:389#cn=directory manager:${SUFFIX}:(objectClass=*)#${n}`)
    const store = seededStore([{ uuid: A, dn: dnOf('a') }, { uuid: B, dn: dnOf('b') }, { uuid: C, dn: dnOf('c') }], ds389(10))
    const fed = await openSession(store, 'refreshOnly', ds389(10))
    const steps = await fed.feed(
      syncEntry(ID, { state: 'add', uuid: B, dn: dnOf('b'), attributes: { cn: 'b2' } }),
      syncEntry(ID, { state: 'add', uuid: D, dn: dnOf('d'), attributes: { cn: 'd' } }),
      syncDoneMessage(ID, 0, { cookie: ds389(12), refreshDeletes: false }),
    )
    expect(steps.at(-1)).toMatchObject({ kind: 'done', resultCode: 0 })
    expect(await held(store)).toEqual(new Map([[B, dnOf('b')], [D, dnOf('d')]]))
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(ds389(12)))
    expect(fed.events).toContainEqual({ kind: 'delete', uuids: [A, C] })

    // Our engine's 389ds preset sends the same shape; read by the RFC, the replica keeps the one
    // changed entry of nine, which is what the conformance runner must call the provider's bug.
    const d = peopleDirectory()
    const engineStore = seededStore([])
    await syncWithEngine(d, engineStore, { knobs: DS389_2_3 })
    d.apply({ kind: 'modify', dn: personDn(1), modifications: [{ operation: 'replace', type: 'cn', values: ['x'] }] })
    const run = await syncWithEngine(d, engineStore, { knobs: DS389_2_3 })
    expect(run.messages.map((m) => m.kind)).toEqual(['entry', 'done'])
    expect(run.messages.at(-1)).toMatchObject({ kind: 'done', resultCode: 0, syncDone: { refreshDeletes: false } })
    expect(await held(engineStore)).toEqual(new Map([[d.getByDn(personDn(1))?.uuid as string, personDn(1)]]))
  })

  it('§5.8: present phase, refreshPresent{refreshDone FALSE}, delete phase: unmarked entries deleted at the delimiter, listed ones after; one commit at the end', async () => {
    for (const mode of ['refreshOnly', 'refreshAndPersist'] as const) {
      const store = fourHeld()
      const fed = await openSession(store, mode, cookie(1))
      await fed.feed(
        syncIdSet(ID, false, [A, B]),
        syncEntry(ID, { state: 'present', uuid: C, dn: dnOf('c') }),
        syncEntry(ID, { state: 'add', uuid: E, dn: dnOf('e'), attributes: { cn: 'e' } }),
        syncInfo(ID, { kind: 'refreshPresent', cookie: cookie(2), refreshDone: false }),
      )
      expect(fed.events.filter((e) => e.kind === 'delete'), mode).toEqual([{ kind: 'delete', uuids: [D] }])
      // Nothing is committed in the middle of a refresh, the delimiter's cookie included.
      expect(await held(store), mode).toEqual(await held(fourHeld()))
      expect(cookieText((await store.load()).cookie), mode).toBe(cookieText(cookie(1)))
      const end = mode === 'refreshOnly' ? syncDoneMessage(ID, 0, { cookie: cookie(3), refreshDeletes: true }) : syncInfo(ID, { kind: 'refreshDelete', cookie: cookie(3), refreshDone: true })
      const steps = await fed.feed(
        syncIdSet(ID, true, [B]),
        syncEntry(ID, { state: 'delete', uuid: C, dn: dnOf('c') }),
        syncEntry(ID, { state: 'add', uuid: F, dn: dnOf('f'), attributes: { cn: 'f' } }),
        end,
      )
      expect(steps.at(-1), mode).toMatchObject(mode === 'refreshOnly' ? { kind: 'done', resultCode: 0 } : { kind: 'refreshDone' })
      expect(await held(store), mode).toEqual(new Map([[A, dnOf('a')], [E, dnOf('e')], [F, dnOf('f')]]))
      expect(cookieText((await store.load()).cookie), mode).toBe(cookieText(cookie(3)))
    }
  })

  it('§5.8: a 4096 after the delimiter rolls back the delimiter’s deletions too', async () => {
    const store = fourHeld()
    const fed = await openSession(store, 'refreshOnly', cookie(1))
    const steps = await fed.feed(
      syncIdSet(ID, false, [A]),
      syncInfo(ID, { kind: 'refreshPresent', refreshDone: false }),
      syncIdSet(ID, true, [B]),
      syncDoneMessage(ID, 4096, undefined, 'sync cookie is stale'),
    )
    expect(steps.at(-1)).toEqual({ kind: 'refreshRequired', cookie: undefined })
    expect(await held(store)).toEqual(await held(fourHeld()))
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(1)))
  })

  it('§5.8: after a cookie-less request, the final purge of present → delete spares what the present phase named', async () => {
    // A replica that lost its cookie: the result is the whole content (rfc4533.md §2.6), made
    // of the present phase's entries and the delete phase's adds.
    const store = seededStore([{ uuid: A, dn: dnOf('a') }, { uuid: G, dn: dnOf('ghost') }])
    const fed = await openSession(store, 'refreshOnly', undefined)
    await fed.feed(
      syncIdSet(ID, false, [A]),
      syncInfo(ID, { kind: 'refreshPresent', refreshDone: false }),
      syncEntry(ID, { state: 'add', uuid: E, dn: dnOf('e') }),
      syncDoneMessage(ID, 0, { cookie: cookie(2), refreshDeletes: true }),
    )
    expect(await held(store)).toEqual(new Map([[A, dnOf('a')], [E, dnOf('e')]]))
  })

  it('§5.8: our engine’s presentThenDelete knob (session log shorter than the cookie’s age): the replica converges', async () => {
    const d = peopleDirectory({ sessionLog: 3 })
    const store = seededStore([])
    await syncWithEngine(d, store, { knobs: { presentThenDelete: true } })
    for (let i = 1; i <= 4; i++) d.apply({ kind: 'modify', dn: personDn(i), modifications: [{ operation: 'replace', type: 'cn', values: [`x${i}`] }] })
    d.apply({ kind: 'delete', dn: personDn(5) })
    d.apply({ kind: 'delete', dn: personDn(6) })
    const run = await syncWithEngine(d, store, { knobs: { presentThenDelete: true } })
    expect(run.messages).toContainEqual({ kind: 'info', info: expect.objectContaining({ kind: 'refreshPresent', refreshDone: false }) })
    expect(run.steps.at(-1)).toMatchObject({ kind: 'done', resultCode: 0 })
    expect(await held(store)).toEqual(content(d))
  })

  it('§5.9: delete-state entries are applied by UUID, whatever their DN: empty (our engine’s deleteStyle entries) or a past one', async () => {
    const d = peopleDirectory({ sessionLog: 20 })
    const store = seededStore([])
    await syncWithEngine(d, store, { knobs: { deleteStyle: 'entries' } })
    d.apply({ kind: 'delete', dn: personDn(2) })
    const run = await syncWithEngine(d, store, { knobs: { deleteStyle: 'entries' } })
    expect(run.messages).toContainEqual(expect.objectContaining({ kind: 'entry', state: 'delete', dn: '' }))
    expect(await held(store)).toEqual(content(d))

    // A was renamed a → a2 and B created at A's old DN; the delete for A names that past DN.
    const renamed = seededStore([{ uuid: A, dn: dnOf('a2') }, { uuid: B, dn: dnOf('a') }], cookie(1))
    const fed = await openSession(renamed, 'refreshOnly', cookie(1))
    await fed.feed(syncEntry(ID, { state: 'delete', uuid: A, dn: dnOf('a') }), syncDoneMessage(ID, 0, { cookie: cookie(2), refreshDeletes: true }))
    expect(await held(renamed)).toEqual(new Map([[B, dnOf('a')]]))
  })

  it('§5.11: empty syncIdSets (`a3 02 31 00`, `a3 05 01 01 ff 31 00`) change nothing, in a present phase, a delete phase and the persist stage', async () => {
    const emptyDeletes = rawSyncInfo(ID, Buffer.from('a3050101ff3100', 'hex')) // refreshDeletes TRUE, no UUIDs
    const emptyPresent = rawSyncInfo(ID, Buffer.from('a3023100', 'hex'))
    // Delete phase: two empty delete sets, nothing goes.
    const deleting = fourHeld()
    let fed = await openSession(deleting, 'refreshOnly', cookie(1))
    await fed.feed(emptyDeletes, syncIdSet(ID, true, [], cookie(2)), syncDoneMessage(ID, 0, { cookie: cookie(3), refreshDeletes: true }))
    expect(await held(deleting)).toEqual(await held(fourHeld()))
    // Present phase: an empty present set adds nobody to the present list and removes nobody from it.
    const presenting = fourHeld()
    fed = await openSession(presenting, 'refreshOnly', cookie(1))
    await fed.feed(syncIdSet(ID, false, [A, B, C, D]), emptyPresent, syncDoneMessage(ID, 0, { cookie: cookie(3), refreshDeletes: false }))
    expect(await held(presenting)).toEqual(await held(fourHeld()))
    // Persist: the set's cookie is committed, the data stays.
    const persisting = fourHeld()
    fed = await openSession(persisting, 'refreshAndPersist', cookie(1))
    await fed.feed(rawSyncInfo(ID, Buffer.from('a100', 'hex')), syncIdSet(ID, true, [], cookie(4)))
    expect(await held(persisting)).toEqual(await held(fourHeld()))
    expect(cookieText((await persisting.load()).cookie)).toBe(cookieText(cookie(4)))
  })

  it('§5.16: refresh-stage State controls with cookies (slapd delta mode) are kept for the refresh’s end, never committed before it', async () => {
    const delta = (second: number) => bytes(`rid=001,csn=${csn(second)}`)
    const adds = [
      syncEntry(ID, { state: 'add', uuid: A, dn: dnOf('a'), cookie: delta(2) }),
      syncEntry(ID, { state: 'add', uuid: B, dn: dnOf('b'), cookie: delta(3) }),
    ]
    // The refresh ends without a cookie of its own: the last State cookie is the state reached.
    let store = seededStore([], delta(1))
    let fed = await openSession(store, 'refreshAndPersist', delta(1))
    await fed.feed(...adds)
    expect((await store.load()).entries.size).toBe(0)
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(delta(1)))
    expect(await fed.feed(rawSyncInfo(ID, Buffer.from('a100', 'hex')))).toEqual([{ kind: 'refreshDone' }])
    expect([...(await held(store)).keys()]).toEqual([A, B])
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(delta(3)))
    // The connection drops before the refresh ends: neither the entries nor their cookies stay.
    store = seededStore([], delta(1))
    fed = await openSession(store, 'refreshAndPersist', delta(1))
    await fed.feed(...adds)
    fed.session.abort()
    expect((await store.load()).entries.size).toBe(0)
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(delta(1)))
  })

  it('§5.47: a present entry whose DN differs from the stored one moves the entry (and its subtree), keeping its attributes', async () => {
    // Scripted: a provider that treats a rename as DN meta-information (RFC 4533 §4.1) names the
    // entry present at its new DN.
    const store = seededStore([{ uuid: A, dn: dnOf('a'), attributes: { cn: 'a' } }, { uuid: B, dn: `cn=b,${dnOf('a')}`, attributes: { cn: 'b' } }], cookie(1))
    const fed = await openSession(store, 'refreshOnly', cookie(1))
    await fed.feed(
      syncEntry(ID, { state: 'present', uuid: A, dn: `uid=a,ou=other,${SUFFIX}` }),
      syncEntry(ID, { state: 'present', uuid: B, dn: `cn=b,uid=a,ou=other,${SUFFIX}` }),
      syncDoneMessage(ID, 0, { cookie: cookie(2), refreshDeletes: false }),
    )
    expect(await held(store)).toEqual(new Map([[A, `uid=a,ou=other,${SUFFIX}`], [B, `cn=b,uid=a,ou=other,${SUFFIX}`]]))
    expect(await valuesOf(store, A, 'cn')).toEqual(['a'])
    // Our engine with present entries: after a parent's rename its unchanged children come as
    // present entries carrying their new DNs, before the parent's own add.
    const d = peopleDirectory()
    const engineStore = seededStore([])
    await syncWithEngine(d, engineStore, { knobs: { presentStyle: 'entries' } })
    d.apply({ kind: 'modDN', dn: PEOPLE, newRdn: 'ou=staff', deleteOldRdn: true })
    const events: SyncEvent[] = (await syncWithEngine(d, engineStore, { knobs: { presentStyle: 'entries' } })).events
    expect(events).toContainEqual(expect.objectContaining({ kind: 'entry', state: 'present', dn: `uid=p1,ou=staff,${SUFFIX}` }))
    expect(await held(engineStore)).toEqual(content(d))
    expect(await valuesOf(engineStore, d.getByDn(`uid=p1,ou=staff,${SUFFIX}`)?.uuid as string, 'cn')).toEqual(['P 1'])
  })
})
