/**
 * 389ds-session-hooks.md §5.7 rows 6-10: our consumer against our provider over real sockets —
 * malformed answers, a late answer, a consumer that skips the handshake, a post-hook refusal and
 * a disconnect after a refusal. Each row asserts the wire (handshake records, request trail),
 * the consumer's error, and a byte-identical FileStore across every refusal. Rows 1-5 are in
 * handshake-matrix.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HandshakeError, SyncreplConsumer, refuse } from '../../consumer/index.js'
import type { RetryInfo, SessionHooksOptions } from '../../consumer/index.js'
import { ReplOid } from '../../protocol/replsession/index.js'
import { MALFORMED_VARIANTS } from '../../provider/handshake/index.js'
import type { HandshakeRecord } from '../../provider/index.js'
import { storeState } from '../consumer/handshake-support.js'
import { ACCEPTING, AUTH, BASE, REPLY_GUID, fakeSleep, loaded, prefilled, versionHooks } from './handshake-matrix-support.js'
import type { Prefilled } from './handshake-matrix-support.js'

let run: Prefilled | undefined
afterEach(async () => {
  await run?.close()
  run = undefined
})

/** SEQUENCE { ENUMERATED 0x0E, "provider-version", "4.12.0\0" }: ACCEPTING's reply payload on a refusal. */
const REFUSED_WITH_PAYLOAD = `301e0a010e0410${Buffer.from('provider-version').toString('hex')}0407${Buffer.from('4.12.0\0').toString('hex')}`
const recordsAfter = (r: Prefilled): readonly HandshakeRecord[] => r.provider.handshakes.records.slice(r.mark.records)
const syncSearches = (r: Prefilled): string[] => r.trail.since(r.mark.trail).filter((t) => t.endsWith(':syncSearch'))

/** One attempt on a fresh connection that must fail with a HandshakeError; the store must not move. */
async function failedOnce(r: Prefilled, hooks: SessionHooksOptions): Promise<HandshakeError> {
  const c = await SyncreplConsumer.connect({ url: r.provider.url, ...AUTH, store: await r.openStore(), sessionHooks: hooks })
  const error = await c.syncSearch({ base: BASE, mode: 'refreshOnly' }).then(() => undefined, (e: unknown) => e)
  await c.close()
  expect(error).toBeInstanceOf(HandshakeError)
  expect(await r.state()).toEqual(r.before)
  return error as HandshakeError
}

