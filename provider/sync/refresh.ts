import { compareCsn } from '../../protocol/sync/index.js'
import type { Csn, SyncInfoValue } from '../../protocol/sync/index.js'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { isWithinScope } from '../../protocol/dn/index.js'
import type { Directory, Entry, SessionLogRecord } from '../directory/index.js'
import { DirectoryError, selectAttributes, sidOfCsn } from '../directory/index.js'
import type { AttributeSelection } from '../directory/index.js'
import { replyCookie } from './cookie-state.js'
import type { CookieState } from './cookie-state.js'
import type { DialectKnobs } from './dialect.js'
import type { SyncMessage, SyncSearchRequest } from './types.js'

/** Everything one refresh needs, fixed when the operation starts. */
export interface RefreshPlan {
  readonly directory: Directory
  readonly request: SyncSearchRequest
  readonly knobs: DialectKnobs
  readonly cookie: CookieState
  /** The contextCSN vector when the search began (slapd's snapshot S), sorted by serverID. */
  readonly snapshot: readonly string[]
}

/**
 * The refresh stage of one sync operation, message by message, following slapd 2.5's
 * syncprov_op_search decision tree (rfc4533.md §3.4) with the dialect knobs for every choice the
 * RFC leaves open. Lazy: the server pulls one message at a time and waits for the socket.
 */
export function* refreshMessages(plan: RefreshPlan): Generator<SyncMessage> {
  const { directory, request, knobs, cookie, snapshot } = plan
  const persist = request.sync.mode === 'refreshAndPersist'
  const ownSid = directory.sid
  const selection = selectAttributes(request.attributes)
  const limit = new EntryLimit(request.sizeLimit)

  // A refreshOnly on a database that never had a write (no contextCSN) is answered before any
  // search, so a missing base does not matter (observed on slapd 2.5.13; rfc4533.md §3.8 a).
  if (!persist && snapshot.length === 0 && cookie.verdict.kind === 'noState') {
    yield* upToDate(plan, persist)
    return
  }
  // Otherwise the base must exist (2.5 answers noSuchObject even to a cookie-less
  // refreshAndPersist on an empty database; 2.6.1 relaxed that, ITS#9691).
  try {
    directory.search({ base: request.base, scope: 'base' })
  } catch (e) {
    if (e instanceof DirectoryError) {
      yield { kind: 'done', resultCode: e.resultCode, diagnosticMessage: '', ...(e.matchedDN ? { matchedDN: e.matchedDN } : {}) }
      return
    }
    throw e
  }

  const verdict = cookie.verdict
  switch (verdict.kind) {
    case 'providerHasNoState':
    case 'newerThanProvider':
      yield { kind: 'done', resultCode: ResultCode.unwillingToPerform, diagnosticMessage: 'consumer state is newer than provider!' }
      return
    case 'noState':
      if (snapshot.length === 0) {
        // Nothing was ever written: slapd takes the "no change" path (rfc4533.md §3.8 a).
        yield* upToDate(plan, persist)
        return
      }
      yield* initialContent(plan, persist, selection, limit, knobs.initialContentRefreshDeletes)
      return
    case 'missingSid':
      // Full content with present semantics and no present list (trace f5).
      yield* initialContent(plan, persist, selection, limit, false)
      return
    case 'upToDate':
      yield* upToDate(plan, persist)
      return
    case 'changed':
      break
    default: {
      const never: never = verdict
      throw new Error(`unhandled cookie verdict ${String(never)}`)
    }
  }

  // Something changed since the consumer's cookie.
  const played = sessionLogDeletes(plan, verdict.consumerCsns, verdict.minCsn)
  if (played !== undefined) {
    // Delete phase from the session log (traces c, e3, g2).
    for (const m of deleteMessages(plan, played, verdict.consumerCsns)) yield m
    for (const m of changedEntries(plan, verdict.consumerCsns, selection, limit)) yield m
    yield terminator(persist, true, replyCookie(cookie, ownSid, snapshot))
    return
  }
  if (!anyEntryAtOrBefore(directory, verdict.minCsn.text)) {
    // "failed to find entry with csn": the cookie is older than everything we hold (trace f6).
    if (knobs.reloadHint && !request.sync.reloadHint) {
      yield { kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage: 'sync cookie is stale' } // trace f9
      return
    }
    yield* initialContent(plan, persist, selection, limit, false) // traces f6, f10
    return
  }
  // Present phase (traces d, c2, g3, h): every matching UUID, then what changed as adds.
  yield* presentList(plan)
  for (const m of changedEntries(plan, verdict.consumerCsns, selection, limit)) yield m
  yield terminator(persist, false, replyCookie(cookie, ownSid, snapshot))
}

