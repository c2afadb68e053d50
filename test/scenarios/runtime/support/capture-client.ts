/**
 * A raw-socket LDAP client that keeps every octet the provider sends, in order, and how the
 * connection ended (FIN or RST): what the scenario runtime's wire faults and script sends must be
 * judged by. It decodes nothing on its own; `messages()` decodes on demand, and a test that
 * expects broken bytes reads `bytes()` instead. Every wait is for data or for the close.
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { LdapFramer, decodeMessage, encodeMessage, encodeSyncRequestValue, SYNC_REQUEST_OID } from '../../../../protocol/index.js'
import type { LdapMessage, LdapMessageInput } from '../../../../protocol/index.js'

/** How the provider ended the connection, as the client saw it. */
export type Ending = 'fin' | 'reset' | 'error'

export interface SyncSearchInput {
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  readonly cookie?: Uint8Array
  readonly reloadHint?: boolean
  readonly base?: string
  readonly attributes?: readonly string[]
}

export class CaptureClient {
  /** Every chunk as it arrived. */
  readonly chunks: Buffer[] = []
  /** Resolves with how the connection ended. */
  readonly ended: Promise<Ending>
  private nextId = 1
  private waiters: (() => void)[] = []
  private ending: Ending | undefined

  private constructor(readonly socket: Socket) {
    let sawError: NodeJS.ErrnoException | undefined
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk)
      this.wake()
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      sawError = error
    })
    this.ended = new Promise((resolve) => {
      socket.once('close', () => {
        this.ending = sawError === undefined ? 'fin' : sawError.code === 'ECONNRESET' ? 'reset' : 'error'
        resolve(this.ending)
        this.wake()
      })
    })
  }

  static connect(port: number, host = '127.0.0.1'): Promise<CaptureClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        socket.setNoDelay(true)
        resolve(new CaptureClient(socket))
      })
    })
  }

  /** Everything received so far. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }

  /** The received bytes as LDAPMessages (throws if they are not all whole, valid messages). */
  messages(): LdapMessage[] {
    const framer = new LdapFramer()
    return framer.push(this.bytes()).map((frame) => decodeMessage(Buffer.from(frame)))
  }

  send(message: LdapMessageInput): void {
    this.socket.write(encodeMessage(message))
  }

  bind(name: string, password: string): number {
    const messageId = this.nextId++
    this.send({ messageId, op: { kind: 'bindRequest', version: 3, name, authentication: { kind: 'simple', password: Buffer.from(password) } } })
    return messageId
  }

  syncSearch(input: SyncSearchInput): number {
    const messageId = this.nextId++
    const value = encodeSyncRequestValue({ kind: 'syncRequest', mode: input.mode, reloadHint: input.reloadHint ?? false, ...(input.cookie === undefined ? {} : { cookie: input.cookie }) })
    this.send({
      messageId,
      op: {
        kind: 'searchRequest',
        baseObject: input.base ?? 'dc=example,dc=com',
        scope: 2,
        derefAliases: 0,
        sizeLimit: 0,
        timeLimit: 0,
        typesOnly: false,
        filter: { kind: 'present', attributeDesc: 'objectClass' },
        attributes: input.attributes ?? ['1.1'],
      },
      controls: [{ type: SYNC_REQUEST_OID, critical: true, value }],
    })
    return messageId
  }

  /** A root DSE read (RFC 4512 §5.1): one entry and a SearchResultDone, as a marker in the stream. */
  rootDse(): number {
    const messageId = this.nextId++
    this.send({
      messageId,
      op: { kind: 'searchRequest', baseObject: '', scope: 0, derefAliases: 0, sizeLimit: 0, timeLimit: 0, typesOnly: false, filter: { kind: 'present', attributeDesc: 'objectClass' }, attributes: ['1.1'] },
    })
    return messageId
  }

  /** Resolves once `test` holds for the bytes received; rejects if the connection ends first. */
  async until(what: string, test: (bytes: Buffer) => boolean): Promise<Buffer> {
    for (;;) {
      const bytes = this.bytes()
      if (test(bytes)) return bytes
      if (this.ending !== undefined) throw new Error(`The connection ended (${this.ending}) before ${what}; received ${bytes.length} octets: ${bytes.toString('hex')}`)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  /** Resolves once `n` whole LDAPMessages have arrived; returns them. */
  async messagesUntil(n: number): Promise<LdapMessage[]> {
    await this.until(`${n} messages`, () => countFrames(this.bytes()) >= n)
    return this.messages()
  }

  close(): void {
    this.socket.destroy()
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

/** How many whole BER elements `bytes` starts with. */
export function countFrames(bytes: Buffer): number {
  const framer = new LdapFramer()
  try {
    return framer.push(bytes).length
  } catch {
    return 0
  }
}
