import * as DN from '../../protocol/dn/index.js'
import { ProtocolError } from '../../protocol/errors.js'
import type { LdapMessage } from '../../protocol/ldap/message.js'
import type { SearchResultEntry } from '../../protocol/ldap/search-result-entry.js'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_STATE_OID, decodeSyncDoneValue, decodeSyncInfoValue, decodeSyncStateValue, formatSyncUuid, parseOpenLdapCookie } from '../../protocol/sync/index.js'
import type { SyncInfoValue, SyncStateValue } from '../../protocol/sync/index.js'
import type { ReplicaEntry, ReplicaTransaction } from '../types.js'
import type { HandshakeEvent } from '../hooks/events.js'
import { PackedEntry } from '../store/packed-entry.js'
import { nextCookie } from './cookie-policy.js'
import { SyncProtocolError } from './errors.js'

/** What the driver should do after a message. */
export type SyncStep =
  | { readonly kind: 'continue' }
  /** refreshAndPersist: the refresh is complete and committed; persist messages follow. */
  | { readonly kind: 'refreshDone' }
  /** The operation ended (refreshOnly success, or a provider error): `resultCode` says which. */
  | { readonly kind: 'done'; readonly resultCode: number; readonly diagnosticMessage: string }
  /** e-syncRefreshRequired (4096): retry with this cookie, or from scratch when undefined (§3.8). */
  | { readonly kind: 'refreshRequired'; readonly cookie: Uint8Array | undefined }

/** Typed callbacks, mirroring python-ldap's syncrepl_* names (docs in consumer/README). */
export type SyncEvent =
  | { readonly kind: 'entry'; readonly uuid: string; readonly dn: string; readonly state: 'add' | 'modify' | 'present'; readonly attributes: ReadonlyMap<string, readonly Uint8Array[]> }
  | { readonly kind: 'delete'; readonly uuids: readonly string[] }
  | { readonly kind: 'present'; readonly uuids: readonly string[] | null; readonly refreshDeletes: boolean }
  | { readonly kind: 'refreshDone' }
  | { readonly kind: 'cookie'; readonly cookie: Uint8Array }
  /** e-syncRefreshRequired (4096, RFC 4533 §3.8): the refresh was dropped and the search is sent again with `cookie` (or none). */
  | { readonly kind: 'refreshRequired'; readonly cookie: Uint8Array | undefined; readonly diagnosticMessage: string }
  /** The session handshake before the search (consumer/hooks; SyncreplConsumer emits these, SyncSession never does). */
  | HandshakeEvent

export interface SyncSessionOptions {
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  /** The cookie the request carried; undefined → the result is the complete content (§2.6). */
  readonly requestCookie: Uint8Array | undefined
  /** The cookie committed so far (usually the request cookie). */
  readonly committedCookie: Uint8Array | undefined
  /** Opens a transaction over the committed replica. */
  readonly begin: () => Promise<ReplicaTransaction>
  readonly onEvent?: (event: SyncEvent) => void
  /**
   * Whether anyone looks at `entry` events right now; false skips building them (a refresh's
   * hot path). Default: whenever `onEvent` is given.
   */
  readonly wantsEntryEvents?: () => boolean
}

/**
 * The consumer side of one sync operation (RFC 4533 §3; rfc4533.md §2.6 is the table and the
 * loop this follows). Feed it every message of the search in order; it stages changes in a
 * transaction and commits data and cookie together only at consistent points:
 * - a refresh is one transaction, committed at refreshDone (or the successful Done) after the
 *   present-phase deletion — never a mid-phase cookie, never a partial present list;
 * - each persist message is its own transaction with its cookie;
 * - 4096, another error result, a protocol error or a lost connection roll the refresh back.
 *
 * Members are protected rather than private so that a subclass can change one rule; the
 * conformance runner's tests do exactly that to build deliberately broken consumers and prove
 * that the catalogue catches each (test/conformance/broken-consumers).
 */
