/**
 * rfc4533.md §5: what a provider may send in the persist stage (and at its threshold) that the
 * reference consumer must get right: the up-to-date `refreshDelete{}`, adds and modifies for
 * UUIDs it does or does not hold, deletes of unknown UUIDs, of entries moved out of scope and of
 * parents whose children stay, syncUUIDs that differ from entryUUID, and referral objects sent as
 * references.
 */
import { describe, expect, it } from 'vitest'
import { SyncreplConsumer } from '../../../consumer/index.js'
import { createProvider } from '../../../provider/index.js'
import type { SyncMessage } from '../../../provider/index.js'
import { bytes, rawSyncInfo, startScriptedSyncServer, syncDoneMessage, syncEntry, syncIdSet, syncInfo, syncReference, testUuid } from '../../support/scripted-sync-server.js'
import { PEOPLE, SUFFIX, content, cookieText, held, peopleDirectory, peopleLdif, personDn, seededStore, valuesOf } from './people.js'
import { openSession, syncWithEngine } from './session-feed.js'

const ADMIN = `cn=admin,${SUFFIX}`
const ID = 2
const [A, B, X, Y] = [1, 2, 24, 25].map(testUuid) as [string, string, string, string]
const dnOf = (name: string) => `uid=${name},${PEOPLE}`
const cookie = (second: number) => bytes(`rid=001,csn=20260101000000.${String(second).padStart(6, '0')}Z#000000#000#000000`)
/** slapd's up-to-date refreshAndPersist terminator, exactly (trace e2). */
const REFRESH_DELETE_EMPTY = Buffer.from('a100', 'hex')

/** A refreshAndPersist session over a replica holding A (cn a, description x) with cookie(1), past its refresh. */
async function persisting() {
  const store = seededStore([{ uuid: A, dn: dnOf('a'), attributes: { cn: 'a', description: 'x' } }], cookie(1))
  const fed = await openSession(store, 'refreshAndPersist', cookie(1))
  expect(await fed.feed(rawSyncInfo(ID, REFRESH_DELETE_EMPTY))).toEqual([{ kind: 'refreshDone' }])
  return { store, fed }
}

