/**
 * Object identifiers of RFC 4533 §2 (under the OpenLDAP arc 1.3.6.1.4.1.4203.1.9.1, §8.1) and of
 * the Cancel operation, RFC 3909 §2. Result codes (e-syncRefreshRequired 4096, canceled 118 …)
 * belong to the LDAP layer, not here.
 */

/** Sync Request Control, on a SearchRequest (RFC 4533 §2.2). */
export const SYNC_REQUEST_OID = '1.3.6.1.4.1.4203.1.9.1.1'

/** Sync State Control, on SearchResultEntry / SearchResultReference (RFC 4533 §2.3). */
export const SYNC_STATE_OID = '1.3.6.1.4.1.4203.1.9.1.2'

/** Sync Done Control, on SearchResultDone (RFC 4533 §2.4). */
export const SYNC_DONE_OID = '1.3.6.1.4.1.4203.1.9.1.3'

/** Sync Info Message: the responseName of an IntermediateResponse (RFC 4533 §2.5). */
export const SYNC_INFO_OID = '1.3.6.1.4.1.4203.1.9.1.4'

/** Cancel extended operation: requestName of the ExtendedRequest (RFC 3909 §2.1). */
export const CANCEL_REQUEST_OID = '1.3.6.1.1.8'
