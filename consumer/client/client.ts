import type { Socket } from 'node:net'
import {
  CANCEL_REQUEST_OID,
  LdapFramer,
  ResultCode,
  decodeMessage,
  encodeCancelRequestValue,
  encodeMessage,
} from '../../protocol/index.js'
import type { BindResponse, ControlInput, ExtendedResponse, LdapMessage, ProtocolOp } from '../../protocol/index.js'
import { LdapClientError, LdapResultError, successOrThrow } from './errors.js'
import { MessageIds } from './message-ids.js'
import type { Pending, SinglePending } from './pending.js'
import { SearchOperation } from './search-operation.js'
import type { SearchOperationHost } from './search-operation.js'
import { openSocket, upgradeSocket } from './socket-open.js'
import { toSearchRequest } from './search-params.js'
import type { SearchParams } from './search-params.js'
import { NOTICE_OF_DISCONNECTION_OID, START_TLS_OID } from './client-options.js'
import type { LdapClientOptions, OperationResult } from './client-options.js'
import { parseLdapUrl } from './url.js'
import type { LdapServerAddress } from './url.js'

export { NOTICE_OF_DISCONNECTION_OID, START_TLS_OID } from './client-options.js'
export type { LdapClientOptions, OperationResult } from './client-options.js'

/**
 * A streaming LDAP client for the reference consumer: one connection, many concurrent operations
 * correlated by message ID (RFC 4511 §4.1.1.1), every byte decoded by `protocol/`.
 *
 * @example
 * const client = await LdapClient.connect('ldap://127.0.0.1:389', { timeoutMs: 5000 })
 * await client.bind('cn=admin,dc=example,dc=com', 'secret')
 * for await (const item of client.search({ baseObject: 'dc=example,dc=com', filter: '(objectClass=*)' })) {
 *   if (item.kind === 'entry') console.log(item.entry.objectName)
 * }
 * await client.close()
 */
export class LdapClient implements SearchOperationHost {
  private socket: Socket
  private readonly framer = new LdapFramer()
  private readonly pending = new Map<number, Pending>()
  private readonly ids = new MessageIds()
  private readonly overflowing = new Set<SearchOperation>()
  private state: 'open' | 'upgrading' | 'closing' | 'closed' = 'open'
  private failure: LdapClientError | undefined
  private tlsActive: boolean
  private readonly closed: Promise<void>
  private markClosed!: () => void

  private constructor(socket: Socket, private readonly address: LdapServerAddress, private readonly options: LdapClientOptions) {
    this.socket = socket
    this.tlsActive = address.secure
    this.closed = new Promise((resolve) => (this.markClosed = resolve))
    this.attach(socket)
  }

  /** Connects to `ldap://host[:port]` or `ldaps://host[:port]`. */
  static async connect(url: string, options: LdapClientOptions = {}): Promise<LdapClient> {
    const address = parseLdapUrl(url)
    const socket = await openSocket(address, options.tls, options.timeoutMs)
    return new LdapClient(socket, address, options)
  }

  /** True once TLS protects the connection (ldaps, or after `startTls`). */
  get secure(): boolean {
    return this.tlsActive
  }

  /** Operations awaiting a response (searches included). */
  get outstanding(): number {
    return this.pending.size
  }

  /** True while a search's unread buffer holds the socket paused. */
  get readingPaused(): boolean {
    return this.overflowing.size > 0
  }

  /** Simple bind (RFC 4511 §4.2). Rejects with LdapResultError unless the result is success. */
  async bind(dn: string, password: string | Uint8Array, controls?: readonly ControlInput[]): Promise<OperationResult<BindResponse>> {
    const bytes = typeof password === 'string' ? Buffer.from(password, 'utf8') : password
    const op: ProtocolOp = { kind: 'bindRequest', version: 3, name: dn, authentication: { kind: 'simple', password: bytes } }
    const message = await this.request(op, controls, 'bind', 'bindResponse', false)
    return successOrThrow<BindResponse>('bind', message)
  }

  /**
   * An extended operation (RFC 4511 §4.12). Rejects with LdapResultError unless the result is
   * success. `timeoutMs` overrides the client's time limit for this operation only (the session
   * handshake waits `handshakeTimeoutMs`, 389's nsds5ReplicaTimeout).
   */
  async extended(name: string, value?: Uint8Array, controls?: readonly ControlInput[], options: { readonly timeoutMs?: number } = {}): Promise<OperationResult<ExtendedResponse>> {
    const op: ProtocolOp = { kind: 'extendedRequest', requestName: name, requestValue: value }
    const message = await this.request(op, controls, `extended ${name}`, 'extendedResponse', false, options.timeoutMs)
    return successOrThrow<ExtendedResponse>(`extended ${name}`, message)
  }