/** Counts refresh entry messages against the request's sizeLimit (RFC 4533 §3.5.3). */
class EntryLimit {
  private sent = 0
  constructor(private readonly max: number) {}
  /** False when one more entry would exceed the limit. */
  take(): boolean {
    if (this.max > 0 && this.sent >= this.max) return false
    this.sent++
    return true
  }
}

const SIZE_LIMIT_EXCEEDED: SyncMessage = { kind: 'done', resultCode: ResultCode.sizeLimitExceeded, diagnosticMessage: '' }

function* upToDate(plan: RefreshPlan, persist: boolean): Generator<SyncMessage> {
  if (plan.knobs.upToDateReply === '2.6.14') {
    yield* presentList(plan)
    const empty = new Uint8Array(0)
    if (persist) yield { kind: 'info', info: { kind: 'refreshPresent', refreshDone: true } }
    else yield { kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie: empty, refreshDeletes: false } }
    return
  }
  // slapd 2.5: refreshOnly Done{refreshDeletes TRUE} with no cookie (trace b); refreshAndPersist
  // `refreshDelete{}`, i.e. `a1 00` (trace e2).
  if (persist) yield { kind: 'info', info: { kind: 'refreshDelete', refreshDone: true } }
  else yield { kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', refreshDeletes: true } }
}

/** Every matching entry as add, then the terminator (traces a, f2, f4, f5, f6, f7, f8, f10). */
function* initialContent(plan: RefreshPlan, persist: boolean, selection: AttributeSelection, limit: EntryLimit, refreshDeletes: boolean): Generator<SyncMessage> {
  for (const entry of matching(plan)) {
    if (withheld(plan, entry)) continue
    if (!limit.take()) {
      yield SIZE_LIMIT_EXCEEDED
      return
    }
    yield addMessage(plan, entry, selection)
  }
  yield terminator(persist, refreshDeletes, replyCookie(plan.cookie, plan.directory.sid, plan.snapshot))
}

/** Entries changed after the consumer's state, as adds without cookies (rfc4533.md §3.4 step 4). */
function* changedEntries(plan: RefreshPlan, consumer: readonly Csn[], selection: AttributeSelection, limit: EntryLimit): Generator<SyncMessage> {
  const known = new Map(consumer.map((c) => [c.sid, c.text]))
  for (const entry of matching(plan)) {
    const have = known.get(sidOfCsn(entry.entryCsn))
    if (have !== undefined && compareCsn(entry.entryCsn, have) <= 0) continue
    if (withheld(plan, entry)) continue
    if (!limit.take()) {
      yield SIZE_LIMIT_EXCEEDED
      return
    }
    yield addMessage(plan, entry, selection)
  }
}

