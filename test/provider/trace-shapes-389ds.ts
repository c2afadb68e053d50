/**
 * Reduces a sync session to its "shape" for comparison with the 389-DS 2.3.1 traces in
 * test/fixtures/389ds-traces: message types, states, DNs, whether an entry carried attributes,
 * syncIdSet contents (as the DNs their UUIDs had) and sizes, refreshDeletes values, result codes
 * and texts, cookies with their change numbers replaced by tokens, and the TLV outline of every
 * Sync value — which members are on the wire, BOOLEAN octets included — so an omitted DEFAULT
 * and an explicit one differ. Our side is taken from the bytes the provider's encoder writes
 * (provider/server/encode-sync.ts), decoded again.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { BerReader } from '../../protocol/ber/index.js'
import { BerWriter } from '../../protocol/ber/index.js'
import { decodeMessage } from '../../protocol/ldap/index.js'
import { SYNC_DONE_OID, SYNC_STATE_OID, decodeSyncDoneValue, decodeSyncInfoValue, decodeSyncStateValue, formatSyncUuid } from '../../protocol/sync/index.js'
import { writeSyncMessage } from '../../provider/server/encode-sync.js'
import type { SyncMessage } from '../../provider/sync/index.js'
import type { TraceLine } from './trace-shapes.js'

const TRACES = fileURLToPath(new URL('../fixtures/389ds-traces/', import.meta.url))

export interface Trace389Line extends TraceLine {
  reloadHint?: boolean
}

export function read389Trace(name: string): Trace389Line[] {
  return readFileSync(`${TRACES}${name}.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Trace389Line)
}

/** The request cookie of a trace as bytes (`hex:…` for binary ones), undefined when none was sent. */
export function requestCookieOf(lines: Trace389Line[]): Uint8Array | undefined {
  const c = lines.find((l) => l.type === '_request')?.cookie
  if (c === null || c === undefined) return undefined
  return c.startsWith('hex:') ? Buffer.from(c.slice(4), 'hex') : Buffer.from(c, 'latin1')
}

/** uuid (canonical text) → the first DN it was seen with in these traces. */
export function trace389UuidNames(files: readonly string[]): Map<string, string> {
  const names = new Map<string, string>()
  for (const f of files) {
    for (const l of read389Trace(f)) if (l.type === 'SearchResultEntry' && l.uuid && l.dn && !names.has(l.uuid)) names.set(l.uuid, l.dn)
  }
  return names
}

/** One message as it went over the wire: what the shape needs, Sync values still encoded. */
interface WireMessage {
  readonly type: 'entry' | 'info' | 'done'
  readonly dn?: string
  readonly hasAttributes?: boolean
  readonly value?: Uint8Array
  readonly resultCode?: number
  readonly diagnostic?: string
}

function fromTrace(lines: Trace389Line[]): WireMessage[] {
  const out: WireMessage[] = []
  for (const l of lines) {
    if (l.type === 'SearchResultEntry') {
      const ctl = l.controls?.find((c) => c.oid === SYNC_STATE_OID)
      out.push({ type: 'entry', dn: l.dn ?? '', hasAttributes: Object.keys(l.attrs ?? {}).length > 0, ...(ctl ? { value: Buffer.from(ctl.value_hex, 'hex') } : {}) })
    } else if (l.type === 'IntermediateResponse') {
      out.push({ type: 'info', ...(l.value_hex ? { value: Buffer.from(l.value_hex, 'hex') } : {}) })
    } else if (l.type === 'SearchResultDone') {
      const ctl = l.controls?.find((c) => c.oid === SYNC_DONE_OID)
      out.push({ type: 'done', resultCode: l.result ?? 0, diagnostic: l.diagnostic ?? '', ...(ctl ? { value: Buffer.from(ctl.value_hex, 'hex') } : {}) })
    }
  }
  return out
}

