/**
 * The provider's LDAP server: one or two listeners (ldap:// with optional StartTLS, ldaps://),
 * the live sessions, and an orderly close that leaves no socket, timer or listener behind.
 */
import { createSecureContext } from 'node:tls'
import { DN } from '../../protocol/index.js'
import type { Directory } from '../directory/index.js'
import type { ProviderEvents } from './events.js'
import { LdapjsFront } from './ldapjs-front.js'
import { RootDse } from './root-dse.js'
import type { HandshakeHooks, ServerConfig, ServerHooks, Session, SyncEngineLike } from './session.js'

/** A certificate and its private key, PEM. */
export interface TlsMaterial {
  readonly cert: string | Buffer
  readonly key: string | Buffer
}

export interface ProviderServerOptions {
  readonly directory: Directory
  readonly engine: SyncEngineLike
  readonly events: ProviderEvents
  /** Default 127.0.0.1. */
  readonly host?: string
  /** 0 (the default) picks a free port. */
  readonly port?: number
  readonly bindDn?: string
  readonly password?: string | Uint8Array
  readonly anonymous?: boolean
  /** ldaps: the main listener speaks TLS from the first byte. */
  readonly tls?: TlsMaterial
  /** StartTLS on the plain listener. With `tls` as well, a second listener serves ldaps. */
  readonly startTls?: TlsMaterial
  /** Largest request accepted, in octets. Default 4 MiB (slapd's sockbuf_max_incoming_auth). */
  readonly maxRequestSize?: number
  /** A scenario runtime's hooks (provider/scenario). */
  readonly hooks?: ServerHooks
  /** The session-hook handshake (provider/handshake). */
  readonly handshake?: HandshakeHooks
}

export interface ListeningAddress {
  readonly url: string
  readonly port: number
}

export class ProviderServer {
  private readonly config: ServerConfig
  private readonly sessions = new Set<Session>()
  private readonly fronts: LdapjsFront[] = []
  private readonly host: string
  private nextId = 1
  private closing: Promise<void> | undefined

  constructor(private readonly options: ProviderServerOptions) {
    this.host = options.host ?? '127.0.0.1'
    const password = options.password
    this.config = {
      directory: options.directory,
      engine: options.engine,
      events: options.events,
      anonymous: options.anonymous ?? false,
      maxRequestSize: options.maxRequestSize ?? 4 * 1024 * 1024,
      ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
      ...(options.handshake === undefined ? {} : { handshake: options.handshake }),
      ...(options.bindDn === undefined ? {} : { bindDn: options.bindDn }),
      ...(password === undefined ? {} : { password: typeof password === 'string' ? Buffer.from(password, 'utf8') : password }),
      ...(options.startTls === undefined ? {} : { startTls: createSecureContext({ cert: options.startTls.cert, key: options.startTls.key }) }),
    }
  }

  /**
   * Starts listening. The main address is ldap:// (with StartTLS when configured) unless only
   * `tls` is given, in which case it is ldaps://; with both, `ldaps` is the second listener.
   */
  async listen(): Promise<{ main: ListeningAddress; ldaps?: ListeningAddress }> {
    const { tls, startTls } = this.options
    const suffixes = this.options.directory.suffixes.map((s) => DN.format(s))
    const plainFirst = tls === undefined || startTls !== undefined
    const handshake = this.options.handshake
    const extensions = (): readonly string[] => handshake?.advertised() ?? []
    const main = plainFirst
      ? this.front(new RootDse({ suffixes, startTls: startTls !== undefined, extensions }), undefined)
      : this.front(new RootDse({ suffixes, startTls: false, extensions }), tls)
    const mainPort = await main.listen(this.host, this.options.port ?? 0)
    const mainAddress = { url: `${plainFirst ? 'ldap' : 'ldaps'}://${this.hostForUrl()}:${mainPort}`, port: mainPort }
    if (!plainFirst || tls === undefined) return { main: mainAddress }
    const second = this.front(new RootDse({ suffixes, startTls: false, extensions }), tls)
    const ldapsPort = await second.listen(this.host, 0)
    return { main: mainAddress, ldaps: { url: `ldaps://${this.hostForUrl()}:${ldapsPort}`, port: ldapsPort } }
  }

  /** Live connections and the bytes queued for them (the backpressure tests read this). */
  stats(): { readonly connections: number; readonly queuedBytes: number; readonly operations: number } {
    let queuedBytes = 0
    let operations = 0
    for (const s of this.sessions) {
      queuedBytes += s.connection.writableLength
      operations += s.operations.size
    }
    return { connections: this.sessions.size, queuedBytes, operations }
  }

  /** Stops accepting, closes every connection (stopping its operations), and resolves when all is released. */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    const closingFronts = this.fronts.map((f) => f.close())
    const sessions = [...this.sessions]
    for (const s of sessions) s.connection.destroy('providerClosed')
    await Promise.all(sessions.map((s) => s.connection.whenClosed))
    await Promise.all(closingFronts)
  }

  private front(rootDse: RootDse, tls: TlsMaterial | undefined): LdapjsFront {
    const front = new LdapjsFront({
      config: this.config,
      rootDse,
      ...(tls === undefined ? {} : { tls }),
      nextConnectionId: () => this.nextId++,
      onSession: (session) => {
        if (this.closing !== undefined) session.connection.destroy('providerClosed')
        this.sessions.add(session)
      },
      onSessionClosed: (session) => this.sessions.delete(session),
    })
    this.fronts.push(front)
    return front
  }

  private hostForUrl(): string {
    return this.host.includes(':') ? `[${this.host}]` : this.host
  }
}
