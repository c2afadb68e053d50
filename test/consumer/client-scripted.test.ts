/**
 * The LdapClient against a scripted raw server, for what a well-behaved provider never sends:
 * unknown message IDs, wrong response types, garbage, a Notice of Disconnection (RFC 4511
 * §4.4.1), silence (timeouts), and the clean Unbind-then-FIN close.
 */
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { LdapClient, LdapClientError, NOTICE_OF_DISCONNECTION_OID } from '../../consumer/client/index.js'
import { LdapFramer, ProtocolError, decodeMessage, encodeMessage } from '../../protocol/index.js'
import type { LdapMessage } from '../../protocol/index.js'

interface Scripted {
  readonly url: string
  /** Requests received, in order. */
  readonly received: LdapMessage[]
  /** Resolves when the client's side of the connection has ended (FIN). */
  readonly ended: Promise<void>
}

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

/** Starts a server that calls `answer` for each request it decodes. */
async function scripted(answer: (request: LdapMessage, socket: Socket) => void): Promise<Scripted> {
  const received: LdapMessage[] = []
  let markEnded!: () => void
  const ended = new Promise<void>((resolve) => (markEnded = resolve))
  server = createServer((socket) => {
    const framer = new LdapFramer()
    socket.on('data', (chunk) => {
      for (const frame of framer.push(chunk)) {
        const request = decodeMessage(frame)
        received.push(request)
        answer(request, socket)
      }
    })
    socket.on('end', () => {
      markEnded()
      socket.end()
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return { url: `ldap://127.0.0.1:${port}`, received, ended }
}

async function failureOf(promise: Promise<unknown>): Promise<LdapClientError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(LdapClientError)
  return error as LdapClientError
}

const success = { resultCode: 0, matchedDN: '', diagnosticMessage: '' }

describe('LdapClient against a scripted server', () => {
  it('treats a response with an unknown message ID as a protocol error and closes the connection', async () => {
    const s = await scripted((request, socket) => {
      socket.write(encodeMessage({ messageId: request.messageId + 41, op: { kind: 'bindResponse', ...success } }))
    })
    const client = await LdapClient.connect(s.url)
    const error = await failureOf(client.bind('cn=x', 'y'))
    expect(error.code).toBe('CLIENT_PROTOCOL_ERROR')
    expect(error.message).toContain('message ID 42')
    await s.ended
    expect((await failureOf(client.bind('cn=x', 'y'))).code).toBe('CLIENT_PROTOCOL_ERROR')
  })

  it('treats a response of the wrong type as a protocol error', async () => {
    const s = await scripted((request, socket) => {
      socket.write(encodeMessage({ messageId: request.messageId, op: { kind: 'searchResultDone', ...success } }))
    })
    const client = await LdapClient.connect(s.url)
    const error = await failureOf(client.bind('cn=x', 'y'))
    expect(error.code).toBe('CLIENT_PROTOCOL_ERROR')
    expect(error.message).toContain('searchResultDone')
  })

  it('delivers the entries before garbage, then fails the search with the framer error as cause', async () => {
    const s = await scripted((request, socket) => {
      const entry = encodeMessage({ messageId: request.messageId, op: { kind: 'searchResultEntry', objectName: 'cn=a', attributes: [] } })
      socket.write(Buffer.concat([entry, Buffer.from([0x04, 0x02, 0xde, 0xad])]))
    })
    const client = await LdapClient.connect(s.url)
    const op = client.search({ baseObject: 'cn=a' })
    const first = await op.next()
    expect(first.value).toMatchObject({ kind: 'entry', entry: { objectName: 'cn=a' } })
    const error = await failureOf(op.next())
    expect(error.code).toBe('CLIENT_PROTOCOL_ERROR')
    expect(error.cause).toBeInstanceOf(ProtocolError)
    expect((error.cause as ProtocolError).code).toBe('LDAP_BAD_MESSAGE')
    await s.ended
  })

  it('fails every operation with CLIENT_CONNECTION_LOST and the diagnostic on a Notice of Disconnection', async () => {
    const s = await scripted((request, socket) => {
      if (request.op.kind !== 'bindRequest') return
      socket.write(encodeMessage({ messageId: 0, op: { kind: 'extendedResponse', resultCode: 52, matchedDN: '', diagnosticMessage: 'shutting down', responseName: NOTICE_OF_DISCONNECTION_OID } }))
    })
    const client = await LdapClient.connect(s.url)
    const op = client.search({ baseObject: 'cn=a' })
    const bind = failureOf(client.bind('cn=x', 'y'))
    const lost = await failureOf(op.next())
    expect(lost.code).toBe('CLIENT_CONNECTION_LOST')
    expect(lost.message).toContain('shutting down')
    expect((await bind).code).toBe('CLIENT_CONNECTION_LOST')
  })

  it('times out an unanswered operation with CLIENT_TIMEOUT and ignores its late response', async () => {
    let held: { id: number; socket: Socket } | undefined
    const s = await scripted((request, socket) => {
      if (held === undefined) held = { id: request.messageId, socket }
      else socket.write(encodeMessage({ messageId: request.messageId, op: { kind: 'bindResponse', ...success } }))
    })
    const client = await LdapClient.connect(s.url, { timeoutMs: 50 })
    const error = await failureOf(client.extended('1.2.3'))
    expect(error.code).toBe('CLIENT_TIMEOUT')
    held?.socket.write(encodeMessage({ messageId: held.id, op: { kind: 'extendedResponse', ...success } }))
    const ok = await client.bind('cn=x', 'y')
    expect(ok.message.messageId).toBe(2)
    await client.close()
  })

  it('closes with UnbindRequest then FIN, failing a pending search with CLIENT_CLOSED', async () => {
    const s = await scripted(() => undefined)
    const client = await LdapClient.connect(s.url)
    const op = client.search({ baseObject: 'cn=a' })
    await client.close()
    await s.ended
    expect(s.received.map((m) => [m.messageId, m.op.kind])).toEqual([[1, 'searchRequest'], [2, 'unbindRequest']])
    expect((await failureOf(op.next())).code).toBe('CLIENT_CLOSED')
  })

  it('ends a search with CLIENT_CONNECTION_LOST when the server closes the socket', async () => {
    const s = await scripted((_request, socket) => socket.end())
    const client = await LdapClient.connect(s.url)
    const error = await failureOf(client.search({ baseObject: 'cn=a' }).collect())
    expect(error.code).toBe('CLIENT_CONNECTION_LOST')
    expect(s.received).toHaveLength(1)
  })
})

describe('LdapClient.connect URL errors', () => {
  it.each([
    ['http://127.0.0.1:389', 'scheme "http"'],
    ['ldap://127.0.0.1:99999', 'outside 1..65535'],
    ['ldap://127.0.0.1:abc', 'not a number'],
    ['ldap://127.0.0.1:389/dc=example,dc=com', 'DN or other path'],
    ['not a url', 'is not a URL'],
  ])('refuses %s with CLIENT_BAD_URL', async (url, phrase) => {
    const error = await failureOf(LdapClient.connect(url))
    expect(error.code).toBe('CLIENT_BAD_URL')
    expect(error.message).toContain(phrase)
  })

  it('fails with CLIENT_CONNECT_FAILED when nothing listens', async () => {
    const s = await scripted(() => undefined)
    await new Promise<void>((resolve) => server?.close(() => resolve()))
    server = undefined
    expect((await failureOf(LdapClient.connect(s.url))).code).toBe('CLIENT_CONNECT_FAILED')
  })
})
