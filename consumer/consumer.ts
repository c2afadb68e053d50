import { SYNC_REQUEST_OID, encodeSyncRequestValue } from '../protocol/sync/index.js'
import { ResultCode } from '../protocol/ldap/result-codes.js'
import { LdapClient, LdapResultError } from './client/index.js'
import type { LdapClientOptions, SearchItem, SearchOperation } from './client/index.js'
import { SessionAgreement, runWithHandshakeRetry } from './hooks/index.js'
import type { HandshakeRetryOptions, SessionHooksOptions } from './hooks/index.js'
import { MemoryStore } from './store/index.js'
import { SyncSession } from './sync/index.js'
import type { SyncEvent, SyncSessionOptions, SyncStep } from './sync/index.js'
import type { ReplicaEntry, ReplicaStore } from './types.js'

export interface SyncreplConsumerOptions extends LdapClientOptions {
  readonly url: string
  readonly bindDn?: string
  readonly password?: string
  /** Where the replica and cookie live; default an in-memory store. */
  readonly store?: ReplicaStore
  /** Issue StartTLS before binding (for ldap:// URLs). */
  readonly startTls?: boolean
  /**
   * Runs the 389-DS style session handshake before every sync search, on the same connection
   * (consumer/hooks; docs/consumer.md "Session hooks"). A refusal makes `syncSearch` throw a
   * HandshakeError and leaves the replica and cookie untouched.
   */
  readonly sessionHooks?: SessionHooksOptions
}

/** `connectAndSyncSearch`'s retry options; the backoff comes from `sessionHooks.backoff`. */
export interface ConnectRetryOptions extends Omit<HandshakeRetryOptions, 'backoff'> {
  /** Listens to every attempt's events (handshake events included) from the start. */
  readonly onEvent?: (event: SyncEvent) => void
}

export interface SyncSearchOptions {
  readonly base: string
  readonly scope?: 'base' | 'one' | 'sub'
  readonly filter?: string
  /** Attributes to synchronise; default all user attributes. */
  readonly attrs?: readonly string[]
  readonly mode?: 'refreshOnly' | 'refreshAndPersist'
  /** Overrides the stored cookie (e.g. undefined to force a full reload: pass `null`). */
  readonly cookie?: Uint8Array | null
  readonly reloadHint?: boolean
}

export interface PollOptions {
  /** Stop waiting after this many milliseconds (the operation goes on; poll again). */
  readonly timeoutMs?: number
  /**
   * true (default): run until the operation ends (refreshOnly: its Done; refreshAndPersist:
   * Cancel, close or a provider error). false: return after the refresh has completed and been
   * committed, or right away once it has (python-ldap's `syncrepl_poll(all=0)` returns sooner).
   */
  readonly all?: boolean
}

export type PollOutcome =
  | { readonly kind: 'done'; readonly resultCode: number; readonly diagnosticMessage: string }
  | { readonly kind: 'refreshDone' }
  | { readonly kind: 'timeout' }

const SCOPES = { base: 0, one: 1, sub: 2 } as const

/**
 * The reference RFC 4533 consumer: python-ldap's `SyncreplConsumer` done right. The replica and
 * its cookie are maintained by the state machine in transactions (consumer/sync), so overriding a
 * callback can never lose or half-apply data; the callbacks are notifications with python-ldap's
 * shapes, in the order python-ldap calls them:
 *
 * | python-ldap | here |
 * |---|---|
 * | `syncrepl_entry(dn, attrs, uuid)` | `entry(dn, attrs, uuid)` |
 * | `syncrepl_delete(uuids)` | `delete(uuids)` |
 * | `syncrepl_present(uuids, refreshDeletes)` | `present(uuids, refreshDeletes)` |
 * | `syncrepl_refreshdone()` | `refreshDone()` |
 * | `syncrepl_get_cookie()` | `getCookie()` (the committed cookie) |
 * | `syncrepl_set_cookie(cookie)` | `setCookie(cookie)` (after the commit) |
 * | `syncrepl_search(base, scope, mode, …)` | `syncSearch({ base, scope, mode, … })` |
 * | `syncrepl_poll(msgid, timeout, all)` | `poll({ timeoutMs, all })` |
 *
 * @example
 * const c = await SyncreplConsumer.connect({ url: 'ldap://127.0.0.1:3890', bindDn, password })
 * await c.syncSearch({ base: 'dc=example,dc=com', mode: 'refreshOnly' })
 * await c.poll()
 * console.log((await c.replica()).entries.size)
 */
