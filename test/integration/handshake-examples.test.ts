/**
 * The ten scenarios/examples/handshake-*.yaml files (389ds-session-hooks.md §5.7, one per row),
 * played by our reference consumer with matching hooks: each example does what its comment says a
 * correct consumer ends with. The store is pre-filled by one accepted handshake and sync first
 * (under an accepting script), then the example's own script is put back (its `sequence` starts
 * over), so "untouched" means byte-identical to a real replica. python-ldap and ldapsearch play
 * the same files in test/scenarios/examples.test.ts.
 */
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { HandshakeError, SyncreplConsumer, refuse } from '../../consumer/index.js'
import type { ConnectRetryOptions, RetryInfo, SessionHooksOptions, SyncSearchOptions } from '../../consumer/index.js'
import { ReplOid } from '../../protocol/replsession/index.js'
import { startScenario } from '../../provider/scenario/index.js'
import { loadScenarioFile } from '../../scenarios/index.js'
import { storeState } from '../consumer/handshake-support.js'
import { providerContent } from '../interop/replica-comparison.js'
import { BASE, VERSION_GUID, authOf, fakeSleep, loaded, prefillOn, versionHooks } from './handshake-matrix-support.js'
import type { Prefilled } from './handshake-matrix-support.js'

const EXAMPLES = fileURLToPath(new URL('../../scenarios/examples/', import.meta.url))

let run: Prefilled | undefined
afterEach(async () => {
  await run?.close()
  run = undefined
})

async function play(file: string): Promise<Prefilled> {
  const scenario = await loadScenarioFile(`${EXAMPLES}${file}`)
  const running = await startScenario(scenario, { port: 0 })
  run = await prefillOn(running.provider, scenario.provider.sessionHooks, () => running.stop())
  return run
}

/** The store holds exactly the provider's content (entryUUID and DN). */
async function expectConverged(r: Prefilled): Promise<void> {
  const content = [...providerContent(r.provider.directory, { base: BASE })].map(([uuid, e]) => [uuid, e.dn.toLowerCase()]).sort()
  const store = await r.openStore()
  const replica = [...(await store.load()).entries.values()].map((e) => [e.uuid, e.dn.toLowerCase()]).sort()
  await store.close()
  expect(replica).toEqual(content)
}

let added = 0

/** connectAndSyncSearch with an injected sleep; the store's state is taken at every retry. */
async function retrying(r: Prefilled, hooks: SessionHooksOptions, search: Partial<SyncSearchOptions> = {}, more: ConnectRetryOptions = {}) {
  // A change since the pre-fill, so that a sync that does go through has something to bring.
  const uid = `late${++added}`
  r.provider.directory.apply({ kind: 'add', dn: `uid=${uid},ou=people,${BASE}`, attributes: { objectClass: ['account'], uid: [uid] } })
  const store = await r.openStore()
  const time = fakeSleep()
  const retries: RetryInfo[] = []
  const states: Array<ReturnType<typeof storeState>> = []
  const outcome = await SyncreplConsumer.connectAndSyncSearch({ url: r.provider.url, ...authOf(r.provider), store, sessionHooks: hooks }, { base: BASE, mode: 'refreshOnly', ...search }, {
    sleep: time.sleep,
    onRetry: (info) => {
      retries.push(info)
      states.push(storeState(store))
    },
    ...more,
  }).then(async (c) => {
    const done = await c.poll()
    await c.close()
    return { done }
  }, async (error: unknown) => {
    await store.close()
    return { error }
  })
  const errors = retries.map((i) => i.error as HandshakeError)
  return { outcome, slept: time.slept, errors, states: await Promise.all(states) }
}

const codes = (r: Prefilled): number[] => r.provider.handshakes.starts.slice(1).map((s) => s.code)

