/**
 * `SyncreplConsumer.connectAndSyncSearch`: handshake failures retried by the §5.6 policy
 * (389ds-session-hooks.md), one new connection per attempt, one hook agreement (init … destroy)
 * across them all, and the store untouched until a READY that post accepts. The sleep is
 * injected, so nothing here waits for a backoff for real.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HandshakeError, LdapClientError, SyncreplConsumer, refuse } from '../../consumer/index.js'
import type { RetryInfo, SessionHooksOptions } from '../../consumer/index.js'
import { bytes, syncDoneMessage, syncEntry, testUuid } from '../support/scripted-sync-server.js'
import { startResponse, startScriptedSessionServer } from '../support/scripted-session-server.js'
import type { ScriptedExtended, ScriptedSessionServer } from '../support/scripted-session-server.js'
import { BASE, seededFileStore, startScript, storeState } from './handshake-support.js'

let server: ScriptedSessionServer | undefined
let cleanup: (() => void) | undefined
afterEach(async () => {
  await server?.close()
  cleanup?.()
  server = undefined
  cleanup = undefined
})

const code = (n: number) => (x: ScriptedExtended) => x.send(startResponse(x.messageId, n))

function fakeSleep() {
  const slept: number[] = []
  return { slept, sleep: async (ms: number) => void slept.push(ms) }
}

async function setup(starts: Array<(x: ScriptedExtended) => void>) {
  server = await startScriptedSessionServer({
    onExtended: startScript(starts),
    onSearch: (s) =>
      s.send(
        syncEntry(s.messageId, { state: 'add', uuid: testUuid(3), dn: `uid=cy,ou=people,${BASE}`, attributes: { uid: 'cy' } }),
        syncDoneMessage(s.messageId, 0, { cookie: bytes('389-cookie-0002'), refreshDeletes: true }),
      ),
  })
  const seeded = await seededFileStore()
  cleanup = seeded.cleanup
  return { server, store: seeded.store, before: await storeState(seeded.store) }
}

describe('connectAndSyncSearch: retries by the §5.6 policy', () => {
  it('0x0E, 0x0E, then READY: waits 3 s and 6 s, reconnects each time, store untouched until READY (§5.7 row 2)', async () => {
    const { server: s, store, before } = await setup([code(0x0e), code(0x0e), code(0)])
    const calls: string[] = []
    const hooks: SessionHooksOptions = { init: () => (calls.push('init'), 'agmt'), pre: () => void calls.push('pre'), post: () => void calls.push('post'), destroy: () => void calls.push('destroy') }
    const time = fakeSleep()
    const retries: RetryInfo[] = []
    const states: Array<ReturnType<typeof storeState>> = []
    const c = await SyncreplConsumer.connectAndSyncSearch({ url: s.url, store, sessionHooks: hooks }, { base: BASE }, {
      sleep: time.sleep,
      onRetry: (info) => {
        retries.push(info)
        states.push(storeState(store))
      },
    })
    expect(time.slept).toEqual([3000, 6000])
    expect(retries.map((r) => [r.attempt, r.retry, (r.error as HandshakeError).code, (r.error as HandshakeError).phase])).toEqual([[1, 'exponential', 0x0e, 'provider'], [2, 'exponential', 0x0e, 'provider']])
    expect(await Promise.all(states)).toEqual([before, before])
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    expect(s.trail()).toEqual(['1:rootDse', '1:start', '1:unbind', '2:rootDse', '2:start', '2:unbind', '3:rootDse', '3:start', '3:syncSearch', '3:end'])
    expect((await store.load()).entries.size).toBe(3)
    await c.close()
    expect(calls).toEqual(['init', 'pre', 'pre', 'pre', 'post', 'destroy'])
    expect(s.trail().at(-1)).toBe('3:unbind')
  })

  it('a disconnect after each 0x0E reports 0x0E and reconnects on backoff (§5.7 row 10)', async () => {
    const refuseAndDrop = (x: ScriptedExtended) => {
      x.send(startResponse(x.messageId, 0x0e))
      x.drop()
    }
    const { server: s, store } = await setup([refuseAndDrop, refuseAndDrop, code(0)])
    const time = fakeSleep()
    const errors: unknown[] = []
    const c = await SyncreplConsumer.connectAndSyncSearch({ url: s.url, store, sessionHooks: {} }, { base: BASE }, { sleep: time.sleep, onRetry: (i) => void errors.push(i.error) })
    expect(errors.map((e) => [(e as HandshakeError).reason, (e as HandshakeError).code])).toEqual([['HANDSHAKE_REFUSED', 0x0e], ['HANDSHAKE_REFUSED', 0x0e]])
    expect(time.slept).toEqual([3000, 6000])
    expect(s.connections).toBe(3)
    await c.close()
  })

  it('takes its backoff from sessionHooks.backoff; local refusals and timeouts back off too, busy waits are fixed', async () => {
    const { server: s, store } = await setup([code(0x01), () => undefined, code(0)])
    let pres = 0
    const hooks: SessionHooksOptions = { backoff: { minMs: 100, maxMs: 150, busyMs: 7 }, handshakeTimeoutMs: 100, pre: () => (++pres === 1 ? refuse('not yet') : undefined) }
    const time = fakeSleep()
    const reasons: string[] = []
    const c = await SyncreplConsumer.connectAndSyncSearch({ url: s.url, store, sessionHooks: hooks }, { base: BASE }, { sleep: time.sleep, onRetry: (i) => void reasons.push((i.error as HandshakeError).reason) })
    expect(reasons).toEqual(['HANDSHAKE_PRE_REFUSED', 'HANDSHAKE_REFUSED', 'HANDSHAKE_TIMEOUT'])
    expect(time.slept).toEqual([100, 7, 150])
    await c.close()
  })

  it('a fatal refusal (0x0C) stops at once: one attempt, destroy runs, the store stays open and unchanged (§5.7 row 3)', async () => {
    const { server: s, store, before } = await setup([code(0x0c), code(0)])
    const calls: string[] = []
    const time = fakeSleep()
    const error = await SyncreplConsumer.connectAndSyncSearch(
      { url: s.url, store, sessionHooks: { init: () => void calls.push('init'), destroy: () => void calls.push('destroy') } },
      { base: BASE, cookie: null },
      { sleep: time.sleep },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'HandshakeError', code: 0x0c, retry: 'fatal', isTotal: true })
    expect(time.slept).toEqual([])
    expect(s.trail()).toEqual(['1:rootDse', '1:start', '1:unbind'])
    expect(calls).toEqual(['init', 'destroy'])
    expect(await storeState(store)).toEqual(before)
  })

  it('a provider that cannot be reached is retried as a transport failure until maxAttempts', async () => {
    const gone = await startScriptedSessionServer()
    const url = gone.url
    await gone.close()
    const time = fakeSleep()
    const error = await SyncreplConsumer.connectAndSyncSearch({ url, sessionHooks: {} }, { base: BASE }, { sleep: time.sleep, maxAttempts: 3 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LdapClientError)
    expect((error as LdapClientError).code).toBe('CLIENT_CONNECT_FAILED')
    expect(time.slept).toEqual([3000, 6000])
  })
})
