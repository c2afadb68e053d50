/**
 * A client that stops reading in the middle of a large plain search stalls the provider's send
 * loop: the bytes queued in user space stay bounded (ldapjs alone queued 25–28 MB,
 * ldapjs-findings.md §2.8), other clients are still served, and everything arrives once it reads
 * again. Waits on the provider's backpressure events, never on timers.
 */
import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/index.js'
import { useProvider } from '../../provider/testing.js'
import { RawLdapClient, resultCodeOf } from './support/raw-client.js'

const ADMIN = 'cn=admin,dc=example,dc=com'
const BOUND = 4 * 1024 * 1024

describe('backpressure', () => {
  const provider = useProvider({ generate: { count: 20_000, seed: 'backpressure' }, password: 'secret' })

  it('keeps queued bytes bounded while a client does not read, and delivers everything afterwards', async () => {
    const p = provider.current
    const client = await RawLdapClient.connect(p.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    // Whenever the provider stalls, note what is queued at that moment.
    const queuedAtStalls: number[] = []
    p.events.on('backpressure', (e) => {
      if (e.state === 'stalled') queuedAtStalls.push(p.stats().queuedBytes)
    })
    const stalled = p.events.waitFor('backpressure', (e) => e.state === 'stalled')
    client.pause()
    const id = client.search('dc=example,dc=com')
    await stalled
    const queued = p.stats().queuedBytes
    expect(queued).toBeGreaterThan(0)
    expect(queued).toBeLessThan(BOUND)

    // The event loop is free: another client is served while the first one is stalled.
    const other = await RawLdapClient.connect(p.port)
    expect(resultCodeOf(await other.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    other.close()
    // The stalled search has not run ahead meanwhile.
    expect(p.stats().queuedBytes).toBeLessThan(BOUND)

    const resumed = p.events.waitFor('backpressure', (e) => e.state === 'resumed')
    client.resume()
    await resumed
    const messages = await client.until((m) => m.messageId === id && m.op.kind === 'searchResultDone')
    expect(messages.length).toBe(p.directory.size + 1)
    expect(resultCodeOf(messages.at(-1)!)).toBe(ResultCode.success)
    expect(Math.max(...queuedAtStalls)).toBeLessThan(BOUND)
    client.close()
  })
})
