import { ProtocolError } from './errors.js'
import type { Control } from './ldap/control.js'
import { formatFilter } from './ldap/filter-string.js'
import { OpTag } from './ldap/op-tags.js'
import type { LdapMessage } from './ldap/message.js'
import { resultCodeName } from './ldap/result-codes.js'
import { searchScopeName } from './ldap/search-request.js'
import { CANCEL_REQUEST_OID, SYNC_DONE_OID, SYNC_INFO_OID, SYNC_REQUEST_OID, SYNC_STATE_OID } from './sync/oids.js'
import { decodeCancelRequestValue } from './sync/cancel-request.js'
import { decodeSyncDoneValue } from './sync/sync-done.js'
import { decodeSyncInfoValue } from './sync/sync-info.js'
import type { SyncInfoValue } from './sync/sync-info.js'
import { decodeSyncRequestValue } from './sync/sync-request.js'
import { decodeSyncStateValue } from './sync/sync-state.js'
import { formatSyncUuid } from './sync/uuid.js'

/**
 * One readable line per LDAP message, with the RFC 4533 controls and Sync Info values decoded:
 * the vocabulary of the provider's session log, the runner's wire log and `syncrepl-harness
 * decode`. A sync value that fails to decode is shown with its error code rather than thrown,
 * because this is what people read when something is already wrong.
 *
 * @example
 * describeMessage(decodeMessage(bytes))
 * // '#2 SearchResultDone success (0) · syncDone cookie="rid=000,csn=…" refreshDeletes=TRUE'
 */
export function describeMessage(msg: LdapMessage, options: DescribeOptions = {}): string {
  const parts = [`#${msg.messageId}`, describeOp(msg, options)]
  for (const c of msg.controls) parts.push('· ' + describeControl(c, options))
  return parts.join(' ')
}

export interface DescribeOptions {
  /** Show at most this many UUIDs of a syncIdSet (default 4; the count is always shown). */
  maxUuids?: number
}

function describeOp(msg: LdapMessage, options: DescribeOptions): string {
  const op = msg.op
  switch (op.kind) {
    case 'bindRequest':
      return `BindRequest v${op.version} name=${quote(op.name)} ${op.authentication.kind === 'simple' ? (op.authentication.password.length ? 'simple (password)' : 'simple (anonymous)') : `sasl ${op.authentication.mechanism}`}`
    case 'bindResponse':
      return `BindResponse ${result(op.resultCode, op.diagnosticMessage)}`
    case 'unbindRequest':
      return 'UnbindRequest'
    case 'searchRequest':
      return `SearchRequest base=${quote(op.baseObject)} scope=${searchScopeName(op.scope) ?? op.scope} filter=${formatFilter(op.filter)} attrs=${op.attributes.length ? op.attributes.join(',') : '(all user)'}${op.sizeLimit ? ` sizeLimit=${op.sizeLimit}` : ''}${op.timeLimit ? ` timeLimit=${op.timeLimit}` : ''}`
    case 'searchResultEntry':
      return `SearchResultEntry ${quote(op.objectName)} ${op.attributes.length} attribute${op.attributes.length === 1 ? '' : 's'}`
    case 'searchResultReference':
      return `SearchResultReference ${op.uris.length ? op.uris.join(' ') : '(no URIs)'}`
    case 'searchResultDone':
      return `SearchResultDone ${result(op.resultCode, op.diagnosticMessage)}`
    case 'abandonRequest':
      return `AbandonRequest of #${op.idToAbandon}`
    case 'extendedRequest':
      return `ExtendedRequest ${op.requestName}${describeExtendedValue(op.requestName, op.requestValue)}`
    case 'extendedResponse':
      return `ExtendedResponse ${result(op.resultCode, op.diagnosticMessage)}${op.responseName ? ` name=${op.responseName}` : ''}${op.responseValue ? ` value=${bytes(op.responseValue)}` : ''}`
    case 'intermediateResponse':
      if (op.responseName === SYNC_INFO_OID && op.responseValue) return `IntermediateResponse syncInfo ${describeSyncInfo(op.responseValue, options)}`
      return `IntermediateResponse ${op.responseName ?? '(no name)'}${op.responseValue ? ` value=${bytes(op.responseValue)}` : ''}`
    case 'unsupported':
      return `${opName(op.tag)} (tag 0x${op.tag.toString(16)}, ${op.bytes.length} octets, not decoded)`
    default: {
      const never: never = op
      return String(never)
    }
  }
}

