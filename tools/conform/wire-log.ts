/**
 * What the provider saw and sent during one case, in order: the readable wire log of the verdict
 * (WireRecord) and the facts the checks judge — the sync searches with their cookies, the cookies
 * the provider handed out, which UUIDs each message deleted or named present, handshakes.
 * Everything comes from the provider's typed events (provider/server/events.ts); nothing is parsed
 * back out of text.
 */
import { describeMessage, decodeMessage, decodeSyncInfoValue, decodeSyncRequestValue, decodeSyncStateValue, decodeSyncDoneValue, formatSyncUuid } from '../../protocol/index.js'
import type { LdapMessage, SyncInfoValue } from '../../protocol/index.js'
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_REQUEST_OID, SYNC_STATE_OID } from '../../protocol/sync/index.js'
import type { ProviderEvent, ProviderEvents } from '../../provider/server/events.js'
import type { HandshakeRecord } from '../../provider/handshake/types.js'
import type { SyncMessage } from '../../provider/sync/types.js'
import type { WireRecord } from './verdict.js'

export interface SyncRequestFact {
  /** Position in the wire log. */
  readonly n: number
  readonly run: string | undefined
  readonly connection: number
  readonly messageId: number
  readonly mode: string
  /** undefined: the control had no cookie; a zero-length array: an empty one. */
  readonly cookie: Uint8Array | undefined
  readonly reloadHint: boolean
}

/** What one message sent by the provider meant for the replica. */
export interface SentFact {
  readonly n: number
  readonly connection: number
  readonly run: string | undefined
  readonly cookie?: Uint8Array
  /** UUIDs the message deletes (delete state, syncIdSet refreshDeletes TRUE). */
  readonly deletes?: readonly string[]
  /** UUIDs the message names present or adds (present/add/modify state, syncIdSet refreshDeletes FALSE). */
  readonly mentions?: readonly string[]
  /** The message ends a present phase (refreshPresent, or a Done of a refresh with refreshDeletes FALSE). */
  readonly endsPresentPhase?: boolean
  readonly entry?: boolean
}

export class WireLog {
  readonly records: WireRecord[] = []
  readonly syncRequests: SyncRequestFact[] = []
  readonly sent: SentFact[] = []
  readonly handshakes: HandshakeRecord[] = []
  handshakeViolations = 0
  /** Scenario action failures: a fault of the case, never of the consumer. */
  readonly scenarioErrors: string[] = []
  private run: string | undefined
  private readonly started: number
  private readonly stop: () => void
  private readonly listeners = new Set<() => void>()

  constructor(events: ProviderEvents, private readonly maxRecords = 5000) {
    this.started = Date.now()
    this.stop = events.onAny((e) => this.onEvent(e))
  }

  /** Marks the start of a consumer run: later records carry its name. */
  startRun(name: string, text: string): void {
    this.run = name
    this.note(0, text)
  }

  note(connection: number, text: string): void {
    this.push({ connection, direction: 'note', text })
  }

  /** Calls `listener` after every event (the runner re-checks its wait conditions). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  close(): void {
    this.stop()
    this.listeners.clear()
  }

  /** Entry messages sent since record `fromN` (kill-after-N-entries). */
  entriesSentSince(fromN: number): number {
    let count = 0
    for (const f of this.sent) if (f.n > fromN && f.entry === true) count++
    return count
  }

  get lastN(): number {
    return this.counter
  }

  private counter = 0

  private push(r: Omit<WireRecord, 'n' | 'atMs' | 'run'>): number {
    const n = ++this.counter
    if (this.records.length < this.maxRecords) {
      this.records.push({ n, atMs: Date.now() - this.started, ...r, ...(this.run === undefined ? {} : { run: this.run }) })
    } else if (this.records.length === this.maxRecords) {
      this.records.push({ n, atMs: Date.now() - this.started, connection: 0, direction: 'note', text: `(the wire log stops here: more than ${this.maxRecords} records)` })
    }
    return n
  }

