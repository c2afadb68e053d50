/**
 * A minimal raw LDAP client for interop tests, built on our codec (LdapFramer, decodeMessage,
 * encodeMessage) over node:net: simple bind, Sync searches (RFC 4533 §2.2 Sync Request control),
 * Cancel (RFC 3909) and Abandon. It adds no interpretation of its own, so what a server sent is
 * what the test sees. Every wait is driven by socket events and bounded by a timeout.
 */
import { createConnection } from 'node:net'
import type { Socket } from 'node:net'
import { LdapFramer, SearchScope, decodeMessage, encodeMessage, parseFilter } from '../../protocol/index.js'
import type { Control, ExtendedResponse, LdapMessage, ProtocolOp } from '../../protocol/index.js'
import { CANCEL_REQUEST_OID, SYNC_REQUEST_OID, encodeCancelRequestValue, encodeSyncRequestValue } from '../../protocol/sync/index.js'
import type { SyncRequestMode } from '../../protocol/sync/index.js'
import { HarnessError } from './errors.js'
import { SyncSearch } from './sync-search.js'

export interface SyncSearchOptions {
  readonly mode: SyncRequestMode
  /** Absent = no cookie (initial content); bytes are sent as given. */
  readonly cookie?: Uint8Array
  readonly reloadHint?: boolean
  /** Default dc=example,dc=com. */
  readonly base?: string
  readonly scope?: 'base' | 'one' | 'sub'
  /** RFC 4515 text, parsed by our parseFilter. Default (objectClass=*). */
  readonly filter?: string
  /** Default ['*', 'entryCSN'], as in the recorded traces. */
  readonly attributes?: readonly string[]
  /** Criticality of the Sync Request control; default TRUE, as in the recorded traces. */
  readonly critical?: boolean
  readonly sizeLimit?: number
  /** Default neverDerefAliases (RFC 4533 §3.5.2 makes the searching bit a protocolError). */
  readonly derefAliases?: number
  /** Sends these bytes as the Sync Request control's value instead of encoding mode/cookie/reloadHint (null: no value at all). */
  readonly rawSyncValue?: Uint8Array | null
  /** Further controls, after the Sync Request control (before it with `syncControlLast`: slapd parses controls in order). */
  readonly extraControls?: readonly Control[]
  readonly syncControlLast?: boolean
}

/** One received message, for assertions about the order of responses to different operations. */
export interface Arrival {
  readonly messageId: number
  readonly kind: ProtocolOp['kind']
}

interface PendingResponse {
  readonly what: string
  readonly resolve: (message: LdapMessage) => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout
}

const SCOPES = { base: SearchScope.baseObject, one: SearchScope.singleLevel, sub: SearchScope.wholeSubtree } as const

export class WireClient {
  /** Every message received, in order (message ID and op kind). */
  readonly arrivals: Arrival[] = []
  private readonly framer = new LdapFramer()
  private readonly searches = new Map<number, SyncSearch>()
  private readonly pending = new Map<number, PendingResponse>()
  private nextMessageId = 1
  private failure: Error | undefined
  private readonly closed: Promise<void>

