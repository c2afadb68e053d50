/**
 * The provider's side of the session-hook handshake on the wire (389ds-session-hooks.md §5.2 to
 * §5.5): answers Start (v2 …3.5.12, v1 …3.5.3) and End (…3.5.5), keeps each connection's state
 * (none / accepted / rejected), gates sync searches, applies the script's timing faults, and
 * records every exchange. The server consults it through `HandshakeHooks`; nothing here throws
 * at the server, and nothing a client sends can make it.
 */
import { BerReader, Tag } from '../../protocol/ber/index.js'
import { ResultCode } from '../../protocol/index.js'
import type { ExtendedRequest } from '../../protocol/index.js'
import {
  ReplOid,
  ReplResponseCode,
  decodeEndReplicationRequest,
  decodeStartReplicationRequest,
  responseCodeLabel,
  startVersionOfRequestOid,
} from '../../protocol/replsession/index.js'
import type { StartReplicationRequest, StartVersion } from '../../protocol/replsession/index.js'
import type { ProviderEvents } from '../server/events.js'
import type { ResultInput } from '../server/responses.js'
import type { HandshakeHooks, Session } from '../server/session.js'
import { endAnswer, startAnswer, stateAfterAnswer } from './answer.js'
import { decideStart } from './decide.js'
import { toHex } from './payload.js'
import { HandshakeLog } from './log.js'
import { attemptScript, normalizeScript } from './script.js'
import type { NormalizedScript } from './script.js'
import type { HandshakeRecord, HandshakeRequest, HandshakeState, SentResponse, SessionHookScript } from './types.js'

/** What the root DSE lists while hooks are enabled and advertised (§5.2), in this order. */
export const ADVERTISED_OIDS: readonly string[] = [ReplOid.startNsds90Request, ReplOid.startNsds50Request, ReplOid.endRequest, ReplOid.nsds50Response]

/** The diagnosticMessage of a refused sync search (§5.4). */
export const HANDSHAKE_REQUIRED_MESSAGE = `replication session handshake required (${ReplOid.startNsds90Request})`

export interface HandshakeServiceOptions {
  readonly events: ProviderEvents
  /** The provider's clock, ms since the epoch. */
  readonly now: () => number
  readonly script?: SessionHookScript
}

interface ConnectionEntry {
  state: HandshakeState
  /** Delayed answers not yet sent, each with what sends (or, once closed, records) it. */
  readonly pending: Map<NodeJS.Timeout, () => void>
  closed: boolean
}

type RecordBase = Omit<HandshakeRecord, 'answeredAt' | 'response' | 'stateAfter'>

export class HandshakeService implements HandshakeHooks {
  readonly log: HandshakeLog
  private script: NormalizedScript
  private attempts = 0
  private readonly connections = new Map<number, ConnectionEntry>()

  /** @throws HandshakeError HANDSHAKE_BAD_SCRIPT for a script that cannot work. */
  constructor(private readonly options: HandshakeServiceOptions) {
    this.script = normalizeScript(options.script)
    this.log = new HandshakeLog((id) => this.connections.get(id)?.state ?? 'none')
  }

  /** The script in force, with its defaults. */
  get current(): NormalizedScript {
    return this.script
  }

  /**
   * Replaces the script from now on (undefined: no hooks). The attempt count starts again, so a
   * new `sequence` starts at its first entry; connection states are kept.
   *
   * @throws HandshakeError HANDSHAKE_BAD_SCRIPT, leaving the old script in force.
   */
  setScript(script: SessionHookScript | undefined): void {
    this.script = normalizeScript(script)
    this.attempts = 0
  }

  advertised(): readonly string[] {
    return this.script.enabled && this.script.advertise ? ADVERTISED_OIDS : []
  }

  extended(session: Session, messageId: number, request: ExtendedRequest): boolean {
    if (!this.script.enabled) return false
    const version = startVersionOfRequestOid(request.requestName)
    if (version !== undefined) {
      this.start(session, messageId, request, version)
      return true
    }
    if (request.requestName === ReplOid.endRequest) {
      this.end(session, messageId, request)
      return true
    }
    return false
  }