  private onEvent(e: ProviderEvent): void {
    switch (e.type) {
      case 'connectionOpened':
        this.note(e.connectionId, `connection ${e.connectionId} opened from ${e.remoteAddress}:${e.remotePort}`)
        break
      case 'connectionClosed':
        this.note(e.connectionId, `connection ${e.connectionId} closed (${e.reason}${e.detail === undefined ? '' : `: ${e.detail}`})`)
        break
      case 'requestReceived':
        this.onRequest(e.connectionId, e.message)
        break
      case 'messageSent':
        this.onSent(e.connectionId, e.messageId, e.sync, e.bytes, e.description)
        break
      case 'protocolViolation':
        this.note(e.connectionId, `the consumer sent something that is not LDAP (${e.code}): ${e.error.message}`)
        break
      case 'scenarioStep':
        this.note(e.connectionId, `scenario step ${e.name ?? `#${e.step + 1}`} fired (${e.trigger})`)
        break
      case 'scenarioError':
        this.scenarioErrors.push(`${e.source.file}:${e.source.line}:${e.source.column}: ${e.action} failed: ${e.error.message}`)
        this.note(e.connectionId, `scenario action ${e.action} failed: ${e.error.message}`)
        break
      case 'handshake':
        this.handshakes.push(e.record)
        this.note(e.connectionId, `handshake ${e.record.kind} answered ${e.record.codeLabel}: ${e.record.reason}`)
        break
      case 'handshakeViolation':
        this.handshakeViolations++
        this.note(e.connectionId, `sync search refused (53): no accepted session-hook handshake on this connection`)
        break
      default:
        return
    }
    for (const l of this.listeners) l()
  }

  private onRequest(connection: number, message: LdapMessage): void {
    const n = this.push({ connection, direction: 'in', messageId: message.messageId, text: describeMessage(message) })
    if (message.op.kind !== 'searchRequest') return
    const control = message.controls.find((c) => c.type === SYNC_REQUEST_OID)
    if (control?.value === undefined) return
    try {
      const value = decodeSyncRequestValue(control.value).value
      this.syncRequests.push({
        n,
        run: this.run,
        connection,
        messageId: message.messageId,
        mode: String(value.mode),
        cookie: value.cookie === undefined ? undefined : Uint8Array.from(value.cookie),
        reloadHint: value.reloadHint,
      })
    } catch {
      // An undecodable Sync Request is in the log; the provider answered it with protocolError.
    }
  }

  private onSent(connection: number, messageId: number, sync: SyncMessage | undefined, bytes: Uint8Array | undefined, description: string): void {
    if (sync !== undefined) {
      const n = this.push({ connection, direction: 'out', messageId, text: describeSync(sync) })
      this.sent.push({ n, connection, run: this.run, ...factOfSync(sync) })
      return
    }
    if (bytes === undefined) {
      this.push({ connection, direction: 'out', messageId, text: description })
      return
    }
    // Script mode: decode what was written (one PDU as a rule; raw bytes may be anything).
    let message: LdapMessage
    try {
      message = decodeMessage(bytes)
    } catch {
      this.push({ connection, direction: 'out', messageId, text: description })
      return
    }
    const n = this.push({ connection, direction: 'out', messageId: message.messageId, text: describeMessage(message) })
    this.sent.push({ n, connection, run: this.run, ...factOfMessage(message) })
  }
}

type Fact = Omit<SentFact, 'n' | 'connection' | 'run'>

function factOfSync(m: SyncMessage): Fact {
  switch (m.kind) {
    case 'entry': {
      const uuid = uuidText(m.uuid)
      return { entry: true, ...(m.cookie === undefined ? {} : { cookie: m.cookie }), ...(m.state === 'delete' ? { deletes: [uuid] } : { mentions: [uuid] }) }
    }
    case 'info':
      return factOfInfo(m.info)
    case 'done':
      return {
        ...(m.syncDone?.cookie === undefined ? {} : { cookie: m.syncDone.cookie }),
        endsPresentPhase: m.resultCode === 0 && m.syncDone !== undefined && !m.syncDone.refreshDeletes,
      }
  }
}

function factOfInfo(info: SyncInfoValue): Fact {
  const cookie = info.kind === 'newcookie' ? info.cookie : info.cookie
  const base = cookie === undefined ? {} : { cookie }
  switch (info.kind) {
    case 'newcookie':
      return base
    case 'refreshPresent':
      return { ...base, endsPresentPhase: true }
    case 'refreshDelete':
      return base
    case 'syncIdSet': {
      const uuids = info.syncUUIDs.map(uuidText)
      return info.refreshDeletes ? { ...base, deletes: uuids } : { ...base, mentions: uuids }
    }
  }
}

function factOfMessage(message: LdapMessage): Fact {
  try {
    const op = message.op
    if (op.kind === 'searchResultEntry' || op.kind === 'searchResultReference') {
      const c = message.controls.find((x) => x.type === SYNC_STATE_OID)
      if (c?.value === undefined) return { entry: op.kind === 'searchResultEntry' }
      const s = decodeSyncStateValue(c.value).value
      const uuid = uuidText(s.entryUUID)
      return { entry: op.kind === 'searchResultEntry', ...(s.cookie === undefined ? {} : { cookie: s.cookie }), ...(s.state === 'delete' ? { deletes: [uuid] } : { mentions: [uuid] }) }
    }
    if (op.kind === 'intermediateResponse' && op.responseName === SYNC_INFO_OID && op.responseValue !== undefined) {
      return factOfInfo(decodeSyncInfoValue(op.responseValue).value)
    }
    if (op.kind === 'searchResultDone') {
      const c = message.controls.find((x) => x.type === SYNC_DONE_OID)
      if (c?.value === undefined) return {}
      const d = decodeSyncDoneValue(c.value).value
      return { ...(d.cookie === undefined ? {} : { cookie: d.cookie }), endsPresentPhase: op.resultCode === 0 && !d.refreshDeletes }
    }
  } catch {
    // A deliberately broken message: it is in the log as sent; it carries no facts.
  }
  return {}
}

function describeSync(m: SyncMessage): string {
  switch (m.kind) {
    case 'entry':
      return `SearchResultEntry ${m.state} "${m.dn}" syncUUID ${uuidText(m.uuid)}${m.cookie === undefined ? '' : ` cookie=${cookieText(m.cookie)}`}`
    case 'info':
      return `IntermediateResponse syncInfo ${describeInfo(m.info)}`
    case 'done':
      return `SearchResultDone ${m.resultCode}${m.diagnosticMessage === '' ? '' : ` "${m.diagnosticMessage}"`}${m.syncDone === undefined ? '' : ` · syncDone cookie=${cookieText(m.syncDone.cookie)} refreshDeletes=${m.syncDone.refreshDeletes ? 'TRUE' : 'FALSE'}`}`
  }
}

function describeInfo(info: SyncInfoValue): string {
  switch (info.kind) {
    case 'newcookie':
      return `newcookie ${cookieText(info.cookie)}`
    case 'refreshDelete':
    case 'refreshPresent':
      return `${info.kind} cookie=${cookieText(info.cookie)} refreshDone=${info.refreshDone ? 'TRUE' : 'FALSE'}`
    case 'syncIdSet': {
      const shown = info.syncUUIDs.slice(0, 4).map(uuidText)
      const more = info.syncUUIDs.length > 4 ? ` …+${info.syncUUIDs.length - 4}` : ''
      return `syncIdSet refreshDeletes=${info.refreshDeletes ? 'TRUE' : 'FALSE'} cookie=${cookieText(info.cookie)} ${info.syncUUIDs.length} UUIDs [${shown.join(' ')}${more}]`
    }
  }
}

/** A cookie as readable text: printable ASCII as it is, anything else as hex. */
export function cookieText(cookie: Uint8Array | undefined): string {
  if (cookie === undefined) return '(none)'
  if (cookie.length === 0) return '"" (zero-length)'
  const printable = cookie.every((b) => b >= 0x20 && b < 0x7f)
  return printable ? JSON.stringify(Buffer.from(cookie).toString('latin1')) : `0x${Buffer.from(cookie).toString('hex')}`
}

function uuidText(u: Uint8Array): string {
  return u.length === 16 ? formatSyncUuid(u) : `(${u.length}-octet UUID ${Buffer.from(u).toString('hex')})`
}