export class SyncSession {
  protected tx: ReplicaTransaction | undefined
  protected readonly present = new Set<string>()
  protected refreshing = true
  protected refreshDoneSeen = false
  protected cookie: Uint8Array | undefined
  protected pendingCookie: Uint8Array | undefined
  protected ended = false

  constructor(protected readonly options: SyncSessionOptions) {
    this.cookie = options.committedCookie
  }

  /** The last committed cookie. */
  get committedCookie(): Uint8Array | undefined {
    return this.cookie
  }

  get inRefresh(): boolean {
    return this.refreshing
  }

  /** Handles one message of the sync search. Throws SyncProtocolError (after rolling back) on a violation. */
  async handle(message: LdapMessage): Promise<SyncStep> {
    if (this.ended) throw new SyncProtocolError('SYNC_UNEXPECTED_MESSAGE', `Message ${message.messageId} arrived after the sync operation ended.`, message.messageId)
    try {
      const op = message.op
      switch (op.kind) {
        case 'searchResultEntry':
          await this.onEntry(message, op)
          return { kind: 'continue' }
        case 'searchResultReference':
          await this.onReference(message)
          return { kind: 'continue' }
        case 'intermediateResponse':
          if (op.responseName !== SYNC_INFO_OID) return { kind: 'continue' }
          return await this.onInfo(message, op.responseValue)
        case 'searchResultDone':
          return await this.onDone(message, op.resultCode, op.diagnosticMessage)
        default:
          throw new SyncProtocolError('SYNC_UNEXPECTED_MESSAGE', `A ${op.kind} (message ${message.messageId}) is not a response to a sync search.`, message.messageId)
      }
    } catch (error) {
      this.abort()
      throw error
    }
  }

  /** The connection dropped or the search was abandoned: nothing uncommitted is kept (§5 case 36). */
  abort(): void {
    this.tx?.rollback()
    this.tx = undefined
    this.present.clear()
    this.ended = true
  }

  protected wantsEntryEvents(): boolean {
    return this.options.onEvent !== undefined && (this.options.wantsEntryEvents?.() ?? true)
  }

  protected async transaction(): Promise<ReplicaTransaction> {
    if (this.tx === undefined) this.tx = await this.options.begin()
    return this.tx
  }

  protected async onEntry(message: LdapMessage, entry: SearchResultEntry): Promise<void> {
    const state = syncStateOf(message)
    const uuid = formatSyncUuid(state.entryUUID)
    const tx = await this.transaction()
    switch (state.state) {
      case 'add':
      case 'modify': {
        const previous = tx.get(uuid)
        if (previous !== undefined && !sameDn(previous.dn, entry.objectName)) tx.rebaseDescendants(previous.dn, entry.objectName)
        const replica = toReplicaEntry(uuid, entry)
        tx.put(replica)
        if (this.refreshing) this.present.add(uuid)
        // The store's copy, read only if a listener asks: decoding every entry's values for
        // callbacks that never look at them was a large part of a refresh's cost.
        if (this.wantsEntryEvents()) {
          const stored = tx.get(uuid) ?? replica
          this.emit(entryEvent(uuid, entry.objectName, state.state, () => stored.attributes))
        }
        break
      }
      case 'present': {
        // §3.3.2: objectName is the current DN; attributes are not sent, the stored ones stay.
        const previous = tx.get(uuid)
        if (previous !== undefined && !sameDn(previous.dn, entry.objectName) && entry.objectName !== '') {
          tx.rebaseDescendants(previous.dn, entry.objectName)
          // The stored entry under its new DN; attributes unchanged (a stored PackedEntry keeps
          // its buffer, anything else is passed by named members: a spread would lose a getter).
          tx.put(previous instanceof PackedEntry ? previous.withDn(entry.objectName) : { uuid, dn: entry.objectName, attributes: previous.attributes })
        }
        this.present.add(uuid)
        if (this.wantsEntryEvents()) this.emit(entryEvent(uuid, entry.objectName, 'present', () => previous?.attributes ?? new Map()))
        break
      }
      case 'delete':
        tx.remove(uuid)
        this.emit({ kind: 'delete', uuids: [uuid] })
        break
    }
    await this.afterStateMessage(state.cookie)
  }

