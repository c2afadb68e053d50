/**
 * A scripted LDAP server for consumer tests: it answers binds with success and hands each Sync
 * search to the test, which sends exactly the messages it chooses (built with our codec by the
 * builders below, or raw octets). So a test can make a consumer face any sequence a provider
 * could produce — slapd, 389-DS, ApacheDS or a broken one — down to the byte, including the
 * shapes our own engine never sends (RFC 4533 §3.3.2 present→delete refreshes, delete entries
 * with past DNs, references with Sync State controls, lost connections mid-refresh).
 *
 * Cancel (RFC 3909) is answered like slapd by default: SearchResultDone canceled (118) for a
 * running search, then the Cancel response success; noSuchOperation (119) for one that ended or
 * never existed. A test may answer Cancel itself.
 */
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { LdapFramer, ResultCode, decodeMessage, encodeMessage } from '../../protocol/index.js'
import type { LdapMessage, SearchRequest } from '../../protocol/index.js'
import {
  CANCEL_REQUEST_OID,
  SYNC_DONE_OID,
  SYNC_INFO_OID,
  SYNC_REQUEST_OID,
  SYNC_STATE_OID,
  decodeCancelRequestValue,
  decodeSyncRequestValue,
  encodeSyncDoneValue,
  encodeSyncInfoValue,
  encodeSyncStateValue,
  parseSyncUuid,
} from '../../protocol/sync/index.js'
import type { SyncInfoValue, SyncRequestValue, SyncStateName } from '../../protocol/sync/index.js'

/** One Sync search as the server received it, with the means to answer it. */
export interface ScriptedSearch {
  readonly messageId: number
  readonly request: SearchRequest
  /** The decoded Sync Request control value (undefined when the search had none). */
  readonly sync: SyncRequestValue | undefined
  /** The request cookie exactly as sent (undefined: none). */
  readonly cookie: Uint8Array | undefined
  /** True once a SearchResultDone for this search was sent. */
  readonly ended: boolean
  /** Writes the frames in order, in one socket write. */
  send(...frames: Uint8Array[]): void
  /** Destroys the connection without an LDAP goodbye, after the frames sent so far: a lost connection. */
  drop(): void
}

/** A Cancel request, for tests that answer it themselves. */
export interface ScriptedCancel {
  readonly messageId: number
  readonly cancelId: number
  /** The search it names, if this server saw one with that ID on this connection. */
  readonly search: ScriptedSearch | undefined
  /** Writes the frames in order (e.g. the search's Done, then `cancelResponse(...)`). */
  send(...frames: Uint8Array[]): void
}

export interface ScriptedSyncServerOptions {
  /** Called for each Sync search; `index` counts the searches of the server's lifetime from 0. */
  readonly onSearch: (search: ScriptedSearch, index: number) => void
  /** Answers a Cancel; default: slapd's answer (see the file comment). */
  readonly onCancel?: (cancel: ScriptedCancel) => void
}

export interface ScriptedSyncServer {
  readonly url: string
  /** Every Sync search received, in order. */
  readonly searches: readonly ScriptedSearch[]
  /** Every request received, in order (binds, searches, Cancel, Abandon, Unbind). */
  readonly received: readonly LdapMessage[]
  /** Resolves with the `index`-th search once it has arrived. */
  search(index: number): Promise<ScriptedSearch>
  close(): Promise<void>
}

/**
 * Starts a scripted server on 127.0.0.1, port 0.
 *
 * @example
 * const server = await startScriptedSyncServer({
 *   onSearch: (s) => s.send(syncEntry(s.messageId, { state: 'add', uuid: testUuid(1), dn: 'cn=a' }), syncDoneMessage(s.messageId, 0, { cookie: bytes('c1') })),
 * })
 */
