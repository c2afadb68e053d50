import { describe, expect, it } from 'vitest'
import { ProviderEvents } from './events.js'
import type { ProviderEvent } from './events.js'

let t = 1000
const events = (): ProviderEvents => new ProviderEvents(() => t++)

describe('ProviderEvents', () => {
  it('delivers to typed listeners and catch-all listeners in emission order, stamping the time', () => {
    const hub = events()
    const seen: string[] = []
    const offTyped = hub.on('notice', (e) => seen.push(`typed ${e.message}`))
    hub.onAny((e) => seen.push(`any ${e.type}`))
    hub.emit({ type: 'notice', connectionId: 1, message: 'a' })
    hub.emit({ type: 'tlsStarted', connectionId: 1, protocol: 'TLSv1.3' })
    offTyped()
    hub.emit({ type: 'notice', connectionId: 1, message: 'b' })
    expect(seen).toEqual(['typed a', 'any notice', 'any tlsStarted', 'any notice'])
  })

  it('says whether anybody listens, so hot paths can skip building events', () => {
    const hub = events()
    expect(hub.wants('messageSent')).toBe(false)
    const off = hub.on('messageSent', () => {})
    expect(hub.wants('messageSent')).toBe(true)
    expect(hub.wants('notice')).toBe(false)
    off()
    expect(hub.wants('messageSent')).toBe(false)
  })

  it('keeps delivering when a listener throws, and reports the failure', () => {
    const failures: string[] = []
    const hub = new ProviderEvents(() => 0, (error, event) => failures.push(`${event.type}: ${(error as Error).message}`))
    const seen: number[] = []
    hub.on('notice', () => {
      throw new Error('boom')
    })
    hub.on('notice', (e) => seen.push(e.connectionId))
    hub.emit({ type: 'notice', connectionId: 4, message: 'x' })
    expect(seen).toEqual([4])
    expect(failures).toEqual(['notice: boom'])
  })

  it('streams every event from creation on, buffered, and ends with the provider', async () => {
    const hub = events()
    hub.emit({ type: 'notice', connectionId: 0, message: 'before' })
    const stream = hub.stream()
    hub.emit({ type: 'notice', connectionId: 0, message: 'one' })
    hub.emit({ type: 'notice', connectionId: 0, message: 'two' })
    hub.end()
    const got: ProviderEvent[] = []
    for await (const e of stream) got.push(e)
    expect(got.map((e) => (e.type === 'notice' ? e.message : e.type))).toEqual(['one', 'two'])
  })

  it('lets an iterator stop early and detach', async () => {
    const hub = events()
    const stream = hub.stream()
    const first = stream.next()
    hub.emit({ type: 'notice', connectionId: 0, message: 'x' })
    expect((await first).value).toMatchObject({ message: 'x' })
    await stream.return?.()
    expect(hub.wants('notice')).toBe(false)
  })

  it('waits for the first matching event, and rejects when the provider closes first', async () => {
    const hub = events()
    const waiting = hub.waitFor('backpressure', (e) => e.state === 'resumed')
    hub.emit({ type: 'backpressure', connectionId: 2, state: 'stalled', writableLength: 10 })
    hub.emit({ type: 'backpressure', connectionId: 2, state: 'resumed', writableLength: 0 })
    expect(await waiting).toMatchObject({ connectionId: 2, state: 'resumed' })
    const never = hub.waitFor('tlsStarted')
    hub.end()
    await expect(never).rejects.toThrow(/closed before the awaited tlsStarted event/)
    await expect(hub.waitFor('notice')).rejects.toThrow(/provider is closed/)
  })

  it('rejects a wait when its signal aborts', async () => {
    const hub = events()
    const controller = new AbortController()
    const waiting = hub.waitFor('notice', () => true, controller.signal)
    controller.abort(new Error('test gave up'))
    await expect(waiting).rejects.toThrow('test gave up')
  })
})