  /**
   * A SearchResultReference. Without a Sync State control it is a continuation reference, a
   * separate session (RFC 4533 §3.2) that slapd's consumer skips too. With one it stands for a
   * referral object in the content (§3.3.2, §3.4.2; slapd sends them so without ManageDsaIT),
   * which this replica does not hold as an entry: present marks its UUID, delete (empty URL
   * list) removes it, add/modify remove an entry it may have been before; the cookie counts as
   * for an entry (rfc4533.md §5 case 45).
   */
  protected async onReference(message: LdapMessage): Promise<void> {
    if (!message.controls.some((c) => c.type === SYNC_STATE_OID)) return
    const state = syncStateOf(message)
    const uuid = formatSyncUuid(state.entryUUID)
    const tx = await this.transaction()
    if (state.state === 'present') {
      this.present.add(uuid)
    } else {
      const held = tx.get(uuid) !== undefined
      tx.remove(uuid)
      if (held || state.state === 'delete') this.emit({ kind: 'delete', uuids: [uuid] })
    }
    await this.afterStateMessage(state.cookie)
  }

  /**
   * The cookie of a Sync State control: committed with the message in the persist stage; in a
   * refresh (slapd's delta mode sends them there) kept for the refresh's end like a syncIdSet
   * cookie, never committed before it (rfc4533.md §5 case 16).
   */
  protected async afterStateMessage(cookie: Uint8Array | undefined): Promise<void> {
    if (this.refreshing) this.pendingCookie = nextCookie(this.pendingCookie, cookie)
    else await this.commit(cookie)
  }

  protected async onInfo(message: LdapMessage, value: Uint8Array | undefined): Promise<SyncStep> {
    let info: SyncInfoValue
    try {
      if (value === undefined) throw new SyncProtocolError('SYNC_INFO_INVALID', `The Sync Info message ${message.messageId} has no value.`, message.messageId)
      info = decodeSyncInfoValue(value).value
    } catch (error) {
      if (error instanceof ProtocolError) throw new SyncProtocolError('SYNC_INFO_INVALID', `The Sync Info value of message ${message.messageId} cannot be decoded: ${error.message}`, message.messageId, { cause: error })
      throw error
    }
    const tx = await this.transaction()
    switch (info.kind) {
      case 'newcookie':
        if (this.refreshing) this.pendingCookie = nextCookie(this.pendingCookie, info.cookie)
        else await this.commit(info.cookie)
        return { kind: 'continue' }
      case 'syncIdSet': {
        const uuids = info.syncUUIDs.map((u) => {
          if (u.length !== 16) throw new SyncProtocolError('SYNC_INFO_INVALID', `A syncIdSet in message ${message.messageId} holds a UUID of ${u.length} octets; syncUUID is 16 (RFC 4533 §2.1.1).`, message.messageId)
          return formatSyncUuid(u)
        })
        if (info.refreshDeletes) {
          for (const u of uuids) tx.remove(u) // unknown UUIDs are no-ops (§5 case 10)
          this.emit({ kind: 'delete', uuids })
        } else {
          for (const u of uuids) this.present.add(u)
          this.emit({ kind: 'present', uuids, refreshDeletes: false })
        }
        // A syncIdSet cookie is state *after* the set; inside a refresh it waits for the end.
        if (this.refreshing) this.pendingCookie = nextCookie(this.pendingCookie, info.cookie)
        else await this.commit(info.cookie)
        return { kind: 'continue' }
      }
      case 'refreshPresent':
      case 'refreshDelete': {
        if (!this.refreshing || (info.refreshDone && this.refreshDoneSeen)) {
          throw new SyncProtocolError('SYNC_SECOND_REFRESH_DONE', `Message ${message.messageId} (${info.kind}) ends a refresh that already ended; a second refreshDone is a protocol error (slapd's consumer ends the session too).`, message.messageId)
        }
        // refreshPresent ends a present phase: delete what was not mentioned. refreshDelete after
        // a cookie-less request ends initial content, which is complete whatever slapd says (§5 case 2).
        if (info.kind === 'refreshPresent' || this.authoritative(info.cookie)) this.purgeNotPresent(tx)
        this.pendingCookie = nextCookie(this.pendingCookie, info.cookie)
        // refreshDone FALSE: the present phase is over and a delete phase follows (§3.3.2). The
        // present set is kept: a final purge (when the result is the whole content) must spare
        // what the present phase named (rfc4533.md §5 case 8).
        if (!info.refreshDone) return { kind: 'continue' }
        this.refreshDoneSeen = true
        this.refreshing = false
        await this.commit(this.pendingCookie)
        this.pendingCookie = undefined
        this.emit({ kind: 'refreshDone' })
        return { kind: 'refreshDone' }
      }
    }
  }

