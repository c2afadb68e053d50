/**
 * Wire faults (docs/provider.md "Scenario runtime", Faults), each judged by what a raw client
 * receives: the exact octets against a fault-free reference run, and how the connection ended
 * (FIN or RST). The refresh is an initial-content refreshOnly of 6 entries and a Done (7 messages).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { decodeMessage } from '../../../protocol/index.js'
import type { FaultAction, Trigger } from '../../../scenarios/types.js'
import type { RunningScenario } from '../../../provider/scenario/index.js'
import { CaptureClient, countFrames } from './support/capture-client.js'
import { play, referenceRefresh, splitUnits } from './support/runs.js'
import { scenario, step } from './support/scenario.js'

const SEARCH = { mode: 'refreshOnly' } as const
const MESSAGES = 7

let running: RunningScenario | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

type Fault = Omit<FaultAction, 'do' | 'source'>

/** Plays one fault step and returns the reference units, the client, and the scenario. */
async function withFault(trigger: Trigger, fault: Fault) {
  const sc = scenario({ timeline: [step(trigger, [{ do: 'fault', ...fault }])] })
  const reference = await referenceRefresh(sc, SEARCH, MESSAGES)
  expect(reference.units).toHaveLength(MESSAGES)
  const played = await play(sc)
  running = played.running
  played.client.syncSearch(SEARCH)
  return { reference: reference.units, client: played.client, running: played.running }
}

