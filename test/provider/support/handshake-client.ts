/**
 * A raw client for the session-hook handshake tests: RawLdapClient (our codec on a bare socket)
 * plus a second framer on the same socket that keeps every LDAPMessage exactly as it arrived, so
 * tests can compare whole frames and response values byte for byte.
 */
import { LdapFramer, encodeSyncRequestValue } from '../../../protocol/index.js'
import type { ExtendedResponse, LdapMessage } from '../../../protocol/index.js'
import { ReplOid, encodeEndReplicationRequest, encodeStartReplicationRequest } from '../../../protocol/replsession/index.js'
import type { StartReplicationRequest } from '../../../protocol/replsession/index.js'
import type { Provider } from '../../../provider/index.js'
import { RawLdapClient } from './raw-client.js'
import { READY_2_7, RUV_2_7, START_2_7 } from '../../fixtures/389ds-handshake.js'

export const ADMIN = 'cn=admin,dc=example,dc=com'
export const BASE = 'dc=example,dc=com'
export const RUV = RUV_2_7
export const SYNC_OID = '1.3.6.1.4.1.4203.1.9.1.1'

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
export const toHex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'))
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** 389ds-session-hooks.md §2.7: the 136-byte Start request value and the 84-byte READY value (hex). */
export const START_136 = START_2_7
export const READY_84 = Buffer.from(READY_2_7).toString('hex')

/** §2.7's reply inputs: with these, a READY answer is READY_84. */
export const REPLY_389 = { guid: 'test-reply-guid', data: 'test-reply-data', appendNul: true, includeRuv: [RUV] }

/** A Start request value: §2.7's fields, with changes. */
export function startValue(over: Partial<StartReplicationRequest> = {}): Uint8Array {
  return encodeStartReplicationRequest(
    {
      kind: 'startReplicationRequest',
      version: 2,
      replProtocolOid: ReplOid.incrementalProtocol,
      replicatedTree: BASE,
      supplierRuv: [RUV],
      csn: '65a0c200000000010000',
      dataGuid: 'test-guid',
      data: utf8('test-data\0'),
      ...over,
    },
    { strict: false },
  )
}

export const endValue = (): Uint8Array => encodeEndReplicationRequest({ kind: 'endReplicationRequest', replicatedTree: BASE, supplierRuv: [RUV] })

export interface Answer extends ExtendedResponse {
  readonly messageId: number
  /** The whole LDAPMessage as it arrived. */
  readonly frame: Uint8Array
}

export class HandshakeClient {
  /** Every LDAPMessage as it arrived, in order. */
  readonly frames: Uint8Array[] = []
  private readonly framer = new LdapFramer()

  private constructor(readonly raw: RawLdapClient) {
    raw.socket.on('data', (chunk: Buffer) => {
      for (const f of this.framer.push(chunk)) this.frames.push(new Uint8Array(f))
    })
  }

  /** Connects and (unless `bind` is false) binds as the admin. */
  static async open(provider: Provider, bind = true): Promise<HandshakeClient> {
    const client = new HandshakeClient(await RawLdapClient.connect(provider.port))
    if (bind) {
      const r = await client.raw.bind(ADMIN, 'secret')
      if (r.op.kind !== 'bindResponse' || r.op.resultCode !== 0) throw new Error('The admin bind failed.')
    }
    return client
  }

  /** Sends an ExtendedRequest and returns its message ID. */
  send(requestName: string, requestValue: Uint8Array | undefined): number {
    const messageId = this.raw.id()
    this.raw.send({ messageId, op: { kind: 'extendedRequest', requestName, requestValue } })
    return messageId
  }

  /** Sends a Start (v2 by default) and waits for its answer; `'none'` sends no requestValue. */
  async start(value: Uint8Array | 'none' = START_136, version: 1 | 2 = 2): Promise<Answer> {
    return this.answer(this.send(version === 2 ? ReplOid.startNsds90Request : ReplOid.startNsds50Request, value === 'none' ? undefined : value))
  }

  /** Sends an End and waits for its answer; `'none'` sends no requestValue. */
  async end(value: Uint8Array | 'none' = endValue()): Promise<Answer> {
    return this.answer(this.send(ReplOid.endRequest, value === 'none' ? undefined : value))
  }

  /** The next message, which must be the ExtendedResponse to `messageId`. */
  async answer(messageId: number): Promise<Answer> {
    const m = await this.raw.next()
    if (m.messageId !== messageId || m.op.kind !== 'extendedResponse') throw new Error(`Expected the ExtendedResponse to ${messageId}, got ${m.op.kind} ${m.messageId}.`)
    return { ...m.op, messageId, frame: this.frames[this.frames.length - 1] as Uint8Array }
  }

  /** A refreshOnly sync search: every message up to its SearchResultDone. */
  async sync(base = BASE): Promise<{ entries: number; done: LdapMessage; messages: LdapMessage[] }> {
    const value = encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', reloadHint: false })
    const id = this.raw.search(base, { controls: [{ type: SYNC_OID, critical: true, value }] })
    const messages = await this.raw.until((m) => m.messageId === id && m.op.kind === 'searchResultDone')
    return { entries: messages.filter((m) => m.op.kind === 'searchResultEntry').length, done: messages.at(-1) as LdapMessage, messages }
  }

  /** The root DSE's supportedExtension values. */
  async supportedExtension(): Promise<string[]> {
    const id = this.raw.search('', { scope: 0, attributes: ['supportedExtension'] })
    const messages = await this.raw.until((m) => m.messageId === id && m.op.kind === 'searchResultDone')
    const entry = messages.find((m) => m.op.kind === 'searchResultEntry')
    if (entry?.op.kind !== 'searchResultEntry') throw new Error('The root DSE search returned no entry.')
    const attribute = entry.op.attributes.find((a) => a.type === 'supportedExtension')
    return (attribute?.vals ?? []).map((v) => Buffer.from(v).toString('utf8'))
  }

  close(): void {
    this.raw.close()
  }
}
