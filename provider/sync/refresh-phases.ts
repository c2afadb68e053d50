/**
 * The pieces every dialect's refresh is built from: the content (scope + filter), the sizeLimit
 * count, the entry messages of each state, the present list, and the message that ends a refresh.
 */
import { isWithinScope } from '../../protocol/dn/index.js'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { compareCsn } from '../../protocol/sync/index.js'
import type { SyncInfoValue } from '../../protocol/sync/index.js'
import type { Directory, Entry } from '../directory/index.js'
import { DirectoryError, sidOfCsn } from '../directory/index.js'
import type { AttributeSelection } from '../directory/index.js'
import type { DialectKnobs } from './dialect.js'
import type { SyncMessage, SyncSearchRequest } from './types.js'

/** What every refresh has, whatever the dialect's state model. */
export interface PlanBase {
  readonly directory: Directory
  readonly request: SyncSearchRequest
  readonly knobs: DialectKnobs
  /** The contextCSN vector when the search began (slapd's snapshot S), sorted by serverID. */
  readonly snapshot: readonly string[]
}

/**
 * How a refresh generator may end besides its last message: 'unanswered' means the operation
 * must never be answered (389-DS with a NUL inside the cookie).
 */
export type RefreshEnd = 'unanswered' | undefined

/** Counts refresh entry messages against the request's sizeLimit (RFC 4533 §3.5.3). */
export class EntryLimit {
  private sent = 0
  constructor(private readonly max: number) {}
  /** False when one more entry would exceed the limit. */
  take(): boolean {
    if (this.max > 0 && this.sent >= this.max) return false
    this.sent++
    return true
  }
}

export const SIZE_LIMIT_EXCEEDED: SyncMessage = { kind: 'done', resultCode: ResultCode.sizeLimitExceeded, diagnosticMessage: '' }

/** noSuchObject with the matched DN when the search base is missing, else undefined. */
export function missingBase(plan: PlanBase): SyncMessage | undefined {
  try {
    plan.directory.search({ base: plan.request.base, scope: 'base' })
    return undefined
  } catch (e) {
    if (e instanceof DirectoryError) return { kind: 'done', resultCode: e.resultCode, diagnosticMessage: '', ...(e.matchedDN ? { matchedDN: e.matchedDN } : {}) }
    throw e
  }
}

/** The content: entries within scope of the base that match the filter, in entry-ID order. */
export function matching(plan: PlanBase): Iterable<Entry> {
  const { request } = plan
  return plan.directory.search({ base: request.base, scope: request.scope, filter: request.filter })
}

export function inContent(plan: PlanBase, entry: Entry): boolean {
  const { request } = plan
  return isWithinScope(entry.dn, request.base, request.scope) && plan.directory.matches(entry, request.filter)
}

/** An entry with state add, all requested attributes, no cookie (RFC 4533 §3.3.1). */
export function addMessage(plan: PlanBase, entry: Entry, selection: AttributeSelection): SyncMessage {
  return { kind: 'entry', state: 'add', dn: entry.dnText, attributes: plan.directory.project(entry, selection), uuid: entry.uuidBytes }
}

/**
 * A delete-state entry of a refresh: no attributes (RFC 4533 §3.3.2), or ApacheDS's entryUUID
 * only; `dn` is a past DN or empty (§3.6).
 */
export function deleteEntryMessage(plan: PlanBase, uuid: string, uuidBytes: Uint8Array, dn: string): SyncMessage {
  const attributes = plan.knobs.refreshDeleteAttributes === 'entryUUID' ? [{ type: 'entryUUID', vals: [uuid] }] : []
  return { kind: 'entry', state: 'delete', dn, attributes, uuid: uuidBytes }
}

/** Present-phase UUIDs of every entry in the content: syncIdSet batches or present entries. */
export function* presentList(plan: PlanBase): Generator<SyncMessage> {
  const { knobs } = plan
  if (knobs.presentStyle === 'entries') {
    for (const entry of matching(plan)) yield { kind: 'entry', state: 'present', dn: entry.dnText, attributes: [], uuid: entry.uuidBytes }
    return
  }
  let batch: Uint8Array[] = []
  for (const entry of matching(plan)) {
    batch.push(entry.uuidBytes)
    if (batch.length === knobs.presentBatchSize) {
      yield { kind: 'info', info: { kind: 'syncIdSet', refreshDeletes: false, syncUUIDs: batch } }
      batch = []
    }
  }
  if (batch.length > 0) yield { kind: 'info', info: { kind: 'syncIdSet', refreshDeletes: false, syncUUIDs: batch } }
}

/**
 * The end of a refresh: refreshOnly Done{cookie, refreshDeletes}; refreshAndPersist
 * refreshDelete / refreshPresent with the cookie and refreshDone TRUE (rfc4533.md §3.8 e), or
 * ApacheDS's newcookie.
 */
/**
 * Every matching entry of the content as `add` (initial content, any dialect), the size limit
 * counted; returns false when the limit cut it short (the sizeLimitExceeded Done was yielded).
 */
export function* contentAdds(plan: PlanBase, selection: AttributeSelection, limit: EntryLimit): Generator<SyncMessage, boolean> {
  for (const entry of matching(plan)) {
    if (withheld(plan, entry)) continue
    if (!limit.take()) {
      yield SIZE_LIMIT_EXCEEDED
      return false
    }
    yield addMessage(plan, entry, selection)
  }
  return true
}

export function terminator(plan: PlanBase, persist: boolean, deletePhase: boolean, cookie: Uint8Array): SyncMessage {
  if (!persist) return { kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie, refreshDeletes: deletePhase } }
  if (plan.knobs.persistRefreshEnd === 'newcookie') return { kind: 'info', info: { kind: 'newcookie', cookie } }
  const info: SyncInfoValue = deletePhase ? { kind: 'refreshDelete', cookie, refreshDone: true } : { kind: 'refreshPresent', cookie, refreshDone: true }
  return { kind: 'info', info }
}

/** The snapshot's CSN per serverID, computed once per plan (withheld() runs for every entry). */
const snapshotBySid = new WeakMap<PlanBase, ReadonlyMap<number, string>>()

/** refreshOnly withholds entries newer than its snapshot for the next poll (rfc4533.md §5 case 46). */
export function withheld(plan: PlanBase, entry: Entry): boolean {
  if (plan.request.sync.mode !== 'refreshOnly' || !plan.knobs.refreshOnlySnapshot) return false
  let tops = snapshotBySid.get(plan)
  if (tops === undefined) {
    tops = new Map(plan.snapshot.map((c) => [sidOfCsn(c), c]))
    snapshotBySid.set(plan, tops)
  }
  const csn = entry.entryCsn
  const top = tops.get(sidOfCsn(csn))
  return top === undefined || compareCsn(csn, top) > 0
}