  private constructor(
    private readonly socket: Socket,
    readonly url: string,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (error) => this.failAll(new HarnessError('WIRE_CLOSED', `The connection to ${url} failed: ${error.message}.`, { cause: error })))
    socket.on('close', () => this.failAll(new HarnessError('WIRE_CLOSED', `The server at ${url} closed the connection.`)))
  }

  /** Opens a TCP connection to an ldap:// URL. */
  static connect(url: string, timeoutMs = 5_000): Promise<WireClient> {
    const parsed = new URL(url)
    if (parsed.protocol !== 'ldap:') throw new HarnessError('WIRE_CONNECT_FAILED', `The wire client speaks plain ldap:// only; it was given ${url}.`)
    const port = Number(parsed.port || 389)
    const host = parsed.hostname.replace(/^\[|\]$/g, '')
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host, port })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new HarnessError('WIRE_CONNECT_FAILED', `Could not connect to ${url} within ${timeoutMs} ms.`))
      }, timeoutMs)
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(new HarnessError('WIRE_CONNECT_FAILED', `Could not connect to ${url}: ${error.message}.`, { cause: error }))
      })
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.removeAllListeners('error')
        socket.setNoDelay(true)
        resolve(new WireClient(socket, url))
      })
    })
  }

  /** Simple bind (RFC 4511 §4.2); rejects unless the result is success. */
  async bind(dn: string, password: string, timeoutMs = 5_000): Promise<void> {
    const messageId = this.send({ kind: 'bindRequest', version: 3, name: dn, authentication: { kind: 'simple', password: Buffer.from(password, 'utf8') } })
    const response = await this.response(messageId, `the BindResponse for "${dn}"`, timeoutMs)
    if (response.op.kind !== 'bindResponse') throw this.unexpected(response, 'a BindResponse')
    if (response.op.resultCode !== 0) {
      throw new HarnessError('WIRE_RESULT_FAILED', `The simple bind as "${dn}" at ${this.url} failed with result ${response.op.resultCode} "${response.op.diagnosticMessage}".`)
    }
  }

  /** Sends a SearchRequest with a Sync Request control; the returned handle collects its responses. */
  search(options: SyncSearchOptions): SyncSearch {
    const messageId = this.nextMessageId++
    const search = new SyncSearch(messageId, options.cookie, this.url)
    this.searches.set(messageId, search)
    const syncValue =
      options.rawSyncValue !== undefined
        ? options.rawSyncValue ?? undefined
        : encodeSyncRequestValue({
            kind: 'syncRequest',
            mode: options.mode,
            reloadHint: options.reloadHint ?? false,
            ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
          })
    const syncControl: Control = { type: SYNC_REQUEST_OID, critical: options.critical ?? true, ...(syncValue === undefined ? {} : { value: syncValue }) }
    this.write({
      messageId,
      op: {
        kind: 'searchRequest',
        baseObject: options.base ?? 'dc=example,dc=com',
        scope: SCOPES[options.scope ?? 'sub'],
        derefAliases: options.derefAliases ?? 0,
        sizeLimit: options.sizeLimit ?? 0,
        timeLimit: 0,
        typesOnly: false,
        filter: parseFilter(options.filter ?? '(objectClass=*)'),
        attributes: options.attributes ?? ['*', 'entryCSN'],
      },
      controls: options.syncControlLast ? [...(options.extraControls ?? []), syncControl] : [syncControl, ...(options.extraControls ?? [])],
    })
    if (this.failure) search.fail(this.failure)
    return search
  }

  /** Cancel (RFC 3909, RFC 4533 §3.7); resolves with the ExtendedResponse whatever its result code. */
  async cancel(search: SyncSearch, timeoutMs = 5_000): Promise<ExtendedResponse> {
    const messageId = this.send({
      kind: 'extendedRequest',
      requestName: CANCEL_REQUEST_OID,
      requestValue: encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: search.messageId }),
    })
    const response = await this.response(messageId, `the Cancel response for search ${search.messageId}`, timeoutMs)
    if (response.op.kind !== 'extendedResponse') throw this.unexpected(response, 'an ExtendedResponse')
    return response.op
  }

  /** Abandon (RFC 4511 §4.11): no response is defined, so nothing is awaited. */
  abandon(search: SyncSearch): void {
    this.send({ kind: 'abandonRequest', idToAbandon: search.messageId })
  }

  /** Unbind and close; resolves when the socket is closed. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (!this.socket.destroyed && this.failure === undefined) {
      this.failure = new HarnessError('WIRE_CLOSED', `The client closed its connection to ${this.url}.`)
      this.socket.end(encodeMessage({ messageId: this.nextMessageId++, op: { kind: 'unbindRequest' } }))
    }
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs)
    })
    if ((await Promise.race([this.closed, late])) === 'late') this.socket.destroy()
    clearTimeout(timer)
    await this.closed
  }

  private send(op: ProtocolOp): number {
    const messageId = this.nextMessageId++
    this.write({ messageId, op })
    return messageId
  }

  private write(message: Parameters<typeof encodeMessage>[0]): void {
    if (this.failure) throw this.failure
    this.socket.write(encodeMessage(message))
  }

  private response(messageId: number, what: string, timeoutMs: number): Promise<LdapMessage> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(messageId)
        reject(new HarnessError('WIRE_TIMEOUT', `Waited ${timeoutMs} ms for ${what} (message ID ${messageId}) from ${this.url}; nothing arrived.`))
      }, timeoutMs)
      this.pending.set(messageId, { what, resolve, reject, timer })
    })
  }

  private onData(chunk: Buffer): void {
    try {
      for (const frame of this.framer.push(chunk)) {
        // Copy: decoded cookies and UUIDs are views, and must not alias the socket's buffers.
        const message = decodeMessage(Buffer.from(frame))
        this.arrivals.push({ messageId: message.messageId, kind: message.op.kind })
        this.route(message)
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      this.failAll(new HarnessError('WIRE_BAD_RESPONSE', `The server at ${this.url} sent bytes our codec rejects: ${reason}`, { cause: error }))
      this.socket.destroy()
    }
  }

  private route(message: LdapMessage): void {
    const search = this.searches.get(message.messageId)
    if (search) {
      search.receive(message)
      if (message.op.kind === 'searchResultDone') this.searches.delete(message.messageId)
      return
    }
    const pending = this.pending.get(message.messageId)
    if (pending) {
      clearTimeout(pending.timer)
      this.pending.delete(message.messageId)
      pending.resolve(message)
      return
    }
    // Message ID 0 is an unsolicited notification (RFC 4511 §4.4), e.g. Notice of Disconnection.
    const note = message.op.kind === 'extendedResponse' ? ` (${message.op.responseName ?? 'no name'}: ${message.op.diagnosticMessage})` : ''
    this.failAll(new HarnessError('WIRE_BAD_RESPONSE', `The server at ${this.url} sent a ${message.op.kind} with message ID ${message.messageId}, which answers no outstanding request${note}.`))
  }

  private failAll(error: Error): void {
    this.failure ??= error
    for (const search of this.searches.values()) search.fail(this.failure)
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer)
      this.pending.delete(id)
      p.reject(this.failure)
    }
  }

  private unexpected(message: LdapMessage, expected: string): HarnessError {
    return new HarnessError('WIRE_BAD_RESPONSE', `Expected ${expected} for message ID ${message.messageId} from ${this.url}, got a ${message.op.kind}.`)
  }
}
