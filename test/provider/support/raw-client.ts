/**
 * A bare LDAP client for provider tests: our codec on a plain socket, so tests can send exactly
 * the bytes they mean (including broken ones) and see every message the provider sends, in
 * order. Never sleeps: every wait is for a message or for the socket to close.
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { LdapFramer, decodeMessage, encodeMessage } from '../../../protocol/index.js'
import type { ControlInput, Filter, LdapMessage, LdapMessageInput } from '../../../protocol/index.js'

export class RawLdapClient {
  private readonly framer = new LdapFramer()
  private readonly inbox: LdapMessage[] = []
  private waiter: (() => void) | undefined
  private ended = false
  private failure: Error | undefined
  private nextId = 1
  readonly closed: Promise<void>

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of this.framer.push(chunk)) this.inbox.push(decodeMessage(frame))
      } catch (error) {
        this.failure = error as Error
        socket.destroy()
      }
      this.wake()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.ended = true
      this.wake()
    })
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawLdapClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new RawLdapClient(socket))
      })
    })
  }

  /** A fresh message ID. */
  id(): number {
    return this.nextId++
  }

  send(message: LdapMessageInput): void {
    this.socket.write(encodeMessage(message))
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  /** The next message, in arrival order. Rejects if the connection closes first. */
  async next(): Promise<LdapMessage> {
    for (;;) {
      const m = this.inbox.shift()
      if (m !== undefined) return m
      if (this.failure !== undefined) throw this.failure
      if (this.ended) throw new Error('The provider closed the connection before the next message arrived.')
      await new Promise<void>((resolve) => {
        this.waiter = resolve
      })
    }
  }

  /** Messages up to and including the first that satisfies `last`. */
  async until(last: (m: LdapMessage) => boolean): Promise<LdapMessage[]> {
    const out: LdapMessage[] = []
    for (;;) {
      const m = await this.next()
      out.push(m)
      if (last(m)) return out
    }
  }

  /** Resolves once the provider has closed the connection; returns what arrived before. */
  async drainUntilClosed(): Promise<LdapMessage[]> {
    await this.closed
    return this.inbox.splice(0)
  }

  async bind(name: string, password: string): Promise<LdapMessage> {
    const messageId = this.id()
    this.send({ messageId, op: { kind: 'bindRequest', version: 3, name, authentication: { kind: 'simple', password: Buffer.from(password) } } })
    return this.next()
  }

  /** Sends a SearchRequest and returns its message ID. */
  search(base: string, options: { scope?: number; filter?: Filter; attributes?: string[]; sizeLimit?: number; derefAliases?: number; controls?: ControlInput[] } = {}): number {
    const messageId = this.id()
    this.send({
      messageId,
      op: {
        kind: 'searchRequest',
        baseObject: base,
        scope: options.scope ?? 2,
        derefAliases: options.derefAliases ?? 0,
        sizeLimit: options.sizeLimit ?? 0,
        timeLimit: 0,
        typesOnly: false,
        filter: options.filter ?? { kind: 'present', attributeDesc: 'objectClass' },
        attributes: options.attributes ?? [],
      },
      ...(options.controls === undefined ? {} : { controls: options.controls }),
    })
    return messageId
  }

  /** Stops reading from the socket (the provider's writes then back up). */
  pause(): void {
    this.socket.pause()
  }

  resume(): void {
    this.socket.resume()
  }

  close(): void {
    this.socket.destroy()
  }

  private wake(): void {
    const w = this.waiter
    this.waiter = undefined
    w?.()
  }
}

/** The result code of an LDAPResult-bearing message (bind, done, extended). */
export function resultCodeOf(message: LdapMessage): number {
  const op = message.op
  if ('resultCode' in op) return op.resultCode
  throw new Error(`Message ${message.messageId} is a ${op.kind}, which carries no result code.`)
}
