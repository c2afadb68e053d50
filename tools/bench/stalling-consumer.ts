/**
 * A raw TCP consumer for the backpressure benchmark: simple bind, one refreshOnly Sync search
 * (RFC 4533 §3.3, no cookie), and the ability to stop reading mid-refresh (`pause`) and carry on
 * later (`resume`). Built on our codec (encodeMessage, LdapFramer, decodeMessage) over node:net.
 */
import { createConnection } from 'node:net'
import type { Socket } from 'node:net'
import { LdapFramer, SYNC_REQUEST_OID, SearchScope, decodeMessage, encodeMessage, encodeSyncRequestValue, parseFilter } from '../../protocol/index.js'
import type { LdapMessage } from '../../protocol/index.js'
import { withTimeout } from './child-processes.js'

const BIND_ID = 1
const SEARCH_ID = 2

export interface RefreshOutcome {
  readonly entries: number
  readonly resultCode: number
  readonly diagnosticMessage: string
}

export class StallingConsumer {
  private readonly framer = new LdapFramer()
  private entryCount = 0
  private received = 0
  private bindResult: ((message: LdapMessage) => void) | undefined
  private entryWaiter: { readonly n: number; readonly resolve: () => void } | undefined
  private finish!: (outcome: RefreshOutcome) => void
  private fail!: (error: Error) => void
  /** Settles when the search ends (SearchResultDone) or the connection fails. */
  readonly done: Promise<RefreshOutcome>

  private constructor(
    private readonly socket: Socket,
    private readonly url: string,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.finish = resolve
      this.fail = reject
    })
    // Callers may only look at `done` after a pause; a failure before that must not go unhandled.
    this.done.catch(() => undefined)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (error) => this.fail(new Error(`The connection to ${url} failed: ${error.message}.`)))
    socket.on('close', () => this.fail(new Error(`The server at ${url} closed the connection after ${this.entryCount} entries, before the SearchResultDone.`)))
  }

  static connect(url: string, timeoutMs = 5_000): Promise<StallingConsumer> {
    const { hostname, port } = new URL(url)
    const socket = createConnection({ host: hostname, port: Number(port) })
    const connected = new Promise<StallingConsumer>((resolve, reject) => {
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new StallingConsumer(socket, url))
      })
    })
    return withTimeout(connected, timeoutMs, `Could not connect to ${url} within ${timeoutMs} ms.`).catch((error: unknown) => {
      socket.destroy()
      throw error
    })
  }

  /** SearchResultEntry messages received so far. */
  get entries(): number {
    return this.entryCount
  }

  /** Octets read from the socket so far. */
  get bytesReceived(): number {
    return this.received
  }

  async bind(dn: string, password: string, timeoutMs = 5_000): Promise<void> {
    const answer = new Promise<LdapMessage>((resolve) => {
      this.bindResult = resolve
    })
    this.socket.write(encodeMessage({ messageId: BIND_ID, op: { kind: 'bindRequest', version: 3, name: dn, authentication: { kind: 'simple', password: Buffer.from(password, 'utf8') } } }))
    const response = await withTimeout(Promise.race([answer, this.done.then(() => never())]), timeoutMs, `No BindResponse from ${this.url} within ${timeoutMs} ms.`)
    if (response.op.kind !== 'bindResponse' || response.op.resultCode !== 0) {
      throw new Error(`The simple bind as "${dn}" at ${this.url} was refused: ${JSON.stringify(response.op)}.`)
    }
  }

  /** Sends the refreshOnly Sync search for every entry under `base`, all user attributes (as ldapsearch does). */
  startRefresh(base: string): void {
    this.socket.write(
      encodeMessage({
        messageId: SEARCH_ID,
        op: { kind: 'searchRequest', baseObject: base, scope: SearchScope.wholeSubtree, derefAliases: 0, sizeLimit: 0, timeLimit: 0, typesOnly: false, filter: parseFilter('(objectClass=*)'), attributes: [] },
        controls: [{ type: SYNC_REQUEST_OID, critical: true, value: encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', reloadHint: false }) }],
      }),
    )
  }

  /** Resolves once at least `n` entries have arrived. */
  waitForEntries(n: number, timeoutMs: number): Promise<void> {
    if (this.entryCount >= n) return Promise.resolve()
    const reached = new Promise<void>((resolve) => {
      this.entryWaiter = { n, resolve }
    })
    return withTimeout(Promise.race([reached, this.done.then(() => undefined)]), timeoutMs, `Fewer than ${n} entries arrived from ${this.url} within ${timeoutMs} ms (${this.entryCount} so far).`)
  }

  /** Stops reading from the socket: the kernel buffers fill, then the server must stop writing. */
  pause(): void {
    this.socket.pause()
  }

  resume(): void {
    this.socket.resume()
  }

  destroy(): void {
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    this.received += chunk.length
    try {
      for (const pdu of this.framer.push(chunk)) this.onMessage(decodeMessage(pdu))
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)))
      this.socket.destroy()
    }
  }

  private onMessage(message: LdapMessage): void {
    const { op } = message
    if (message.messageId === BIND_ID) {
      this.bindResult?.(message)
      return
    }
    if (message.messageId !== SEARCH_ID) return
    if (op.kind === 'searchResultEntry') {
      this.entryCount++
      const waiter = this.entryWaiter
      if (waiter !== undefined && this.entryCount >= waiter.n) {
        this.entryWaiter = undefined
        waiter.resolve()
      }
    } else if (op.kind === 'searchResultDone') {
      this.finish({ entries: this.entryCount, resultCode: op.resultCode, diagnosticMessage: op.diagnosticMessage })
      this.socket.end()
    }
  }
}

function never(): never {
  throw new Error('The connection ended before the BindResponse arrived.')
}
