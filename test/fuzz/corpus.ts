/**
 * Seed corpus for the codec fuzz test: real PDUs and values, not ones we invented. Sources:
 * the slapd 2.5.13 traces (every control and Sync Info value exactly as slapd sent it, wrapped in
 * the LDAPMessage slapd sends it in), the captures from ldapsearch / python-ldap / slapd kept as
 * golden bytes by the LDAP codec tests, and the 389-DS handshake examples.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { encodeMessage } from '../../protocol/ldap/message.js'
import type { LdapMessageInput } from '../../protocol/ldap/message.js'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import { writeFilter } from '../../protocol/ldap/filter.js'
import { encodeWith } from '../../protocol/ber/writer.js'
import { isValidCsn } from '../../protocol/sync/csn.js'
import { GOLDEN } from '../../protocol/ldap/test-support/golden-pdus.js'
import { encodeEndReplicationRequest } from '../../protocol/replsession/index.js'

const TRACES = fileURLToPath(new URL('../fixtures/slapd-traces/', import.meta.url))
const hex = (s: string) => Buffer.from(s, 'hex')

export interface Corpus {
  /** Whole LDAPMessages. */
  messages: Buffer[]
  syncRequest: Buffer[]
  syncState: Buffer[]
  syncDone: Buffer[]
  syncInfo: Buffer[]
  cancel: Buffer[]
  replStart: Buffer[]
  replResponse: Buffer[]
  replEnd: Buffer[]
  filterStrings: string[]
  /** BER filters (RFC 4511 §4.5.1.7). */
  filters: Buffer[]
  cookies: Buffer[]
  csns: Buffer[]
}

interface TraceControl {
  oid: string
  critical: boolean
  value_hex: string
}
interface TraceLine {
  type: string
  msgid?: number
  request_control_hex?: string
  critical?: boolean
  base?: string
  filter?: string
  attrs?: string[]
  dn?: string
  result?: number
  value_hex?: string
  responseName?: string
  controls?: TraceControl[]
}

export function loadCorpus(): Corpus {
  const c: Corpus = {
    messages: [],
    syncRequest: [],
    syncState: [],
    syncDone: [],
    syncInfo: [],
    cancel: [hex('3003020102'), hex('3003020104'), hex('300602047fffffff')],
    replStart: [],
    replResponse: [],
    replEnd: [],
    filterStrings: ['(objectClass=*)', '(&(employeeType=staff)(!(cn=a*b*c)))', '(|(uid=a)(uid=\\2a\\28x\\29))', '(cn:caseExactMatch:=Fred)', '(:dn:2.4.6.8.10:=Dino)', '(entryCSN>=20261123142450.416101Z#000000#000#000000)'],
    filters: [],
    cookies: [],
    csns: [],
  }
  for (const file of readdirSync(TRACES).filter((f) => f.endsWith('.jsonl'))) {
    for (const raw of readFileSync(TRACES + file, 'utf8').split('\n')) {
      if (!raw.trim()) continue
      const line = JSON.parse(raw) as TraceLine & { attrs?: unknown; dn?: string }
      const msg = traceMessage(line)
      if (msg) c.messages.push(encodeMessage(msg))
      if (line.type === '_request' && line.request_control_hex) c.syncRequest.push(hex(line.request_control_hex))
      if (line.type === 'IntermediateResponse' && line.value_hex) c.syncInfo.push(hex(line.value_hex))
      for (const ctl of line.controls ?? []) {
        if (ctl.oid.endsWith('.2')) c.syncState.push(hex(ctl.value_hex))
        if (ctl.oid.endsWith('.3')) c.syncDone.push(hex(ctl.value_hex))
      }
      const cookie = (line as { cookie?: string | null }).cookie
      if (typeof cookie === 'string') c.cookies.push(Buffer.from(cookie))
    }
  }
  for (const h of Object.values(GOLDEN)) c.messages.push(hex(h))
  for (const f of c.filterStrings) c.filters.push(encodeWith((w) => writeFilter(w, parseFilter(f))))
  for (const ck of c.cookies) for (const m of ck.toString('latin1').matchAll(/(?:csn=|;)([^,;]+)/g)) if (isValidCsn(m[1] as string)) c.csns.push(Buffer.from(m[1] as string))
  // 389-DS handshake examples (389ds-session-hooks.md §2.7), byte for byte as 389 emits them.
  c.replStart.push(
    hex('3081850417322e31362e3834302e312e3131333733302e332e362e31041164633d6578616d706c652c64633d636f6d312a04287b7265706c69636167656e65726174696f6e7d203635613063316432303030303030303130303030041436356130633230303030303030303031303030300409746573742d67756964040a746573742d6461746100'),
  )
  c.replResponse.push(
    hex('30520a0100302a04287b7265706c69636167656e65726174696f6e7d203635613063316432303030303030303130303030040f746573742d7265706c792d677569640410746573742d7265706c792d6461746100'),
    hex('30030a010e'),
    hex('30030a010c'),
    hex('30030a0109'),
  )
  c.replEnd.push(
    Buffer.from(encodeEndReplicationRequest({ kind: 'endReplicationRequest', replicatedTree: 'dc=example,dc=com', supplierRuv: ['{replicageneration} 65a0c1d2000000010000'] })),
  )
  if (c.messages.length < 700 || c.syncInfo.length < 15 || c.syncState.length < 700) {
    throw new Error(`The fuzz corpus is unexpectedly small (${c.messages.length} messages); are the slapd trace fixtures present?`)
  }
  return c
}

function traceMessage(line: TraceLine & { attrs?: unknown }): LdapMessageInput | undefined {
  const messageId = line.msgid ?? 2
  const controls = (line.controls ?? []).map((x) => ({ type: x.oid, critical: x.critical, value: hex(x.value_hex) }))
  switch (line.type) {
    case '_request':
      return {
        messageId,
        op: {
          kind: 'searchRequest',
          baseObject: line.base ?? '',
          scope: 2,
          derefAliases: 0,
          sizeLimit: 0,
          timeLimit: 0,
          typesOnly: false,
          filter: parseFilter(line.filter ?? '(objectClass=*)'),
          attributes: Array.isArray(line.attrs) ? (line.attrs as string[]) : [],
        },
        controls: line.request_control_hex ? [{ type: '1.3.6.1.4.1.4203.1.9.1.1', critical: line.critical ?? true, value: hex(line.request_control_hex) }] : [],
      }
    case 'SearchResultEntry': {
      const attrs = (line.attrs ?? {}) as Record<string, string[]>
      return {
        messageId,
        op: { kind: 'searchResultEntry', objectName: line.dn ?? '', attributes: Object.entries(attrs).map(([type, vals]) => ({ type, vals: vals.map((v) => Buffer.from(v)) })) },
        controls,
      }
    }
    case 'IntermediateResponse':
      return { messageId, op: { kind: 'intermediateResponse', responseName: line.responseName, responseValue: line.value_hex ? hex(line.value_hex) : undefined }, controls }
    case 'SearchResultDone':
      return { messageId, op: { kind: 'searchResultDone', resultCode: line.result ?? 0, matchedDN: '', diagnosticMessage: '' }, controls }
    default:
      return undefined
  }
}