export class SyncreplConsumer {
  private search: SearchOperation | undefined
  private iterator: AsyncIterator<SearchItem> | undefined
  private pendingNext: Promise<IteratorResult<SearchItem>> | undefined
  private session: SyncSession | undefined
  private params: SyncSearchOptions | undefined
  private cookie: Uint8Array | undefined
  private agreement: SessionAgreement | undefined
  /** cancel() was called for the running sync: a 4096 must not start a new search then. */
  private cancelRequested = false
  private readonly listeners = new Set<(event: SyncEvent) => void>()

  /** Use `SyncreplConsumer.connect()` (or a subclass's); the constructor takes a connected client. */
  constructor(
    readonly client: LdapClient,
    readonly store: ReplicaStore,
  ) {}

  static async connect<T extends SyncreplConsumer>(this: new (client: LdapClient, store: ReplicaStore) => T, options: SyncreplConsumerOptions): Promise<T> {
    // Hook options are checked before anything is sent.
    const agreement = options.sessionHooks === undefined ? undefined : new SessionAgreement(options.sessionHooks)
    return SyncreplConsumer.open(this, options, options.store ?? new MemoryStore(), agreement)
  }

  /**
   * Connects and starts the sync search, retrying handshake failures by the §5.6 policy
   * (389ds-session-hooks.md): busy waits, exponential backoff from `sessionHooks.backoff`
   * (3 s doubling to 300 s by default) for 0x0E, 0x03, timeouts, lost connections and local
   * refusals; a fatal failure is thrown at once. Each attempt uses a new connection; the hooks'
   * agreement (init … destroy) spans them all. Resolves with the consumer whose search runs
   * (poll it); on a final failure the store stays open for the caller.
   *
   * @example
   * const c = await SyncreplConsumer.connectAndSyncSearch({ url, store, sessionHooks: { guid, data } }, { base })
   * await c.poll()
   */
  static async connectAndSyncSearch<T extends SyncreplConsumer>(
    this: new (client: LdapClient, store: ReplicaStore) => T,
    options: SyncreplConsumerOptions,
    search: SyncSearchOptions,
    retry: ConnectRetryOptions = {},
  ): Promise<T> {
    const agreement = options.sessionHooks === undefined ? undefined : new SessionAgreement(options.sessionHooks)
    const store = options.store ?? new MemoryStore()
    const { onEvent, ...rest } = retry
    try {
      return await runWithHandshakeRetry(
        async () => {
          const consumer = await SyncreplConsumer.open(this, options, store, agreement)
          if (onEvent !== undefined) consumer.onEvent(onEvent)
          try {
            await consumer.syncSearch(search)
            return consumer
          } catch (error) {
            // Close the connection only: the store and the agreement serve the next attempt.
            await consumer.client.close().catch(() => {})
            throw error
          }
        },
        { ...rest, ...(options.sessionHooks?.backoff === undefined ? {} : { backoff: options.sessionHooks.backoff }) },
      )
    } catch (error) {
      await agreement?.destroy()
      throw error
    }
  }

  /** Makes the state machine of one sync operation; a subclass may return a SyncSession subclass. */
  protected createSession(options: SyncSessionOptions): SyncSession {
    return new SyncSession(options)
  }

