/**
 * The consumer's state machine fed by our provider's sync engine (encoded and decoded through
 * the codec, as on the wire): after every kind of change the replica must equal the provider's
 * content, and the broken sequences of rfc4533.md §5 must end the session with the store
 * untouched. (Against real slapd: test/interop, with the full consumer.)
 */
import { describe, expect, it } from 'vitest'
import { BerWriter, decodeMessage, encodeMessage, formatSyncUuid, parseFilter } from '../../protocol/index.js'
import type { LdapMessage, LdapMessageInput } from '../../protocol/index.js'
import { parse as parseDn } from '../../protocol/dn/index.js'
import { Directory } from '../../provider/directory/index.js'
import type { Change } from '../../provider/directory/index.js'
import { SyncEngine } from '../../provider/sync/index.js'
import type { DialectKnobs, SyncMessage } from '../../provider/sync/index.js'
import { writeSyncMessage } from '../../provider/server/encode-sync.js'
import { SyncProtocolError, SyncSession } from '../../consumer/sync/index.js'
import type { SyncEvent, SyncStep } from '../../consumer/sync/index.js'
import type { ReplicaEntry, ReplicaTransaction } from '../../consumer/types.js'

const SUFFIX = 'dc=example,dc=com'
const dn = (i: number) => `uid=p${i},ou=people,${SUFFIX}`

/** A replica in a Map with copy-on-begin transactions: enough to observe commits and rollbacks. */
class MapReplica {
  entries = new Map<string, ReplicaEntry>()
  cookie: Uint8Array | undefined
  commits = 0
  async begin(): Promise<ReplicaTransaction> {
    const view = new Map(this.entries)
    let open = true
    return {
      get: (u) => view.get(u),
      uuids: () => [...view.keys()],
      put: (e) => void view.set(e.uuid, e),
      remove: (u) => void view.delete(u),
      rebaseDescendants: (from, to) => {
        for (const [u, e] of view) if (e.dn.toLowerCase().endsWith(`,${from.toLowerCase()}`)) view.set(u, { ...e, dn: `${e.dn.slice(0, e.dn.length - from.length)}${to}` })
      },
      commit: async (cookie) => {
        if (!open) throw new Error('transaction used twice')
        open = false
        this.entries = view
        if (cookie !== undefined) this.cookie = cookie
        this.commits++
      },
      rollback: () => void (open = false),
    }
  }
}

