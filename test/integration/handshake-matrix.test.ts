/**
 * 389ds-session-hooks.md §5.7 rows 1-5: our consumer against our provider over real sockets. Each
 * row asserts what went over the wire (the provider's handshake records and request trail), the
 * consumer's error or success, and — for every refusal — that the FileStore's file and its
 * loaded replica and cookie are byte-identical before and after. Rows 6-10 are in
 * handshake-matrix-faults.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HandshakeError, SyncreplConsumer } from '../../consumer/index.js'
import type { PostContext, RetryInfo, SessionHooksOptions } from '../../consumer/index.js'
import { ReplOid } from '../../protocol/replsession/index.js'
import type { HandshakeRecord, SessionHookScript } from '../../provider/index.js'
import { storeState } from '../consumer/handshake-support.js'
import { AUTH, BASE, REPLY_GUID, VERSION_GUID, cstringHex, fakeSleep, hex, loaded, prefilled, versionHooks } from './handshake-matrix-support.js'
import type { Prefilled } from './handshake-matrix-support.js'

let run: Prefilled | undefined
afterEach(async () => {
  await run?.close()
  run = undefined
})

/** The Start and End records after the pre-fill. */
const recordsAfter = (r: Prefilled): readonly HandshakeRecord[] => r.provider.handshakes.records.slice(r.mark.records)

/** One attempt on a fresh connection that must be refused with a HandshakeError; the store must not move. */
async function refusedOnce(r: Prefilled, hooks: SessionHooksOptions, search: { cookie?: null } = {}): Promise<HandshakeError> {
  const c = await SyncreplConsumer.connect({ url: r.provider.url, ...AUTH, store: await r.openStore(), sessionHooks: hooks })
  const error = await c.syncSearch({ base: BASE, mode: 'refreshOnly', ...search }).then(() => undefined, (e: unknown) => e)
  await c.close()
  expect(error).toBeInstanceOf(HandshakeError)
  expect(await r.state()).toEqual(r.before)
  expect(r.provider.handshakes.violations).toEqual([])
  return error as HandshakeError
}

