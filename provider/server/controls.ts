/**
 * Request controls, checked the way slapd's get_ctrls / slap_parse_ctrl do (controls.c), in the
 * order they were sent, stopping at the first failure. ldapjs checks none of this.
 *
 * - an unrecognised critical control → unavailableCriticalExtension (12) "critical extension is
 *   not recognized"; an unrecognised non-critical one is ignored (RFC 4511 §4.1.11);
 * - a recognised control on an operation it does not apply to → 12 "critical extension is
 *   unavailable" when critical, ignored otherwise;
 * - the Sync Request control is validated like syncprov_parseCtrl (rfc4533.md §3.2), with
 *   slapd 2.5's exact diagnostic texts.
 */
import { BerReader, Tag } from '../../protocol/ber/index.js'
import { ResultCode } from '../../protocol/index.js'
import type { Control } from '../../protocol/index.js'
import { SYNC_REQUEST_OID, decodeSyncRequestValue, isKnownSyncMode } from '../../protocol/sync/index.js'
import type { SyncRequestValue } from '../../protocol/sync/index.js'
import type { ResultInput } from './responses.js'

/** RFC 3296 ManageDsaIT: slapd's own consumer always sends it, critical. No referrals here, so it changes nothing. */
export const MANAGE_DSA_IT_OID = '2.16.840.1.113730.3.4.2'
/** RFC 2696 simple paged results: recognised only to refuse it beside the Sync control. */
export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319'

/** The controls this provider implements, as the root DSE lists them in supportedControl. */
export const SUPPORTED_CONTROLS: readonly string[] = [SYNC_REQUEST_OID, MANAGE_DSA_IT_OID]

export type RequestKind = 'bind' | 'search' | 'add' | 'modify' | 'delete' | 'modifyDn' | 'compare' | 'extended' | 'abandon' | 'unbind'

export type ControlVerdict =
  | { readonly ok: true; readonly sync?: SyncRequestValue; readonly manageDsaIt: boolean }
  | { readonly ok: false; readonly result: ResultInput }

function refuse(resultCode: number, diagnosticMessage: string): ControlVerdict {
  return { ok: false, result: { resultCode, diagnosticMessage } }
}

/** Checks a request's controls for the operation they came with. */
export function checkControls(controls: readonly Control[], request: RequestKind): ControlVerdict {
  let sync: SyncRequestValue | undefined
  let paged = false
  let pagedCritical = false
  let manageDsaIt = false
  for (const c of controls) {
    switch (c.type) {
      case SYNC_REQUEST_OID: {
        if (request !== 'search') {
          if (c.critical) return refuse(ResultCode.unavailableCriticalExtension, 'critical extension is unavailable')
          break
        }
        if (sync !== undefined) return refuse(ResultCode.protocolError, 'Sync control specified multiple times')
        if (paged) return refuse(ResultCode.protocolError, 'Sync control specified with pagedResults control')
        const parsed = parseSyncControl(c)
        if ('resultCode' in parsed) return { ok: false, result: parsed }
        sync = parsed
        break
      }
      case PAGED_RESULTS_OID:
        if (request !== 'search') {
          if (c.critical) return refuse(ResultCode.unavailableCriticalExtension, 'critical extension is unavailable')
          break
        }
        // slapd only notices the pair when paged comes first; refusing either order keeps the
        // harness from paging a sync search, which RFC 4533 §2.2 does not define.
        if (sync !== undefined) return refuse(ResultCode.protocolError, 'Sync control specified with pagedResults control')
        if (paged) return refuse(ResultCode.protocolError, 'paged results control specified multiple times')
        paged = true
        pagedCritical = c.critical
        break
      case MANAGE_DSA_IT_OID:
        if (request === 'bind') {
          if (c.critical) return refuse(ResultCode.unavailableCriticalExtension, 'manageDSAit control inappropriate')
          break
        }
        if (manageDsaIt) return refuse(ResultCode.protocolError, 'manageDSAit control specified multiple times')
        if (c.value !== undefined) return refuse(ResultCode.protocolError, 'manageDSAit control value not absent')
        manageDsaIt = true
        break
      default:
        if (c.critical) return refuse(ResultCode.unavailableCriticalExtension, 'critical extension is not recognized')
    }
  }
  // This provider does not page: a critical paged control cannot be honoured (a non-critical one
  // is ignored and everything comes in one page). slapd would page; see the provider docs.
  if (pagedCritical) return refuse(ResultCode.unavailableCriticalExtension, 'critical extension is unavailable')
  return { ok: true, ...(sync === undefined ? {} : { sync }), manageDsaIt }
}

/** syncprov_parseCtrl: the value's presence, shape and mode. A bad cookie is the engine's business (treated as none). */
function parseSyncControl(c: Control): SyncRequestValue | ResultInput {
  const value = c.value
  if (value === undefined) return { resultCode: ResultCode.protocolError, diagnosticMessage: 'Sync control value is absent' }
  if (value.length === 0) return { resultCode: ResultCode.protocolError, diagnosticMessage: 'Sync control value is empty' }
  if (!readsMode(value)) return { resultCode: ResultCode.protocolError, diagnosticMessage: 'Sync control : mode decoding error' }
  let decoded: SyncRequestValue
  try {
    decoded = decodeSyncRequestValue(value).value
  } catch {
    return { resultCode: ResultCode.protocolError, diagnosticMessage: 'Sync control : decoding error' }
  }
  if (!isKnownSyncMode(decoded.mode)) return { resultCode: ResultCode.protocolError, diagnosticMessage: 'Sync control : unknown update mode' }
  return decoded
}

/** Whether the value starts like `{i`: a SEQUENCE whose first member is an ENUMERATED. */
function readsMode(value: Uint8Array): boolean {
  try {
    const seq = new BerReader(value).enter(Tag.Sequence, 'a syncRequestValue')
    seq.readEnumerated(Tag.Enumerated, 'the mode of a syncRequestValue')
    return true
  } catch {
    return false
  }
}