/** Our messages through the provider's encoder, decoded back from the bytes. */
function fromEngine(messages: readonly SyncMessage[]): WireMessage[] {
  return messages.map((m) => {
    const w = new BerWriter(256)
    writeSyncMessage(w, 2, m)
    const msg = decodeMessage(w.take())
    const op = msg.op
    switch (op.kind) {
      case 'searchResultEntry': {
        const value = msg.controls.find((c) => c.type === SYNC_STATE_OID)?.value
        return { type: 'entry', dn: op.objectName, hasAttributes: op.attributes.length > 0, ...(value ? { value } : {}) }
      }
      case 'intermediateResponse':
        return { type: 'info', ...(op.responseValue ? { value: op.responseValue } : {}) }
      case 'searchResultDone': {
        const value = msg.controls.find((c) => c.type === SYNC_DONE_OID)?.value
        return { type: 'done', resultCode: op.resultCode, diagnostic: op.diagnosticMessage, ...(value ? { value } : {}) }
      }
      default:
        throw new Error(`the encoder wrote a ${op.kind} for a sync message`)
    }
  })
}

/**
 * The TLV outline of a BER value: tags in hex, constructed ones with their children in
 * parentheses, BOOLEAN and ENUMERATED with their content octet, runs of equal siblings as `×n`.
 * `a3(04,01:ff,31(04×50))` is a syncIdSet with a cookie, refreshDeletes TRUE and 50 UUIDs.
 */
export function tlvOutline(bytes: Uint8Array): string {
  const walk = (r: BerReader): string[] => {
    const parts: string[] = []
    while (!r.atEnd()) {
      const h = r.readHeader()
      const tag = h.tag.toString(16).padStart(2, '0')
      if ((h.tag & 0x20) !== 0) parts.push(`${tag}(${collapse(walk(new BerReader(r.buf, h.contentStart, h.end))).join(',')})`)
      else if (h.tag === 0x01 || h.tag === 0x0a) parts.push(`${tag}:${Buffer.from(r.buf.subarray(h.contentStart, h.end)).toString('hex')}`)
      else parts.push(tag)
    }
    return parts
  }
  return collapse(walk(new BerReader(bytes))).join(',')
}

function collapse(parts: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < parts.length; ) {
    let j = i
    while (j < parts.length && parts[j] === parts[i]) j++
    out.push(j - i > 1 ? `${parts[i]}×${j - i}` : (parts[i] as string))
    i = j
  }
  return out
}

const NUMBERED = /^(.*)#(.*)#(\d+)$/
const COMPAT = /^(rid=[^,]*),csn=(\d{14})(\.000000Z#000000#000#000000)$/
const COMPAT_EPOCH = Date.UTC(2100, 0, 1, 1, 1, 1) / 1000

/** The change number a cookie carries (389 or compat form), or undefined. */
export function changeNumberOf(cookie: Uint8Array | undefined): number | undefined {
  if (cookie === undefined) return undefined
  const text = Buffer.from(cookie).toString('latin1')
  // The compat form has '#'s too: try it first.
  const c = COMPAT.exec(text)
  if (c) {
    const s = c[2] as string
    return Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(8, 10), +s.slice(10, 12), +s.slice(12, 14)) / 1000 - COMPAT_EPOCH
  }
  const n = NUMBERED.exec(text)
  return n ? Number(n[3]) : undefined
}

/**
 * Cookie tokens: change numbers become REQ (the request cookie's) or N1, N2, … in order of first
 * appearance within the session; the rest of the cookie text stays.
 */
class CookieTokens {
  private readonly seen = new Map<number, string>()
  constructor(private readonly request: number | undefined) {}

