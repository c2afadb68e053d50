/**
 * Reduces a sync session to its "shape": message types, states, DNs, syncIdSet contents (as the
 * DNs the UUIDs had), refreshDeletes / refreshDone values, result codes and diagnostic texts,
 * and cookies with their CSNs replaced by tokens. Two providers that behave alike produce the
 * same shape even though their UUIDs and CSNs differ. Used to hold our sync engine against the
 * slapd 2.5.13 traces in test/fixtures/slapd-traces.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeSyncDoneValue, decodeSyncInfoValue, decodeSyncStateValue, formatSyncUuid } from '../../protocol/sync/index.js'
import type { SyncInfoValue } from '../../protocol/sync/index.js'
import type { SyncMessage } from '../../provider/sync/index.js'

const CSN = /\d{14}\.\d{6}Z#[0-9a-f]{6}#[0-9a-f]{3}#[0-9a-f]{6}/g
const TRACES = fileURLToPath(new URL('../fixtures/slapd-traces/', import.meta.url))

export interface TraceLine {
  type: string
  mode?: string
  cookie?: string | null
  reloadHint?: boolean
  filter?: string
  dn?: string
  uuid?: string
  state?: string
  attrs?: Record<string, string[]>
  result?: number
  diagnostic?: string
  value_hex?: string
  controls?: { oid: string; value_hex: string }[]
}

export function readTrace(name: string): TraceLine[] {
  return readFileSync(`${TRACES}${name}.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TraceLine)
}

/** uuid (canonical text) → the first DN it was seen with, over every trace (UUIDs are unique across runs). */
export function traceUuidNames(): Map<string, string> {
  const names = new Map<string, string>()
  for (const f of ['a-refreshonly-initial', 'd0-refreshonly-initial', 'e-persist-live-changes', 'f0-refreshonly-initial', 'g-filter-persist', 'g0-filter-refreshonly-initial', 'h0-refreshonly-initial-600']) {
    for (const l of readTrace(f)) if (l.type === 'SearchResultEntry' && l.uuid && l.dn && !names.has(l.uuid)) names.set(l.uuid, l.dn)
  }
  // g2 deletes user000002 of the g run, which never matched that run's filter, so no trace shows
  // its entry (slapd's session log reports UUIDs the consumer never had, rfc4533.md §5 case 10).
  names.set('732ce000-7b95-1041-8825-a565ec75dd4c', 'uid=user000002,ou=people,dc=example,dc=com')
  return names
}

/** Tokens for CSNs: the request cookie's, the session's final contextCSN, or any other. */
export interface CsnTokens {
  request?: string
  final?: string
}

export function cookieShape(cookie: Uint8Array | undefined, tokens: CsnTokens): string {
  if (cookie === undefined) return '(absent)'
  const text = Buffer.from(cookie).toString('latin1')
  if (text === '') return '""'
  return text.replace(CSN, (c) => (c === tokens.request ? 'REQ' : c === tokens.final ? 'CTX' : 'CSN'))
}

function infoShape(info: SyncInfoValue, names: (uuid: Uint8Array) => string, tokens: CsnTokens): string {
  switch (info.kind) {
    case 'newcookie':
      return `INFO newcookie ${cookieShape(info.cookie, tokens)}`
    case 'refreshDelete':
    case 'refreshPresent':
      return `INFO ${info.kind} cookie=${cookieShape(info.cookie, tokens)} refreshDone=${info.refreshDone}`
    case 'syncIdSet':
      return `INFO syncIdSet refreshDeletes=${info.refreshDeletes} cookie=${cookieShape(info.cookie, tokens)} [${info.syncUUIDs.map(names).join(' | ')}]`
  }
}