describe('rfc4533.md §5: the persist stage', () => {
  it('§5.15: `refreshDelete{}` (a1 00, slapd up to date) ends the refresh with no cookie: persist starts from the old cookie', async () => {
    const { store, fed } = await persisting()
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(1)))
    expect(await held(store)).toEqual(new Map([[A, dnOf('a')]]))
    expect(fed.events.filter((e) => e.kind === 'cookie')).toEqual([])
    await fed.feed(syncEntry(ID, { state: 'add', uuid: B, dn: dnOf('b'), cookie: cookie(2) }))
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(2)))

    // Our engine (slapd 2.5 dialect) sends the same to a consumer that is up to date.
    const provider = await createProvider({ ldif: peopleLdif(3), password: 'secret' })
    const sent: SyncMessage[] = []
    provider.events.on('messageSent', (e) => e.sync !== undefined && sent.push(e.sync))
    try {
      const c = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret' })
      await c.syncSearch({ base: SUFFIX })
      await c.poll()
      const before = cookieText(c.getCookie())
      sent.length = 0
      await c.syncSearch({ base: SUFFIX, mode: 'refreshAndPersist' })
      expect(await c.poll({ all: false })).toEqual({ kind: 'refreshDone' })
      expect(sent).toEqual([{ kind: 'info', info: { kind: 'refreshDelete', refreshDone: true } }])
      expect(cookieText(c.getCookie())).toBe(before)
      expect(await held(c.store)).toEqual(content(provider.directory))
      await c.cancel()
      await c.poll()
      await c.close()
    } finally {
      await provider.close()
    }
  })

  it('§5.17: a persist add for a UUID already held (refresh/persist overlap) replaces that one entry’s attributes', async () => {
    const { store, fed } = await persisting()
    await fed.feed(syncEntry(ID, { state: 'add', uuid: A, dn: dnOf('a'), attributes: { cn: 'a2' }, cookie: cookie(2) }))
    const entries = (await store.load()).entries
    expect(entries.size).toBe(1)
    expect([...(entries.get(A)?.attributes.keys() ?? [])]).toEqual(['cn']) // description is gone: all attributes are replaced
    expect(await valuesOf(store, A, 'cn')).toEqual(['a2'])
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(2)))
  })

  it('§5.18: a persist modify for an unknown UUID creates the entry', async () => {
    const { store, fed } = await persisting()
    await fed.feed(syncEntry(ID, { state: 'modify', uuid: B, dn: dnOf('b'), attributes: { cn: 'b' }, cookie: cookie(2) }))
    expect(await held(store)).toEqual(new Map([[A, dnOf('a')], [B, dnOf('b')]]))
    expect(await valuesOf(store, B, 'cn')).toEqual(['b'])
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(2)))
  })

  it('§5.19: a persist delete (entry or syncIdSet) for an unknown UUID changes nothing but the cookie', async () => {
    const { store, fed } = await persisting()
    await fed.feed(syncEntry(ID, { state: 'delete', uuid: B, dn: dnOf('b'), cookie: cookie(2) }))
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(2)))
    await fed.feed(syncIdSet(ID, true, [B, X], cookie(3)))
    expect(await held(store)).toEqual(new Map([[A, dnOf('a')]]))
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(3)))
  })

  it('§5.22: an entry moved out of the search base arrives as a delete carrying its new DN outside the base; it is deleted by UUID', async () => {
    const provider = await createProvider({ ldif: peopleLdif(3), password: 'secret' })
    const sent: SyncMessage[] = []
    provider.events.on('messageSent', (e) => e.sync !== undefined && e.phase === 'persist' && sent.push(e.sync))
    try {
      const c = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret' })
      await c.syncSearch({ base: PEOPLE, mode: 'refreshAndPersist' })
      expect(await c.poll({ all: false })).toEqual({ kind: 'refreshDone' })
      const moved = provider.directory.getByDn(personDn(2))?.uuid as string
      const deleted = new Promise<void>((resolve) => c.onEvent((e) => e.kind === 'cookie' && resolve()))
      const polling = c.poll()
      provider.directory.apply({ kind: 'modDN', dn: personDn(2), newRdn: 'uid=p2', deleteOldRdn: true, newSuperior: `ou=other,${SUFFIX}` })
      await deleted
      expect(sent).toEqual([expect.objectContaining({ kind: 'entry', state: 'delete', dn: `uid=p2,ou=other,${SUFFIX}` })])
      expect((await held(c.store)).has(moved)).toBe(false)
      expect(await held(c.store)).toEqual(content(provider.directory, PEOPLE))
      await c.cancel()
      expect(await polling).toMatchObject({ kind: 'done', resultCode: 118 })
      await c.close()
    } finally {
      await provider.close()
    }
  })

  it('§5.28: entries are keyed by the Sync State control’s UUID, not by an entryUUID attribute that differs from it (389-DS nsUniqueId)', async () => {
    const store = seededStore([])
    let fed = await openSession(store, 'refreshOnly', undefined)
    await fed.feed(syncEntry(ID, { state: 'add', uuid: Y, dn: dnOf('y'), attributes: { cn: 'y', entryUUID: X } }), syncDoneMessage(ID, 0, { cookie: cookie(1) }))
    expect(await held(store)).toEqual(new Map([[Y, dnOf('y')]]))
    expect(await valuesOf(store, Y, 'entryUUID')).toEqual([X]) // kept as data
    // A present phase naming the control's UUID keeps the entry; one by the attribute's would not.
    fed = await openSession(store, 'refreshOnly', cookie(1))
    await fed.feed(syncIdSet(ID, false, [Y]), syncDoneMessage(ID, 0, { cookie: cookie(2) }))
    expect(await held(store)).toEqual(new Map([[Y, dnOf('y')]]))
    // A delete names the control's UUID too.
    fed = await openSession(store, 'refreshAndPersist', cookie(2))
    await fed.feed(rawSyncInfo(ID, REFRESH_DELETE_EMPTY), syncEntry(ID, { state: 'delete', uuid: X, dn: dnOf('y'), cookie: cookie(3) }))
    expect(await held(store)).toEqual(new Map([[Y, dnOf('y')]]))
    await fed.feed(syncEntry(ID, { state: 'delete', uuid: Y, dn: dnOf('y'), cookie: cookie(4) }))
    expect((await store.load()).entries.size).toBe(0)
  })

  it('§5.48: a parent leaving the content while its children stay (our engine, filter) goes alone; the children keep their data', async () => {
    const d = peopleDirectory()
    const store = seededStore([])
    const filter = '(|(objectClass=inetOrgPerson)(description=visible))'
    d.apply({ kind: 'modify', dn: PEOPLE, modifications: [{ operation: 'replace', type: 'description', values: ['visible'] }] })
    const run = await syncWithEngine(d, store, { mode: 'refreshAndPersist', filter })
    const people = d.getByDn(PEOPLE)?.uuid as string
    const before = (await store.load()).entries
    await run.persist({ kind: 'modify', dn: PEOPLE, modifications: [{ operation: 'replace', type: 'description', values: ['hidden'] }] })
    expect(run.messages.at(-1)).toMatchObject({ kind: 'entry', state: 'delete', dn: PEOPLE })
    expect(before.has(people)).toBe(true)
    expect((await held(store)).has(people)).toBe(false)
    expect(await held(store)).toEqual(content(d, SUFFIX, filter))
    for (let i = 1; i <= 6; i++) {
      const uuid = d.getByDn(personDn(i))?.uuid as string
      expect((await store.load()).entries.get(uuid)?.attributes, personDn(i)).toEqual(before.get(uuid)?.attributes)
    }
    run.stop()
  })

  it('§5.45: a reference with State{delete} and an empty URL list (`73 00`) decodes, removes that UUID and commits its cookie', async () => {
    // Over a socket, through the consumer's client: slapd sends referral objects this way
    // without ManageDsaIT, and an empty SearchResultReference breaks RFC 4511's SIZE (1..MAX).
    const referral = syncReference(ID, { state: 'delete', uuid: X, uris: [], cookie: cookie(3) })
    expect(referral.includes(Buffer.from('7300', 'hex'))).toBe(true)
    const server = await startScriptedSyncServer({
      onSearch: (s) =>
        s.send(
          syncEntry(s.messageId, { state: 'add', uuid: A, dn: dnOf('a') }),
          syncEntry(s.messageId, { state: 'add', uuid: X, dn: `cn=ref,${SUFFIX}` }), // X was an entry before it became a referral object
          syncInfo(s.messageId, { kind: 'refreshDelete', cookie: cookie(1), refreshDone: true }),
          syncReference(s.messageId, { state: 'add', uuid: Y, uris: [`ldap://other.example/cn=y,${SUFFIX}`], cookie: cookie(2) }),
          syncReference(s.messageId, { state: 'delete', uuid: X, uris: [], cookie: cookie(3) }),
          syncEntry(s.messageId, { state: 'add', uuid: B, dn: dnOf('b'), cookie: cookie(4) }),
        ),
    })
    try {
      const c = await SyncreplConsumer.connect({ url: server.url })
      const cookies: string[] = []
      c.onEvent((e) => e.kind === 'cookie' && cookies.push(cookieText(e.cookie) as string))
      await c.syncSearch({ base: SUFFIX, mode: 'refreshAndPersist' })
      expect(await c.poll({ all: false })).toEqual({ kind: 'refreshDone' })
      // Everything was sent before the Cancel, so the Done 118 comes after the persist messages.
      await c.cancel()
      expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 118 })
      expect(cookies).toEqual([1, 2, 3, 4].map((n) => cookieText(cookie(n))))
      expect(await held(c.store)).toEqual(new Map([[A, dnOf('a')], [B, dnOf('b')]])) // the reference Y is not an entry
      await c.close()
    } finally {
      await server.close()
    }
  })

  it('§5.45: references in a present phase count as present; an add/modify reference drops the entry its UUID was', async () => {
    const store = seededStore([{ uuid: A, dn: dnOf('a') }, { uuid: X, dn: `cn=ref,${SUFFIX}` }], cookie(1))
    let fed = await openSession(store, 'refreshOnly', cookie(1))
    await fed.feed(syncIdSet(ID, false, [A]), syncReference(ID, { state: 'present', uuid: X, uris: [] }), syncDoneMessage(ID, 0, { cookie: cookie(2) }))
    expect(await held(store)).toEqual(new Map([[A, dnOf('a')], [X, `cn=ref,${SUFFIX}`]]))
    fed = await openSession(store, 'refreshAndPersist', cookie(2))
    await fed.feed(rawSyncInfo(ID, REFRESH_DELETE_EMPTY), syncReference(ID, { state: 'modify', uuid: X, uris: [`ldap://other.example/cn=ref,${SUFFIX}`], cookie: cookie(3) }))
    expect(await held(store)).toEqual(new Map([[A, dnOf('a')]]))
    expect(fed.events).toContainEqual({ kind: 'delete', uuids: [X] })
    expect(cookieText((await store.load()).cookie)).toBe(cookieText(cookie(3)))
  })
})