function directory(sessionLogSize = 0): Directory {
  let t = Date.parse('2026-01-01T00:00:00Z')
  const d = new Directory({ suffixes: [SUFFIX], sessionLogSize, clock: () => new Date((t += 1)), uuidSeed: 9 })
  d.apply({ kind: 'add', dn: SUFFIX, attributes: { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' } })
  d.apply({ kind: 'add', dn: `ou=people,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'people' } })
  for (let i = 1; i <= 6; i++) d.apply({ kind: 'add', dn: dn(i), attributes: { objectClass: 'inetOrgPerson', uid: `p${i}`, cn: `P ${i}`, sn: 'P', employeeType: i % 2 ? 'staff' : 'contractor' } })
  return d
}

/** One sync message as the wire would carry it. */
function wire(m: SyncMessage): LdapMessage {
  const w = new BerWriter(1024)
  writeSyncMessage(w, 2, m)
  return decodeMessage(w.toBuffer())
}

interface Run {
  steps: SyncStep[]
  events: SyncEvent[]
  session: SyncSession
  persist: (change: Change) => Promise<SyncStep[]>
  stop: () => void
}

async function sync(d: Directory, replica: MapReplica, mode: 'refreshOnly' | 'refreshAndPersist', options: { filter?: string; knobs?: Partial<DialectKnobs>; reloadHint?: boolean; tamper?: (m: LdapMessage[]) => LdapMessage[] } = {}): Promise<Run> {
  const cookie = replica.cookie
  const op = new SyncEngine(d, { dialect: options.knobs ?? {} }).start({
    messageId: 2,
    base: parseDn(SUFFIX),
    scope: 'sub',
    filter: parseFilter(options.filter ?? '(objectClass=*)'),
    attributes: [],
    sizeLimit: 0,
    sync: { kind: 'syncRequest', mode, reloadHint: options.reloadHint ?? false, ...(cookie ? { cookie } : {}) },
  })
  const events: SyncEvent[] = []
  const session = new SyncSession({ mode, requestCookie: cookie, committedCookie: cookie, begin: () => replica.begin(), onEvent: (e) => events.push(e) })
  let messages: LdapMessage[] = []
  const it = op.refresh()
  for (let r = it.next(); !r.done; r = it.next()) messages.push(wire(r.value))
  if (options.tamper) messages = options.tamper(messages)
  const steps: SyncStep[] = []
  for (const m of messages) steps.push(await session.handle(m))
  const queue: SyncMessage[] = []
  if (mode === 'refreshAndPersist') op.onPersist((m) => queue.push(m))
  return {
    steps,
    events,
    session,
    persist: async (change) => {
      d.apply(change)
      const out: SyncStep[] = []
      while (queue.length) out.push(await session.handle(wire(queue.shift() as SyncMessage)))
      return out
    },
    stop: () => op.stop(),
  }
}

/** The provider's content as the replica should hold it: uuid → DN and attribute names. */
function content(d: Directory, filter = '(objectClass=*)'): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of d.search({ base: SUFFIX, scope: 'sub', filter: parseFilter(filter) })) out.set(e.uuid, e.dnText)
  return out
}
const held = (r: MapReplica) => new Map([...r.entries.values()].map((e) => [e.uuid, e.dn]))
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('latin1'))

describe('SyncSession fed by the OpenLDAP-dialect engine', () => {
  for (const log of [0, 100]) {
    it(`converges after add / modify / rename / non-leaf move / delete, refreshOnly, session log ${log ? 'on' : 'off'}`, async () => {
      const d = directory(log)
      const r = new MapReplica()
      await sync(d, r, 'refreshOnly')
      expect(held(r)).toEqual(content(d))
      const changes: Change[] = [
        { kind: 'add', dn: dn(7), attributes: { objectClass: 'inetOrgPerson', uid: 'p7', cn: 'P 7', sn: 'P' } },
        { kind: 'modify', dn: dn(1), modifications: [{ operation: 'replace', type: 'cn', values: ['changed'] }] },
        { kind: 'modDN', dn: dn(2), newRdn: 'uid=p2b', deleteOldRdn: true },
        { kind: 'add', dn: `ou=moved,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'moved' } },
        { kind: 'modDN', dn: `ou=people,${SUFFIX}`, newRdn: 'ou=staff', deleteOldRdn: true }, // non-leaf: children follow
        { kind: 'delete', dn: `uid=p3,ou=staff,${SUFFIX}` },
      ]
      for (const c of changes) {
        d.apply(c)
        const run = await sync(d, r, 'refreshOnly')
        expect(run.steps.at(-1)).toMatchObject({ kind: 'done', resultCode: 0 })
        expect(held(r), `after ${c.kind} ${String(c.dn)}`).toEqual(content(d))
      }
      expect(text(r.cookie)).toMatch(/^rid=000,csn=\S+#000#000000$/)
    })
  }

  it('refreshAndPersist: live changes, leaving and entering the filter, each committed with its cookie', async () => {
    const d = directory(0)
    const r = new MapReplica()
    const filter = '(employeeType=staff)'
    const run = await sync(d, r, 'refreshAndPersist', { filter })
    expect(run.steps.at(-1)).toEqual({ kind: 'refreshDone' })
    expect(held(r)).toEqual(content(d, filter))
    await run.persist({ kind: 'modify', dn: dn(1), modifications: [{ operation: 'replace', type: 'employeeType', values: ['contractor'] }] })
    await run.persist({ kind: 'modify', dn: dn(2), modifications: [{ operation: 'replace', type: 'employeeType', values: ['staff'] }] })
    const before = r.cookie
    await run.persist({ kind: 'modify', dn: dn(4), modifications: [{ operation: 'replace', type: 'cn', values: ['x'] }] }) // outside: newcookie
    expect(text(r.cookie)).not.toBe(text(before))
    await run.persist({ kind: 'delete', dn: dn(3) })
    expect(held(r)).toEqual(content(d, filter))
    run.stop()
  })

  it('initial content ending refreshDeletes TRUE (slapd) leaves no ghost: no cookie, or one slapd cannot use', async () => {
    const ghost: ReplicaEntry = { uuid: '00000000-0000-0000-0000-00000000dead', dn: `uid=ghost,${SUFFIX}`, attributes: new Map() }
    // rfc4533.md §5 cases 2 and 3: traces a (no cookie), f2 (garbage CSN), f4 (no rid), f7 (not a cookie), f8 (rid out of range)
    for (const cookie of [undefined, 'rid=000,csn=garbage', 'csn=20261123142512.557362Z#000000#000#000000', 'hello', 'rid=4096,csn=20261123142512.557362Z#000000#000#000000']) {
      const d = directory(0)
      const r = new MapReplica()
      r.entries.set(ghost.uuid, ghost)
      r.cookie = cookie === undefined ? undefined : Buffer.from(cookie)
      await sync(d, r, 'refreshOnly')
      expect(held(r), String(cookie)).toEqual(content(d))
      const persist = new MapReplica()
      persist.entries.set(ghost.uuid, ghost)
      persist.cookie = r.cookie === undefined || cookie === undefined ? undefined : Buffer.from(cookie)
      ;(await sync(d, persist, 'refreshAndPersist')).stop()
      expect(held(persist), `persist ${String(cookie)}`).toEqual(content(d))
    }
  })

  it('a delete phase with a usable cookie keeps what was not mentioned (no false purge)', async () => {
    const d = directory(100)
    const r = new MapReplica()
    await sync(d, r, 'refreshOnly')
    d.apply({ kind: 'modify', dn: dn(1), modifications: [{ operation: 'replace', type: 'cn', values: ['y'] }] })
    const run = await sync(d, r, 'refreshOnly')
    expect(run.events.filter((e) => e.kind === 'entry')).toHaveLength(1)
    expect(held(r)).toEqual(content(d))
  })

  it('4096 after some entries rolls the refresh back and names the retry cookie (none → reload from scratch)', async () => {
    const d = directory(0)
    const r = new MapReplica()
    await sync(d, r, 'refreshOnly')
    const committed = new Map(r.entries)
    const cookie = r.cookie
    d.apply({ kind: 'modify', dn: dn(1), modifications: [{ operation: 'replace', type: 'cn', values: ['z'] }] })
    const run = await sync(d, r, 'refreshOnly', {
      tamper: (ms) => [ms[0] as LdapMessage, msg({ kind: 'searchResultDone', resultCode: 4096, matchedDN: '', diagnosticMessage: 'sync cookie is stale' })],
    })
    expect(run.steps.at(-1)).toEqual({ kind: 'refreshRequired', cookie: undefined })
    expect(r.entries).toEqual(committed)
    expect(r.cookie).toBe(cookie)
  })

  it('a second refreshDone, a missing Sync State control or a bad UUID end the session with the store untouched', async () => {
    const d = directory(0)
    const cases: Array<[string, (ms: LdapMessage[]) => LdapMessage[]]> = [
      ['SYNC_SECOND_REFRESH_DONE', (ms) => [...ms, ms.at(-1) as LdapMessage]],
      ['SYNC_STATE_CONTROL_MISSING', (ms) => [{ ...(ms[0] as LdapMessage), controls: [] }, ...ms.slice(1)]],
      ['SYNC_STATE_CONTROL_DUPLICATE', (ms) => [{ ...(ms[0] as LdapMessage), controls: [...(ms[0] as LdapMessage).controls, ...(ms[0] as LdapMessage).controls] }, ...ms.slice(1)]],
      ['SYNC_STATE_INVALID', (ms) => [{ ...(ms[0] as LdapMessage), controls: [{ type: '1.3.6.1.4.1.4203.1.9.1.2', critical: false, value: Buffer.from('30090a010104040102030a', 'hex').subarray(0, 9) }] }, ...ms.slice(1)]],
    ]
    for (const [code, tamper] of cases) {
      const r = new MapReplica()
      const error = await sync(d, r, 'refreshAndPersist', { tamper }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error, code).toBeInstanceOf(SyncProtocolError)
      expect((error as SyncProtocolError).code).toBe(code)
      if (code === 'SYNC_SECOND_REFRESH_DONE') {
        // the first refreshDone committed the refresh; the duplicate changes nothing
        expect(held(r), code).toEqual(content(d))
        expect(r.commits, code).toBe(1)
      } else {
        expect(r.entries.size, code).toBe(0)
        expect(r.cookie, code).toBeUndefined()
        expect(r.commits, code).toBe(0)
      }
    }
  })

  it('never stores an empty cookie and keeps the previous one when the Done has none (trace b)', async () => {
    const d = directory(0)
    const r = new MapReplica()
    await sync(d, r, 'refreshOnly')
    const cookie = text(r.cookie)
    const run = await sync(d, r, 'refreshOnly') // up to date: Done{refreshDeletes TRUE}, no cookie
    expect(run.steps).toEqual([{ kind: 'done', resultCode: 0, diagnosticMessage: '' }])
    expect(text(r.cookie)).toBe(cookie)
    const empty = await sync(d, r, 'refreshOnly', { knobs: { upToDateReply: '2.6.14' } }) // Done{cookie ""}
    expect(empty.steps.at(-1)).toMatchObject({ kind: 'done', resultCode: 0 })
    expect(text(r.cookie)).toBe(cookie)
    expect(held(r)).toEqual(content(d))
  })

  it('reports python-ldap-style events in order', async () => {
    const d = directory(0)
    const r = new MapReplica()
    const run = await sync(d, r, 'refreshOnly')
    expect(run.events.filter((e) => e.kind === 'entry')).toHaveLength(8)
    expect(run.events.slice(-3).map((e) => e.kind)).toEqual(['present', 'cookie', 'refreshDone'])
    expect(formatSyncUuid(Buffer.from([...r.entries.keys()][0]!.replace(/-/g, ''), 'hex'))).toBe([...r.entries.keys()][0])
  })
})

function msg(op: LdapMessageInput['op']): LdapMessage {
  return decodeMessage(encodeMessage({ messageId: 2, op }))
}