describe('wire faults, tied to the triggering connection', () => {
  it('close: after the 2nd entry the connection ends with FIN and nothing more', async () => {
    const { reference, client, running } = await withFault({ on: 'entrySent', count: 2 }, { fault: 'close' })
    const closed = running.events.waitFor('connectionClosed')
    expect(await client.ended).toBe('fin')
    expect(client.bytes()).toEqual(Buffer.concat(reference.slice(0, 2)))
    expect((await closed).reason).toBe('fault')
  })

  it('reset: the connection is reset (RST, ECONNRESET at the client) instead of answering the request', async () => {
    // The client has read the whole refresh before it binds, so the RST reaches it on its own:
    // when data and an RST arrive together, libuv reports the end as EOF and the RST is lost.
    const { reference, client, running } = await withFault({ on: 'bind' }, { fault: 'reset' })
    const closed = running.events.waitFor('connectionClosed')
    await client.until('the refresh', (b) => countFrames(b) >= MESSAGES)
    client.bind('cn=nobody', 'x')
    expect(await client.ended).toBe('reset')
    expect(client.bytes()).toEqual(Buffer.concat(reference))
    expect((await closed).reason).toBe('fault')
  })

  it('truncate: the next message is cut in half (default), then FIN', async () => {
    const { reference, client } = await withFault({ on: 'entrySent', count: 1 }, { fault: 'truncate' })
    expect(await client.ended).toBe('fin')
    const second = reference[1] as Buffer
    expect(client.bytes()).toEqual(Buffer.concat([reference[0] as Buffer, second.subarray(0, Math.floor(second.length / 2))]))
  })

  it('truncate with bytes: exactly that many octets of the next message', async () => {
    const { reference, client } = await withFault({ on: 'entrySent', count: 3 }, { fault: 'truncate', bytes: 5 })
    expect(await client.ended).toBe('fin')
    expect(client.bytes()).toEqual(Buffer.concat([...reference.slice(0, 3), (reference[3] as Buffer).subarray(0, 5)]))
  })

  it('duplicate: the next message arrives twice, everything else unchanged', async () => {
    const { reference, client } = await withFault({ on: 'entrySent', count: 1 }, { fault: 'duplicate' })
    const bytes = await client.until('8 messages', (b) => countFrames(b) >= MESSAGES + 1)
    expect(splitUnits(bytes)).toEqual([reference[0], reference[1], reference[1], ...reference.slice(2)])
  })

  it('wrongMessageId: the next message carries the given ID (RFC 4511 §4.1.1.1), its body byte for byte', async () => {
    const { reference, client } = await withFault({ on: 'entrySent', count: 1 }, { fault: 'wrongMessageId', messageId: 300 })
    const units = splitUnits(await client.until('7 messages', (b) => countFrames(b) >= MESSAGES))
    const renumbered = decodeMessage(units[1] as Buffer)
    expect(renumbered.messageId).toBe(300)
    expect(renumbered.op).toEqual(decodeMessage(reference[1] as Buffer).op)
    expect(units[1]?.length).toBe((reference[1] as Buffer).length + 1)
    expect([units[0], ...units.slice(2)]).toEqual([reference[0], ...reference.slice(2)])
  })

  it('wrongMessageId without an ID: the real ID + 1', async () => {
    const { client } = await withFault({ on: 'syncRequest' }, { fault: 'wrongMessageId' })
    const units = splitUnits(await client.until('7 messages', (b) => countFrames(b) >= MESSAGES))
    expect(units.map((u) => decodeMessage(u).messageId)).toEqual([2, 1, 1, 1, 1, 1, 1])
  })

  it('garbage: that many seeded octets before the next message', async () => {
    const { reference, client } = await withFault({ on: 'entrySent', count: 1 }, { fault: 'garbage', bytes: 5 })
    const total = Buffer.concat(reference).length + 5
    const bytes = await client.until(`${total} octets`, (b) => b.length >= total)
    const first = reference[0] as Buffer
    expect(bytes.subarray(0, first.length)).toEqual(first)
    expect(bytes.subarray(first.length + 5)).toEqual(Buffer.concat(reference.slice(1)))
  })

  it('byteByByte: the same octets, one per write, so they arrive in many pieces', async () => {
    const { reference, client } = await withFault({ on: 'syncRequest' }, { fault: 'byteByByte' })
    const total = Buffer.concat(reference)
    expect(await client.until('the whole refresh', (b) => b.length >= total.length)).toEqual(total)
    // Without the fault the whole refresh is one write; one octet per write cannot arrive in one piece.
    expect(client.chunks.length).toBeGreaterThan(1)
  })

  it('delay: the refresh arrives whole, but only once the delay has passed', async () => {
    const started = performance.now()
    const { reference, client, running } = await withFault({ on: 'syncRequest' }, { fault: 'delay', ms: 60 })
    const notice = running.events.waitFor('notice', (e) => e.message.startsWith('wire fault delay'))
    expect(await client.until('the whole refresh', (b) => countFrames(b) >= MESSAGES)).toEqual(Buffer.concat(reference))
    await notice
    // A timer never fires before its time (Node may round to the millisecond).
    expect(performance.now() - started).toBeGreaterThanOrEqual(59)
  })

  it('stall: after the 2nd entry nothing more is sent; the rest stays queued until the scenario stops', async () => {
    const { reference, client, running } = await withFault({ on: 'entrySent', count: 2 }, { fault: 'stall' })
    await running.events.waitFor('operationEnded')
    await client.until('2 entries', (b) => countFrames(b) >= 2)
    // The Done was handed to the connection (operationEnded) but is held by the stall.
    expect(running.provider.stats().queuedBytes).toBe(Buffer.concat(reference.slice(2)).length)
    await running.stop()
    await client.ended
    expect(client.bytes()).toEqual(Buffer.concat(reference.slice(0, 2)))
  })

  it('a fault on connectionOpened acts before anything is sent: close at once', async () => {
    const sc = scenario({ timeline: [step({ on: 'connectionOpened' }, [{ do: 'fault', fault: 'close' }])] })
    const played = await play(sc)
    running = played.running
    expect(await played.client.ended).toBe('fin')
    expect(played.client.bytes()).toHaveLength(0)
  })

  it('a fault only touches its own connection: another client gets the whole refresh', async () => {
    const sc = scenario({ timeline: [step({ on: 'syncRequest', connection: 1 }, [{ do: 'fault', fault: 'close' }])] })
    const reference = await referenceRefresh(sc, SEARCH, MESSAGES)
    const played = await play(sc)
    running = played.running
    const other = await CaptureClient.connect(running.provider.port)
    played.client.syncSearch(SEARCH)
    expect(await played.client.ended).toBe('fin')
    other.syncSearch(SEARCH)
    expect(await other.until('the refresh', (b) => countFrames(b) >= MESSAGES)).toEqual(reference.bytes)
    other.close()
  })
})
