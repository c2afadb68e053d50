/**
 * A scripted LDAP server for the consumer's session-hook handshake (389ds-session-hooks.md §5.3):
 * it answers binds, serves a root DSE whose supportedExtension the test chooses, and hands every
 * extended operation and every Sync search to the test, which answers with exact bytes (built
 * with protocol/replsession's encoders, or by hand from §2.7) or not at all (a hang), or drops
 * the connection. Everything received is recorded with its connection number, so a test can
 * assert what went over the wire and in which order.
 *
 * Unlike test/support/scripted-sync-server.ts it plays no provider logic at all: no gating, no
 * state. Answers End (…3.5.5) with 0x09 under …3.5.4 and Cancel like slapd unless told otherwise.
 */
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { LdapFramer, ResultCode, SearchScope, decodeMessage, encodeMessage } from '../../protocol/index.js'
import type { LdapMessage, SearchRequest } from '../../protocol/index.js'
import { ReplOid, encodeReplicationResponse, endReplicationResponse } from '../../protocol/replsession/index.js'
import { CANCEL_REQUEST_OID, SYNC_REQUEST_OID, decodeCancelRequestValue, decodeSyncRequestValue } from '../../protocol/sync/index.js'
import type { SyncRequestValue } from '../../protocol/sync/index.js'
import { extendedResponse, syncDoneMessage } from './scripted-sync-server.js'

/** What a 389 consumer advertises (§2.6), plus Cancel: the "hooks supported" root DSE. */
export const HOOK_EXTENSIONS: readonly string[] = [
  CANCEL_REQUEST_OID,
  ReplOid.startNsds50Request,
  ReplOid.startNsds90Request,
  ReplOid.endRequest,
  '2.16.840.1.113730.3.5.6',
  ReplOid.nsds50Response,
]

export interface Received {
  /** Connection number, from 1 in the order connections were accepted. */
  readonly connection: number
  readonly message: LdapMessage
  /** What the request was, in a word: bind, rootDse, syncSearch, search, start, end, cancel, extended, abandon, unbind. */
  readonly what: string
}

interface Answerable {
  readonly connection: number
  readonly messageId: number
  /** Writes the frames in order, in one socket write. */
  send(...frames: Uint8Array[]): void
  /** Destroys the connection after what was written so far reached the kernel. */
  drop(): void
}

export interface ScriptedExtended extends Answerable {
  readonly requestName: string
  readonly requestValue: Uint8Array | undefined
}

export interface ScriptedSyncSearch extends Answerable {
  readonly request: SearchRequest
  readonly sync: SyncRequestValue | undefined
  readonly cookie: Uint8Array | undefined
}

export interface ScriptedSessionServerOptions {
  /** supportedExtension of the root DSE; default HOOK_EXTENSIONS. */
  readonly extensions?: readonly string[]
  /** Answers each extended operation other than Cancel; `index` counts them from 0 over the server's life. Default: End → 0x09, anything else → protocolError. */
  readonly onExtended?: (op: ScriptedExtended, index: number) => void
  /** Answers each Sync search; default: an empty refreshOnly result (Done success, no cookie). */
  readonly onSearch?: (search: ScriptedSyncSearch, index: number) => void
}

export interface ScriptedSessionServer {
  readonly url: string
  readonly received: readonly Received[]
  /** Number of connections accepted so far. */
  readonly connections: number
  /** The `what` of every request, in order, as `connection:what` (e.g. `1:start`). */
  trail(): string[]
  close(): Promise<void>
}

