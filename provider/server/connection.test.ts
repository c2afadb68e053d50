import { createServer, connect } from 'node:net'
import type { Server, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeMessage } from '../../protocol/index.js'
import { LdapConnection } from './connection.js'
import type { ReceivedRequest } from './connection.js'
import { ProviderEvents } from './events.js'
import type { CloseReason, ProviderEvent } from './events.js'

interface Pair {
  /** Resolves once `n` requests have arrived. */
  requestsArrived(n: number): Promise<void>
  connection: LdapConnection
  client: Socket
  requests: ReceivedRequest[]
  closed: Promise<CloseReason>
  events: ProviderEvent[]
  hub: ProviderEvents
}

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
  server = undefined
})

/** A real TCP pair on 127.0.0.1: our LdapConnection on the server side, a bare socket as client. */
async function pair(): Promise<Pair> {
  const hub = new ProviderEvents(() => 0)
  const events: ProviderEvent[] = []
  hub.onAny((e) => events.push(e))
  const requests: ReceivedRequest[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const onRequest = (r: ReceivedRequest): void => {
    requests.push(r)
    for (const w of waiters) if (requests.length >= w.n) w.resolve()
  }
  const requestsArrived = (n: number): Promise<void> =>
    new Promise((resolve) => (requests.length >= n ? resolve() : void waiters.push({ n, resolve })))
  let resolveClosed!: (r: CloseReason) => void
  const closed = new Promise<CloseReason>((r) => (resolveClosed = r))
  const accepted = new Promise<LdapConnection>((resolve) => {
    server = createServer((socket) => {
      resolve(new LdapConnection(socket, {
        id: 1,
        events: hub,
        maxRequestSize: 1024,
        hooks: { onRequest: (_c, r) => onRequest(r), onClose: (_c, reason) => resolveClosed(reason) },
      }))
    })
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()))
  const port = (server!.address() as { port: number }).port
  const client = connect({ port, host: '127.0.0.1' })
  client.on('error', () => {})
  return { requestsArrived, connection: await accepted, client, requests, closed, events, hub }
}

function readAll(client: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    client.on('data', (c: Buffer) => chunks.push(c))
    client.on('close', () => resolve(Buffer.concat(chunks)))
  })
}

describe('LdapConnection', () => {
  it('frames and decodes requests before anyone else sees them', async () => {
    const p = await pair()
    const unbind = encodeMessage({ messageId: 3, op: { kind: 'unbindRequest' } })
    p.client.write(unbind.subarray(0, 2))
    p.client.write(Buffer.concat([unbind.subarray(2), unbind]))
    await p.requestsArrived(2)
    expect(p.requests.map((r) => [r.message.messageId, r.message.op.kind])).toEqual([[3, 'unbindRequest'], [3, 'unbindRequest']])
    expect(Buffer.from(p.requests[0]!.bytes).equals(unbind)).toBe(true)
    p.client.destroy()
    expect(await p.closed).toBe('client')
  })

  it('closes on a malformed PDU with a protocolViolation event, never throwing', async () => {
    const p = await pair()
    p.client.write(Buffer.from('3084ffffffff', 'hex'))
    expect(await p.closed).toBe('protocolViolation')
    expect(p.events.find((e) => e.type === 'protocolViolation')).toMatchObject({ connectionId: 1, code: 'LDAP_PDU_TOO_LARGE' })
    expect(p.connection.closed).toBe(true)
  })

  it('keeps the order of every write and flushes on a graceful end', async () => {
    const p = await pair()
    const received = readAll(p.client)
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.from(`part ${i};`))
    for (const part of parts) p.connection.write(part)
    p.connection.end('unbind')
    expect((await received).toString()).toBe(parts.join(''))
    expect(await p.closed).toBe('unbind')
  })

  it('reports a stall, waits for drain, and resumes when the client reads again', async () => {
    const p = await pair()
    p.client.pause()
    const stalled = p.hub.waitFor('backpressure', (e) => e.state === 'stalled')
    const chunk = Buffer.alloc(256 * 1024, 0x61)
    let writes = 0
    while (p.connection.write(chunk)) writes++
    writes++
    const event = await stalled
    expect(event.writableLength).toBeGreaterThan(0)
    let drained = false
    const waiting = p.connection.drained().then(() => {
      drained = true
    })
    expect(drained).toBe(false)
    let total = 0
    p.client.on('data', (c: Buffer) => {
      total += c.length
    })
    p.client.resume()
    await waiting
    expect(p.events.some((e) => e.type === 'backpressure' && e.state === 'resumed')).toBe(true)
    p.client.destroy()
    await p.closed
    expect(total).toBeLessThanOrEqual(writes * chunk.length)
  })

  it('drops writes after close and releases anyone waiting for drain', async () => {
    const p = await pair()
    p.client.pause()
    const chunk = Buffer.alloc(256 * 1024)
    while (p.connection.write(chunk));
    const waiting = p.connection.drained()
    p.connection.destroy('providerClosed')
    await waiting
    expect(await p.closed).toBe('providerClosed')
    expect(p.connection.write(Buffer.from('late'))).toBe(true)
    await p.connection.send(Buffer.from('late'))
    p.client.destroy()
  })
})
