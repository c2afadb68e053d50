/**
 * ldapjs 3 as the provider's front door: it accepts connections, parses requests and routes them
 * to our handlers. Everything else about it is tamed here (ldapjs-findings.md §2, §6):
 *
 * - Each socket is wrapped in our LdapConnection; ldapjs gets an LdapjsDuplex instead of the
 *   socket, so every byte out goes through the connection's one FIFO and StartTLS can swap the
 *   transport underneath.
 * - Requests reach ldapjs's parser only after our framer and decoder accepted them, one whole
 *   PDU at a time; a malformed PDU closes the connection before ldapjs sees a byte. The parser's
 *   `write` is still wrapped in try/catch, and its 'error' listener (which would destroy the
 *   connection or write ldapjs's own protocolError) is replaced by ours.
 * - Routes are mounted through ldapjs's API at the root ('') for every operation. ldapjs answers
 *   three cases itself without consulting routes — anonymous binds (always success), Abandon and
 *   unknown extended operations — so its `_getHandlerChain` is wrapped to send those to us too.
 * - Handlers never call `res.end()` or `next()`: ldapjs's after-chain would otherwise rewrite
 *   the bind DN through its lossy DN parser and may answer operationsError on its own.
 * - Requests ldapjs cannot parse although they are valid LDAP (SASL binds; DNs its DN parser
 *   rejects; binary values it reads as text) are routed by us directly, and anything ldapjs
 *   tries to write in answer to a request is dropped in favour of our own response: exactly one
 *   response per request, always encoded by our codec. Both are reported as `notice` events.
 */