export async function startScriptedSessionServer(options: ScriptedSessionServerOptions = {}): Promise<ScriptedSessionServer> {
  const received: Received[] = []
  const sockets = new Set<Socket>()
  let connections = 0
  let extendedCount = 0
  let searchCount = 0

  const server: Server = createServer((socket) => {
    sockets.add(socket)
    const connection = ++connections
    const framer = new LdapFramer()
    socket.on('data', (chunk) => {
      for (const frame of framer.push(chunk)) answer(decodeMessage(frame), socket, connection)
    })
    socket.on('end', () => socket.end())
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
  })

  function answer(message: LdapMessage, socket: Socket, connection: number): void {
    const id = message.messageId
    const op = message.op
    const base = { connection, messageId: id, send: (...frames: Uint8Array[]) => write(socket, frames), drop: () => drop(socket) }
    const record = (what: string) => received.push({ connection, message, what })
    switch (op.kind) {
      case 'bindRequest':
        record('bind')
        socket.write(encodeMessage({ messageId: id, op: { kind: 'bindResponse', resultCode: 0, matchedDN: '', diagnosticMessage: '' } }))
        return
      case 'searchRequest': {
        const control = message.controls.find((c) => c.type === SYNC_REQUEST_OID)
        if (control === undefined && op.baseObject === '' && op.scope === SearchScope.baseObject) {
          record('rootDse')
          const attributes = [{ type: 'supportedExtension', vals: (options.extensions ?? HOOK_EXTENSIONS).map((oid) => Buffer.from(oid, 'utf8')) }]
          write(socket, [
            encodeMessage({ messageId: id, op: { kind: 'searchResultEntry', objectName: '', attributes } }),
            syncDoneMessage(id, ResultCode.success),
          ])
          return
        }
        record(control === undefined ? 'search' : 'syncSearch')
        const sync = control?.value === undefined ? undefined : decodeSyncRequestValue(control.value).value
        const search: ScriptedSyncSearch = { ...base, request: op, sync, cookie: sync?.cookie === undefined ? undefined : Uint8Array.from(sync.cookie) }
        const index = searchCount++
        if (options.onSearch !== undefined) options.onSearch(search, index)
        else search.send(syncDoneMessage(id, ResultCode.success))
        return
      }
      case 'extendedRequest': {
        if (op.requestName === CANCEL_REQUEST_OID && op.requestValue !== undefined) {
          record('cancel')
          const cancelId = decodeCancelRequestValue(op.requestValue).value.cancelID
          write(socket, [syncDoneMessage(cancelId, ResultCode.canceled), extendedResponse(id, ResultCode.success)])
          return
        }
        record(op.requestName === ReplOid.startNsds90Request || op.requestName === ReplOid.startNsds50Request ? 'start' : op.requestName === ReplOid.endRequest ? 'end' : 'extended')
        const ext: ScriptedExtended = { ...base, requestName: op.requestName, requestValue: op.requestValue }
        const index = extendedCount++
        if (options.onExtended !== undefined) options.onExtended(ext, index)
        else if (op.requestName === ReplOid.endRequest) ext.send(endResponse(id))
        else ext.send(extendedResponse(id, ResultCode.protocolError))
        return
      }
      default:
        record(op.kind === 'abandonRequest' ? 'abandon' : op.kind === 'unbindRequest' ? 'unbind' : op.kind)
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `ldap://127.0.0.1:${port}`,
    received,
    get connections() {
      return connections
    },
    trail: () => received.map((r) => `${r.connection}:${r.what}`),
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function write(socket: Socket, frames: readonly Uint8Array[]): void {
  if (!socket.destroyed) socket.write(Buffer.concat(frames))
}

function drop(socket: Socket): void {
  socket.write(new Uint8Array(0), () => socket.destroy())
}

/** An ExtendedResponse carrying a replication response value (by default resultCode 0 under …3.5.13). */
export function replResponseMessage(messageId: number, value: Uint8Array | undefined, options: { readonly responseName?: string | null; readonly resultCode?: number; readonly diagnosticMessage?: string } = {}): Buffer {
  const name = options.responseName === undefined ? ReplOid.nsds90Response : options.responseName
  return encodeMessage({
    messageId,
    op: {
      kind: 'extendedResponse',
      resultCode: options.resultCode ?? 0,
      matchedDN: '',
      diagnosticMessage: options.diagnosticMessage ?? '',
      ...(name === null ? {} : { responseName: name }),
      ...(value === undefined ? {} : { responseValue: value }),
    },
  })
}

/** A Start response with just a code (e.g. 0x0E → value `30 03 0a 01 0e`). */
export function startResponse(messageId: number, responseCode: number): Buffer {
  return replResponseMessage(messageId, encodeReplicationResponse({ kind: 'replicationResponse', responseCode }))
}

/** The End response: 0x09 RELEASE_SUCCEEDED (or `code`) under …3.5.4 (§2.4). */
export function endResponse(messageId: number, code?: number): Buffer {
  return replResponseMessage(messageId, encodeReplicationResponse(endReplicationResponse(code)), { responseName: ReplOid.nsds50Response })
}
