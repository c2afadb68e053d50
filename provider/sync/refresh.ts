import { compareCsn } from '../../protocol/sync/index.js'
import type { Csn } from '../../protocol/sync/index.js'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import type { Directory, SessionLogRecord } from '../directory/index.js'
import { selectAttributes, sidOfCsn } from '../directory/index.js'
import type { AttributeSelection } from '../directory/index.js'
import { replyCookie } from './cookie-state.js'
import type { CookieState } from './cookie-state.js'
import { journalReplay } from './journal-replay.js'
import { EntryLimit, SIZE_LIMIT_EXCEEDED, addMessage, contentAdds, deleteEntryMessage, inContent, matching, missingBase, presentList, terminator, withheld } from './refresh-phases.js'
import type { PlanBase, RefreshEnd } from './refresh-phases.js'
import type { SyncMessage } from './types.js'

/** Everything one refresh of a CSN-cookie dialect needs, fixed when the operation starts. */
export interface RefreshPlan extends PlanBase {
  readonly cookie: CookieState
}

const refreshRequired = (diagnosticMessage: string): SyncMessage => ({ kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage })

/**
 * The refresh stage of one sync operation, message by message, following slapd 2.5's
 * syncprov_op_search decision tree (rfc4533.md §3.4) with the dialect knobs for every choice the
 * RFC leaves open (ApacheDS's journal replay and strict RFC choices included). Lazy: the server
 * pulls one message at a time and waits for the socket.
 */