  /**
   * StartTLS (RFC 4511 §4.14): asks the server, then runs the TLS handshake on the same socket.
   * Refused while other operations are outstanding (§4.14.1) or when TLS is already active.
   */
  async startTls(): Promise<void> {
    this.assertOpen()
    if (this.tlsActive) throw new LdapClientError('CLIENT_BAD_STATE', 'TLS is already active on this connection; StartTLS can be used once, on a plain ldap:// connection.')
    if (this.pending.size > 0) {
      throw new LdapClientError('CLIENT_BAD_STATE', `StartTLS was asked for while ${this.pending.size} operation(s) are outstanding; RFC 4511 §4.14.1 requires none, so wait for them (or cancel them) first.`)
    }
    const message = await this.request({ kind: 'extendedRequest', requestName: START_TLS_OID }, undefined, 'StartTLS', 'extendedResponse', true)
    const op = message.op as ExtendedResponse
    if (op.resultCode !== ResultCode.success) {
      this.socket.resume()
      throw new LdapResultError('StartTLS', op, message)
    }
    if (this.state !== 'open') throw this.failure ?? new LdapClientError('CLIENT_CLOSED', 'The client was closed during StartTLS.')
    this.state = 'upgrading'
    const plain = this.socket
    this.detach(plain)
    try {
      this.socket = await upgradeSocket(plain, this.address.host, this.options.tls, this.options.timeoutMs)
    } catch (error) {
      plain.destroy()
      this.shutdown(error as LdapClientError)
      throw error
    }
    this.tlsActive = true
    this.state = 'open'
    this.attach(this.socket)
  }

