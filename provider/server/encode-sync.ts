/**
 * The sync engine's messages as bytes, written with our codec straight into a BerWriter (so many
 * can share one socket write). Never through ldapjs's Control / SearchEntry classes: those turn
 * binary control values into UTF-8 text and cost ~50 µs per entry (ldapjs-findings.md §2.2, §5).
 *
 * - entry → SearchResultEntry with the Sync State control (RFC 4533 §2.3), its value written in
 *   place;
 * - info → IntermediateResponse, responseName 1.3.6.1.4.1.4203.1.9.1.4, the Sync Info value (§2.5);
 * - done → SearchResultDone, with the Sync Done control when the engine gives one (§2.4).
 *
 * Every control is non-critical with the criticality omitted (its DEFAULT FALSE): slapd does the
 * same, and ldapsearch 2.5 prints an explicit FALSE as "true" (ldapjs-findings.md §2.2).
 */
import type { BerWriter } from '../../protocol/ber/index.js'
import { encodeMessage, writeSearchResultEntryMessage } from '../../protocol/index.js'
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_STATE_OID, encodeSyncInfoValue, formatSyncUuid, writeSyncDoneValue, writeSyncStateValue } from '../../protocol/sync/index.js'
import type { SyncMessage } from '../sync/types.js'

/** Appends one sync message, as a whole LDAPMessage with `messageId`, to `w`. */
export function writeSyncMessage(w: BerWriter, messageId: number, message: SyncMessage): void {
  switch (message.kind) {
    case 'entry': {
      const state = { kind: 'syncState', state: message.state, entryUUID: message.uuid, cookie: message.cookie } as const
      writeSearchResultEntryMessage(w, messageId, message.dn, message.attributes, [
        { type: SYNC_STATE_OID, critical: false, writeValue: (v) => writeSyncStateValue(v, state) },
      ])
      return
    }
    case 'info':
      encodeMessage(
        { messageId, op: { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: encodeSyncInfoValue(message.info) } },
        w,
      )
      return
    case 'done': {
      const done = message.syncDone
      encodeMessage(
        {
          messageId,
          op: { kind: 'searchResultDone', resultCode: message.resultCode, matchedDN: matchedDnOf(message), diagnosticMessage: message.diagnosticMessage },
          controls: done === undefined ? undefined : [{ type: SYNC_DONE_OID, critical: false, writeValue: (v) => writeSyncDoneValue(v, done) }],
        },
        w,
      )
      return
    }
    default: {
      const never: never = message
      throw new Error(`Unknown sync message kind ${(never as { kind: string }).kind}.`)
    }
  }
}

/** A one-line description of a sync message for the event log. */
export function describeSyncMessage(message: SyncMessage): string {
  switch (message.kind) {
    case 'entry':
      return `SearchResultEntry ${message.state} ${message.dn} (entryUUID ${uuidText(message.uuid)}${message.cookie === undefined ? '' : ', cookie'})`
    case 'info':
      return `IntermediateResponse syncInfo ${message.info.kind}`
    case 'done':
      return `SearchResultDone ${message.resultCode}${message.syncDone === undefined ? '' : ' + syncDone'}${message.diagnosticMessage === '' ? '' : `: ${message.diagnosticMessage}`}`
    default: {
      const never: never = message
      return `unknown sync message ${(never as { kind: string }).kind}`
    }
  }
}

function uuidText(uuid: Uint8Array): string {
  try {
    return formatSyncUuid(uuid)
  } catch {
    return Buffer.from(uuid).toString('hex')
  }
}

/**
 * SyncDoneMessage has no matchedDN field yet; an engine that adds one (noSuchObject for a missing
 * base carries the closest existing ancestor, RFC 4511 §4.1.9) is honoured without a change here.
 */
function matchedDnOf(message: SyncMessage & { kind: 'done' }): string {
  const m = (message as { readonly matchedDN?: unknown }).matchedDN
  return typeof m === 'string' ? m : ''
}
