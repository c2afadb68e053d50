/**
 * One client connection: the single ordered outgoing FIFO, backpressure, request framing and
 * decoding, and the StartTLS switch (docs/architecture.md "Provider, inside": server).
 *
 * Outgoing: every byte for this client — ours and, through the Duplex handed to ldapjs, ldapjs's
 * — goes through `write`, synchronously and in call order, into the current transport. Nothing is
 * held in user space except during the StartTLS switch, so a later message can never overtake an
 * earlier one. `send` is `write` plus waiting for 'drain' when the socket refused more: a client
 * that stops reading stalls the sender instead of growing memory.
 *
 * Incoming: chunks go to our LdapFramer and decodeMessage before anything else sees them. A
 * framing or decoding failure closes this connection (slapd closes on a BER error too, without a
 * Notice of Disconnection) and is reported as a protocolViolation event; the process and the
 * other connections carry on.
 */
import type { Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import type { SecureContext } from 'node:tls'
import { LdapFramer, ProtocolError, decodeMessage } from '../../protocol/index.js'
import type { LdapMessage } from '../../protocol/index.js'
import type { CloseReason, ProviderEvents } from './events.js'
import { WireFaults } from './wire-faults.js'
import type { WireFault, WriteUnits } from './wire-faults.js'

/** A request as received: our decoding and the exact bytes. */
export interface ReceivedRequest {
  readonly message: LdapMessage
  /** The whole LDAPMessage as received (a view of the socket chunk). */
  readonly bytes: Uint8Array
}

export interface ConnectionHooks {
  /** Called for every well-formed LDAPMessage, in order. Must not throw. */
  onRequest(connection: LdapConnection, request: ReceivedRequest): void
  /** Called once, after the transport has closed. */
  onClose(connection: LdapConnection, reason: CloseReason): void
}

export interface ConnectionOptions {
  readonly id: number
  readonly events: ProviderEvents
  readonly hooks: ConnectionHooks
  /** Largest request accepted, in octets (slapd: sockbuf_max_incoming_auth, 4 MiB). */
  readonly maxRequestSize: number
}

const EMPTY = Buffer.alloc(0)

export class LdapConnection {
  readonly id: number
  readonly remoteAddress: string
  readonly remotePort: number
  private readonly events: ProviderEvents
  private readonly hooks: ConnectionHooks
  private readonly framer: LdapFramer
  private readonly raw: Socket
  private transport: Socket
  private secure: boolean
  /** Bytes written while the StartTLS switch is under way; flushed into the TLS socket. */
  private held: Buffer[] | undefined
  private drainWaiter: { promise: Promise<void>; resolve: () => void } | undefined
  private closeReason: CloseReason | undefined
  private closeDetail: string | undefined
  /** Created by the first injected wire fault; every later write passes through it. */
  private faults: WireFaults | undefined
  private isClosed = false
  /** After an Unbind (or any graceful end) further requests are ignored, as slapd does. */
  private ending = false
  private readonly closedPromise: Promise<void>
  private resolveClosed!: () => void

  constructor(socket: Socket, options: ConnectionOptions) {
    this.id = options.id
    this.events = options.events
    this.hooks = options.hooks
    this.framer = new LdapFramer({ maxPduSize: options.maxRequestSize })
    this.raw = socket
    this.transport = socket
    this.secure = socket instanceof TLSSocket
    this.remoteAddress = socket.remoteAddress ?? ''
    this.remotePort = socket.remotePort ?? 0
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve
    })
    socket.setNoDelay(true)
    this.attach(socket)
    // 'close' of the TCP socket is the one end of life, whatever transport sits on top.
    socket.once('close', () => this.finish())
  }

  /** Whether the connection runs over TLS (ldaps, or after StartTLS). */
  get tls(): boolean {
    return this.secure
  }

  get closed(): boolean {
    return this.isClosed
  }

  /** Whether bytes written now never reach the client: closed, or a close/reset fault is queued. */
  get dropsWrites(): boolean {
    return this.isClosed || this.transport.destroyed || this.faults?.dropsLaterWrites === true
  }

  /** Resolves once the socket has closed and every hook ran. */
  get whenClosed(): Promise<void> {
    return this.closedPromise
  }

  /** Bytes queued for this client in user space (`socket.writableLength` plus anything held). */
  get writableLength(): number {
    let n = this.transport.writableLength + (this.faults?.heldBytes ?? 0)
    if (this.held !== undefined) for (const b of this.held) n += b.length
    return n
  }

  /**
   * Appends bytes to the FIFO. Returns false when the socket asked the writer to wait (then
   * await `drained()` before producing more). After close, bytes are dropped silently: a client
   * that went away gets nothing, and the writer learns it from `closed`.
   *
   * `units` matters only once a wire fault was injected: whole LDAPMessages (the default), or
   * bytes a script sends as they are (one unit, whatever they hold).
   */
  write(bytes: Uint8Array, units: WriteUnits = 'pdus'): boolean {
    if (this.isClosed || this.transport.destroyed) return true
    if (bytes.length === 0) return true
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    if (this.faults !== undefined) return this.faults.write(buf, units)
    return this.toTransport(buf)
  }

  /**
   * Injects a wire fault (wire-faults.ts): it acts on what is written from now on, behind
   * anything a previous fault still holds.
   */
  injectFault(fault: WireFault): void {
    if (this.isClosed) return
    this.faults ??= new WireFaults({
      write: (b) => this.toTransport(b),
      drained: () => this.transportDrained(),
      flushed: () => new Promise((resolve) => {
        if (this.isClosed || this.transport.destroyed || this.transport.writableEnded) return resolve()
        // The callback of an empty write fires once everything before it was handed to the kernel.
        this.transport.write(EMPTY, () => resolve())
      }),
      end: () => this.end('fault'),
      reset: () => this.reset('fault'),
      isClosed: () => this.isClosed,
      report: (message) => this.events.emit({ type: 'notice', connectionId: this.id, message }),
    })
    this.faults.inject(fault)
  }

  private toTransport(buf: Buffer): boolean {
    if (this.isClosed || this.transport.destroyed || this.transport.writableEnded) return true
    if (this.held !== undefined) {
      this.held.push(buf)
      return true
    }
    const ok = this.transport.write(buf)
    if (!ok) this.stall()
    return ok
  }

  /** `write`, then wait until the socket can take more (or the connection closed). */
  async send(bytes: Uint8Array): Promise<void> {
    if (!this.write(bytes)) await this.drained()
  }

  /** Resolves when the socket has drained (and no wire fault holds bytes), at once when nothing is waiting, or on close. */
  drained(): Promise<void> {
    return this.faults?.drained() ?? this.transportDrained()
  }

  private transportDrained(): Promise<void> {
    return this.drainWaiter?.promise ?? Promise.resolve()
  }

  /**
   * Switches to TLS after a successful StartTLS response (RFC 4511 §4.14.2): stops reading
   * plaintext, waits until the response has left the socket, then runs the server side of the
   * handshake on the same TCP socket. Writes made meanwhile are held and follow over TLS.
   */
  startTls(context: SecureContext): void {
    if (this.isClosed || this.secure) return
    const raw = this.raw
    this.held = []
    this.detach(raw)
    raw.pause()
    // The callback of an empty write fires once everything before it was handed to the kernel.
    raw.write(EMPTY, () => {
      if (this.isClosed || raw.destroyed) return
      const tls = new TLSSocket(raw, { isServer: true, secureContext: context })
      this.transport = tls
      this.secure = true
      this.attach(tls)
      tls.once('secure', () => {
        this.events.emit({ type: 'tlsStarted', connectionId: this.id, protocol: tls.getProtocol() })
      })
      const held = this.held ?? []
      this.held = undefined
      for (const b of held) this.write(b)
    })
  }

  /** Ends gracefully: what is queued is sent, then the socket is closed. */
  end(reason: CloseReason): void {
    if (this.isClosed) return
    this.closeReason ??= reason
    this.ending = true
    const t = this.transport
    t.end(() => t.destroy())
    if (this.held !== undefined) this.destroy(reason)
  }

  /** Closes at once, dropping anything queued. */
  destroy(reason: CloseReason, detail?: string): void {
    this.closeReason ??= reason
    if (detail !== undefined) this.closeDetail ??= detail
    this.transport.destroy()
    this.raw.destroy()
  }

  /**
   * Resets the connection (TCP RST, `socket.resetAndDestroy()`). A socket without a TCP handle
   * of its own (an ldaps TLSSocket) cannot send one and is destroyed instead.
   */
  reset(reason: CloseReason): void {
    this.closeReason ??= reason
    try {
      this.raw.resetAndDestroy()
    } catch {
      this.events.emit({ type: 'notice', connectionId: this.id, message: 'This socket cannot send a TCP reset (no TCP handle of its own); it was destroyed instead.' })
      this.raw.destroy()
    }
    this.transport.destroy()
  }

  /** Why the connection closed (known once `closed`). */
  get reason(): CloseReason | undefined {
    return this.closeReason
  }

  /** The error text behind an `error` close, if any. */
  get detail(): string | undefined {
    return this.closeDetail
  }

  private attach(socket: Socket): void {
    socket.on('end', this.onEnd)
    socket.on('data', this.onData)
    socket.on('drain', this.onDrain)
    socket.on('error', this.onError)
  }

  private detach(socket: Socket): void {
    socket.off('end', this.onEnd)
    socket.off('data', this.onData)
    socket.off('drain', this.onDrain)
    // The error listener stays: an error on the raw socket under TLS must not go unhandled.
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.ending) return
    let frames: Uint8Array[]
    try {
      frames = this.framer.push(chunk)
    } catch (error) {
      this.violation(error)
      return
    }
    for (const bytes of frames) {
      // A StartTLS or an Unbind handled in this chunk stops processing at once.
      if (this.isClosed || this.ending || this.held !== undefined) return
      let message: LdapMessage
      try {
        message = decodeMessage(bytes)
      } catch (error) {
        this.violation(error)
        return
      }
      this.hooks.onRequest(this, { message, bytes })
    }
    // The requests before a framing fault in this chunk were served; now the fault ends it.
    const fault = this.framer.error
    if (fault !== undefined && !this.isClosed && !this.ending) this.violation(fault)
  }

  /** The client half-closed: a PDU cut off by it is reported (the socket then closes by itself). */
  private readonly onEnd = (): void => {
    try {
      this.framer.end()
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error))
      this.events.emit({ type: 'protocolViolation', connectionId: this.id, code: error instanceof ProtocolError ? error.code : 'BER_TRUNCATED', error: err })
    }
  }

  private readonly onDrain = (): void => {
    const w = this.drainWaiter
    if (w === undefined) return
    this.drainWaiter = undefined
    this.events.emit({ type: 'backpressure', connectionId: this.id, state: 'resumed', writableLength: this.transport.writableLength })
    w.resolve()
  }

  private readonly onError = (error: Error): void => {
    const code = (error as NodeJS.ErrnoException).code
    const byClient = code === 'ECONNRESET' || code === 'EPIPE'
    this.destroy(byClient ? 'client' : 'error', error.message)
  }

  private stall(): void {
    if (this.drainWaiter !== undefined) return
    let resolve!: () => void
    const promise = new Promise<void>((r) => {
      resolve = r
    })
    this.drainWaiter = { promise, resolve }
    this.events.emit({ type: 'backpressure', connectionId: this.id, state: 'stalled', writableLength: this.transport.writableLength })
  }

  /** A framing or decoding failure: report it and close this connection (never the process). */
  violation(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error))
    const code = error instanceof ProtocolError ? error.code : 'LDAP_BAD_MESSAGE'
    this.events.emit({ type: 'protocolViolation', connectionId: this.id, code, error: err })
    this.destroy('protocolViolation', err.message)
  }

  private finish(): void {
    if (this.isClosed) return
    this.isClosed = true
    this.held = undefined
    this.faults?.dispose()
    if (!this.transport.destroyed) this.transport.destroy()
    const w = this.drainWaiter
    this.drainWaiter = undefined
    w?.resolve()
    try {
      this.hooks.onClose(this, this.closeReason ?? 'client')
    } finally {
      this.resolveClosed()
    }
  }
}