  /**
   * Starts a search (RFC 4511 §4.5) and returns its stream at once. Controls are sent as given;
   * response controls come back as raw bytes on each item.
   */
  search(params: SearchParams, controls?: readonly ControlInput[]): SearchOperation {
    this.assertOpen()
    const request = toSearchRequest(params)
    const messageId = this.allocateId()
    const op = new SearchOperation(messageId, this, this.options.highWaterMark ?? 1000)
    const timeoutMs = params.timeoutMs
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            if (this.pending.get(messageId)?.kind !== 'search') return
            this.forget(messageId)
            this.sendQuietly({ kind: 'abandonRequest', idToAbandon: messageId })
            op.fail(new LdapClientError('CLIENT_TIMEOUT', `The search (message ID ${messageId}) did not end within ${timeoutMs} ms; it was abandoned.`, { messageId }))
          }, timeoutMs)
    this.pending.set(messageId, { kind: 'search', op, timer })
    this.send(messageId, request, controls)
    return op
  }

  /**
   * Cancel (RFC 3909): asks the server to end operation `messageId`. Resolves with the Cancel
   * result (success); the cancelled search's stream ends with its own done, result canceled (118).
   * Rejects with LdapResultError for noSuchOperation (119), tooLate (120), cannotCancel (121).
   */
  cancel(messageId: number): Promise<OperationResult<ExtendedResponse>> {
    return this.extended(CANCEL_REQUEST_OID, encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: messageId }))
  }

  /**
   * Abandon (RFC 4511 §4.11): no response comes, so a search with this ID ends here, locally,
   * with an `abandoned` item; anything the server still sends for it is dropped.
   */
  abandon(messageId: number): void {
    this.assertOpen()
    const p = this.pending.get(messageId)
    if (p !== undefined) {
      this.forget(messageId)
      if (p.kind === 'search') p.op.push({ kind: 'abandoned', messageId })
      else p.reject(new LdapClientError('CLIENT_CLOSED', `The ${p.operation} operation (message ID ${messageId}) was abandoned.`, { messageId }))
    }
    this.send(this.allocateId(), { kind: 'abandonRequest', idToAbandon: messageId })
  }

  /**
   * Ends the session cleanly (RFC 4511 §4.3): UnbindRequest, then FIN. Outstanding operations
   * fail with CLIENT_CLOSED. Resolves when the socket is closed.
   */
  async unbind(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return this.closed
    const error = new LdapClientError('CLIENT_CLOSED', 'The client was closed (unbind) while this operation was outstanding.')
    if (this.state === 'open') {
      this.sendQuietly({ kind: 'unbindRequest' })
      this.state = 'closing'
      this.failAll(error)
      this.failure = error
      this.socket.end()
      // A server that never closes its side must not keep close() waiting forever.
      const socket = this.socket
      setTimeout(() => socket.destroy(), this.options.timeoutMs ?? 5000).unref()
    } else {
      this.shutdown(error)
    }
    return this.closed
  }

  /** Same as `unbind()`. */
  close(): Promise<void> {
    return this.unbind()
  }

  /**
   * Drops the connection at once, without Unbind: what a crash looks like to the provider (the
   * conformance runner's kill-and-resume cases). Everything pending fails with CLIENT_CLOSED.
   */
  destroy(): void {
    this.shutdown(new LdapClientError('CLIENT_CLOSED', 'The connection was dropped on purpose (destroy()); nothing more is sent or received.'))
  }

  // SearchOperationHost

  relieved(op: SearchOperation): void {
    this.overflowing.delete(op)
    if (this.overflowing.size === 0 && this.state === 'open') {
      this.socket.resume()
      this.options.onReadingPaused?.(false)
    }
  }

  abandonOnReturn(op: SearchOperation): void {
    if (this.state === 'open' && this.pending.get(op.messageId)?.kind === 'search') this.abandon(op.messageId)
  }

  // Internals

  private request(op: ProtocolOp, controls: readonly ControlInput[] | undefined, operation: string, expect: SinglePending['expect'], pauseOnResponse: boolean, timeoutMs = this.options.timeoutMs): Promise<LdapMessage> {
    this.assertOpen()
    const messageId = this.allocateId()
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.forget(messageId)
              reject(new LdapClientError('CLIENT_TIMEOUT', `The ${operation} operation (message ID ${messageId}) got no response within ${timeoutMs} ms.`, { messageId }))
            }, timeoutMs)
      this.pending.set(messageId, { kind: 'single', operation, expect, resolve, reject, timer, pauseOnResponse })
      this.send(messageId, op, controls)
    })
  }

  private assertOpen(): void {
    if (this.state === 'open') return
    if (this.failure !== undefined) throw new LdapClientError(this.failure.code, `The client can no longer be used: ${this.failure.message}`, { cause: this.failure })
    if (this.state === 'upgrading') throw new LdapClientError('CLIENT_BAD_STATE', 'The client is in the middle of the StartTLS handshake; wait for startTls() to finish.')
    throw new LdapClientError('CLIENT_CLOSED', 'The client is closed.')
  }

  private allocateId(): number {
    return this.ids.next((id) => this.pending.has(id))
  }

  private forget(messageId: number): void {
    const p = this.pending.get(messageId)
    if (p?.timer !== undefined) clearTimeout(p.timer)
    this.pending.delete(messageId)
    this.ids.forget(messageId)
  }

  private send(messageId: number, op: ProtocolOp, controls?: readonly ControlInput[]): void {
    this.socket.write(encodeMessage({ messageId, op, ...(controls === undefined ? {} : { controls }) }))
  }

  /** For messages that expect no answer (Abandon, Unbind), when the socket may already be gone. */
  private sendQuietly(op: ProtocolOp): void {
    if (!this.socket.destroyed && this.socket.writable) this.send(this.allocateId(), op)
  }

  private readonly onData = (chunk: Buffer): void => {
    // After Unbind nothing the server sends matters (RFC 4511 §4.3); the pending operations are already failed.
    if (this.state !== 'open') return
    let frames: Uint8Array[]
    try {
      frames = this.framer.push(chunk)
    } catch (error) {
      return this.protocolError('The server sent bytes that do not frame as LDAPMessages', error)
    }
    for (const frame of frames) {
      if (this.state !== 'open') return
      let message: LdapMessage
      try {
        message = decodeMessage(frame)
      } catch (error) {
        return this.protocolError('The server sent an LDAPMessage that does not decode', error)
      }
      this.dispatch(message)
    }
    // The framer hands out the PDUs before a fault and keeps the fault for us to check.
    if (this.framer.error !== undefined) this.protocolError('The server sent bytes that do not frame as LDAPMessages', this.framer.error)
  }

  private dispatch(message: LdapMessage): void {
    const { messageId, op } = message
    if (messageId === 0) return this.unsolicited(message)
    const p = this.pending.get(messageId)
    if (p === undefined) {
      if (this.ids.isForgotten(messageId)) return
      return this.protocolError(`The server sent a ${op.kind} with message ID ${messageId}, which belongs to no outstanding operation`)
    }
    if (p.kind === 'single') {
      // RFC 4511 §4.13: an extended operation may be answered with intermediate responses first.
      if (op.kind === 'intermediateResponse' && p.expect === 'extendedResponse') return
      if (op.kind !== p.expect) return this.protocolError(`The server answered the ${p.operation} operation (message ID ${messageId}) with a ${op.kind}; expected a ${p.expect}`)
      if (p.timer !== undefined) clearTimeout(p.timer)
      this.pending.delete(messageId)
      if (p.pauseOnResponse) this.socket.pause()
      return p.resolve(message)
    }
    const controls = message.controls
    let over: boolean
    switch (op.kind) {
      case 'searchResultEntry':
        over = p.op.push({ kind: 'entry', entry: op, message, controls })
        break
      case 'searchResultReference':
        over = p.op.push({ kind: 'reference', reference: op, message, controls })
        break
      case 'intermediateResponse':
        over = p.op.push({ kind: 'intermediate', response: op, message, controls })
        break
      case 'searchResultDone':
        if (p.timer !== undefined) clearTimeout(p.timer)
        this.pending.delete(messageId)
        over = p.op.push({ kind: 'done', result: op, message, controls })
        break
      default:
        return this.protocolError(`The server answered the search (message ID ${messageId}) with a ${op.kind}; a search gets entries, references, intermediate responses and one done`)
    }
    if (over && !this.overflowing.has(p.op)) {
      this.overflowing.add(p.op)
      if (this.overflowing.size === 1) {
        this.socket.pause()
        this.options.onReadingPaused?.(true)
      }
    }
  }

  /** Unsolicited notifications (RFC 4511 §4.4) come with message ID 0. */
  private unsolicited(message: LdapMessage): void {
    const op = message.op
    if (op.kind !== 'extendedResponse') return this.protocolError(`The server sent a ${op.kind} with message ID 0, which only unsolicited notifications (ExtendedResponse) may use`)
    if (op.responseName !== NOTICE_OF_DISCONNECTION_OID) return // §4.4: unknown notifications are ignored
    const diag = op.diagnosticMessage === '' ? '' : ` "${op.diagnosticMessage}"`
    const error = new LdapClientError('CLIENT_CONNECTION_LOST', `The server sent a Notice of Disconnection (RFC 4511 §4.4.1) with result code ${op.resultCode}${diag} and is closing the connection.`)
    this.shutdown(error)
  }

  private protocolError(what: string, cause?: unknown): void {
    const detail = cause instanceof Error ? `: ${cause.message}` : ''
    this.shutdown(new LdapClientError('CLIENT_PROTOCOL_ERROR', `${what}${detail}; the connection was closed.`, cause === undefined ? {} : { cause }))
  }

  /** Ends everything with `error` and destroys the socket (no Unbind: the session is unusable). */
  private shutdown(error: LdapClientError): void {
    if (this.state === 'closed') return
    this.failure ??= error
    this.state = 'closed'
    this.failAll(error)
    this.socket.destroy()
    if (this.socket.closed) this.markClosed()
  }

  private failAll(error: LdapClientError): void {
    const all = [...this.pending]
    this.pending.clear()
    for (const [messageId, p] of all) {
      if (p.timer !== undefined) clearTimeout(p.timer)
      const own = new LdapClientError(error.code, error.message, { cause: error.cause, messageId })
      if (p.kind === 'single') p.reject(own)
      else p.op.fail(own)
    }
  }

  private readonly onEnd = (): void => {
    if (this.state === 'open') this.shutdown(new LdapClientError('CLIENT_CONNECTION_LOST', 'The server closed the connection.'))
  }

  private readonly onError = (error: Error): void => {
    if (this.state === 'open' || this.state === 'upgrading') this.shutdown(new LdapClientError('CLIENT_CONNECTION_LOST', `The connection failed: ${error.message}.`, { cause: error }))
  }

  private readonly onClose = (): void => {
    if (this.state === 'open' || this.state === 'closing') {
      if (this.state === 'open') this.shutdown(new LdapClientError('CLIENT_CONNECTION_LOST', 'The connection closed.'))
      this.state = 'closed'
    }
    this.markClosed()
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData)
    socket.on('end', this.onEnd)
    socket.on('error', this.onError)
    socket.on('close', this.onClose)
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData)
    socket.off('end', this.onEnd)
    socket.off('error', this.onError)
    socket.off('close', this.onClose)
  }
}
