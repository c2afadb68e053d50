import { isWithinScope } from '../../protocol/dn/index.js'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import type { ChangeEvent, Directory, EntrySnapshot } from '../directory/index.js'
import { selectAttributes } from '../directory/index.js'
import type { AttributeSelection } from '../directory/index.js'
import type { DialectKnobs } from './dialect.js'
import type { SyncMessage, SyncSearchRequest } from './types.js'

/** What the persist stage needs from its dialect: the search, the knobs, and how cookies look. */
export interface PersistContext {
  readonly directory: Directory
  readonly request: SyncSearchRequest
  readonly knobs: DialectKnobs
  /** The cookie on the State control of the message for this change. */
  stateCookie(event: ChangeEvent): Uint8Array
  /** The cookie of a newcookie Sync Info (for a change outside the content). */
  newcookie(): Uint8Array
  /** A multi-provider peer's serverID whose own changes are not echoed back to it (slapd). */
  readonly consumerSid?: number
}

/**
 * The persist stage of one refreshAndPersist operation: maps each committed directory change to
 * the message slapd 2.5's syncprov sends that search (rfc4533.md §3.5, trace e and g) — the same
 * table holds for 389-DS (its trace e and g) and ApacheDS:
 *
 * | in content before | after | message |
 * |---|---|---|
 * | no  | yes | entry (full, new DN) + State{add, cookie} |
 * | yes | yes | entry (full, new DN) + State{modify, cookie} |
 * | yes | no  | entry (no attributes — ApacheDS: all —, last/new DN) + State{delete, cookie} |
 * | no  | no  | Sync Info newcookie (slapd 2.5: not for deletes; 389-DS, ApacheDS: never) |
 *
 * The State cookie carries that change only (slapd: its CSN; 389-DS: its change number).
 * Changes a multi-provider peer originated with the consumer's own serverID are not echoed back
 * to it.
 */
export class PersistMapper {
  private readonly selection: AttributeSelection
  /** slapd's PS_WROTE_BASE → PS_FIND_BASE: renaming the base entry makes the next write re-find it. */
  private checkBase = false
  private readonly baseUuid: string | undefined

  constructor(private readonly context: PersistContext) {
    this.selection = selectAttributes(context.request.attributes)
    this.baseUuid = context.directory.getByDn(context.request.base)?.uuid
  }

  /** The messages for one change (none, one, or a final `done` 4096 when the base is gone). */
  map(event: ChangeEvent): SyncMessage[] {
    const { directory, request, knobs, consumerSid } = this.context
    if (this.checkBase) {
      // syncprov_findbase on the write after one that touched the base: gone or replaced → 4096.
      this.checkBase = false
      const base = directory.getByDn(request.base)
      if (base === undefined || base.uuid !== this.baseUuid) {
        return [{ kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage: 'search base has changed' }]
      }
    }
    // Only a ModifyDN of the base makes slapd 2.5.13 re-find it: a deleted base just gets its
    // delete state, and the search lives on with newcookies (observed against a live slapd in
    // test/interop/provider-vs-slapd-beyond-traces.test.ts).
    if (event.uuid === this.baseUuid && event.kind === 'modDN') this.checkBase = true
    if (consumerSid !== undefined && event.sid === consumerSid && event.sid !== directory.sid) return []

    const before = event.before !== undefined && this.inContent(event.before)
    const after = event.after !== undefined && this.inContent(event.after)
    if (after) {
      const entry = event.after as EntrySnapshot
      return [{ kind: 'entry', state: before ? 'modify' : 'add', dn: entry.dnText, attributes: directory.project(entry, this.selection), uuid: event.uuidBytes, cookie: this.context.stateCookie(event) }]
    }
    if (before) {
      const last = (event.after ?? event.before) as EntrySnapshot
      const attributes = knobs.persistDeleteAttributes === 'full' ? directory.project(last, this.selection) : []
      return [{ kind: 'entry', state: 'delete', dn: last.dnText, attributes, uuid: event.uuidBytes, cookie: this.context.stateCookie(event) }]
    }
    const wantNewcookie = knobs.newcookieOutOfContent === 'all' || (knobs.newcookieOutOfContent === 'exceptDeletes' && event.kind !== 'delete')
    if (!wantNewcookie) return []
    return [{ kind: 'info', info: { kind: 'newcookie', cookie: this.context.newcookie() } }]
  }

  private inContent(entry: EntrySnapshot): boolean {
    const { request, directory } = this.context
    return isWithinScope(entry.dn, request.base, request.scope) && directory.matches(entry, request.filter)
  }
}
