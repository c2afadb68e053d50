/**
 * How the store holds an entry: its UUID, its DN, and its attributes as ONE buffer, the content
 * octets of an LDAP PartialAttributeList (RFC 4511 §4.1.7), exactly as a provider sends them.
 *
 * Why: a replica of 100,000 entries holds millions of values. As a Map of arrays of byte views
 * per entry it cost about 14 KiB per entry and made garbage collection most of a refresh (issue
 * 4's benchmark against python-ldap). Packed, an entry is a few small objects and one buffer;
 * the attributes are decoded only when someone reads them, into a fresh Map of fresh values each
 * time, so a caller can never change what the store holds through them.
 */
import { decodeAttributeList, encodeAttributeList } from '../../protocol/ldap/attribute-list.js'
import type { ReplicaEntry, ReplicaValue } from '../types.js'

export class PackedEntry implements ReplicaEntry {
  /** Whether the store owns `packed` (a copy nobody else holds), so it never copies it again. */
  #owned = false
  /** Whether `packed` was checked by the LDAP decoder already (see `fromDecoder`). */
  #checked = false

  /**
   * An entry straight from a decoded SearchResultEntry: `list` is its `attributeList`, which the
   * decoder has already checked, and `uuid` came from formatSyncUuid, canonical by construction;
   * the store copies the list without checking either again.
   */
  static fromDecoder(uuid: string, dn: string, list: Uint8Array): PackedEntry {
    const entry = new PackedEntry(uuid, dn, list)
    entry.#checked = true
    return entry
  }

  /** Whether the attribute list is known to be well formed (owned entries always are). */
  get checked(): boolean {
    return this.#checked || this.#owned
  }

  /** An entry whose buffer the store owns: frozen, never copied again. */
  static owned(uuid: string, dn: string, packed: Uint8Array): PackedEntry {
    const entry = new PackedEntry(uuid, dn, packed)
    entry.#owned = true
    Object.freeze(entry)
    return entry
  }

  static isOwned(entry: unknown): entry is PackedEntry {
    return entry instanceof PackedEntry && entry.#owned
  }

  /**
   * @param packed the PartialAttributeList content octets; the entry keeps this exact buffer, so
   *   the store passes only buffers it owns (see `ownEntry`).
   */
  constructor(
    readonly uuid: string,
    readonly dn: string,
    readonly packed: Uint8Array,
  ) {}

  /** Attribute descriptions as received (a later duplicate description replaces an earlier one), values as received. */
  get attributes(): ReadonlyMap<string, readonly ReplicaValue[]> {
    return unpackAttributes(this.packed)
  }

  /** The same entry under another DN, sharing the attribute buffer (renames, moves). */
  withDn(dn: string): PackedEntry {
    return this.#owned ? PackedEntry.owned(this.uuid, dn, this.packed) : new PackedEntry(this.uuid, dn, this.packed)
  }
}

/**
 * A copy of `bytes` that nobody else holds. Small copies are carved out of shared 64 KiB slabs:
 * a refresh would otherwise allocate one ArrayBuffer per entry, and the garbage collector pays
 * for each. The price: a slab stays allocated while any entry copied into it is alive, so a
 * replica whose entries were all replaced one by one can hold up to a slab per surviving entry.
 */
export function ownCopy(bytes: Uint8Array): Uint8Array {
  const n = bytes.length
  if (n > SLAB_SIZE / 16) return new Uint8Array(bytes)
  if (slabUsed + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE)
    slabUsed = 0
  }
  // The constructor, not subarray(): subarray looks up the species constructor on every call.
  const copy = new Uint8Array(slab.buffer, slabUsed, n)
  copy.set(bytes)
  slabUsed += n
  return copy
}

const SLAB_SIZE = 64 * 1024
let slab = new Uint8Array(SLAB_SIZE)
let slabUsed = 0

/** Packs an attribute map (a caller's entry, a file store line) into the wire form. */
export function packAttributes(attributes: ReadonlyMap<string, readonly ReplicaValue[]>): Uint8Array {
  const list: { type: string; vals: readonly Uint8Array[] }[] = []
  for (const [type, vals] of attributes) list.push({ type, vals })
  return encodeAttributeList(list)
}

/**
 * A fresh Map of fresh values decoded from a packed list (a later duplicate description replaces
 * an earlier one). Decoded from a copy: nothing handed out is a view of the store's buffer.
 */
export function unpackAttributes(packed: Uint8Array): Map<string, readonly ReplicaValue[]> {
  const map = new Map<string, readonly ReplicaValue[]>()
  for (const a of decodeAttributeList(new Uint8Array(packed))) map.set(a.type, Object.freeze(a.vals.slice()))
  return map
}
