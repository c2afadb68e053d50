/**
 * Deliberately broken variants of the reference consumer, each with one real-world bug, as
 * fixtures for test/conformance/broken-consumers.test.ts: the conformance catalogue must grade
 * every one of them FAIL somewhere (or NON-STRICT, for a bug that only costs efficiency), while
 * the unmodified reference consumer passes. A variant is a SyncSession subclass changing one
 * protected rule, or the reference session over a store that keeps the replica wrongly; each
 * file's doc comment says which bug it mimics and where it was seen.
 */
import type { ConsumerDriver } from '../../../tools/conform/drivers/types.js'
import { AcceptProtocolViolationsConsumer } from './accept-protocol-violations.js'
import { CommitCookieMidPhaseConsumer } from './commit-cookie-mid-phase.js'
import { DeleteAfterIncompletePhaseConsumer } from './delete-after-incomplete-phase.js'
import { Ignore4096Consumer } from './ignore-4096.js'
import { IgnoreRenamesConsumer } from './ignore-renames.js'
import { IgnoreSyncIdSetDeletesConsumer } from './ignore-syncidset-deletes.js'
import { DnKeyedStore } from './key-by-dn.js'
import { ReplaceCookieConsumer } from './replace-cookie-instead-of-merge.js'
import { brokenDriver } from './session-consumer.js'
import { SkipPresentDeletionConsumer } from './skip-present-deletion.js'
import { EmptyCookieKeepingStore, StoreEmptyCookieConsumer } from './store-empty-cookie.js'

export interface BrokenConsumer {
  /** Kebab-case; the driver is named `broken:<name>`. */
  readonly name: string
  /** The real-world bug it reproduces, in one sentence. */
  readonly mimics: string
  /**
   * The grade the catalogue must give it in at least one case: FAIL for a MUST violation (data
   * lost, ghosts kept, a broken message accepted), NON-STRICT for a bug that only costs a reload.
   */
  readonly caughtAs: 'FAIL' | 'NON-STRICT'
  /** A fresh driver (it keeps per-case state between runs, so one per catalogue run). */
  driver(): ConsumerDriver
}

export const BROKEN_CONSUMERS: readonly BrokenConsumer[] = [
  {
    name: 'skip-present-deletion',
    mimics: 'python-ldap applications that leave syncrepl_present(None, False) a no-op: entries not named in a present phase are never deleted (rfc4533.md §4.1, §5 cases 1, 4, 5).',
    caughtAs: 'FAIL',
    driver: () => brokenDriver('skip-present-deletion', { consumerClass: SkipPresentDeletionConsumer }),
  },
  {
    name: 'delete-after-incomplete-phase',
    mimics: 'ReOpenLDAP#70/#71: a present list cut short by a lost connection, 4096, a limit or an error result is acted upon as if complete, and what was staged is committed (rfc4533.md §5 cases 34–36).',
    caughtAs: 'FAIL',
    driver: () => brokenDriver('delete-after-incomplete-phase', { consumerClass: DeleteAfterIncompletePhaseConsumer }),
  },
  {
    name: 'commit-cookie-mid-phase',
    mimics: 'python-ldap applications persisting every syncrepl_set_cookie at once: a refresh-stage cookie is stored before the refresh completes, so a crash mid-refresh resumes past data never applied (rfc4533.md §5 case 16).',
    caughtAs: 'FAIL',
    driver: () => brokenDriver('commit-cookie-mid-phase', { consumerClass: CommitCookieMidPhaseConsumer }),
  },
  {
    name: 'store-empty-cookie',
    mimics: "python-ldap and libldap's ldap_sync storing slapd's zero-length cookie and sending it back, which slapd answers with a full reload (rfc4533.md §4.4, §5 cases 3, 14).",
    // Alone, the bug costs a full reload: the rest of this consumer is the reference, which
    // deletes what slapd's silent reload did not send. The ghosts python-ldap keeps come from its
    // present contract, another bug; so the catalogue grades this one NON-STRICT (case 14).
    caughtAs: 'NON-STRICT',
    driver: () => brokenDriver('store-empty-cookie', { consumerClass: StoreEmptyCookieConsumer, createStore: (saved) => new EmptyCookieKeepingStore(saved) }),
  },
  {
    name: 'key-by-dn',
    mimics: 'consumers mirroring into a table keyed by DN with a stale uuid → dn side map: renames leave the old entry, deletes by UUID miss, a new UUID at an old DN overwrites (akkornel/syncrepl#5; rfc4533.md §5 cases 20, 21, 27).',
    caughtAs: 'FAIL',
    driver: () => brokenDriver('key-by-dn', { createStore: (saved) => new DnKeyedStore(saved) }),
  },
  {
    name: 'ignore-syncidset-deletes',
    mimics: "consumers that act only on Sync State controls: slapd's session-log deletes, announced as syncIdSet refreshDeletes TRUE, are never applied (rfc4533.md §5 cases 10, 12).",
    caughtAs: 'FAIL',
    driver: () => brokenDriver('ignore-syncidset-deletes', { consumerClass: IgnoreSyncIdSetDeletesConsumer }),
  },
  {
    name: 'ignore-4096',
    mimics: 'python-ldap applications that treat e-syncRefreshRequired, a generic LDAPError there, as a passing error: no reload, the refused cookie kept, the replica never catches up (rfc4533.md §4.4, §5 cases 32–34).',
    caughtAs: 'FAIL',
    driver: () => brokenDriver('ignore-4096', { consumerClass: Ignore4096Consumer }),
  },
  {
    name: 'ignore-renames',
    mimics: 'consumers updating an entry found by UUID in place and treating its DN as fixed: a modRDN keeps the old DN and the subtree is not moved (rfc4533.md §5 cases 20, 21).',
    caughtAs: 'FAIL',
    driver: () => brokenDriver('ignore-renames', { consumerClass: IgnoreRenamesConsumer }),
  },
  {
    name: 'replace-cookie-instead-of-merge',
    mimics: 'python-ldap#562: a per-entry cookie carrying one serverID\'s CSN replaces the whole multi-provider vector, forcing full reloads (rfc4533.md §5 case 29).',
    caughtAs: 'NON-STRICT',
    driver: () => brokenDriver('replace-cookie-instead-of-merge', { consumerClass: ReplaceCookieConsumer }),
  },
  {
    name: 'accept-protocol-violations',
    mimics: "python-ldap's lenient dispatch: entries without a Sync State control are skipped, the first of several State controls is used, a second refreshDone is ignored (rfc4533.md §4.2, §5 cases 40–42).",
    caughtAs: 'FAIL',
    driver: () => brokenDriver('accept-protocol-violations', { consumerClass: AcceptProtocolViolationsConsumer }),
  },
]