describe('389ds-session-hooks.md §5.7, rows 1-5', () => {
  it('§5.7 row 1: both sides hook, matching GUIDs, version ok: READY, payloads recorded both ways, the sync proceeds', async () => {
    run = await prefilled({ recv: { expectGuid: VERSION_GUID, codec: 'cstring', accept: { minVersion: '4.10' } }, reply: { guid: REPLY_GUID, data: '4.12.0', appendNul: true } })
    run.provider.directory.apply({ kind: 'add', dn: `uid=row1,ou=people,${BASE}`, attributes: { objectClass: ['account'], uid: ['row1'] } })
    let post: PostContext | undefined
    const c = await SyncreplConsumer.connect({ url: run.provider.url, ...AUTH, store: await run.openStore(), sessionHooks: versionHooks('4.12', { post: (ctx) => void (post = ctx) }) })
    await c.syncSearch({ base: BASE, mode: 'refreshOnly' })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c.close()

    const [start, end, ...rest] = recordsAfter(run)
    expect(rest).toEqual([])
    expect(start).toMatchObject({
      kind: 'start', requestOid: ReplOid.startNsds90Request, version: 2, protocolOid: ReplOid.incrementalProtocol, isTotal: false, base: BASE,
      payload: { guid: VERSION_GUID, dataHex: cstringHex('4.12'), decoded: { codec: 'cstring', text: '4.12' } },
      recv: { outcome: 'accepted' }, code: 0, reply: { guid: REPLY_GUID, dataHex: cstringHex('4.12.0') },
      response: { resultCode: 0, responseName: ReplOid.nsds90Response }, stateBefore: 'none', stateAfter: 'accepted',
    })
    expect(end).toMatchObject({ kind: 'end', connectionId: start?.connectionId, code: 0x09, response: { responseName: ReplOid.nsds50Response }, stateAfter: 'none' })
    const n = start?.connectionId
    expect(run.trail.since(run.mark.trail)).toEqual([`${n}:bind`, `${n}:rootDse`, `${n}:start`, `${n}:syncSearch`, `${n}:end`, `${n}:unbind`])
    // The consumer's post hook got the provider's reply payload, exact bytes with 389's NUL.
    expect([post?.guid, hex(post?.data), post?.isTotal]).toEqual([REPLY_GUID, cstringHex('4.12.0'), false])
    // The sync went through: the new entry and a new cookie are in the store.
    const after = loaded(await run.state())
    expect(after.entries.map((e) => e.dn)).toContain(`uid=row1,ou=people,${BASE}`)
    expect(after.cookie).not.toBe(loaded(run.before).cookie)
    expect(run.provider.handshakes.violations).toEqual([])
  })

  it('§5.7 row 2: consumer version below minVersion: 0x0E, no sync, store untouched, retries at 3, 6, 12 s, then the provider "upgrades" via sequence and says READY', async () => {
    const reject: SessionHookScript = { recv: { expectGuid: VERSION_GUID, accept: { minVersion: '4.10' } } }
    run = await prefilled({ ...reject, sequence: [{}, {}, {}, { recv: { accept: { minVersion: '4.0' } } }] })
    const r = run
    r.provider.directory.apply({ kind: 'add', dn: `uid=row2,ou=people,${BASE}`, attributes: { objectClass: ['account'], uid: ['row2'] } })
    const store = await r.openStore()
    const time = fakeSleep()
    const retries: RetryInfo[] = []
    const states: Array<ReturnType<typeof storeState>> = []
    const c = await SyncreplConsumer.connectAndSyncSearch({ url: r.provider.url, ...AUTH, store, sessionHooks: versionHooks('4.9') }, { base: BASE, mode: 'refreshOnly' }, {
      sleep: time.sleep,
      onRetry: (info) => {
        retries.push(info)
        states.push(storeState(store))
      },
    })
    expect(time.slept).toEqual([3000, 6000, 12000])
    expect(retries.map((i) => {
      const e = i.error as HandshakeError
      return [i.attempt, i.retry, e.phase, e.code, e.codeName, e.retryable]
    })).toEqual([1, 2, 3].map((n) => [n, 'exponential', 'provider', 0x0e, 'NSDS50_REPL_BACKOFF', true]))
    expect(await Promise.all(states)).toEqual([r.before, r.before, r.before])
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c.close()

    const starts = r.provider.handshakes.starts.slice(1)
    expect(starts.map((s) => [s.attempt, s.protocolOid, s.payload?.decoded?.text, s.recv?.outcome, s.code])).toEqual([
      [1, ReplOid.incrementalProtocol, '4.9', 'rejected', 0x0e],
      [2, ReplOid.incrementalProtocol, '4.9', 'rejected', 0x0e],
      [3, ReplOid.incrementalProtocol, '4.9', 'rejected', 0x0e],
      [4, ReplOid.incrementalProtocol, '4.9', 'accepted', 0x00],
    ])
    // Each refusal is the bare §2.7 value: no RUV, no payload (this script has no reply stage).
    expect(starts.slice(0, 3).map((s) => s.response?.responseValueHex)).toEqual(['30030a010e', '30030a010e', '30030a010e'])
    expect(new Set(starts.map((s) => s.connectionId)).size).toBe(4)
    // A sync search only on the accepted (fourth) connection.
    const syncs = r.trail.since(r.mark.trail).filter((t) => t.endsWith(':syncSearch'))
    expect(syncs).toEqual([`${starts[3]?.connectionId}:syncSearch`])
    expect(r.provider.handshakes.syncSearchesAfterRejection()).toBe(0)
    expect(r.provider.handshakes.violations).toEqual([])
    const after = loaded(await r.state())
    expect(after.cookie).not.toBe(loaded(r.before).cookie)
    expect(after.entries.map((e) => e.dn)).toContain(`uid=row2,ou=people,${BASE}`)
  })

  it('§5.7 row 3: schema checksum mismatch on a cookie-less (total) sync: 0x0C, fatal, the local store is not cleared', async () => {
    run = await prefilled({ recv: { expectGuid: VERSION_GUID, codec: 'json', accept: { schemaChecksum: 'c0ffee', field: 'schema' } } })
    const time = fakeSleep()
    const hooks = { pre: () => ({ guid: VERSION_GUID, data: JSON.stringify({ schema: 'badbad' }) }) }
    const store = await run.openStore()
    const error = await SyncreplConsumer.connectAndSyncSearch({ url: run.provider.url, ...AUTH, store, sessionHooks: hooks }, { base: BASE, cookie: null }, { sleep: time.sleep }).catch((e: unknown) => e)
    await store.close()
    expect(error).toBeInstanceOf(HandshakeError)
    expect(error).toMatchObject({ phase: 'provider', code: 0x0c, codeName: 'NSDS50_REPL_DISABLED', retry: 'fatal', retryable: false, isTotal: true })
    expect(time.slept).toEqual([])
    expect(await run.state()).toEqual(run.before)
    const records = recordsAfter(run)
    expect(records.map((s) => [s.kind, s.protocolOid, s.isTotal, s.recv?.outcome, s.code, s.response?.responseValueHex])).toEqual([['start', ReplOid.totalProtocol, true, 'rejected', 0x0c, '30030a010c']])
    expect(records[0]?.payload?.decoded?.json).toEqual({ schema: 'badbad' })
    const n = records[0]?.connectionId
    expect(run.trail.since(run.mark.trail)).toEqual([`${n}:bind`, `${n}:rootDse`, `${n}:start`, `${n}:unbind`])
  })

  it('§5.7 row 4: reply-stage veto → 0x0E without payload; unknown GUID accepted by default, 0x0E with onGuidMismatch "reject"', async () => {
    run = await prefilled({ reply: { guid: REPLY_GUID, data: '4.12.0', reject: true } })
    const veto = await refusedOnce(run, versionHooks('4.12'))
    expect(veto).toMatchObject({ phase: 'provider', code: 0x0e, codeName: 'NSDS50_REPL_BACKOFF', retry: 'exponential', providerGuid: undefined, providerData: undefined })
    const [vetoed] = recordsAfter(run)
    expect(vetoed).toMatchObject({ recv: { outcome: 'accepted' }, code: 0x0e, stateAfter: 'rejected' })
    expect(vetoed?.reply).toBeUndefined()
    expect(vetoed?.response?.responseValueHex).toBe('30030a010e')

    // A payload under a GUID the provider does not know: left alone and accepted (389, FreeIPA).
    run.provider.setSessionHooks({ recv: { expectGuid: 'some-other-format', accept: { minVersion: '99' } } })
    const c = await SyncreplConsumer.connect({ url: run.provider.url, ...AUTH, store: await run.openStore(), sessionHooks: versionHooks('4.12') })
    await c.syncSearch({ base: BASE, mode: 'refreshOnly' })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c.close()
    expect(recordsAfter(run).filter((x) => x.kind === 'start').map((x) => [x.payload?.guid, x.recv?.outcome, x.code])).toEqual([[VERSION_GUID, 'accepted', 0x0e], [VERSION_GUID, 'accepted', 0]])

    // The same with onGuidMismatch "reject": 0x0E, and the store (now after that sync) stays as it is.
    run.provider.setSessionHooks({ recv: { expectGuid: 'some-other-format', onGuidMismatch: 'reject' } })
    const synced = await run.state()
    const mismatch = await refusedOnce({ ...run, before: synced }, versionHooks('4.12'))
    expect(mismatch).toMatchObject({ phase: 'provider', code: 0x0e, retry: 'exponential' })
    expect(run.provider.handshakes.last()).toMatchObject({ recv: { outcome: 'rejected' }, code: 0x0e })
    expect(run.trail.since(run.mark.trail).filter((t) => t.endsWith(':syncSearch'))).toHaveLength(1)
  })

  it('§5.7 row 5: a provider that does not advertise 3.5.12: "fail" → phase capability, no Start; "skip" → sync without hooks', async () => {
    run = await prefilled({ advertise: false, required: false })
    const failed = await refusedOnce(run, versionHooks('4.12'))
    expect(failed).toMatchObject({ reason: 'HANDSHAKE_UNSUPPORTED', phase: 'capability', retry: 'fatal', retryable: false, code: undefined })
    expect(recordsAfter(run)).toEqual([])
    const first = run.trail.since(run.mark.trail)
    expect(first.map((t) => t.replace(/^\d+:/, ''))).toEqual(['bind', 'rootDse', 'unbind'])

    run.provider.directory.apply({ kind: 'add', dn: `uid=row5,ou=people,${BASE}`, attributes: { objectClass: ['account'], uid: ['row5'] } })
    const c = await SyncreplConsumer.connect({ url: run.provider.url, ...AUTH, store: await run.openStore(), sessionHooks: versionHooks('4.12', { onUnsupported: 'skip' }) })
    await c.syncSearch({ base: BASE, mode: 'refreshOnly' })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c.close()
    expect(recordsAfter(run)).toEqual([])
    expect(run.trail.since(run.mark.trail + first.length).map((t) => t.replace(/^\d+:/, ''))).toEqual(['bind', 'rootDse', 'syncSearch', 'unbind'])
    expect(loaded(await run.state()).entries.map((e) => e.dn)).toContain(`uid=row5,ou=people,${BASE}`)
    expect(run.provider.handshakes.violations).toEqual([])
  })
})