/** Present-phase UUIDs of every entry in the content: syncIdSet batches or present entries. */
function* presentList(plan: RefreshPlan): Generator<SyncMessage> {
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
 * The session-log replay (slapd's syncprov_play_sessionlog): undefined when the log cannot
 * cover the consumer's state, else the records of entries that left the content since then:
 * deletes, and modified or renamed entries that no longer match (the log does not know whether
 * the consumer ever had them, trace g2). Adds are skipped. One record per UUID, the newest.
 */
function sessionLogDeletes(plan: RefreshPlan, consumer: readonly Csn[], minCsn: Csn): SessionLogRecord[] | undefined {
  const log = plan.directory.sessionLog
  if (log.length === 0) return undefined
  const coverage = log.coverageCsn(minCsn.sid)
  if (coverage !== undefined && compareCsn(minCsn.text, coverage) < 0) return undefined
  const known = new Map(consumer.map((c) => [c.sid, c.text]))
  const picked = new Map<string, SessionLogRecord>()
  for (const record of log.since(minCsn.text)) {
    const have = known.get(record.sid)
    if (have !== undefined && compareCsn(record.csn, have) <= 0) continue
    if (record.kind === 'add') continue
    if (record.kind !== 'delete') {
      const entry = plan.directory.getByUuid(record.uuid)
      if (entry !== undefined && inContent(plan, entry)) continue
    }
    picked.delete(record.uuid)
    picked.set(record.uuid, record)
  }
  return [...picked.values()]
}

function* deleteMessages(plan: RefreshPlan, records: readonly SessionLogRecord[], consumer: readonly Csn[]): Generator<SyncMessage> {
  const { knobs, cookie, directory } = plan
  switch (knobs.deleteStyle) {
    case 'syncIdSetPerUuid':
      // slapd 2.5+: one syncIdSet per UUID, its cookie the consumer's old vector plus delcsn.
      for (const r of records) {
        yield { kind: 'info', info: { kind: 'syncIdSet', cookie: replyCookie(cookie, directory.sid, consumer, r.csn), refreshDeletes: true, syncUUIDs: [r.uuidBytes] } }
      }
      return
    case 'syncIdSetBatch':
      for (let i = 0; i < records.length; i += knobs.deleteBatchSize) {
        const batch = records.slice(i, i + knobs.deleteBatchSize)
        yield { kind: 'info', info: { kind: 'syncIdSet', refreshDeletes: true, syncUUIDs: batch.map((r) => r.uuidBytes) } }
      }
      return
    case 'entries':
      for (const r of records) yield { kind: 'entry', state: 'delete', dn: '', attributes: [], uuid: r.uuidBytes }
      return
    default: {
      const never: never = knobs.deleteStyle
      throw new Error(`unhandled delete style ${String(never)}`)
    }
  }
}

/**
 * The end of a refresh: refreshOnly Done{cookie, refreshDeletes}; refreshAndPersist
 * refreshDelete / refreshPresent with the cookie and refreshDone TRUE (rfc4533.md §3.8 e).
 */
function terminator(persist: boolean, deletePhase: boolean, cookie: Uint8Array): SyncMessage {
  if (!persist) return { kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie, refreshDeletes: deletePhase } }
  const info: SyncInfoValue = deletePhase ? { kind: 'refreshDelete', cookie, refreshDone: true } : { kind: 'refreshPresent', cookie, refreshDone: true }
  return { kind: 'info', info }
}

function addMessage(plan: RefreshPlan, entry: Entry, selection: AttributeSelection): SyncMessage {
  return { kind: 'entry', state: 'add', dn: entry.dnText, attributes: plan.directory.project(entry, selection), uuid: entry.uuidBytes }
}

function matching(plan: RefreshPlan): Iterable<Entry> {
  const { request } = plan
  return plan.directory.search({ base: request.base, scope: request.scope, filter: request.filter })
}

function inContent(plan: RefreshPlan, entry: Entry): boolean {
  const { request } = plan
  return isWithinScope(entry.dn, request.base, request.scope) && plan.directory.matches(entry, request.filter)
}

/** The snapshot's CSN per serverID, computed once per plan (withheld() runs for every entry). */
const snapshotBySid = new WeakMap<RefreshPlan, ReadonlyMap<number, string>>()

/** refreshOnly withholds entries newer than its snapshot for the next poll (rfc4533.md §5 case 46). */
function withheld(plan: RefreshPlan, entry: Entry): boolean {
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

/** Whether any entry has an entryCSN at or before `csn` (slapd's FIND_CSN search). */
function anyEntryAtOrBefore(directory: Directory, csn: string): boolean {
  for (const entry of directory.entries()) if (compareCsn(entry.entryCsn, csn) <= 0) return true
  return false
}
