/**
 * Dialect knobs: every choice RFC 4533 leaves to the provider (and a few deviations real
 * providers make), named after what they change on the wire. The `openldap` preset is slapd
 * 2.5.13's syncprov as recorded in test/fixtures/slapd-traces; the other presets (389-DS,
 * ApacheDS, strict RFC) are built from the same knobs by the scenario layer.
 */
export interface DialectKnobs {
  readonly name: string
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
   * Session-log deletes: one syncIdSet per UUID with a `delcsn` cookie (slapd 2.5+), batched
   * syncIdSets, or delete-state entries.
   */
  readonly deleteStyle: 'syncIdSetPerUuid' | 'syncIdSetBatch' | 'entries'
  readonly deleteBatchSize: number
  /**
   * A write that touches nothing in a persistent search's content: slapd 2.5 / 2.6.0 send a
   * newcookie for adds, modifies and ModifyDNs but not for deletes (ITS#5972 added those in
   * 2.6.1); 'none' sends nothing.
   */
  readonly newcookieOutOfContent: 'exceptDeletes' | 'all' | 'none'
  /**
   * The reply to an up-to-date cookie. '2.5': refreshOnly Done{refreshDeletes TRUE} without a
   * cookie, refreshAndPersist `refreshDelete{}` (traces b, e2). '2.6.14': the present list plus
   * Done{cookie "", refreshDeletes FALSE} (ITS#10026).
   */
  readonly upToDateReply: '2.5' | '2.6.14'
  /** slapd's `syncprov-reloadhint TRUE`: a stale cookie with the client's reloadHint FALSE gets 4096. */
  readonly reloadHint: boolean
  /**
   * Entries of a refreshOnly refresh whose entryCSN is newer than the contextCSN taken when the
   * search began are withheld for the next poll (slapd; rfc4533.md §5 case 46).
   */
  readonly refreshOnlySnapshot: boolean
}

export const OPENLDAP_2_5: DialectKnobs = Object.freeze({
  name: 'openldap',
  initialContentRefreshDeletes: true,
  presentStyle: 'syncIdSet',
  presentBatchSize: 256,
  deleteStyle: 'syncIdSetPerUuid',
  deleteBatchSize: 1,
  newcookieOutOfContent: 'exceptDeletes',
  upToDateReply: '2.5',
  reloadHint: false,
  refreshOnlySnapshot: true,
})
