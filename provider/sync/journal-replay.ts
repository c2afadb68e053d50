import { isWithinScope } from '../../protocol/dn/index.js'
import * as DN from '../../protocol/dn/index.js'
import { compareCsn } from '../../protocol/sync/index.js'
import { sidOfCsn } from '../directory/index.js'
import type { AttributeSelection, RetroChangelogRecord } from '../directory/index.js'
import { replyCookie } from './cookie-state.js'
import { addMessage, deleteEntryMessage, inContent, terminator } from './refresh-phases.js'
import type { RefreshPlan } from './refresh.js'
import type { SyncMessage } from './types.js'

/**
 * ApacheDS's resumed session (SyncReplRequestHandler.doContentUpdate / sendContentFromLog,
 * prior-art §A.3): the consumer's journal replayed from the cookie's CSN, one message per
 * journaled change and in journal order, not coalesced:
 *
 * | journaled change | message |
 * |---|---|
 * | add, modify | the full entry, state `add` |
 * | ModifyDN | the full entry at its new DN, state `modify` |
 * | delete | the last DN with entryUUID as its only attribute, state `delete` |
 *
 * then refreshOnly Done{cookie} (refreshDeletes absent, FALSE) or refreshAndPersist newcookie —
 * no phase marker either way. The cookie carries the contextCSN taken at the start.
 *
 * Our journal is the directory's retro changelog (ApacheDS keeps one journal per replica, filled
 * from the replica's first search on, with the entry as it was; we send the entry as it is now,
 * and skip changes of entries deleted since or outside the content). A delete counts when its
 * last DN is within scope; the filter cannot be evaluated on a deleted entry.
 */
export function* journalReplay(plan: RefreshPlan, persist: boolean, selection: AttributeSelection): Generator<SyncMessage> {
  const { directory, cookie, snapshot } = plan
  for (const record of journalSince(plan)) {
    if (record.kind === 'delete') {
      if (isWithinScope(record.targetDn, plan.request.base, plan.request.scope)) {
        yield deleteEntryMessage(plan, record.uuid, record.uuidBytes, DN.format(record.targetDn))
      }
      continue
    }
    const entry = directory.getByUuid(record.uuid)
    if (entry === undefined || !inContent(plan, entry)) continue
    const message = addMessage(plan, entry, selection)
    // "if event type is null, then it is a MODDN operation": sent as modify; add and modify as add.
    yield record.kind === 'modDN' && message.kind === 'entry' ? { ...message, state: 'modify' } : message
  }
  yield terminator(plan, persist, false, replyCookie(cookie, directory.sid, snapshot))
}

/**
 * The journaled changes newer than the consumer's cookie: per serverID against the cookie's CSN
 * of that serverID, against the newest cookie CSN for a serverID the cookie does not name.
 */
function journalSince(plan: RefreshPlan): RetroChangelogRecord[] {
  const csns = plan.cookie.parsed?.csns ?? []
  const bySid = new Map(csns.map((c) => [c.sid, c.text]))
  let newest: string | undefined
  for (const c of csns) if (newest === undefined || compareCsn(c.text, newest) > 0) newest = c.text
  const out: RetroChangelogRecord[] = []
  for (const record of plan.directory.retroChangelog.records()) {
    const have = bySid.get(sidOfCsn(record.csn)) ?? newest
    if (have === undefined || compareCsn(record.csn, have) > 0) out.push(record)
  }
  return out
}
