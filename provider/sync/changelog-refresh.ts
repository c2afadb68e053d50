/**
 * The refresh of the `389ds` dialect: 389-DS 2.3.1's content sync plugin over the retro
 * changelog (sync_refresh.c; test/fixtures/389ds-traces). No present phase, no refreshPresent,
 * no newcookie; refreshOnly always ends with Done{cookie} and refreshDeletes FALSE (TRUE in
 * OpenLDAP compat), refreshAndPersist with refreshDelete{cookie}.
 */
import { isWithinScope } from '../../protocol/dn/index.js'
import type { Dn } from '../../protocol/dn/index.js'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { selectAttributes } from '../directory/index.js'
import type { RetroChangelogRecord } from '../directory/index.js'
import type { ChangelogSession } from './changelog-cookie.js'
import { EntryLimit, addMessage, contentAdds, inContent, missingBase, withheld } from './refresh-phases.js'
import type { PlanBase, RefreshEnd } from './refresh-phases.js'
import type { SyncMessage } from './types.js'

export interface ChangelogPlan extends PlanBase {
  readonly session: ChangelogSession
}

export function* changelogRefresh(plan: ChangelogPlan): Generator<SyncMessage, RefreshEnd> {
  const { request, session } = plan
  const persist = request.sync.mode === 'refreshAndPersist'
  const verdict = session.verdict
  switch (verdict.kind) {
    case 'unanswered':
      return 'unanswered'
    case 'invalid':
      yield { kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage: 'Invalid session cookie' }
      return
    case 'compatPersist':
      yield { kind: 'done', resultCode: ResultCode.unwillingToPerform, diagnosticMessage: 'Invalid session state, openldap compat not supported with persistence' }
      return
    case 'none':
    case 'compatInitial': {
      // Initial content is the plain search with a State control on each entry (traces a, h).
      const noBase = missingBase(plan)
      if (noBase !== undefined) {
        yield noBase
        return
      }
      const selection = selectAttributes(request.attributes)
      const limit = new EntryLimit(request.sizeLimit)
      if (!(yield* contentAdds(plan, selection, limit))) return
      yield end(plan, persist, verdict.kind === 'compatInitial')
      return
    }
    case 'valid':
      yield* updateContent(plan, verdict.changeNumber)
      yield end(plan, persist, verdict.compat)
      return
    default: {
      const never: never = verdict
      throw new Error(`unhandled 389-DS cookie verdict ${String(never)}`)
    }
  }
}

/**
 * Done{cookie, refreshDeletes FALSE — TRUE in compat} (sync_srch_refresh_post_search
 * hard-codes it) or refreshDelete{cookie} with refreshDone omitted (traces a, b, e, e2).
 */
function end(plan: ChangelogPlan, persist: boolean, compat: boolean): SyncMessage {
  const cookie = plan.session.cookie(plan.session.changeNumber)
  if (persist) return { kind: 'info', info: { kind: 'refreshDelete', cookie, refreshDone: true } }
  return { kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie, refreshDeletes: compat } }
}

/** One slot of 389's update list: an entry's net change since the cookie. */
interface Update {
  readonly uuid: string
  readonly uuidBytes: Uint8Array
  kind: 'add' | 'modify' | 'delete'
  live: boolean
}

/**
 * sync_refresh_update_content: the changes after the cookie's change number up to the session's,
 * folded per entry into an update list ordered by each entry's first change, then the deletes
 * as syncIdSets and the other entries, looked up now, as `add` (traces c, e3, f7, g2, h2, j1).
 */
function* updateContent(plan: ChangelogPlan, since: number): Generator<SyncMessage> {
  const { directory, session, knobs } = plan
  const updates = foldChanges(plan, directory.retroChangelog.after(since).filter((r) => r.changeNumber <= session.changeNumber))
  const cookie = session.cookie(session.changeNumber)

  // sync_send_deleted_entries: sets of SYNC_MAX_DELETED_UUID_BATCH with the session cookie and
  // refreshDeletes TRUE. When a set is full the next UUID flushes it and is itself lost (h2).
  let batch: Uint8Array[] = []
  for (const u of updates) {
    if (u.kind !== 'delete' || !u.live) continue
    if (batch.length < knobs.deleteBatchSize) {
      batch.push(u.uuidBytes)
      continue
    }
    yield { kind: 'info', info: { kind: 'syncIdSet', cookie, refreshDeletes: true, syncUUIDs: batch } }
    batch = knobs.deleteBatchDropsOverflow ? [] : [u.uuidBytes]
  }
  if (batch.length > 0) yield { kind: 'info', info: { kind: 'syncIdSet', cookie, refreshDeletes: true, syncUUIDs: batch } }

  // sync_send_modified_entries: each entry searched by its unique id under the base, sent as
  // `add` when it is in scope and matches the filter — so an entry that left the filter is not
  // reported at all (g2).
  const selection = selectAttributes(plan.request.attributes)
  for (const u of updates) {
    if (u.kind === 'delete' || !u.live) continue
    const entry = directory.getByUuid(u.uuid)
    if (entry === undefined || !inContent(plan, entry) || withheld(plan, entry)) continue
    yield addMessage(plan, entry, selection)
  }
}

/**
 * sync_read_entry_from_changelog, record by record. An add opens a slot; a modify opens one
 * unless the entry has one; a delete cancels an add seen since the cookie (both vanish) or turns
 * the entry's slot into a delete; a ModifyDN is judged by scope alone (389 tests the new
 * superior; we test the new DN): within → like a modify, out → a delete, in → a new add slot.
 * Deletes count wherever the entry was: 389 does not check scope or filter for them.
 */
function foldChanges(plan: ChangelogPlan, records: readonly RetroChangelogRecord[]): Update[] {
  const slots: Update[] = []
  const byUuid = new Map<string, Update[]>()
  const first = (uuid: string) => byUuid.get(uuid)?.find((s) => s.live)
  const open = (r: RetroChangelogRecord, kind: Update['kind']) => {
    const slot: Update = { uuid: r.uuid, uuidBytes: r.uuidBytes, kind, live: true }
    slots.push(slot)
    byUuid.set(r.uuid, [...(byUuid.get(r.uuid) ?? []), slot])
  }
  const inScope = (dn: Dn) => isWithinScope(dn, plan.request.base, plan.request.scope)
  for (const r of records) {
    const prev = first(r.uuid)
    switch (r.kind) {
      case 'add':
        open(r, 'add')
        break
      case 'modify':
        if (prev === undefined) open(r, 'modify')
        break
      case 'modDN': {
        const wasIn = inScope(r.targetDn)
        const isIn = r.newDn === undefined ? wasIn : inScope(r.newDn)
        if (wasIn && isIn) {
          if (prev === undefined) open(r, 'modify')
        } else if (wasIn) {
          if (prev === undefined) open(r, 'delete')
          else prev.kind = 'delete'
        } else if (isIn) {
          open(r, 'add')
        }
        break
      }
      case 'delete':
        if (prev === undefined) open(r, 'delete')
        else if (prev.kind === 'add') prev.live = false
        else prev.kind = 'delete'
        break
      default: {
        const never: never = r.kind
        throw new Error(`unhandled change kind ${String(never)}`)
      }
    }
  }
  return slots
}