  protected async onDone(message: LdapMessage, resultCode: number, diagnosticMessage: string): Promise<SyncStep> {
    this.ended = true
    const done = syncDoneOf(message)
    if (resultCode === ResultCode.eSyncRefreshRequired) {
      this.abortRefresh()
      const cookie = done?.cookie !== undefined && done.cookie.length > 0 ? Uint8Array.from(done.cookie) : undefined
      this.emit({ kind: 'refreshRequired', cookie, diagnosticMessage })
      return { kind: 'refreshRequired', cookie }
    }
    if (resultCode !== ResultCode.success) {
      // Limits, cancel, errors: apply nothing implicit (§5 cases 35, 37); the persist stage's
      // commits stand.
      this.abortRefresh()
      return { kind: 'done', resultCode, diagnosticMessage }
    }
    if (this.refreshing) {
      const tx = await this.transaction()
      const refreshDeletes = done?.refreshDeletes ?? false
      if (!refreshDeletes || this.authoritative(done?.cookie)) this.purgeNotPresent(tx)
      this.emit({ kind: 'present', uuids: null, refreshDeletes })
      this.refreshing = false
      await this.commit(nextCookie(this.pendingCookie, done?.cookie))
      this.emit({ kind: 'refreshDone' })
    } else {
      await this.commit(done?.cookie)
    }
    return { kind: 'done', resultCode, diagnosticMessage }
  }

  /**
   * Whether this refresh is the complete content whatever its terminator says: the request had no
   * cookie (§2.6), or it had one an OpenLDAP provider cannot use (garbage, no rid, no CSN) and the
   * reply shows an OpenLDAP provider — slapd then silently sends initial content ending with
   * refreshDeletes TRUE (traces f2, f4, f7; rfc4533.md §5 cases 2, 3). Opaque cookies of other
   * providers are never second-guessed.
   */
  protected authoritative(replyCookie: Uint8Array | undefined): boolean {
    const request = this.options.requestCookie
    if (request === undefined) return true
    const sent = parseOpenLdapCookie(request)
    if (sent.usable && sent.csns.length > 0) return false
    // The reply cookie is zero-length for a rid-less request (f4, f7), or an OpenLDAP cookie (f2, f8).
    if (replyCookie === undefined) return false
    return replyCookie.length === 0 ? !sent.usable : parseOpenLdapCookie(replyCookie).rid !== undefined
  }

  /** Deletes every stored entry that this refresh did not mention (present phase end, §3.3.2). */
  protected purgeNotPresent(tx: ReplicaTransaction): void {
    const gone: string[] = []
    for (const uuid of tx.uuids()) if (!this.present.has(uuid)) gone.push(uuid)
    for (const uuid of gone) tx.remove(uuid)
    if (gone.length > 0) this.emit({ kind: 'delete', uuids: gone })
  }

  protected abortRefresh(): void {
    if (this.refreshing) {
      this.tx?.rollback()
      this.tx = undefined
      this.present.clear()
      this.pendingCookie = undefined
    }
  }