function opName(tag: number): string {
  for (const [name, t] of Object.entries(OpTag)) if (t === tag) return name.charAt(0).toUpperCase() + name.slice(1)
  return 'Unknown operation'
}

function describeExtendedValue(name: string, value: Uint8Array | undefined): string {
  if (value === undefined) return ''
  if (name === CANCEL_REQUEST_OID) {
    return safely(() => ` cancel #${decodeCancelRequestValue(value).value.cancelID}`)
  }
  return ` value=${bytes(value)}`
}

/** Describes one control, decoding the four RFC 4533 ones. */
export function describeControl(c: Control, options: DescribeOptions = {}): string {
  const crit = c.critical ? ' (critical)' : ''
  const v = c.value
  switch (c.type) {
    case SYNC_REQUEST_OID:
      if (!v) return `syncRequest (no value)${crit}`
      return safely(() => {
        const r = decodeSyncRequestValue(v).value
        return `syncRequest ${typeof r.mode === 'number' ? `mode=${r.mode}` : r.mode} cookie=${cookie(r.cookie)} reloadHint=${bool(r.reloadHint)}`
      }) + crit
    case SYNC_STATE_OID:
      if (!v) return `syncState (no value)${crit}`
      return safely(() => {
        const s = decodeSyncStateValue(v).value
        return `syncState ${s.state} ${formatSyncUuid(s.entryUUID)}${s.cookie ? ` cookie=${cookie(s.cookie)}` : ''}`
      }) + crit
    case SYNC_DONE_OID:
      if (!v) return `syncDone (no value)${crit}`
      return safely(() => {
        const d = decodeSyncDoneValue(v).value
        return `syncDone cookie=${cookie(d.cookie)} refreshDeletes=${bool(d.refreshDeletes)}`
      }) + crit
    default:
      return `control ${c.type}${v ? ` value=${bytes(v)}` : ''}${crit}`
  }
  void options
}

/** Describes a Sync Info value (the responseValue of the IntermediateResponse). */
export function describeSyncInfo(value: Uint8Array, options: DescribeOptions = {}): string {
  return safely(() => describeSyncInfoValue(decodeSyncInfoValue(value).value, options))
}

function describeSyncInfoValue(info: SyncInfoValue, options: DescribeOptions): string {
  switch (info.kind) {
    case 'newcookie':
      return `newcookie ${cookie(info.cookie)}`
    case 'refreshDelete':
    case 'refreshPresent':
      return `${info.kind} cookie=${cookie(info.cookie)} refreshDone=${bool(info.refreshDone)}`
    case 'syncIdSet': {
      const max = options.maxUuids ?? 4
      const shown = info.syncUUIDs.slice(0, max).map((u) => (u.length === 16 ? formatSyncUuid(u) : `(${u.length}-octet UUID)`))
      const more = info.syncUUIDs.length > max ? ` …+${info.syncUUIDs.length - max}` : ''
      return `syncIdSet refreshDeletes=${bool(info.refreshDeletes)} cookie=${cookie(info.cookie)} ${info.syncUUIDs.length} UUID${info.syncUUIDs.length === 1 ? '' : 's'} [${shown.join(' ')}${more}]`
    }
    default: {
      const never: never = info
      return String(never)
    }
  }
}

function safely(fn: () => string): string {
  try {
    return fn()
  } catch (e) {
    if (e instanceof ProtocolError) return `UNDECODABLE (${e.code}: ${e.message})`
    throw e
  }
}

function result(code: number, diagnostic: string): string {
  return `${resultCodeName(code) ?? 'unknown'} (${code})${diagnostic ? ` ${quote(diagnostic)}` : ''}`
}

function bool(b: boolean): string {
  return b ? 'TRUE' : 'FALSE'
}

function quote(s: string): string {
  return JSON.stringify(s)
}

/** Cookies are bytes; show them as text when they are printable ASCII (OpenLDAP's are). */
export function cookie(c: Uint8Array | undefined): string {
  if (c === undefined) return '(absent)'
  if (c.length === 0) return '""'
  return bytes(c)
}

function bytes(b: Uint8Array): string {
  let printable = true
  for (const x of b) {
    if (x < 0x20 || x > 0x7e) {
      printable = false
      break
    }
  }
  if (printable) return quote(Buffer.from(b).toString('latin1'))
  return '0x' + Buffer.from(b).toString('hex')
}