describe('scenarios/examples/handshake-*.yaml with the reference consumer', () => {
  it('§5.7 row 1: handshake-ready.yaml — READY with payloads both ways, the sync, then End', async () => {
    const r = await play('handshake-ready.yaml')
    const x = await retrying(r, versionHooks('4.12'))
    expect(x.outcome).toEqual({ done: { kind: 'done', resultCode: 0, diagnosticMessage: '' } })
    expect(x.slept).toEqual([])
    const [start, end] = r.provider.handshakes.records.slice(r.mark.records)
    expect(start).toMatchObject({ requestOid: ReplOid.startNsds90Request, protocolOid: ReplOid.incrementalProtocol, payload: { guid: VERSION_GUID, decoded: { text: '4.12' } }, code: 0, reply: { guid: 'provider-version' } })
    expect(end).toMatchObject({ kind: 'end', code: 0x09 })
    await expectConverged(r)
  })

  it('§5.7 row 2: handshake-version-backoff.yaml — 0x0E three times (3, 6, 12 s), store untouched, then READY', async () => {
    const r = await play('handshake-version-backoff.yaml')
    const x = await retrying(r, versionHooks('4.9'))
    expect(x.errors.map((e) => [e.phase, e.code, e.retry])).toEqual([1, 2, 3].map(() => ['provider', 0x0e, 'exponential']))
    expect(x.slept).toEqual([3000, 6000, 12000])
    expect(x.states).toEqual([r.before, r.before, r.before])
    expect(x.outcome).toMatchObject({ done: { resultCode: 0 } })
    expect(codes(r)).toEqual([0x0e, 0x0e, 0x0e, 0])
    await expectConverged(r)
  })

  it('§5.7 row 3: handshake-schema-total-disabled.yaml — 0x0C to a total update, fatal, store not cleared', async () => {
    const r = await play('handshake-schema-total-disabled.yaml')
    const x = await retrying(r, { pre: () => ({ guid: VERSION_GUID, data: JSON.stringify({ schema: 'badbad' }) }) }, { cookie: null })
    expect(x.outcome).toMatchObject({ error: { phase: 'provider', code: 0x0c, codeName: 'NSDS50_REPL_DISABLED', retry: 'fatal', isTotal: true } })
    expect(x.slept).toEqual([])
    expect(r.provider.handshakes.last()).toMatchObject({ protocolOid: ReplOid.totalProtocol, code: 0x0c })
    expect(await r.state()).toEqual(r.before)
  })

  it('§5.7 row 4: handshake-reply-veto-guid.yaml — veto without payload, unknown GUID accepted, then refused', async () => {
    const r = await play('handshake-reply-veto-guid.yaml')
    const x = await retrying(r, versionHooks('4.12'))
    expect(x.errors.map((e) => [e.code, e.providerGuid])).toEqual([[0x0e, undefined]])
    expect(x.states).toEqual([r.before])
    expect(x.outcome).toMatchObject({ done: { resultCode: 0 } })
    await expectConverged(r)
    const synced = await r.state()
    const y = await retrying(r, versionHooks('4.12'), {}, { maxAttempts: 1 })
    expect(y.outcome).toMatchObject({ error: { phase: 'provider', code: 0x0e } })
    expect(await r.state()).toEqual(synced)
    expect(r.provider.handshakes.starts.slice(1).map((s) => [s.code, s.recv?.outcome])).toEqual([[0x0e, 'accepted'], [0, 'accepted'], [0x0e, 'rejected']])
  })

  it('§5.7 row 5: handshake-not-advertised.yaml — "fail" stops in phase capability, "skip" syncs without a Start', async () => {
    const r = await play('handshake-not-advertised.yaml')
    const x = await retrying(r, versionHooks('4.12'))
    expect(x.outcome).toMatchObject({ error: { reason: 'HANDSHAKE_UNSUPPORTED', phase: 'capability', retry: 'fatal' } })
    expect(await r.state()).toEqual(r.before)
    const y = await retrying(r, versionHooks('4.12', { onUnsupported: 'skip' }))
    expect(y.outcome).toMatchObject({ done: { resultCode: 0 } })
    expect(r.provider.handshakes.records.slice(r.mark.records)).toEqual([])
    await expectConverged(r)
  })

  it('§5.7 row 6: handshake-malformed.yaml — the first malformed answer is a fatal decode failure', async () => {
    const r = await play('handshake-malformed.yaml')
    const x = await retrying(r, versionHooks('4.12'))
    expect(x.outcome).toMatchObject({ error: { phase: 'decode', retry: 'fatal', retryable: false } })
    expect(x.slept).toEqual([])
    expect(r.provider.handshakes.last()).toMatchObject({ attempt: 1, fault: { malformed: 'truncated' } })
    expect(await r.state()).toEqual(r.before)
  })

  it('§5.7 row 7: handshake-slow-answer.yaml — 50 ms is in time, 1 s times out (300 ms) and is retried', async () => {
    const r = await play('handshake-slow-answer.yaml')
    const hooks = versionHooks('4.12', { handshakeTimeoutMs: 300 })
    const x = await retrying(r, hooks)
    expect(x.outcome).toMatchObject({ done: { resultCode: 0 } })
    expect(x.slept).toEqual([])
    const y = await retrying(r, hooks)
    expect(y.errors.map((e) => [e.reason, e.phase, e.retry])).toEqual([['HANDSHAKE_TIMEOUT', 'transport', 'exponential']])
    expect(y.slept).toEqual([3000])
    expect(y.outcome).toMatchObject({ done: { resultCode: 0 } })
    await expectConverged(r)
  })

  it('§5.7 row 8: handshake-required-skipped.yaml — without the handshake 53 and a violation; with it, the sync', async () => {
    const r = await play('handshake-required-skipped.yaml')
    const c = await SyncreplConsumer.connect({ url: r.provider.url, store: await r.openStore() })
    await c.syncSearch({ base: BASE, mode: 'refreshOnly' })
    expect(await c.poll()).toEqual({ kind: 'done', resultCode: 53, diagnosticMessage: 'replication session handshake required (2.16.840.1.113730.3.5.12)' })
    await c.close()
    expect(await r.state()).toEqual(r.before)
    expect(r.provider.handshakes.violations.map((v) => [v.state, v.required])).toEqual([['none', true]])
    const x = await retrying(r, {})
    expect(x.outcome).toMatchObject({ done: { resultCode: 0 } })
    expect(r.provider.handshakes.violations).toHaveLength(1)
    await expectConverged(r)
  })

  it('§5.7 row 9: handshake-post-refusal.yaml — post refuses provider 3.2.0: End (0x09), no sync', async () => {
    const r = await play('handshake-post-refusal.yaml')
    const post: SessionHooksOptions['post'] = (ctx) => (Buffer.from(ctx.data ?? []).toString() === '3.2.0\0' ? refuse('provider 3.2.0 is older than 4.0') : undefined)
    const x = await retrying(r, versionHooks('4.12', { post }), {}, { maxAttempts: 1 })
    expect(x.outcome).toMatchObject({ error: { phase: 'post', code: 0, endResponseCode: 0x09, providerGuid: 'provider-version' } })
    expect(r.provider.handshakes.records.slice(r.mark.records).map((x) => [x.kind, x.code])).toEqual([['start', 0], ['end', 0x09]])
    expect(await r.state()).toEqual(r.before)
  })

  it('§5.7 row 10: handshake-disconnect-after-backoff.yaml — 0x0E (not a transport error) twice, reconnects on backoff', async () => {
    const r = await play('handshake-disconnect-after-backoff.yaml')
    const x = await retrying(r, versionHooks('4.12'))
    expect(x.errors.map((e) => [e.reason, e.phase, e.code])).toEqual([1, 2].map(() => ['HANDSHAKE_REFUSED', 'provider', 0x0e]))
    expect(x.slept).toEqual([3000, 6000])
    expect(x.states).toEqual([r.before, r.before])
    expect(x.outcome).toMatchObject({ done: { resultCode: 0 } })
    expect(loaded(await r.state()).entries.length).toBeGreaterThan(0)
    await expectConverged(r)
  })
})