describe('389ds-session-hooks.md §5.7, rows 6-10', () => {
  it('§5.7 row 6: every malformed variant: phase "decode", fatal, no sync search, store untouched', async () => {
    run = await prefilled(undefined)
    const seen: Array<[string, string, string, boolean, number | undefined]> = []
    for (const variant of MALFORMED_VARIANTS) {
      run.provider.setSessionHooks({ ...ACCEPTING, fault: { malformed: variant } })
      const error = await failedOnce(run, versionHooks('4.12'))
      seen.push([variant, error.phase, error.retry, error.retryable, error.code])
      const record = run.provider.handshakes.last()
      // The provider decided READY, then broke the bytes as scripted.
      expect(record, variant).toMatchObject({ code: 0, fault: { malformed: variant }, recv: { outcome: 'accepted' } })
    }
    expect(seen.map((row) => row.slice(0, 4))).toEqual(MALFORMED_VARIANTS.map((v) => [v, 'decode', 'fatal', false]))
    // The unknown code is reported as it came (0x2A), without a 389 name.
    expect(seen.find((row) => row[0] === 'unknownCode')?.[4]).toBe(0x2a)
    expect(recordsAfter(run).map((r) => r.kind)).toEqual(MALFORMED_VARIANTS.map(() => 'start'))
    expect(syncSearches(run)).toEqual([])
    expect(run.provider.handshakes.violations).toEqual([])
  })

  it('§5.7 row 7: a delay below the consumer timeout succeeds; above it is a transient timeout, then a retry', async () => {
    run = await prefilled({ ...ACCEPTING, fault: { delayMs: 50 } })
    const hooks = versionHooks('4.12', { handshakeTimeoutMs: 300 })
    const c = await SyncreplConsumer.connect({ url: run.provider.url, ...AUTH, store: await run.openStore(), sessionHooks: hooks })
    await c.syncSearch({ base: BASE, mode: 'refreshOnly' })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c.close()
    const [fast] = recordsAfter(run)
    expect(fast).toMatchObject({ kind: 'start', code: 0, fault: { delayMs: 50 }, stateAfter: 'accepted' })
    expect(fast!.answeredAt - fast!.time).toBeGreaterThanOrEqual(45)
    expect(syncSearches(run)).toHaveLength(1)

    // Above the timeout: the first attempt times out (300 ms of real time), the second is answered at once.
    const r = run
    r.provider.setSessionHooks({ ...ACCEPTING, sequence: [{ fault: { delayMs: 1000 } }] })
    const before = await r.state()
    const store = await r.openStore()
    const time = fakeSleep()
    const retries: RetryInfo[] = []
    const states: Array<ReturnType<typeof storeState>> = []
    const late = r.provider.events.waitFor('handshake', (e) => e.record.attempt === 1 && e.record.kind === 'start')
    const c2 = await SyncreplConsumer.connectAndSyncSearch({ url: r.provider.url, ...AUTH, store, sessionHooks: hooks }, { base: BASE, mode: 'refreshOnly' }, {
      sleep: time.sleep,
      onRetry: (info) => {
        retries.push(info)
        states.push(storeState(store))
      },
    })
    expect(retries.map((i) => [(i.error as HandshakeError).reason, (i.error as HandshakeError).phase, i.retry])).toEqual([['HANDSHAKE_TIMEOUT', 'transport', 'exponential']])
    expect((retries[0]?.error as HandshakeError).message).toMatch(/within 300 ms/)
    expect(time.slept).toEqual([3000])
    expect(await Promise.all(states)).toEqual([before])
    expect(await c2.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c2.close()
    // The late answer is recorded once the provider gives up on or sends it; no sync search on that connection.
    const { record: slow } = await late
    expect(slow).toMatchObject({ fault: { delayMs: 1000 }, code: 0 })
    const retried = r.provider.handshakes.starts.find((s) => s.attempt === 2)
    expect(retried).toMatchObject({ code: 0, stateAfter: 'accepted' })
    expect(syncSearches(r).slice(1)).toEqual([`${retried?.connectionId}:syncSearch`])
  })

  it('§5.7 row 8: a consumer that skips the handshake while it is required: the sync search gets 53, the provider records a violation', async () => {
    run = await prefilled({ ...ACCEPTING })
    const violation = run.provider.events.waitFor('handshakeViolation')
    const sent: string[] = []
    const offSent = run.provider.events.on('messageSent', (e) => void sent.push(e.description))
    const c = await SyncreplConsumer.connect({ url: run.provider.url, ...AUTH, store: await run.openStore() })
    await c.syncSearch({ base: BASE, mode: 'refreshOnly' })
    // The consumer reports the refusal as the search's result: 53 with the provider's sentence.
    expect(await c.poll()).toEqual({ kind: 'done', resultCode: 53, diagnosticMessage: 'replication session handshake required (2.16.840.1.113730.3.5.12)' })
    await c.close()
    expect(await run.state()).toEqual(run.before)
    const { violation: v } = await violation
    expect(v).toMatchObject({ base: BASE, state: 'none', required: true })
    expect(run.provider.handshakes.violations).toEqual([v])
    offSent()
    // Nothing but the 53: no entry, no Sync Info, no cookie.
    expect(sent).toEqual(['BindResponse success (0)', 'SearchResultDone unwillingToPerform (53): replication session handshake required (2.16.840.1.113730.3.5.12)'])
    expect(recordsAfter(run)).toEqual([])
    const trail = run.trail.since(run.mark.trail).map((t) => t.replace(/^\d+:/, ''))
    expect(trail).toEqual(['bind', 'syncSearch', 'unbind'])
  })

  it('§5.7 row 9: the consumer post hook refuses the provider payload: End is sent (0x09 back), no sync search', async () => {
    run = await prefilled({ ...ACCEPTING })
    const hooks = versionHooks('4.12', { post: (ctx) => (ctx.guid === REPLY_GUID && Buffer.from(ctx.data ?? []).toString() === '4.12.0\0' ? refuse('provider 4.12.0 is too old for us') : undefined) })
    const error = await failedOnce(run, hooks)
    expect(error).toMatchObject({ reason: 'HANDSHAKE_POST_REFUSED', phase: 'post', code: 0, retry: 'exponential', retryable: true, endResponseCode: 0x09, providerGuid: REPLY_GUID })
    const [start, end, ...rest] = recordsAfter(run)
    expect(rest).toEqual([])
    expect(start).toMatchObject({ kind: 'start', code: 0, stateAfter: 'accepted', reply: { guid: REPLY_GUID } })
    expect(end).toMatchObject({ kind: 'end', requestOid: ReplOid.endRequest, connectionId: start?.connectionId, code: 0x09, stateBefore: 'accepted', stateAfter: 'none', response: { responseValueHex: '30030a0109' } })
    const n = start?.connectionId
    expect(run.trail.since(run.mark.trail)).toEqual([`${n}:bind`, `${n}:rootDse`, `${n}:start`, `${n}:end`, `${n}:unbind`])
    expect(run.provider.handshakes.violations).toEqual([])
  })

  it('§5.7 row 10: disconnect after a 0x0E answer: the consumer reports 0x0E, not a transport error, and reconnects on backoff', async () => {
    const refuseAndHangUp = { recv: { reject: true }, fault: { disconnect: 'afterResponse' } } as const
    run = await prefilled({ ...ACCEPTING, sequence: [refuseAndHangUp, refuseAndHangUp] })
    const r = run
    const store = await r.openStore()
    const time = fakeSleep()
    const retries: RetryInfo[] = []
    const states: Array<ReturnType<typeof storeState>> = []
    const c = await SyncreplConsumer.connectAndSyncSearch({ url: r.provider.url, ...AUTH, store, sessionHooks: versionHooks('4.12') }, { base: BASE, mode: 'refreshOnly' }, {
      sleep: time.sleep,
      onRetry: (info) => {
        retries.push(info)
        states.push(storeState(store))
      },
    })
    expect(retries.map((i) => {
      const e = i.error as HandshakeError
      return [e.reason, e.phase, e.code, e.codeName, i.retry, e.providerGuid]
    })).toEqual([1, 2].map(() => ['HANDSHAKE_REFUSED', 'provider', 0x0e, 'NSDS50_REPL_BACKOFF', 'exponential', REPLY_GUID]))
    expect(time.slept).toEqual([3000, 6000])
    expect(await Promise.all(states)).toEqual([r.before, r.before])
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c.close()
    const starts = recordsAfter(r).filter((x) => x.kind === 'start')
    expect(starts.map((s) => [s.attempt, s.code, s.fault, s.response?.responseValueHex])).toEqual([
      // A recv rejection still carries the reply stage's payload (389 runs reply for every Start, §1.2).
      [1, 0x0e, { disconnect: 'afterResponse' }, REFUSED_WITH_PAYLOAD],
      [2, 0x0e, { disconnect: 'afterResponse' }, REFUSED_WITH_PAYLOAD],
      [3, 0, undefined, starts[2]?.response?.responseValueHex],
    ])
    expect(new Set(starts.map((s) => s.connectionId)).size).toBe(3)
    expect(syncSearches(r)).toEqual([`${starts[2]?.connectionId}:syncSearch`])
    expect(r.provider.handshakes.syncSearchesAfterRejection()).toBe(0)
    expect(loaded(await r.state()).cookie).toBeDefined()
  })
})
