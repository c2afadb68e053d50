/**
 * What the handlers share: the provider-wide configuration and, per connection, a Session (the
 * connection, its operation registry, who is bound) with helpers that encode a response, put it
 * in the FIFO and report it as an event.
 */
import type { SecureContext } from 'node:tls'
import { BerWriter } from '../../protocol/ber/index.js'
import type { ControlInput, ExtendedRequest } from '../../protocol/index.js'
import type { Directory } from '../directory/index.js'
import type { SyncMessage, SyncOperation, SyncPhase, SyncSearchRequest } from '../sync/types.js'
import type { LdapConnection } from './connection.js'
import { describeSyncMessage } from './encode-sync.js'
import type { ProviderEvents } from './events.js'
import { OperationRegistry } from './operations.js'
import type { RunningOperation } from './operations.js'
import { describeResponse, writeResponse } from './responses.js'
import type { ExtendedFields, ResponseKind, ResultInput } from './responses.js'

/** What the server needs of the sync engine (provider/sync/engine.ts's SyncEngine has this shape). */
export interface SyncEngineLike {
  start(request: SyncSearchRequest): SyncOperation
}

/** One sync search as the server runs it, for the hooks. */
export interface SyncSearchHandle {
  readonly session: Session
  readonly request: SyncSearchRequest
  /** Its registry entry: `stopped` once it ended for any reason; `finish` ends it. */
  readonly operation: RunningOperation
}

/**
 * What a scenario runtime (provider/scenario) plugs into the server. Every hook is called
 * synchronously at the point it names, so what it writes lands exactly there in the stream.
 */
export interface ServerHooks {
  /** Script mode: sync searches get nothing from the engine; the hooks alone answer them. */
  readonly scripted?: boolean
  /** A connection was accepted (right after its connectionOpened event). */
  sessionOpened?(session: Session): void
  /** A sync search passed every check and is registered; the engine has not seen it yet. */
  syncSearchStarted?(search: SyncSearchHandle): void
  /**
   * The engine's message for the search was appended to the connection's output. It may still
   * sit in a batch: `handOff()` puts the batch into the FIFO now, so that what the hook writes
   * next follows the message on the wire.
   */
  syncMessageSent?(search: SyncSearchHandle, message: SyncMessage, phase: SyncPhase, handOff: () => void): void
  /**
   * The refresh of a refreshAndPersist search was sent in full and the persist stage begins
   * (whatever message ended the refresh in this dialect).
   */
  syncPersistStarted?(search: SyncSearchHandle): void
}

/**
 * The session-hook handshake (provider/handshake, 389ds-session-hooks.md §5.4), as the server
 * consults it: extra root DSE extensions, the Start / End extended operations, the gate in front
 * of every sync search, and the reset a Bind causes. None of these may throw.
 */
export interface HandshakeHooks {
  /** OIDs to list in supportedExtension now (after Cancel and StartTLS). */
  advertised(): readonly string[]
  /** Answers the request if it is one of the handshake's and returns true; false leaves it to the server. */
  extended(session: Session, messageId: number, request: ExtendedRequest): boolean
  /** Before a sync search runs: the SearchResultDone to refuse it with, or undefined to let it run. */
  gateSyncSearch(session: Session, messageId: number, base: string): ResultInput | undefined
  /** A BindRequest arrived: the connection's handshake state goes back to `none`. */
  bound(session: Session): void
}

export interface ServerConfig {
  readonly directory: Directory
  readonly engine: SyncEngineLike
  readonly events: ProviderEvents
  /** The one identity a simple bind accepts (compared as DNs, RFC 4514). */
  readonly bindDn?: string
  readonly password?: Uint8Array
  /** Anonymous binds and anonymous searches allowed (slapd without `disallow bind_anon`, ACLs granting anonymous read). */
  readonly anonymous: boolean
  /** Present when StartTLS is offered. */
  readonly startTls?: SecureContext
  /** Largest request accepted, in octets. */
  readonly maxRequestSize: number
  readonly hooks?: ServerHooks
  readonly handshake?: HandshakeHooks
}

export class Session {
  readonly operations: OperationRegistry
  /** The DN of a successful simple bind; undefined while anonymous (RFC 4513 §5.1). */
  boundDn: string | undefined

  constructor(
    readonly connection: LdapConnection,
    readonly config: ServerConfig,
  ) {
    this.operations = new OperationRegistry(connection.id, config.events)
  }

  get events(): ProviderEvents {
    return this.config.events
  }

  get directory(): Directory {
    return this.config.directory
  }

  /** Encodes one response, appends it to the FIFO and reports it. */
  reply(messageId: number, kind: ResponseKind, result: ResultInput, extended?: ExtendedFields, controls?: readonly ControlInput[]): void {
    const w = new BerWriter(256 + (result.diagnosticMessage?.length ?? 0) * 3)
    writeResponse(w, messageId, kind, result, extended, controls)
    this.connection.write(w.take())
    this.sent(messageId, () => describeResponse(kind, result))
  }

  /**
   * Reports a message as sent (the description is only built when someone listens). `bytes`: the
   * octets written, for messages no engine described (script mode), so observers can decode them.
   */
  sent(messageId: number, describe: () => string, bytes?: Uint8Array): void {
    // Written after a close/reset fault (or the close): dropped, so not reported as sent.
    if (!this.events.wants('messageSent') || this.connection.dropsWrites) return
    this.events.emit({ type: 'messageSent', connectionId: this.connection.id, messageId, description: describe(), ...(bytes === undefined ? {} : { bytes }) })
  }

  /** Reports a sync operation's message as sent. */
  sentSync(messageId: number, message: SyncMessage, phase: SyncPhase): void {
    if (!this.events.wants('messageSent') || this.connection.dropsWrites) return
    this.events.emit({ type: 'messageSent', connectionId: this.connection.id, messageId, sync: message, phase, description: describeSyncMessage(message) })
  }

  /** A notice for the event log. */
  notice(message: string): void {
    this.events.emit({ type: 'notice', connectionId: this.connection.id, message })
  }
}
