/**
 * Taking ownership of entries handed to the store. The store keeps every entry as a PackedEntry
 * (packed-entry.ts) whose attribute buffer nobody else holds: values often arrive as views into a
 * BER message buffer that the caller may reuse, or that would keep a whole socket chunk alive.
 * Entries the store already owns (returned by `get`) are not copied again.
 */
import type { ReplicaEntry } from '../types.js'
import { isPlainAttributeList, decodeAttributeList } from '../../protocol/ldap/attribute-list.js'
import { isCanonicalUuidText } from '../../protocol/sync/uuid.js'
import { StoreError } from './errors.js'
import { PackedEntry, ownCopy, packAttributes } from './packed-entry.js'

/** Whether `uuid` is the canonical text of a syncUUID. */
export function isCanonicalUuid(uuid: string): boolean {
  return isCanonicalUuidText(uuid)
}

/** An owned, frozen PackedEntry equal to `entry`; `entry` itself when the store already owns it. */
export function ownEntry(entry: ReplicaEntry): PackedEntry {
  if (PackedEntry.isOwned(entry)) return entry
  // The fast path of a refresh: an entry straight off the wire, its attribute list one view of
  // the message. One copy, and nothing decoded or checked twice.
  if (entry instanceof PackedEntry && entry.checked) return PackedEntry.owned(entry.uuid, entry.dn, ownCopy(entry.packed))
  if (typeof entry !== 'object' || entry === null) {
    throw new StoreError('STORE_BAD_ENTRY', `A replica entry must be an object, but ${String(entry)} was given.`)
  }
  if (typeof entry.uuid !== 'string' || !isCanonicalUuid(entry.uuid)) {
    throw new StoreError('STORE_BAD_ENTRY',
      `The entry UUID ${JSON.stringify(entry.uuid)} is not the canonical lowercase 8-4-4-4-12 text of a syncUUID (RFC 4533 §2.1.1).`)
  }
  if (typeof entry.dn !== 'string') {
    throw new StoreError('STORE_BAD_ENTRY', `The entry ${entry.uuid} has no string DN.`)
  }
  // The fast path of a refresh: an entry straight off the wire, its attribute list one view of
  // the message. One copy, and nothing decoded.
  if (entry instanceof PackedEntry) return PackedEntry.owned(entry.uuid, entry.dn, checkedPacked(entry))
  if (!(entry.attributes instanceof Map)) {
    throw new StoreError('STORE_BAD_ENTRY', `The attributes of entry ${entry.uuid} (${entry.dn}) must be a Map of description to values.`)
  }
  for (const [description, values] of entry.attributes) {
    if (typeof description !== 'string' || !Array.isArray(values)) {
      throw new StoreError('STORE_BAD_ENTRY',
        `The attribute ${JSON.stringify(description)} of entry ${entry.uuid} (${entry.dn}) must map a string to an array of byte values.`)
    }
    for (const value of values as readonly unknown[]) {
      if (!(value instanceof Uint8Array)) {
        throw new StoreError('STORE_BAD_ENTRY',
          `A value of attribute ${description} of entry ${entry.uuid} (${entry.dn}) is not a Uint8Array; values are bytes.`)
      }
    }
  }
  return PackedEntry.owned(entry.uuid, entry.dn, packAttributes(entry.attributes))
}

/** A copy of a PackedEntry's buffer, after checking it is a well-formed attribute list. */
function checkedPacked(entry: PackedEntry): Uint8Array {
  const packed = entry.packed
  if (!(packed instanceof Uint8Array)) {
    throw new StoreError('STORE_BAD_ENTRY', `The packed attributes of entry ${entry.uuid} (${entry.dn}) must be a Uint8Array.`)
  }
  if (!entry.checked && !isPlainAttributeList(packed, 0, packed.length)) {
    try {
      decodeAttributeList(packed)
    } catch (error) {
      throw new StoreError('STORE_BAD_ENTRY',
        `The packed attributes of entry ${entry.uuid} (${entry.dn}) are not a well-formed PartialAttributeList (RFC 4511 §4.1.7): ${(error as Error).message}`, { cause: error })
    }
  }
  return ownCopy(packed)
}

/** A copy of a cookie, so the caller's buffer is never shared. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}
