/**
 * Dialect knobs: every choice RFC 4533 leaves to the provider (and the deviations real providers
 * make), named after what they change on the wire. Each knob says where its values come from.
 * The `openldap` preset is slapd 2.5.13's syncprov as recorded in test/fixtures/slapd-traces;
 * presets.ts builds `389ds`, `apacheds` and `strict-rfc` from the same knobs.
 */
export interface DialectKnobs {
  readonly name: string
  /**
   * The provider's state model and cookie. 'openldap': entryCSNs, the contextCSN vector and
   * `rid=…,csn=…` cookies (slapd, and ApacheDS's cookie text). '389ds': the retro changelog's
   * change numbers and `host:port#binddn:base:filter#changenumber` cookies
   * (test/fixtures/389ds-traces); the refresh then follows 389-DS's sync plugin and only the
   * knobs marked "389ds" below (plus refreshOnlySnapshot) apply to it.
   */
  readonly cookieStyle: 'openldap' | '389ds'
  /**
   * refreshDeletes of the Sync Done ending initial content (no cookie / unusable cookie).
   * RFC 4533 §3.3.1 says FALSE; slapd sends TRUE (trace a), which makes consumers that follow the
   * RFC literally keep ghosts (kanidm/kanidm#734).
   */
  readonly initialContentRefreshDeletes: boolean
  /** Present-phase UUIDs as syncIdSet batches (slapd) or one attribute-less present entry each (RFC's base form). */
  readonly presentStyle: 'syncIdSet' | 'entries'
  /** UUIDs per present syncIdSet (slapd: 256, SLAP_SYNCUUID_SET_SIZE). */
  readonly presentBatchSize: number
  /**
   * Refresh deletes: one syncIdSet per UUID with a `delcsn` cookie (slapd 2.5+), batched
   * syncIdSets (389ds: with the session cookie), or delete-state entries.
   */
  readonly deleteStyle: 'syncIdSetPerUuid' | 'syncIdSetBatch' | 'entries'
  /** UUIDs per delete syncIdSet with 'syncIdSetBatch' (389ds: 50, SYNC_MAX_DELETED_UUID_BATCH). */
  readonly deleteBatchSize: number
  /**
   * A write that touches nothing in a persistent search's content: slapd 2.5 / 2.6.0 send a
   * newcookie for adds, modifies and ModifyDNs but not for deletes (ITS#5972 added those in
   * 2.6.1); 'none' sends nothing (389-DS trace g, ApacheDS).
   */
  readonly newcookieOutOfContent: 'exceptDeletes' | 'all' | 'none'
  /**
   * The reply to an up-to-date cookie. '2.5': refreshOnly Done{refreshDeletes TRUE} without a
   * cookie, refreshAndPersist `refreshDelete{}` (traces b, e2). '2.6.14': the present list plus
   * Done{cookie "", refreshDeletes FALSE} (ITS#10026). 'emptyDeletePhase': a delete phase with
   * no deletes and the cookie, Done{cookie, refreshDeletes TRUE} / refreshDelete{cookie}
   * (RFC 4533 §3.9 "send zero deletes", Appendix A).
   */
  readonly upToDateReply: '2.5' | '2.6.14' | 'emptyDeletePhase'
  /** slapd's `syncprov-reloadhint TRUE`: a stale cookie with the client's reloadHint FALSE gets 4096. */
  readonly reloadHint: boolean
  /**
   * Entries of a refreshOnly refresh whose entryCSN is newer than the contextCSN taken when the
   * search began are withheld for the next poll (slapd; rfc4533.md §5 case 46; ApacheDS's
   * initial search adds `entryCSN <= contextCSN` to the filter). 389ds: not withheld.
   */
  readonly refreshOnlySnapshot: boolean
  /**
   * A cookie the provider cannot use (garbage, no rid, rid only, a bad CSN): initial content
   * (slapd, traces f2 f4 f7; RFC 4533 §3.1's first choice) or 4096 without a Sync Done control
   * (ApacheDS: `isValidCookie` fails → sendESyncRefreshRequired).
   */
  readonly unusableCookie: 'initialContent' | 'refreshRequired'
  /**
   * A cookie newer than the provider for its own serverID, or with state when the provider has
   * none: 53 "consumer state is newer than provider!" (slapd, trace f1), or handled like an
   * unusable cookie (RFC 4533 §3.2 knows no 53 for it).
   */
  readonly futureCookie: 'unwillingToPerform' | 'unusable'
  /**
   * How a usable cookie is served. 'sessionLog': slapd's decision tree (session log deletes,
   * else a present phase; up-to-date and stale cases). 'journalReplay': ApacheDS replays the
   * consumer's journal — every change since the cookie's CSN, one message each: add and modify
   * as `add` with the full entry, ModifyDN as `modify`, delete as `delete` (prior-art §A.3).
   */
  readonly incrementalRefresh: 'sessionLog' | 'journalReplay'
  /**
   * 'sessionLog' with a non-empty log that does not reach back to the cookie: a present phase,
   * `refreshPresent{refreshDone FALSE}`, then the log's deletes as a delete phase ending with
   * refreshDeletes TRUE (RFC 4533 §3.3.2's third shape, §3.4). slapd sends a present phase only.
   */
  readonly presentThenDelete: boolean
  /**
   * 'sessionLog' with a log that covers the cookie: use the delete phase only when the deletes
   * do not outnumber the unchanged entries, else a present phase (RFC 4533 §3.9). slapd always
   * uses the log.
   */
  readonly deletePhaseOnlyIfFewer: boolean
  /**
   * The message ending a refreshAndPersist refresh. 'phaseInfo': refreshDelete / refreshPresent
   * with refreshDone TRUE (RFC 4533 §3.4; slapd, 389-DS). 'newcookie': a newcookie Sync Info and
   * no phase marker at all (ApacheDS, prior-art §A.3).
   */
  readonly persistRefreshEnd: 'phaseInfo' | 'newcookie'
  /**
   * The rid in the cookies the provider sends. 'echo': the request's rid, 000 without a cookie
   * (slapd). 'perReplica': ApacheDS gives each initial refresh a new replica id (1, 2, …,
   * written unpadded) with its own journal, and answers a cookie whose rid it never gave out
   * with 4096 ("no event log associated with this replica").
   */
  readonly cookieRid: 'echo' | 'perReplica'
  /**
   * Attributes of a delete-state entry in a refresh: none (RFC 4533 §3.3.2; slapd) or
   * entryUUID only (ApacheDS strips the deleted entry to it).
   */
  readonly refreshDeleteAttributes: 'none' | 'entryUUID'
  /**
   * Attributes of a persist delete: none (slapd, 389-DS trace e) or the whole entry as it was
   * (ApacheDS's SyncReplSearchListener sends the deleted entry as is).
   */
  readonly persistDeleteAttributes: 'none' | 'full'
  /**
   * 389ds: the SERVER part of its cookies, 389's `nsslapd-localhost:nsslapd-port`. A cookie
   * naming another server gets 4096 (trace f6). The preset says `localhost:389`; the traces were
   * recorded with `localhost:39601`.
   */
  readonly serverSignature: string
  /**
   * 389ds: the 51st, 102nd, 153rd, … deleted UUID of one incremental refresh is never sent
   * (389-DS 2.3.1 trace h2, h2-missing-deletes.txt: sync_send_deleted_entries flushes a full
   * 50-UUID set but does not keep the UUID that overflowed it). Only with 'syncIdSetBatch'.
   */
  readonly deleteBatchDropsOverflow: boolean
  /**
   * 389ds: the sync plugin's `syncrepl-allow-openldap` (compat/ traces): a cookie starting with
   * `rid=` switches the operation to OpenLDAP compat — `rid=NNN` alone is initial content,
   * `rid=NNN,csn=<fake CSN>` an incremental refresh, Sync Done refreshDeletes TRUE, cookies
   * `rid=NNN,csn=<changenumber as seconds after 2100-01-01T01:01:01Z>.000000Z#000000#000#000000`;
   * refreshAndPersist with such a cookie gets 53. Off: such cookies get 4096 (trace f8).
   */
  readonly openldapCompat: boolean
}

export const OPENLDAP_2_5: DialectKnobs = Object.freeze({
  name: 'openldap',
  cookieStyle: 'openldap',
  initialContentRefreshDeletes: true,
  presentStyle: 'syncIdSet',
  presentBatchSize: 256,
  deleteStyle: 'syncIdSetPerUuid',
  deleteBatchSize: 1,
  newcookieOutOfContent: 'exceptDeletes',
  upToDateReply: '2.5',
  reloadHint: false,
  refreshOnlySnapshot: true,
  unusableCookie: 'initialContent',
  futureCookie: 'unwillingToPerform',
  incrementalRefresh: 'sessionLog',
  presentThenDelete: false,
  deletePhaseOnlyIfFewer: false,
  persistRefreshEnd: 'phaseInfo',
  cookieRid: 'echo',
  refreshDeleteAttributes: 'none',
  persistDeleteAttributes: 'none',
  serverSignature: 'localhost:389',
  deleteBatchDropsOverflow: false,
  openldapCompat: false,
})