export async function startScriptedSyncServer(options: ScriptedSyncServerOptions): Promise<ScriptedSyncServer> {
  const searches: ScriptedSearch[] = []
  const received: LdapMessage[] = []
  const waiting = new Map<number, Array<(s: ScriptedSearch) => void>>()
  const sockets = new Set<Socket>()

  const server: Server = createServer((socket) => {
    sockets.add(socket)
    const framer = new LdapFramer()
    const onThisConnection = new Map<number, ScriptedSearch>()
    socket.on('data', (chunk) => {
      for (const frame of framer.push(chunk)) {
        const request = decodeMessage(frame)
        received.push(request)
        answer(request, socket, onThisConnection)
      }
    })
    socket.on('end', () => socket.end())
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
  })

  function answer(request: LdapMessage, socket: Socket, onThisConnection: Map<number, ScriptedSearch>): void {
    const id = request.messageId
    const op = request.op
    switch (op.kind) {
      case 'bindRequest':
        socket.write(encodeMessage({ messageId: id, op: { kind: 'bindResponse', resultCode: 0, matchedDN: '', diagnosticMessage: '' } }))
        return
      case 'searchRequest': {
        const search = scriptedSearch(id, op, request, socket)
        onThisConnection.set(id, search)
        searches.push(search)
        const index = searches.length - 1
        for (const resolve of waiting.get(index) ?? []) resolve(search)
        waiting.delete(index)
        options.onSearch(search, index)
        return
      }
      case 'extendedRequest': {
        if (op.requestName !== CANCEL_REQUEST_OID || op.requestValue === undefined) {
          socket.write(extendedResponse(id, ResultCode.protocolError))
          return
        }
        const cancelId = decodeCancelRequestValue(op.requestValue).value.cancelID
        const cancel: ScriptedCancel = { messageId: id, cancelId, search: onThisConnection.get(cancelId), send: (...frames) => write(socket, frames) }
        if (options.onCancel !== undefined) options.onCancel(cancel)
        else if (cancel.search !== undefined && !cancel.search.ended) cancel.send(syncDoneMessage(cancelId, ResultCode.canceled), extendedResponse(id, ResultCode.success))
        else cancel.send(extendedResponse(id, ResultCode.noSuchOperation))
        return
      }
      default:
        // Abandon and Unbind get no response (RFC 4511 §4.11, §4.3).
        return
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `ldap://127.0.0.1:${port}`,
    searches,
    received,
    search(index) {
      const seen = searches[index]
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve) => waiting.set(index, [...(waiting.get(index) ?? []), resolve]))
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function scriptedSearch(messageId: number, request: SearchRequest, message: LdapMessage, socket: Socket): ScriptedSearch {
  const control = message.controls.find((c) => c.type === SYNC_REQUEST_OID)
  const sync = control?.value === undefined ? undefined : decodeSyncRequestValue(control.value).value
  let ended = false
  return {
    messageId,
    request,
    sync,
    cookie: sync?.cookie === undefined ? undefined : Uint8Array.from(sync.cookie),
    get ended() {
      return ended
    },
    send(...frames) {
      for (const frame of frames) if (isSearchResultDone(frame)) ended = true
      write(socket, frames)
    },
    drop() {
      // After what was written has reached the kernel: the peer gets it, then loses the connection.
      socket.write(new Uint8Array(0), () => socket.destroy())
    },
  }
}

function write(socket: Socket, frames: readonly Uint8Array[]): void {
  if (!socket.destroyed) socket.write(Buffer.concat(frames))
}

function isSearchResultDone(frame: Uint8Array): boolean {
  try {
    return decodeMessage(frame).op.kind === 'searchResultDone'
  } catch {
    return false // raw octets a test sends on purpose
  }
}

// --- message builders: whole LDAPMessages as bytes ---------------------------------------------

/** A UUID as canonical text or its 16 octets. */
export type UuidLike = string | Uint8Array

/** A deterministic canonical UUID for tests: testUuid(7) = '00000000-0000-4000-8000-000000000007'. */
export function testUuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

/** Bytes of a string, one octet per character (cookies are octets, not text). */
export function bytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1')
}

function uuidOctets(uuid: UuidLike): Uint8Array {
  return typeof uuid === 'string' ? parseSyncUuid(uuid) : uuid
}

function stateControl(state: SyncStateName, uuid: UuidLike, cookie: Uint8Array | undefined) {
  const value = encodeSyncStateValue({ kind: 'syncState', state, entryUUID: uuidOctets(uuid), ...(cookie === undefined ? {} : { cookie }) })
  return { type: SYNC_STATE_OID, critical: false, value }
}

export interface SyncEntrySpec {
  readonly state: SyncStateName
  readonly uuid: UuidLike
  readonly dn: string
  /** Attribute description → values (strings are UTF-8). Present and delete states send none. */
  readonly attributes?: Readonly<Record<string, string | readonly string[]>>
  readonly cookie?: Uint8Array
}

/** SearchResultEntry + Sync State control (RFC 4533 §2.3). */
export function syncEntry(messageId: number, spec: SyncEntrySpec): Buffer {
  const attributes = Object.entries(spec.attributes ?? {}).map(([type, v]) => ({ type, vals: typeof v === 'string' ? [v] : [...v] }))
  return encodeMessage({
    messageId,
    op: { kind: 'searchResultEntry', objectName: spec.dn, attributes: attributes.map((a) => ({ type: a.type, vals: a.vals.map((s) => Buffer.from(s, 'utf8')) })) },
    controls: [stateControl(spec.state, spec.uuid, spec.cookie)],
  })
}

export interface SyncReferenceSpec {
  readonly state: SyncStateName
  readonly uuid: UuidLike
  /** Empty for present and delete (RFC 4533 §3.3.2), though RFC 4511 says SIZE (1..MAX). */
  readonly uris: readonly string[]
  readonly cookie?: Uint8Array
}

/** SearchResultReference + Sync State control: how slapd sends referral objects without ManageDsaIT. */
export function syncReference(messageId: number, spec: SyncReferenceSpec): Buffer {
  return encodeMessage({ messageId, op: { kind: 'searchResultReference', uris: spec.uris }, controls: [stateControl(spec.state, spec.uuid, spec.cookie)] })
}

/** IntermediateResponse carrying a Sync Info value (RFC 4533 §2.5). */
export function syncInfo(messageId: number, info: SyncInfoValue): Buffer {
  return rawSyncInfo(messageId, encodeSyncInfoValue(info))
}

/** The same with the Sync Info value given as octets (e.g. slapd's `a1 00`). */
export function rawSyncInfo(messageId: number, value: Uint8Array): Buffer {
  return encodeMessage({ messageId, op: { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: value } })
}

/** A present or delete syncIdSet (RFC 4533 §2.5). */
export function syncIdSet(messageId: number, refreshDeletes: boolean, uuids: readonly UuidLike[], cookie?: Uint8Array): Buffer {
  return syncInfo(messageId, { kind: 'syncIdSet', refreshDeletes, syncUUIDs: uuids.map(uuidOctets), ...(cookie === undefined ? {} : { cookie }) })
}

/** SearchResultDone, with a Sync Done control (RFC 4533 §2.4) when `done` is given. */
export function syncDoneMessage(messageId: number, resultCode: number, done?: { readonly cookie?: Uint8Array; readonly refreshDeletes?: boolean }, diagnosticMessage = ''): Buffer {
  const controls = done === undefined ? [] : [{ type: SYNC_DONE_OID, critical: false, value: encodeSyncDoneValue({ kind: 'syncDone', refreshDeletes: done.refreshDeletes ?? false, ...(done.cookie === undefined ? {} : { cookie: done.cookie }) }) }]
  return encodeMessage({ messageId, op: { kind: 'searchResultDone', resultCode, matchedDN: '', diagnosticMessage }, controls })
}

/** An ExtendedResponse without name or value (the Cancel response, RFC 3909 §2.3). */
export function extendedResponse(messageId: number, resultCode: number): Buffer {
  return encodeMessage({ messageId, op: { kind: 'extendedResponse', resultCode, matchedDN: '', diagnosticMessage: '' } })
}
