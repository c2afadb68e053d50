/**
 * The cookie a sync message carries, read straight off the wire (Sync State control, Sync Info
 * value or Sync Done control, RFC 4533 §2.3–§2.5) — for variants that act on the raw cookie
 * instead of what the reference consumer's cookie policy makes of it. A value that does not
 * decode gives undefined: the reference session then reports the violation itself.
 */
import type { LdapMessage } from '../../../protocol/ldap/message.js'
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_STATE_OID, decodeSyncDoneValue, decodeSyncInfoValue, decodeSyncStateValue } from '../../../protocol/sync/index.js'
import type { SyncInfoValue } from '../../../protocol/sync/index.js'

export function incomingCookie(message: LdapMessage): Uint8Array | undefined {
  try {
    const op = message.op
    switch (op.kind) {
      case 'searchResultEntry':
      case 'searchResultReference': {
        const value = message.controls.find((c) => c.type === SYNC_STATE_OID)?.value
        return value === undefined ? undefined : decodeSyncStateValue(value).value.cookie
      }
      case 'intermediateResponse':
        return op.responseName === SYNC_INFO_OID ? syncInfoOf(op.responseValue)?.cookie : undefined
      case 'searchResultDone': {
        const value = message.controls.find((c) => c.type === SYNC_DONE_OID)?.value
        return value === undefined ? undefined : decodeSyncDoneValue(value).value.cookie
      }
      default:
        return undefined
    }
  } catch {
    return undefined
  }
}

/** The decoded Sync Info value, or undefined when absent or undecodable. */
export function syncInfoOf(value: Uint8Array | undefined): SyncInfoValue | undefined {
  if (value === undefined) return undefined
  try {
    return decodeSyncInfoValue(value).value
  } catch {
    return undefined
  }
}
