/**
 * Taking ownership of entries handed to the store. The store keeps its own frozen copy of every
 * entry (attribute map and value bytes copied), because values often arrive as zero-copy views
 * into a BER message buffer (protocol/ber reader) that the caller may reuse or that would keep a
 * whole message alive. Entries the store already owns (returned by `get`) are not copied again.
 */
import type { ReplicaEntry, ReplicaValue } from '../types.js'
import { isCanonicalUuidText } from '../../protocol/sync/uuid.js'
import { StoreError } from './errors.js'


const owned = new WeakSet<ReplicaEntry>()

/** Whether `uuid` is the canonical text of a syncUUID. */
export function isCanonicalUuid(uuid: string): boolean {
  return isCanonicalUuidText(uuid)
}

/** A frozen copy of `entry` that the store owns; `entry` itself when it is already owned. */
export function ownEntry(entry: ReplicaEntry): ReplicaEntry {
  if (owned.has(entry)) return entry
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
  if (!(entry.attributes instanceof Map)) {
    throw new StoreError('STORE_BAD_ENTRY', `The attributes of entry ${entry.uuid} (${entry.dn}) must be a Map of description to values.`)
  }
  // Copy every value of the entry into ONE fresh buffer and keep subarrays of it: one backing
  // store per entry instead of one per value (a 100,000-entry replica has millions of values,
  // and a buffer each made the garbage collector most of a refresh's cost).
  let total = 0
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
      total += value.length
    }
  }
  const backing = new Uint8Array(total)
  let at = 0
  const attributes = new Map<string, readonly ReplicaValue[]>()
  for (const [description, values] of entry.attributes) {
    const copies: ReplicaValue[] = []
    for (const value of values as readonly Uint8Array[]) {
      backing.set(value, at)
      copies.push(backing.subarray(at, at + value.length))
      at += value.length
    }
    attributes.set(description, Object.freeze(copies))
  }
  return adoptEntry({ uuid: entry.uuid, dn: entry.dn, attributes })
}

/**
 * Marks a freshly built entry (its map and value arrays not shared with anyone) as owned without
 * copying; used by decoders and by DN rewrites that reuse an owned entry's attributes.
 */
export function adoptEntry(entry: ReplicaEntry): ReplicaEntry {
  const frozen = Object.freeze({ uuid: entry.uuid, dn: entry.dn, attributes: entry.attributes })
  owned.add(frozen)
  return frozen
}

/** A copy of a cookie (undefined stays undefined), so the caller's buffer is never shared. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}