  protected async commit(cookie: Uint8Array | undefined): Promise<void> {
    const next = nextCookie(this.cookie, cookie)
    const tx = this.tx
    this.tx = undefined
    if (tx !== undefined) await tx.commit(next !== this.cookie ? next : undefined)
    else if (next !== this.cookie) await (await this.options.begin()).commit(next)
    if (next !== undefined && next !== this.cookie) {
      this.cookie = next
      this.emit({ kind: 'cookie', cookie: next })
    }
  }

  protected emit(event: SyncEvent): void {
    this.options.onEvent?.(event)
  }
}

/** The Sync State control of an entry: exactly one, decodable (§5 cases 41, 42). */
function syncStateOf(message: LdapMessage): SyncStateValue {
  const controls = message.controls.filter((c) => c.type === SYNC_STATE_OID)
  if (controls.length === 0) throw new SyncProtocolError('SYNC_STATE_CONTROL_MISSING', `The entry in message ${message.messageId} has no Sync State control; without it the entry cannot be part of the content (rfc4533.md §5 case 41).`, message.messageId)
  if (controls.length > 1) throw new SyncProtocolError('SYNC_STATE_CONTROL_DUPLICATE', `The entry in message ${message.messageId} carries ${controls.length} Sync State controls; RFC 4533 §2.3 allows one.`, message.messageId)
  const value = controls[0]?.value
  try {
    if (value === undefined) throw new SyncProtocolError('SYNC_STATE_INVALID', `The Sync State control of message ${message.messageId} has no value.`, message.messageId)
    return decodeSyncStateValue(value).value
  } catch (error) {
    if (error instanceof ProtocolError) throw new SyncProtocolError('SYNC_STATE_INVALID', `The Sync State control of message ${message.messageId} is invalid (${error.code}): ${error.message}`, message.messageId, { cause: error })
    throw error
  }
}

function syncDoneOf(message: LdapMessage): { cookie?: Uint8Array; refreshDeletes: boolean } | undefined {
  const c = message.controls.find((x) => x.type === SYNC_DONE_OID)
  if (c === undefined) return undefined
  try {
    if (c.value === undefined) throw new SyncProtocolError('SYNC_DONE_CONTROL_INVALID', `The Sync Done control of message ${message.messageId} has no value.`, message.messageId)
    return decodeSyncDoneValue(c.value).value
  } catch (error) {
    if (error instanceof ProtocolError) throw new SyncProtocolError('SYNC_DONE_CONTROL_INVALID', `The Sync Done control of message ${message.messageId} is invalid (${error.code}): ${error.message}`, message.messageId, { cause: error })
    throw error
  }
}

/**
 * The entry as the store receives it. Values stay views of the received message: the store
 * copies what it keeps (ReplicaTransaction.put), so copying here too would only double the work.
 */
/** An `entry` event whose `attributes` (an own enumerable property) are read on first access. */
function entryEvent(uuid: string, dn: string, state: 'add' | 'modify' | 'present', read: () => ReadonlyMap<string, readonly Uint8Array[]>): SyncEvent {
  let attributes: ReadonlyMap<string, readonly Uint8Array[]> | undefined
  const event = { kind: 'entry', uuid, dn, state }
  Object.defineProperty(event, 'attributes', { enumerable: true, get: () => (attributes ??= read()) })
  return event as SyncEvent
}

function toReplicaEntry(uuid: string, entry: SearchResultEntry): ReplicaEntry {
  // A decoded entry carries its encoded attribute list: hand that to the store as it is (it
  // copies it once and decodes nothing; consumer/store/packed-entry.ts says why).
  if (entry.attributeList !== undefined) return PackedEntry.fromDecoder(uuid, entry.objectName, entry.attributeList)
  const attributes = new Map<string, readonly Uint8Array[]>()
  for (const a of entry.attributes) attributes.set(a.type, a.vals)
  return { uuid, dn: entry.objectName, attributes }
}

/** DN equality by the DN rules (RDN by RDN, types case-insensitively); raw comparison if either does not parse. */
function sameDn(a: string, b: string): boolean {
  if (a === b) return true
  try {
    return DN.equals(a, b, { values: 'exact' })
  } catch {
    return false
  }
}