  gateSyncSearch(session: Session, messageId: number, base: string): ResultInput | undefined {
    const script = this.script
    if (!script.enabled) return undefined
    const id = session.connection.id
    const state = this.connections.get(id)?.state ?? 'none'
    if (state === 'accepted' || (state === 'none' && !script.required)) return undefined
    const message =
      state === 'rejected'
        ? `Sync search ${messageId} on connection ${id} came after the provider refused this connection's replication session handshake; a refusal is always honoured (53).`
        : `Sync search ${messageId} on connection ${id} came without an accepted replication session handshake (Start ${ReplOid.startNsds90Request}), which this provider requires (53).`
    const violation = { connectionId: id, messageId, time: this.options.now(), base, state, required: script.required, message }
    this.log.addViolation(violation)
    this.options.events.emit({ type: 'handshakeViolation', connectionId: id, violation })
    return { resultCode: ResultCode.unwillingToPerform, diagnosticMessage: HANDSHAKE_REQUIRED_MESSAGE }
  }

  bound(session: Session): void {
    const entry = this.connections.get(session.connection.id)
    if (entry !== undefined) entry.state = 'none'
  }

  private entry(session: Session): ConnectionEntry {
    const id = session.connection.id
    let entry = this.connections.get(id)
    if (entry === undefined) {
      const created: ConnectionEntry = { state: 'none', pending: new Map(), closed: false }
      entry = created
      this.connections.set(id, created)
      // A delayed answer dies with its connection: its timer goes, and it is recorded as not sent.
      void session.connection.whenClosed.then(() => {
        created.closed = true
        const pending = [...created.pending]
        created.pending.clear()
        for (const [timer, settle] of pending) {
          clearTimeout(timer)
          settle()
        }
      })
    }
    return entry
  }

