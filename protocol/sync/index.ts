/**
 * RFC 4533 (LDAP Content Synchronization) values, the RFC 3909 Cancel request value, and the
 * OpenLDAP cookie and CSN formats.
 *
 * Conventions shared by every value here:
 * - Values are plain objects with a `readonly kind`; cookies and UUIDs are bytes (decoders return
 *   views of their input — copy them to keep them). An absent cookie is `undefined`, a present
 *   zero-length one an empty Uint8Array.
 * - Encoders write strict DER by default (DEFAULT members left out, TRUE = 0xFF, minimal
 *   lengths); a `form` argument reproduces other peers' habits. Decoders accept any of those and
 *   return `{ value, form, uniformLengths }`, so `encode(d.value, d.form)` gives the input back.
 * - Encoders accept anything their decoder can return and refuse what it would reject (same
 *   error code) unless `allowInvalid` is set — for the provider's deliberately broken scripts.
 */
export { SYNC_REQUEST_OID, SYNC_STATE_OID, SYNC_DONE_OID, SYNC_INFO_OID, CANCEL_REQUEST_OID } from './oids.js'
export type { BooleanForm, LengthForm, AllowInvalid, Decoded } from './encoding-form.js'

export {
  encodeSyncRequestValue,
  decodeSyncRequestValue,
  writeSyncRequestValue,
  isKnownSyncMode,
  type SyncRequestValue,
  type SyncRequestMode,
  type SyncRequestForm,
  type DecodedSyncRequest,
} from './sync-request.js'
export {
  encodeSyncStateValue,
  decodeSyncStateValue,
  writeSyncStateValue,
  type SyncStateValue,
  type SyncStateValueToEncode,
  type SyncStateName,
  type SyncStateForm,
  type DecodedSyncState,
} from './sync-state.js'
export {
  encodeSyncDoneValue,
  decodeSyncDoneValue,
  writeSyncDoneValue,
  type SyncDoneValue,
  type SyncDoneForm,
  type DecodedSyncDone,
} from './sync-done.js'
export {
  encodeSyncInfoValue,
  decodeSyncInfoValue,
  writeSyncInfoValue,
  type SyncInfoValue,
  type SyncInfoForm,
  type DecodedSyncInfo,
} from './sync-info.js'
export { NEWCOOKIE_TAG, type NewcookieValue, type NewcookieForm } from './sync-info-newcookie.js'
export { REFRESH_DELETE_TAG, type RefreshDeleteValue, type RefreshDeleteForm } from './sync-info-refresh-delete.js'
export { REFRESH_PRESENT_TAG, type RefreshPresentValue, type RefreshPresentForm } from './sync-info-refresh-present.js'
export { SYNC_ID_SET_TAG, type SyncIdSetValue, type SyncIdSetForm } from './sync-info-sync-id-set.js'
export {
  encodeCancelRequestValue,
  decodeCancelRequestValue,
  writeCancelRequestValue,
  MAX_MESSAGE_ID,
  type CancelRequestValue,
  type CancelRequestForm,
  type DecodedCancelRequest,
} from './cancel-request.js'

export { SYNC_UUID_LENGTH, isSyncUuid, formatSyncUuid, parseSyncUuid, isCanonicalUuidText } from './uuid.js'
export {
  parseCsn,
  isValidCsn,
  compareCsn,
  formatCsn,
  csnFromDate,
  csnDate,
  scanCsn,
  MAX_CSN_SID,
  type Csn,
  type CsnFault,
  type CsnFields,
} from './csn.js'
export {
  parseOpenLdapCookie,
  composeOpenLdapCookie,
  type OpenLdapCookie,
  type OpenLdapCookieFields,
  type CookieOutcome,
  type InvalidCookieCsn,
} from './openldap-cookie.js'
export {
  mergeCsnVectors,
  compareCsnVectors,
  type SidRelation,
  type SidComparison,
  type CsnVectorComparison,
} from './csn-vector.js'