  shape(cookie: Uint8Array | undefined): string {
    if (cookie === undefined) return '(absent)'
    const text = Buffer.from(cookie).toString('latin1')
    const n = changeNumberOf(cookie)
    if (n === undefined) return JSON.stringify(text)
    const c = COMPAT.exec(text)
    if (c) return `${c[1]},csn=${this.token(n)}${c[3]}`
    const numbered = NUMBERED.exec(text) as RegExpExecArray
    return `${numbered[1]}#${numbered[2]}#${this.token(n)}`
  }

  private token(n: number): string {
    if (n === this.request) return 'REQ'
    let t = this.seen.get(n)
    if (t === undefined) {
      t = `N${this.seen.size + 1}`
      this.seen.set(n, t)
    }
    return t
  }
}

function shapeOf(wire: WireMessage[], names: Map<string, string>, requestCookie: Uint8Array | undefined): string[] {
  const tokens = new CookieTokens(changeNumberOf(requestCookie))
  const nameOf = (u: Uint8Array) => names.get(formatSyncUuid(u)) ?? `unknown ${formatSyncUuid(u)}`
  return wire.map((m) => {
    const outline = m.value ? ` wire=${tlvOutline(m.value)}` : ''
    switch (m.type) {
      case 'entry': {
        if (!m.value) return `ENTRY without Sync State ${m.dn}`
        const s = decodeSyncStateValue(m.value).value
        return `ENTRY ${s.state} ${m.dn} ${m.hasAttributes ? 'attributes' : 'no attributes'} cookie=${tokens.shape(s.cookie)}${outline}`
      }
      case 'info': {
        if (!m.value) return 'INFO without value'
        const v = decodeSyncInfoValue(m.value).value
        switch (v.kind) {
          case 'newcookie':
            return `INFO newcookie ${tokens.shape(v.cookie)}${outline}`
          case 'refreshDelete':
          case 'refreshPresent':
            return `INFO ${v.kind} refreshDone=${v.refreshDone} cookie=${tokens.shape(v.cookie)}${outline}`
          case 'syncIdSet':
            return `INFO syncIdSet refreshDeletes=${v.refreshDeletes} cookie=${tokens.shape(v.cookie)} n=${v.syncUUIDs.length} [${v.syncUUIDs.map(nameOf).join(' | ')}]${outline}`
        }
        break
      }
      case 'done': {
        const diag = m.diagnostic ? ` "${m.diagnostic}"` : ''
        if (!m.value) return `DONE ${m.resultCode}${diag} no Sync Done control`
        const d = decodeSyncDoneValue(m.value).value
        return `DONE ${m.resultCode}${diag} syncDone(cookie=${tokens.shape(d.cookie)} refreshDeletes=${d.refreshDeletes})${outline}`
      }
    }
    throw new Error(`unexpected wire message ${m.type}`)
  })
}

export function shapeOf389Trace(lines: Trace389Line[], names: Map<string, string>): string[] {
  return shapeOf(fromTrace(lines), names, requestCookieOf(lines))
}

export function shapeOf389Messages(messages: readonly SyncMessage[], names: Map<string, string>, requestCookie: Uint8Array | undefined): string[] {
  return shapeOf(fromEngine(messages), names, requestCookie)
}

/** Change numbers of the cookies our messages carry, in order (to check they only grow). */
export function changeNumbersOf(messages: readonly SyncMessage[]): number[] {
  const out: number[] = []
  for (const m of messages) {
    const c = m.kind === 'entry' ? m.cookie : m.kind === 'done' ? m.syncDone?.cookie : m.info.kind === 'newcookie' || m.info.cookie !== undefined ? m.info.cookie : undefined
    const n = changeNumberOf(c)
    if (n !== undefined) out.push(n)
  }
  return out
}

/**
 * A request cookie's shape, its own change number as REQ — also a number after a ',' that took
 * the place of the last '#' (trace f3) — to check we sent what the trace sent.
 */
export function requestCookieShape(cookie: Uint8Array | undefined): string {
  return new CookieTokens(changeNumberOf(cookie)).shape(cookie).replace(/,\d+"$/, ',REQ"')
}
