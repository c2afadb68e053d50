import type { LdapMessage } from '../../../protocol/ldap/message.js'
import type { SearchResultEntry } from '../../../protocol/ldap/search-result-entry.js'
import { SYNC_STATE_OID, decodeSyncStateValue, formatSyncUuid } from '../../../protocol/sync/index.js'
import { SyncSession } from '../../../consumer/index.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * ignore-renames: an add or modify for a UUID the replica holds under another DN updates the
 * attributes but keeps the stored DN, and the entries below it are not moved. RFC 4533 §3.4.2 and
 * §1.3.2: a modDN reaches the consumer only as a modify (or add) of the entry at its new DN, and
 * only for the entry itself (rfc4533.md §5 cases 20, 21).
 *
 * Mimics consumers that find an entry by UUID and update it in place, attribute by attribute,
 * treating its DN as fixed: a modRDN on the provider never reaches their copy, nor its subtree.
 */
export class IgnoreRenamesSession extends SyncSession {
  protected override async onEntry(message: LdapMessage, entry: SearchResultEntry): Promise<void> {
    const uuid = addOrModifyUuid(message)
    if (uuid !== undefined) {
      const previous = (await this.transaction()).get(uuid)
      // The bug: the DN the provider sent is replaced by the stored one.
      if (previous !== undefined && previous.dn !== entry.objectName) return super.onEntry(message, withDn(entry, previous.dn))
    }
    return super.onEntry(message, entry)
  }
}

/** The UUID of an add or modify; undefined for anything else or a control the reference must judge. */
function addOrModifyUuid(message: LdapMessage): string | undefined {
  const controls = message.controls.filter((c) => c.type === SYNC_STATE_OID)
  const value = controls.length === 1 ? controls[0]?.value : undefined
  if (value === undefined) return undefined
  try {
    const state = decodeSyncStateValue(value).value
    return (state.state === 'add' || state.state === 'modify') && state.entryUUID.length === 16 ? formatSyncUuid(state.entryUUID) : undefined
  } catch {
    return undefined
  }
}

function withDn(entry: SearchResultEntry, dn: string): SearchResultEntry {
  // A decoded entry's `attributeList` lives on its prototype: carried over by name.
  return { kind: 'searchResultEntry', objectName: dn, attributes: entry.attributes, ...(entry.attributeList === undefined ? {} : { attributeList: entry.attributeList }) }
}

export const IgnoreRenamesConsumer = consumerWithSession(IgnoreRenamesSession)