export function* refreshMessages(plan: RefreshPlan): Generator<SyncMessage, RefreshEnd> {
  const { directory, request, knobs, cookie, snapshot } = plan
  const persist = request.sync.mode === 'refreshAndPersist'
  const ownSid = directory.sid
  const selection = selectAttributes(request.attributes)
  const limit = new EntryLimit(request.sizeLimit)
  const verdict = cookie.verdict
  const sentCookie = request.sync.cookie !== undefined

  // ApacheDS checks the cookie before anything else: invalid, or no journal for its replica → 4096.
  if (verdict.kind === 'unknownReplica' || (sentCookie && verdict.kind === 'noState' && knobs.unusableCookie === 'refreshRequired')) {
    yield refreshRequired('')
    return
  }
  // A refreshOnly on a database that never had a write (no contextCSN) is answered before any
  // search, so a missing base does not matter (observed on slapd 2.5.13; rfc4533.md §3.8 a).
  if (!persist && snapshot.length === 0 && verdict.kind === 'noState') {
    yield* upToDate(plan, persist)
    return
  }
  // Otherwise the base must exist (2.5 answers noSuchObject even to a cookie-less
  // refreshAndPersist on an empty database; 2.6.1 relaxed that, ITS#9691).
  const noBase = missingBase(plan)
  if (noBase !== undefined) {
    yield noBase
    return
  }
  if (knobs.incrementalRefresh === 'journalReplay' && verdict.kind !== 'noState') {
    yield* journalReplay(plan, persist, selection)
    return
  }

  switch (verdict.kind) {
    case 'providerHasNoState':
    case 'newerThanProvider':
      if (knobs.futureCookie === 'unwillingToPerform') {
        yield { kind: 'done', resultCode: ResultCode.unwillingToPerform, diagnosticMessage: 'consumer state is newer than provider!' }
        return
      }
      // RFC 4533 §3.2: a cookie the server cannot use means initial content or 4096.
      if (knobs.unusableCookie === 'refreshRequired') {
        yield refreshRequired('')
        return
      }
      yield* initialContent(plan, persist, selection, limit, knobs.initialContentRefreshDeletes)
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
  const { consumerCsns, minCsn } = verdict
  const played = sessionLogDeparted(plan, consumerCsns, minCsn, true)
  // RFC 4533 §3.9: a delete phase only pays when the deletes do not outnumber the unchanged entries.
  if (played !== undefined && !(knobs.deletePhaseOnlyIfFewer && played.length > unchangedEntries(plan, consumerCsns))) {
    // Delete phase from the session log (traces c, e3, g2).
    yield* deleteMessages(plan, played, consumerCsns)
    for (const m of changedEntries(plan, consumerCsns, selection, limit)) yield m
    yield terminator(plan, persist, true, replyCookie(cookie, ownSid, snapshot))
    return
  }
  if (!anyEntryAtOrBefore(directory, minCsn.text)) {
    // "failed to find entry with csn": the cookie is older than everything we hold (trace f6).
    if (knobs.reloadHint && !request.sync.reloadHint) {
      yield refreshRequired('sync cookie is stale') // trace f9
      return
    }
    yield* initialContent(plan, persist, selection, limit, false) // traces f6, f10
    return
  }
  // Present phase (traces d, c2, g3, h): every matching UUID, then what changed as adds.
  yield* presentList(plan)
  for (const m of changedEntries(plan, consumerCsns, selection, limit)) yield m
  const later = played === undefined && knobs.presentThenDelete ? sessionLogDeparted(plan, consumerCsns, minCsn, false) : undefined
  if (later !== undefined && later.length > 0) {
    // RFC 4533 §3.3.2 third shape: the present phase brought the consumer up to where the log
    // starts; the log's departures follow as a delete phase (redundant for this consumer, whose
    // present phase already dropped them, but exactly the sequence the RFC describes).
    yield { kind: 'info', info: { kind: 'refreshPresent', refreshDone: false } }
    yield* deleteMessages(plan, later, consumerCsns)
    yield terminator(plan, persist, true, replyCookie(cookie, ownSid, snapshot))
    return
  }
  yield terminator(plan, persist, false, replyCookie(cookie, ownSid, snapshot))
}

function* upToDate(plan: RefreshPlan, persist: boolean): Generator<SyncMessage> {
  const { knobs } = plan
  switch (knobs.upToDateReply) {
    case '2.6.14': {
      yield* presentList(plan)
      const empty = new Uint8Array(0)
      if (persist) yield { kind: 'info', info: { kind: 'refreshPresent', refreshDone: true } }
      else yield { kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie: empty, refreshDeletes: false } }
      return
    }
    case 'emptyDeletePhase':
      // RFC 4533 §3.9: nothing changed → zero deletes, not presents; the cookie SHOULD be there.
      yield terminator(plan, persist, true, replyCookie(plan.cookie, plan.directory.sid, plan.snapshot))
      return
    case '2.5':
      // slapd 2.5: refreshOnly Done{refreshDeletes TRUE} with no cookie (trace b); refreshAndPersist
      // `refreshDelete{}`, i.e. `a1 00` (trace e2).
      if (persist) yield { kind: 'info', info: { kind: 'refreshDelete', refreshDone: true } }
      else yield { kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', refreshDeletes: true } }
      return
    default: {
      const never: never = knobs.upToDateReply
      throw new Error(`unhandled up-to-date reply ${String(never)}`)
    }
  }
}

/** Every matching entry as add, then the terminator (traces a, f2, f4, f5, f6, f7, f8, f10). */
export function* initialContent(plan: RefreshPlan, persist: boolean, selection: AttributeSelection, limit: EntryLimit, refreshDeletes: boolean): Generator<SyncMessage> {
  if (!(yield* contentAdds(plan, selection, limit))) return
  yield terminator(plan, persist, refreshDeletes, replyCookie(plan.cookie, plan.directory.sid, plan.snapshot))
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

/** Entries of the content the consumer already has unchanged (RFC 4533 §3.9's comparison). */
function unchangedEntries(plan: RefreshPlan, consumer: readonly Csn[]): number {
  const known = new Map(consumer.map((c) => [c.sid, c.text]))
  let n = 0
  for (const entry of matching(plan)) {
    const have = known.get(sidOfCsn(entry.entryCsn))
    if (have !== undefined && compareCsn(entry.entryCsn, have) <= 0) n++
  }
  return n
}

/**
 * The session-log replay (slapd's syncprov_play_sessionlog): undefined when the log cannot
 * cover the consumer's state (unless `covering` is false: then whatever the log holds), else
 * the records of entries that left the content since then: deletes, and modified or renamed
 * entries that no longer match (the log does not know whether the consumer ever had them,
 * trace g2). Adds are skipped. One record per UUID, the newest.
 */
function sessionLogDeparted(plan: RefreshPlan, consumer: readonly Csn[], minCsn: Csn, covering: boolean): SessionLogRecord[] | undefined {
  const log = plan.directory.sessionLog
  if (log.length === 0) return undefined
  const coverage = log.coverageCsn(minCsn.sid)
  if (covering && coverage !== undefined && compareCsn(minCsn.text, coverage) < 0) return undefined
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
      // The session log keeps no DN: the objectName is empty (RFC 4533 §3.6 allows it).
      for (const r of records) yield deleteEntryMessage(plan, r.uuid, r.uuidBytes, '')
      return
    default: {
      const never: never = knobs.deleteStyle
      throw new Error(`unhandled delete style ${String(never)}`)
    }
  }
}

/** Whether any entry has an entryCSN at or before `csn` (slapd's FIND_CSN search). */
function anyEntryAtOrBefore(directory: Directory, csn: string): boolean {
  for (const entry of directory.entries()) if (compareCsn(entry.entryCsn, csn) <= 0) return true
  return false
}