  private start(session: Session, messageId: number, request: ExtendedRequest, version: StartVersion): void {
    const time = this.options.now()
    const attempt = ++this.attempts
    const script = attemptScript(this.script, attempt)
    const entry = this.entry(session)
    let decoded: StartReplicationRequest | undefined
    let decodeError: { code: string; message: string } | undefined
    try {
      // 389 ignores what follows the members it knows (§2.2), and the mock reads an empty RUV
      // SET unless recv.strictRuv says otherwise (§5.2).
      decoded = decodeStartReplicationRequest(request.requestValue, { version, trailing: 'keep', allowEmptyRuv: true })
    } catch (error) {
      decodeError = { code: (error as { code?: string }).code ?? 'REPL_DECODE_FAILED', message: error instanceof Error ? error.message : String(error) }
    }
    const hreq = handshakeRequest(session.connection.id, messageId, attempt, version, request.requestName, decoded)
    const decision = decideStart(script, { request: hreq, decoded, ...(decodeError === undefined ? {} : { decodeError }) })
    const fault = script.fault
    const base: RecordBase = {
      kind: 'start',
      connectionId: session.connection.id,
      messageId,
      time,
      attempt,
      requestOid: request.requestName,
      version,
      ...requestFields(hreq),
      ...(decision.payload === undefined ? {} : { payload: decision.payload }),
      ...(decoded?.trailing === undefined ? {} : { trailingHex: toHex(decoded.trailing) }),
      ...(decodeError === undefined ? {} : { decodeError }),
      recv: decision.recv,
      code: decision.code,
      codeLabel: responseCodeLabel(decision.code),
      reason: decision.reason,
      ...(decision.reply === undefined ? {} : { reply: decision.reply }),
      ...(decision.consumerRuv === undefined ? {} : { consumerRuv: decision.consumerRuv }),
      ...(fault === undefined ? {} : { fault }),
      stateBefore: entry.state,
    }
    if (fault !== undefined && 'hang' in fault) return this.record(base, undefined, entry.state)
    if (fault !== undefined && 'disconnect' in fault && fault.disconnect === 'onRequest') {
      this.record(base, undefined, entry.state)
      session.connection.end('fault')
      return
    }
    const answer = startAnswer(decision, version, fault)
    const send = (): void => {
      if (entry.closed || session.connection.closed) return this.record(base, undefined, entry.state)
      reply(session, messageId, answer)
      entry.state = stateAfterAnswer(decision.code, fault)
      this.record(base, answer, entry.state)
      if (fault !== undefined && 'disconnect' in fault) session.connection.end('fault')
    }
    if (fault === undefined || !('delayMs' in fault)) return send()
    const settle = (): void => {
      try {
        send()
      } catch (error) {
        session.notice(`The delayed handshake answer to message ${messageId} failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    const timer = setTimeout(() => {
      entry.pending.delete(timer)
      settle()
    }, fault.delayMs)
    entry.pending.set(timer, settle)
  }

  private end(session: Session, messageId: number, request: ExtendedRequest): void {
    const time = this.options.now()
    const entry = this.entry(session)
    const stateBefore = entry.state
    let code: number = ReplResponseCode.replicaReleaseSucceeded
    let reason = 'The End request releases the session (389 answers 0x09 also when none was held).'
    let tree: string | undefined
    let supplierRuv: readonly string[] | undefined
    let decodeError: { code: string; message: string } | undefined
    try {
      const v = decodeEndReplicationRequest(request.requestValue, { trailing: 'keep' })
      tree = v.replicatedTree
      supplierRuv = v.supplierRuv
    } catch (error) {
      decodeError = { code: (error as { code?: string }).code ?? 'REPL_DECODE_FAILED', message: error instanceof Error ? error.message : String(error) }
      // 389's End handler reads only the DN (§2.4); so does the mock, and records the rest.
      tree = endTreeOnly(request.requestValue)
      if (tree === undefined) {
        code = ReplResponseCode.decodingError
        reason = `The End request value has no readable replicatedTree, so the answer is DECODING_ERROR (0x04): ${decodeError.message}`
      } else {
        reason = `The End request value is not well-formed past its DN (${decodeError.code}), which 389 never reads; the session is released.`
      }
    }
    const answer = endAnswer(code)
    reply(session, messageId, answer)
    if (code === ReplResponseCode.replicaReleaseSucceeded) entry.state = 'none'
    this.record(
      {
        kind: 'end',
        connectionId: session.connection.id,
        messageId,
        time,
        requestOid: request.requestName,
        isTotal: false,
        ...(tree === undefined ? {} : { base: tree }),
        ...(supplierRuv === undefined ? {} : { supplierRuv }),
        ...(decodeError === undefined ? {} : { decodeError }),
        code,
        codeLabel: responseCodeLabel(code),
        reason,
        stateBefore,
      },
      answer,
      entry.state,
    )
  }

  private record(base: RecordBase, response: SentResponse | undefined, stateAfter: HandshakeState): void {
    const record: HandshakeRecord = { ...base, answeredAt: this.options.now(), ...(response === undefined ? {} : { response }), stateAfter }
    this.log.add(record)
    this.options.events.emit({ type: 'handshake', connectionId: record.connectionId, record })
  }
}

function reply(session: Session, messageId: number, answer: SentResponse): void {
  session.reply(
    messageId,
    'extended',
    { resultCode: answer.resultCode, diagnosticMessage: answer.diagnosticMessage },
    {
      ...(answer.responseName === undefined ? {} : { responseName: answer.responseName }),
      ...(answer.responseValue === undefined ? {} : { responseValue: answer.responseValue }),
    },
  )
}

function handshakeRequest(
  connectionId: number,
  messageId: number,
  attempt: number,
  version: StartVersion,
  requestOid: string,
  decoded: StartReplicationRequest | undefined,
): HandshakeRequest {
  const base = { connectionId, messageId, attempt, version, requestOid }
  if (decoded === undefined) return { ...base, isTotal: false }
  return {
    ...base,
    protocolOid: decoded.replProtocolOid,
    isTotal: decoded.replProtocolOid === ReplOid.totalProtocol,
    base: decoded.replicatedTree,
    csn: decoded.csn,
    supplierRuv: decoded.supplierRuv,
    ...(decoded.referralUrls === undefined ? {} : { referralUrls: decoded.referralUrls }),
    ...(decoded.dataGuid === undefined ? {} : { guid: decoded.dataGuid }),
    // A copy: decoded data is a view of the socket's buffer.
    ...(decoded.data === undefined ? {} : { data: new Uint8Array(decoded.data) }),
  }
}

function requestFields(r: HandshakeRequest): Pick<HandshakeRecord, 'protocolOid' | 'isTotal' | 'base' | 'csn' | 'supplierRuv' | 'referralUrls'> {
  return {
    isTotal: r.isTotal,
    ...(r.protocolOid === undefined ? {} : { protocolOid: r.protocolOid }),
    ...(r.base === undefined ? {} : { base: r.base }),
    ...(r.csn === undefined ? {} : { csn: r.csn }),
    ...(r.supplierRuv === undefined ? {} : { supplierRuv: r.supplierRuv }),
    ...(r.referralUrls === undefined ? {} : { referralUrls: r.referralUrls }),
  }
}

/** The replicatedTree of an End value read as 389 does: the first OCTET STRING, nothing after it. */
export function endTreeOnly(value: Uint8Array | undefined): string | undefined {
  if (value === undefined || value.length === 0) return undefined
  try {
    const bytes = new BerReader(value).enter(Tag.Sequence, 'the EndReplicationRequestValue').readOctetString(Tag.OctetString, 'replicatedTree')
    const nul = bytes.indexOf(0)
    if (nul !== -1 && nul < bytes.length - 1) return undefined
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}