/** The shape of a recorded slapd session, read from the raw values slapd sent. */
export function shapeOfTrace(lines: TraceLine[], names: Map<string, string>, withAttributes = true): string[] {
  const request = lines.find((l) => l.type === '_request')
  const tokens: CsnTokens = { request: request?.cookie?.match(CSN)?.[0], final: finalCsnOfTrace(lines) }
  const nameOf = (u: Uint8Array) => names.get(formatSyncUuid(u)) ?? `unknown ${formatSyncUuid(u)}`
  const out: string[] = []
  for (const l of lines) {
    if (l.type === 'SearchResultEntry') {
      const ctl = l.controls?.find((c) => c.oid.endsWith('.2'))
      const state = ctl ? decodeSyncStateValue(Buffer.from(ctl.value_hex, 'hex')).value : undefined
      const attrs = withAttributes ? ` attrs=${Object.keys(l.attrs ?? {}).map((a) => a.toLowerCase()).sort().join(',')}` : ''
      out.push(`ENTRY ${state?.state} ${l.dn}${attrs} cookie=${cookieShape(state?.cookie, tokens)}`)
    } else if (l.type === 'IntermediateResponse' && l.value_hex) {
      out.push(infoShape(decodeSyncInfoValue(Buffer.from(l.value_hex, 'hex')).value, nameOf, tokens))
    } else if (l.type === 'SearchResultDone') {
      const ctl = l.controls?.find((c) => c.oid.endsWith('.3'))
      const done = ctl ? decodeSyncDoneValue(Buffer.from(ctl.value_hex, 'hex')).value : undefined
      out.push(doneShape(l.result ?? 0, l.result ? (l.diagnostic ?? '') : '', done ? { cookie: done.cookie, refreshDeletes: done.refreshDeletes } : undefined, tokens))
    }
  }
  return out
}

function doneShape(code: number, diagnostic: string, done: { cookie?: Uint8Array; refreshDeletes: boolean } | undefined, tokens: CsnTokens): string {
  const ctl = done ? `syncDone(cookie=${cookieShape(done.cookie, tokens)} refreshDeletes=${done.refreshDeletes})` : 'no Sync Done control'
  return `DONE ${code}${diagnostic ? ` "${diagnostic}"` : ''} ${ctl}`
}

/** The shape of what our engine produced; `names` maps our UUIDs to their first DN. */
export function shapeOfMessages(messages: SyncMessage[], names: Map<string, string>, requestCookie: Uint8Array | undefined, withAttributes = true): string[] {
  const tokens: CsnTokens = {
    request: requestCookie ? Buffer.from(requestCookie).toString('latin1').match(CSN)?.[0] : undefined,
    final: finalCsnOfMessages(messages),
  }
  const nameOf = (u: Uint8Array) => names.get(formatSyncUuid(u)) ?? `unknown ${formatSyncUuid(u)}`
  return messages.map((m) => {
    switch (m.kind) {
      case 'entry':
        return `ENTRY ${m.state} ${m.dn}${withAttributes ? ` attrs=${m.attributes.map((a) => a.type.toLowerCase()).sort().join(',')}` : ''} cookie=${cookieShape(m.cookie, tokens)}`
      case 'info':
        return infoShape(m.info, nameOf, tokens)
      case 'done':
        return doneShape(m.resultCode, m.diagnosticMessage, m.syncDone, tokens)
    }
  })
}

/** The last full cookie CSN a session ended its refresh with (Done or terminating info). */
function finalCsnOfTrace(lines: TraceLine[]): string | undefined {
  let last: string | undefined
  for (const l of lines) {
    if (l.type === 'SearchResultDone') {
      const ctl = l.controls?.find((c) => c.oid.endsWith('.3'))
      const c = ctl ? decodeSyncDoneValue(Buffer.from(ctl.value_hex, 'hex')).value.cookie : undefined
      if (c) last = Buffer.from(c).toString('latin1').match(CSN)?.[0] ?? last
    }
    if (l.type === 'IntermediateResponse' && l.value_hex) {
      const v = decodeSyncInfoValue(Buffer.from(l.value_hex, 'hex')).value
      if ((v.kind === 'refreshDelete' || v.kind === 'refreshPresent') && v.cookie) last = Buffer.from(v.cookie).toString('latin1').match(CSN)?.[0] ?? last
    }
  }
  return last
}

function finalCsnOfMessages(messages: SyncMessage[]): string | undefined {
  let last: string | undefined
  for (const m of messages) {
    const c = m.kind === 'done' ? m.syncDone?.cookie : m.kind === 'info' && (m.info.kind === 'refreshDelete' || m.info.kind === 'refreshPresent') ? m.info.cookie : undefined
    if (c) last = Buffer.from(c).toString('latin1').match(CSN)?.[0] ?? last
  }
  return last
}
