/**
 * `syncrepl-harness/provider`: a mock RFC 4533 provider that behaves like OpenLDAP slapd 2.5's
 * syncprov, on a real socket, with an in-memory directory you can change while consumers watch.
 */
import { readFileSync } from 'node:fs'
import { DEFAULT_SUFFIX } from '../fixtures/index.js'
import type { Seed } from '../fixtures/index.js'
import { Directory, DirectoryError } from './directory/index.js'
import { HandshakeService } from './handshake/service.js'
import type { HandshakeLog } from './handshake/log.js'
import type { SessionHookScript } from './handshake/types.js'
import { ProviderEvents } from './server/events.js'
import { ProviderServer } from './server/server.js'
import type { TlsMaterial } from './server/server.js'
import type { ServerHooks, SyncEngineLike } from './server/session.js'
import { SyncEngine } from './sync/engine.js'
import type { SyncEngineOptions } from './sync/engine.js'

export interface ProviderOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  readonly host?: string
  /** Port; 0 (the default) picks a free one. */
  readonly port?: number
  /** Initial data: LDIF text or bytes, or `{ path }` of an LDIF file. */
  readonly ldif?: string | Uint8Array | { readonly path: string }
  /** Initial data from the seeded generator (after `ldif`, if both are given). */
  readonly generate?: { readonly count: number; readonly seed: Seed; readonly groups?: number }
  /** The naming context(s). Default dc=example,dc=com. */
  readonly suffix?: string | readonly string[]
  /** slapd's olcServerID (0..4095), written into every CSN. Default 0. */
  readonly serverId?: number
  /** Size of the in-memory session log (syncprov-sessionlog); 0 = none (the default). */
  readonly sessionLog?: number
  /** The one DN a simple bind accepts. Default: the directory's rootDn (cn=admin,<suffix>) when `password` is set. */
  readonly bindDn?: string
  readonly password?: string
  /** Allow anonymous binds and anonymous searches. Default false. */
  readonly anonymous?: boolean
  /** ldaps: the main listener speaks TLS from the first byte (PEM certificate and key). */
  readonly tls?: TlsMaterial
  /** Offer StartTLS on the plain listener. With `tls` too, ldaps gets a second listener. */
  readonly startTls?: TlsMaterial
  /** The clock CSNs, timestamps and event times come from. Default: the system clock. */
  readonly clock?: () => Date
  /** Seed for the entryUUIDs of adds that bring none. */
  readonly uuidSeed?: Seed
  /** Options for the sync engine (dialect knobs). */
  readonly sync?: SyncEngineOptions
  /** Replaces the sync engine (tests inject fakes). */
  readonly engineFactory?: (directory: Directory, options: SyncEngineOptions) => SyncEngineLike
  /** Largest request accepted, in octets. Default 4 MiB. */
  readonly maxRequestSize?: number
  /**
   * A directory built beforehand (the scenario runtime builds its own). Then `ldif`, `generate`,
   * `suffix`, `serverId`, `sessionLog` and `uuidSeed` must be left out: they describe a directory
   * to build.
   */
  readonly directory?: Directory
  /** Hooks into the server (the scenario runtime, provider/scenario). */
  readonly hooks?: ServerHooks
  /**
   * The 389-DS style session-hook handshake (docs/provider.md "Session hooks"): answer Start /
   * End, advertise them, and (by default) refuse sync searches without an accepted handshake.
   * Absent: no hooks.
   */
  readonly sessionHooks?: SessionHookScript
}

export interface Provider {
  /** `ldap://127.0.0.1:PORT` (or `ldaps://` when only `tls` was given). */
  readonly url: string
  readonly port: number
  /** The second, ldaps listener when both `tls` and `startTls` were given. */
  readonly ldapsUrl?: string
  readonly ldapsPort?: number
  readonly directory: Directory
  readonly events: ProviderEvents
  /** The DN a simple bind accepts, if any. */
  readonly bindDn?: string
  /** Every session-hook exchange and refused sync search so far (empty without `sessionHooks`). */
  readonly handshakes: HandshakeLog
  /**
   * Replaces the session-hook script from now on (undefined: no hooks); `sequence` starts over.
   *
   * @throws HandshakeError HANDSHAKE_BAD_SCRIPT, leaving the script in force unchanged.
   */
  setSessionHooks(script: SessionHookScript | undefined): void
  /** Live connections, bytes queued for them, running operations. */
  stats(): { readonly connections: number; readonly queuedBytes: number; readonly operations: number }
  /** Ends every connection and the listener(s); resolves when everything is released. */
  close(): Promise<void>
}

/**
 * Starts a provider.
 *
 * @example
 * const provider = await createProvider({ generate: { count: 100, seed: 1 }, password: 'secret' })
 * // ldapsearch -x -H provider.url -D cn=admin,dc=example,dc=com -w secret -b dc=example,dc=com -E '!sync=ro'
 * provider.directory.apply({ kind: 'delete', dn: 'uid=...,ou=people,dc=example,dc=com' })
 * await provider.close()
 */
