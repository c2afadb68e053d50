/**
 * The dialect presets: one frozen set of knobs per provider the mock can imitate. docs/provider.md
 * "Dialect presets" tabulates them with their sources.
 */
import { OPENLDAP_2_5 } from './dialect.js'
import type { DialectKnobs } from './dialect.js'
import { SyncEngineError } from './errors.js'

/**
 * 389 Directory Server 2.3.1's Content Synchronization plugin over the Retro Changelog, as
 * recorded in test/fixtures/389ds-traces (README there): changenumber cookies bound to bind DN,
 * base and filter; initial content and incremental refreshes end with refreshDeletes FALSE;
 * deletes in syncIdSets of at most 50 with the 51st dropped; no present phase, no newcookie.
 * syncUUIDs are 389's nsUniqueIds there; the mock sends its entryUUIDs (both are 16 octets).
 */
export const DS389_2_3: DialectKnobs = Object.freeze({
  ...OPENLDAP_2_5,
  name: '389ds',
  cookieStyle: '389ds',
  initialContentRefreshDeletes: false,
  deleteStyle: 'syncIdSetBatch',
  deleteBatchSize: 50,
  newcookieOutOfContent: 'none',
  refreshOnlySnapshot: false,
  serverSignature: 'localhost:389',
  deleteBatchDropsOverflow: true,
  openldapCompat: false,
})

/**
 * ApacheDS 2.0's syncrepl provider (SyncReplRequestHandler / SyncReplSearchListener, prior-art
 * §A.3): `rid=N,csn=…` cookies with provider-assigned replica ids, 4096 for an invalid cookie or
 * an unknown replica, no phase markers (refreshAndPersist refreshes end with a newcookie),
 * resumed sessions replay the journal (modify as `add`, ModifyDN as `modify`, delete stripped to
 * entryUUID), Sync Done without refreshDeletes (FALSE).
 */
export const APACHEDS_2_0: DialectKnobs = Object.freeze({
  ...OPENLDAP_2_5,
  name: 'apacheds',
  initialContentRefreshDeletes: false,
  newcookieOutOfContent: 'none',
  unusableCookie: 'refreshRequired',
  incrementalRefresh: 'journalReplay',
  persistRefreshEnd: 'newcookie',
  cookieRid: 'perReplica',
  refreshDeleteAttributes: 'entryUUID',
  persistDeleteAttributes: 'full',
})

/**
 * What RFC 4533 prefers wherever it states a preference, and its base forms elsewhere: initial
 * content ends refreshDeletes FALSE (§3.3.1) / refreshPresent (§3.4); present and delete phases
 * as individual attribute-less entries (§3.3.2's base form, no syncIdSet coalescing); a delete
 * phase only when the history covers the cookie and the deletes do not outnumber the unchanged
 * entries, else a present phase, and present-then-delete when the history starts after the
 * cookie (§3.3.2, §3.9); "nothing changed" as an empty delete phase with the cookie (§3.9,
 * Appendix A); a fresh cookie for every write, including deletes outside the content (§3.4.2,
 * §3.9); an unusable or future cookie means initial content (§3.1, §3.2), a stale one 4096
 * unless the client set reloadHint (§2.2, §3.3.2).
 */
export const STRICT_RFC_4533: DialectKnobs = Object.freeze({
  ...OPENLDAP_2_5,
  name: 'strict-rfc',
  initialContentRefreshDeletes: false,
  presentStyle: 'entries',
  deleteStyle: 'entries',
  newcookieOutOfContent: 'all',
  upToDateReply: 'emptyDeletePhase',
  reloadHint: true,
  futureCookie: 'unusable',
  presentThenDelete: true,
  deletePhaseOnlyIfFewer: true,
})

export type DialectName = 'openldap' | '389ds' | 'apacheds' | 'strict-rfc'

/** Every preset by name. */
export const DIALECTS: Readonly<Record<DialectName, DialectKnobs>> = Object.freeze({
  openldap: OPENLDAP_2_5,
  '389ds': DS389_2_3,
  apacheds: APACHEDS_2_0,
  'strict-rfc': STRICT_RFC_4533,
})

/**
 * The preset with this name.
 *
 * @example dialectByName('389ds').deleteBatchSize // 50
 * @throws SyncEngineError SYNC_UNKNOWN_DIALECT for any other name.
 */
export function dialectByName(name: string): DialectKnobs {
  if (Object.hasOwn(DIALECTS, name)) return DIALECTS[name as DialectName]
  throw new SyncEngineError('SYNC_UNKNOWN_DIALECT',
    `There is no sync dialect preset named ${JSON.stringify(name)}; use one of ${Object.keys(DIALECTS).map((n) => `"${n}"`).join(', ')}.`)
}

/**
 * A preset with individual knobs overridden, checked: batch sizes must be whole numbers of at
 * least 1 and the server signature must not contain `#` (it is a cookie field).
 *
 * @throws SyncEngineError SYNC_UNKNOWN_DIALECT, SYNC_BAD_DIALECT
 */
export function resolveDialect(preset: string = 'openldap', overrides: Partial<DialectKnobs> = {}): DialectKnobs {
  const knobs: DialectKnobs = Object.freeze({ ...dialectByName(preset), ...overrides })
  for (const key of ['presentBatchSize', 'deleteBatchSize'] as const) {
    const n = knobs[key]
    if (!(Number.isSafeInteger(n) && n >= 1)) {
      throw new SyncEngineError('SYNC_BAD_DIALECT', `The dialect knob ${key} must be a whole number of at least 1, not ${String(n)}.`)
    }
  }
  if (knobs.serverSignature.includes('#')) {
    throw new SyncEngineError('SYNC_BAD_DIALECT', `The dialect knob serverSignature (${JSON.stringify(knobs.serverSignature)}) must not contain "#", which separates 389-DS cookie fields.`)
  }
  return knobs
}