  private static async open<T extends SyncreplConsumer>(
    ctor: new (client: LdapClient, store: ReplicaStore) => T,
    options: SyncreplConsumerOptions,
    store: ReplicaStore,
    agreement: SessionAgreement | undefined,
  ): Promise<T> {
    const client = await LdapClient.connect(options.url, options)
    try {
      if (options.startTls) await client.startTls()
      if (options.bindDn !== undefined || options.password !== undefined) await client.bind(options.bindDn ?? '', options.password ?? '')
    } catch (error) {
      await client.close().catch(() => {})
      throw error
    }
    const consumer = new ctor(client, store)
    consumer.agreement = agreement
    consumer.cookie = (await consumer.store.load()).cookie
    return consumer
  }

  // --- python-ldap-style callbacks: override to observe ---------------------------------------
  entry(_dn: string, _attrs: ReadonlyMap<string, readonly Uint8Array[]>, _uuid: string): void {}
  delete(_uuids: readonly string[]): void {}
  present(_uuids: readonly string[] | null, _refreshDeletes: boolean): void {}
  refreshDone(): void {}
  setCookie(_cookie: Uint8Array): void {}
  getCookie(): Uint8Array | undefined {
    return this.cookie
  }

  /** Typed events as they happen (the same as the callbacks). Returns the function that stops listening. */
  onEvent(listener: (event: SyncEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The committed replica. */
  replica(): ReturnType<ReplicaStore['load']> {
    return this.store.load()
  }

  /**
   * Sends the sync search (resuming from the stored cookie unless `cookie` says otherwise). With
   * `sessionHooks`, the handshake runs first on this connection; when it does not succeed this
   * throws its HandshakeError and sends no search, and the replica and cookie stay as they were
   * (389ds-session-hooks.md §5.6).
   */
  async syncSearch(options: SyncSearchOptions): Promise<number> {
    if (this.search !== undefined && !this.search.finished) throw new Error('A sync search is already running on this consumer; cancel it or poll it to its end first.')
    const cookie = options.cookie === null ? undefined : options.cookie ?? this.cookie
    if (this.agreement !== undefined) await this.agreement.acquire(this.client, options.base, cookie, (e) => this.dispatch(e))
    this.params = options
    this.cancelRequested = false
    return this.start(cookie)
  }

  private start(cookie: Uint8Array | undefined): number {
    const p = this.params as SyncSearchOptions
    const mode = p.mode ?? 'refreshOnly'
    this.session = this.createSession({
      mode,
      requestCookie: cookie,
      committedCookie: this.cookie,
      begin: () => this.store.begin(),
      onEvent: (e) => this.dispatch(e),
      wantsEntryEvents: () => this.listeners.size > 0 || this.entry !== SyncreplConsumer.prototype.entry,
    })
    const value = encodeSyncRequestValue({ kind: 'syncRequest', mode, reloadHint: p.reloadHint ?? false, ...(cookie ? { cookie } : {}) })
    this.search = this.client.search(
      { baseObject: p.base, scope: SCOPES[p.scope ?? 'sub'], filter: p.filter ?? '(objectClass=*)', attributes: p.attrs ?? [] },
      [{ type: SYNC_REQUEST_OID, critical: true, value }],
    )
    this.iterator = this.search[Symbol.asyncIterator]()
    this.pendingNext = undefined
    return this.search.messageId
  }

  /**
   * Processes messages. A 4096 (e-syncRefreshRequired) is handled here: uncommitted work is
   * dropped and the search is sent again with the Done's cookie, or without one (RFC 4533 §3.8).
   */
  async poll(options: PollOptions = {}): Promise<PollOutcome> {
    if (this.iterator === undefined || this.session === undefined) throw new Error('poll() needs a running sync search: call syncSearch() first.')
    const all = options.all ?? true
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs
    for (;;) {
      const next = await this.nextItem(deadline)
      if (next === 'timeout') return { kind: 'timeout' }
      if (next.done) return { kind: 'done', resultCode: -1, diagnosticMessage: 'the search stream ended without a result' }
      const item = next.value
      if (item.kind === 'abandoned') {
        this.session.abort()
        return { kind: 'done', resultCode: -1, diagnosticMessage: 'abandoned' }
      }
      let step: SyncStep
      try {
        step = await this.session.handle(item.message)
      } catch (error) {
        // The session ended on a protocol violation: stop the provider sending more.
        if (this.search !== undefined && !this.search.finished) {
          try {
            this.client.abandon(this.search.messageId)
          } catch {
            // the connection is already gone
          }
        }
        throw error
      }
      switch (step.kind) {
        case 'continue':
          break
        case 'refreshDone':
          if (!all) return step
          break
        case 'done':
          // §5.3 step 10: a refreshOnly sync is a whole session; release it (End, …3.5.5).
          if ((this.params?.mode ?? 'refreshOnly') === 'refreshOnly') await this.agreement?.release(this.client, 'refreshOnlyDone', (e) => this.dispatch(e))
          return step
        case 'refreshRequired':
          // A Cancel sent while the 4096 was on its way went to the old search: do not start a
          // new one nobody will cancel; the sync ends here, uncommitted work already dropped.
          if (this.cancelRequested) return { kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage: 'e-syncRefreshRequired after cancel(); no new search was started' }
          this.start(step.cookie)
          break
      }
    }
  }

  private async nextItem(deadline: number | undefined): Promise<IteratorResult<SearchItem> | 'timeout'> {
    const it = this.iterator as AsyncIterator<SearchItem>
    // A next() that outlived a timed-out poll is kept, so the following poll gets its item.
    const pending = this.pendingNext ?? it.next()
    this.pendingNext = pending
    let timer: NodeJS.Timeout | undefined
    try {
      const remaining = deadline === undefined ? undefined : deadline - Date.now()
      if (remaining !== undefined && remaining <= 0) return 'timeout'
      const timeout = remaining === undefined ? undefined : new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), remaining)))
      const winner = timeout === undefined ? await pending : await Promise.race([pending, timeout])
      if (winner !== 'timeout') this.pendingNext = undefined
      return winner
    } catch (error) {
      this.pendingNext = undefined
      this.session?.abort()
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Cancels the running sync search (RFC 3909): its Done 118 is consumed by the next poll. A
   * noSuchOperation (119) answer means the provider no longer has the search: it ended on its own
   * (its Done, already received, goes to the next poll) or was lost, and then nothing more will
   * come for it, so it is ended here and the next poll does not wait (rfc4533.md §5 case 38).
   */
  async cancel(): Promise<void> {
    this.cancelRequested = true
    const search = this.search
    if (search === undefined || search.finished) return
    try {
      await this.client.cancel(search.messageId)
    } catch (error) {
      if (!(error instanceof LdapResultError) || error.resultCode !== ResultCode.noSuchOperation) throw error
      if (!search.finished) this.client.abandon(search.messageId)
    }
  }

  /**
   * Ends the session: End Replication first when a handshake-acquired session is still held
   * (a persist search, or a refreshOnly that did not finish), then Unbind; then the hooks'
   * destroy, then the store.
   */
  async close(): Promise<void> {
    this.session?.abort()
    await this.agreement?.release(this.client, 'close', (e) => this.dispatch(e))
    await this.client.close()
    try {
      await this.agreement?.destroy()
    } finally {
      await this.store.close()
    }
  }

  private dispatch(event: SyncEvent): void {
    switch (event.kind) {
      case 'entry':
        // Only an overriding callback reads the attributes (they are decoded on first access).
        if (this.entry !== SyncreplConsumer.prototype.entry) this.entry(event.dn, event.attributes, event.uuid)
        break
      case 'delete':
        this.delete(event.uuids)
        break
      case 'present':
        this.present(event.uuids, event.refreshDeletes)
        break
      case 'refreshDone':
        this.refreshDone()
        break
      case 'cookie':
        this.cookie = event.cookie
        this.setCookie(event.cookie)
        break
    }
    for (const l of this.listeners) l(event)
  }

}

export type { ReplicaEntry }