export async function createProvider(options: ProviderOptions = {}): Promise<Provider> {
  const clock = options.clock ?? (() => new Date())
  const directory = options.directory ?? buildDirectory(options, clock)
  if (options.directory !== undefined) {
    const clashing = DIRECTORY_OPTIONS.filter((name) => options[name] !== undefined)
    if (clashing.length > 0) {
      throw new DirectoryError('DIRECTORY_BAD_OPTION',
        `createProvider was given a ready directory and also ${clashing.join(', ')}, which describe a directory to build; pass one or the other.`)
    }
  }
  const syncOptions = options.sync ?? {}
  const engine = options.engineFactory?.(directory, syncOptions) ?? new SyncEngine(directory, syncOptions)
  const events = new ProviderEvents(() => clock().getTime())
  // Checked before anything listens: a script that cannot work throws HANDSHAKE_BAD_SCRIPT here.
  const handshake = new HandshakeService({ events, now: () => clock().getTime(), ...(options.sessionHooks === undefined ? {} : { script: options.sessionHooks }) })
  const bindDn = options.bindDn ?? (options.password === undefined ? undefined : directory.rootDn)
  const server = new ProviderServer({
    directory,
    engine,
    events,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(bindDn === undefined ? {} : { bindDn }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.anonymous === undefined ? {} : { anonymous: options.anonymous }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.startTls === undefined ? {} : { startTls: options.startTls }),
    ...(options.maxRequestSize === undefined ? {} : { maxRequestSize: options.maxRequestSize }),
    ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    handshake,
  })
  let addresses
  try {
    addresses = await server.listen()
  } catch (error) {
    await server.close()
    events.end()
    throw error
  }
  const { main, ldaps } = addresses
  let closing: Promise<void> | undefined
  return {
    url: main.url,
    port: main.port,
    ...(ldaps === undefined ? {} : { ldapsUrl: ldaps.url, ldapsPort: ldaps.port }),
    directory,
    events,
    ...(bindDn === undefined ? {} : { bindDn }),
    handshakes: handshake.log,
    setSessionHooks: (script) => handshake.setScript(script),
    stats: () => server.stats(),
    close: () => {
      closing ??= server.close().finally(() => events.end())
      return closing
    },
  }
}

const DIRECTORY_OPTIONS = ['ldif', 'generate', 'suffix', 'serverId', 'sessionLog', 'uuidSeed'] as const

function buildDirectory(options: ProviderOptions, clock: () => Date): Directory {
  const suffixes = typeof options.suffix === 'string' ? [options.suffix] : options.suffix ?? [DEFAULT_SUFFIX]
  const directory = new Directory({
    suffixes,
    clock,
    ...(options.serverId === undefined ? {} : { sid: options.serverId }),
    ...(options.sessionLog === undefined ? {} : { sessionLogSize: options.sessionLog }),
    ...(options.uuidSeed === undefined ? {} : { uuidSeed: options.uuidSeed }),
  })
  loadData(directory, options, suffixes[0] ?? DEFAULT_SUFFIX)
  return directory
}

function loadData(directory: Directory, options: ProviderOptions, suffix: string): void {
  const ldif = options.ldif
  if (ldif !== undefined) {
    if (typeof ldif === 'string' || ldif instanceof Uint8Array) directory.loadLdif(ldif)
    else directory.loadLdifFile(ldif.path)
  }
  const generate = options.generate
  if (generate !== undefined) {
    directory.loadGenerated({
      count: generate.count,
      seed: generate.seed,
      suffix,
      ...(generate.groups === undefined ? {} : { groups: generate.groups }),
    })
  }
}

/** Reads a PEM file pair, for `tls` / `startTls`. */
export function readTlsFiles(certPath: string, keyPath: string): TlsMaterial {
  return { cert: readFileSync(certPath), key: readFileSync(keyPath) }
}

export { Directory, DirectoryError } from './directory/index.js'
export type { Change, ChangeEvent } from './directory/index.js'
export { HandshakeError, HandshakeLog } from './handshake/index.js'
export type {
  Criterion,
  DecodedPayload,
  HandshakeErrorCode,
  HandshakeFault,
  HandshakeRecord,
  HandshakeRequest,
  HandshakeState,
  HandshakeViolation,
  MalformedVariant,
  PayloadCodec,
  RecvScript,
  ReplyScript,
  SessionHookAttempt,
  SessionHookScript,
} from './handshake/index.js'
export { SyncEngine } from './sync/engine.js'
export type { SyncEngineOptions } from './sync/engine.js'
export { APACHEDS_2_0, DIALECTS, DS389_2_3, OPENLDAP_2_5, STRICT_RFC_4533, SyncEngineError, dialectByName } from './sync/index.js'
export type { DialectKnobs, DialectName } from './sync/index.js'
export type { SyncMessage, SyncOperation, SyncSearchRequest } from './sync/types.js'
export { ProviderEvents, ProviderServer, CANCEL_OID, START_TLS_OID, SUPPORTED_CONTROLS } from './server/index.js'
export type {
  BackpressureEvent,
  CloseReason,
  ConnectionClosedEvent,
  ConnectionOpenedEvent,
  HandshakeEvent,
  HandshakeViolationEvent,
  MessageSentEvent,
  NoticeEvent,
  OperationEndedEvent,
  OperationOutcome,
  ProtocolViolationEvent,
  ProviderEvent,
  ProviderEventType,
  RequestReceivedEvent,
  ScenarioErrorEvent,
  ScenarioStepEvent,
  ServerHooks,
  SyncEngineLike,
  SyncSearchHandle,
  TlsMaterial,
  TlsStartedEvent,
} from './server/index.js'