import type { AddressInfo, Server as NetServer, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import ldap from 'ldapjs'
import { LdapDecodeError } from '../../protocol/index.js'
import { LdapConnection } from './connection.js'
import type { ReceivedRequest } from './connection.js'
import { dispatch } from './dispatch.js'
import type { RoutedRequest } from './dispatch.js'
import { LdapjsDuplex } from './ldapjs-duplex.js'
import { CANCEL_OID, RootDse, START_TLS_OID } from './root-dse.js'
import { Session } from './session.js'
import type { ServerConfig } from './session.js'
import { decodeWriteRequest } from './write-requests.js'

/** The slice of ldapjs's request objects the router reads. */
interface LdapjsRequest {
  readonly messageId: number
  readonly protocolOp: number
  readonly requestName?: string
  readonly connection: Duplex
}
type LdapjsHandler = (req: LdapjsRequest, res: unknown, next: () => void) => void
interface LdapjsParser {
  write(data: Buffer): unknown
  removeAllListeners(event: string): void
  on(event: 'error', listener: (error: Error) => void): void
}
/** The slice of ldapjs's Server this module uses (its typings do not describe newConnection or the router). */
interface LdapjsServer {
  readonly server: NetServer
  newConnection(connection: Duplex): void
  listen(port: number, host: string, callback: () => void): void
  close(callback?: () => void): void
  address(): AddressInfo
  on(event: 'error' | 'clientError', listener: (error: Error) => void): void
  bind(name: string, handler: LdapjsHandler): void
  search(name: string, handler: LdapjsHandler): void
  add(name: string, handler: LdapjsHandler): void
  modify(name: string, handler: LdapjsHandler): void
  del(name: string, handler: LdapjsHandler): void
  modifyDN(name: string, handler: LdapjsHandler): void
  compare(name: string, handler: LdapjsHandler): void
  exop(name: string, handler: LdapjsHandler): void
  unbind(handler: LdapjsHandler): void
  _getHandlerChain(req: LdapjsRequest): { backend: unknown; handlers: LdapjsHandler[] }
}

/** One connection as the front door tracks it. */
interface Binding {
  readonly session: Session
  readonly parser: LdapjsParser
  /** The request being delivered to ldapjs right now, while its parser runs. */
  current: RoutedRequest | undefined
  /** ldapjs's own writes during that delivery (dropped: we answer). */
  held: Buffer[] | undefined
  /** Why ldapjs did not route the current request, if it said. */
  ldapjsError: unknown
}

const OP_BIND = 0x60
const OP_ABANDON = 0x50
const OP_EXTENDED = 0x77
const OUR_EXOPS = new Set([CANCEL_OID, START_TLS_OID])
/** protocolOps a client may send (RFC 4511 §4.2–§4.14); responses and intermediates may not. */
const CLIENT_OPS = new Set(['bindRequest', 'unbindRequest', 'searchRequest', 'abandonRequest', 'extendedRequest', 'unsupported'])

export interface FrontOptions {
  readonly config: ServerConfig
  readonly rootDse: RootDse
  /** ldaps: TLS from the first byte. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer }
  readonly nextConnectionId: () => number
  readonly onSession: (session: Session) => void
  readonly onSessionClosed: (session: Session) => void
}

/** One listener (ldap:// or ldaps://) backed by one ldapjs Server. */
export class LdapjsFront {
  private readonly ldapjs: LdapjsServer
  private readonly bindings = new WeakMap<Duplex, Binding>()

  constructor(private readonly options: FrontOptions) {
    const tls = options.tls
    this.ldapjs = ldap.createServer({
      connectionRouter: (socket: Socket) => this.accept(socket),
      ...(tls === undefined ? {} : { certificate: tls.cert, key: tls.key }),
    } as unknown as ldap.ServerOptions) as unknown as LdapjsServer
    const events = options.config.events
    // Without these listeners an ldapjs 'error' would be an uncaught exception (findings §2.1).
    this.ldapjs.on('error', (error) => events.emit({ type: 'notice', connectionId: 0, message: `ldapjs reported: ${error.message}` }))
    this.ldapjs.on('clientError', (error) => events.emit({ type: 'notice', connectionId: 0, message: `ldapjs reported a client error: ${error.message}` }))
    this.ldapjs.server.on('tlsClientError', (error: Error) => {
      events.emit({ type: 'notice', connectionId: 0, message: `A TLS handshake on the ldaps listener failed: ${error.message}` })
    })
    this.mountRoutes()
  }

  /** Listens; resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const net = this.ldapjs.server
      const onError = (error: Error): void => reject(error)
      net.once('error', onError)
      this.ldapjs.listen(port, host, () => {
        net.off('error', onError)
        resolve(this.ldapjs.address().port)
      })
    })
  }

  /** Stops accepting; resolves once the listener is closed (connections are closed by the caller). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.ldapjs.server.listening) return resolve()
      this.ldapjs.close(() => resolve())
    })
  }

  private mountRoutes(): void {
    const handler: LdapjsHandler = (req) => this.route(req)
    const s = this.ldapjs
    s.bind('', handler)
    s.search('', handler)
    s.add('', handler)
    s.modify('', handler)
    s.del('', handler)
    s.modifyDN('', handler)
    s.compare('', handler)
    for (const oid of OUR_EXOPS) s.exop(oid, handler)
    s.unbind(handler)
    const original = s._getHandlerChain.bind(s)
    s._getHandlerChain = (req) => {
      const op = req.protocolOp
      const ours = op === OP_BIND || op === OP_ABANDON || (op === OP_EXTENDED && !OUR_EXOPS.has(req.requestName ?? ''))
      return ours ? { backend: s, handlers: [handler] } : original(req)
    }
  }

  private accept(socket: Socket): void {
    const { config } = this.options
    let binding: Binding | undefined
    const connection = new LdapConnection(socket, {
      id: this.options.nextConnectionId(),
      events: config.events,
      maxRequestSize: config.maxRequestSize,
      hooks: {
        onRequest: (_c, request) => {
          if (binding !== undefined) this.onRequest(binding, request)
        },
        onClose: (c, reason) => {
          if (binding !== undefined) this.closed(binding, duplex, reason === 'error' ? c.detail : undefined)
        },
      },
    })
    const session = new Session(connection, config)
    const duplex = new LdapjsDuplex(
      {
        write: (bytes) => this.fromLdapjs(binding, bytes),
        end: () => connection.end('client'),
        destroy: () => connection.destroy('client'),
      },
      connection.remoteAddress,
      connection.remotePort,
    )
    config.events.emit({ type: 'connectionOpened', connectionId: connection.id, remoteAddress: connection.remoteAddress, remotePort: connection.remotePort, tls: connection.tls })
    config.hooks?.sessionOpened?.(session)
    this.ldapjs.newConnection(duplex)
    const parser = (duplex as unknown as { parser: LdapjsParser }).parser
    const tamed: Binding = { session, parser, current: undefined, held: undefined, ldapjsError: undefined }
    // ldapjs's parser 'error' listener destroys the connection or writes its own protocolError.
    parser.removeAllListeners('error')
    parser.on('error', (error) => {
      tamed.ldapjsError = error
    })
    const write = parser.write.bind(parser)
    parser.write = (data: Buffer) => {
      try {
        return write(data)
      } catch (error) {
        tamed.ldapjsError = error
        return false
      }
    }
    binding = tamed
    this.bindings.set(duplex, tamed)
    this.options.onSession(session)
    if (connection.closed) this.closed(tamed, duplex, undefined)
  }

  private onRequest(binding: Binding, request: ReceivedRequest): void {
    const { session } = binding
    const { message, bytes } = request
    const events = session.events
    events.emit({ type: 'requestReceived', connectionId: session.connection.id, messageId: message.messageId, message, bytes })
    const op = message.op
    if (!CLIENT_OPS.has(op.kind)) {
      session.connection.violation(new LdapDecodeError('LDAP_UNKNOWN_OPERATION',
        `Message ${message.messageId} carries a ${op.kind} PDU; a client may only send requests (RFC 4511 §4.2-§4.14), so the connection is closed.`))
      return
    }
    let routed: RoutedRequest
    if (op.kind === 'unsupported') {
      try {
        routed = { request, write: decodeWriteRequest(op), dispatched: false }
      } catch (error) {
        session.connection.violation(error)
        return
      }
    } else {
      routed = { request, dispatched: false }
    }
    if (op.kind === 'bindRequest' && op.authentication.kind === 'sasl') {
      // ldapjs 3 throws on any SASL bind ("authentication 0x83 not supported").
      dispatch(session, routed, this.options.rootDse)
      return
    }
    this.deliver(binding, routed)
  }

  /** Hands one whole, valid PDU to ldapjs's parser, which routes it synchronously (or not). */
  private deliver(binding: Binding, routed: RoutedRequest): void {
    const { session } = binding
    const b = routed.request.bytes
    binding.current = routed
    binding.held = []
    binding.ldapjsError = undefined
    binding.parser.write(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength))
    binding.current = undefined
    const held = binding.held
    binding.held = undefined
    const messageId = routed.request.message.messageId
    if (!routed.dispatched) {
      const why = binding.ldapjsError instanceof Error ? binding.ldapjsError.message : 'it routed it nowhere'
      session.notice(`ldapjs did not route message ${messageId} (${why}); the provider routed it itself.`)
      dispatch(session, routed, this.options.rootDse)
    }
    if (held.length > 0) session.notice(`ldapjs tried to answer message ${messageId} itself; its ${held.length} write(s) were dropped in favour of the provider's response.`)
  }

  /** ldapjs routed a request to us. */
  private route(req: LdapjsRequest): void {
    const binding = this.bindings.get(req.connection)
    const routed = binding?.current
    if (binding === undefined || routed === undefined || routed.request.message.messageId !== req.messageId) {
      this.options.config.events.emit({ type: 'notice', connectionId: binding?.session.connection.id ?? 0, message: `ldapjs routed message ${req.messageId}, which is not the one being delivered; ignored.` })
      return
    }
    dispatch(binding.session, routed, this.options.rootDse)
  }

  private fromLdapjs(binding: Binding | undefined, bytes: Buffer): void {
    if (binding === undefined) return
    if (binding.held !== undefined) {
      binding.held.push(bytes)
      return
    }
    binding.session.connection.write(bytes)
    binding.session.notice(`ldapjs wrote ${bytes.length} bytes outside any request; they went out in order.`)
  }

  private closed(binding: Binding, duplex: LdapjsDuplex, detail: string | undefined): void {
    const { session } = binding
    const connection = session.connection
    session.operations.stopAll()
    if (!duplex.destroyed) duplex.destroy()
    this.bindings.delete(duplex)
    session.events.emit({
      type: 'connectionClosed',
      connectionId: connection.id,
      reason: connection.reason ?? 'client',
      ...(detail === undefined ? {} : { detail }),
    })
    this.options.onSessionClosed(session)
  }
}
