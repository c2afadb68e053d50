import * as DN from '../../protocol/dn/index.js'
import type { Dn, Rdn } from '../../protocol/dn/index.js'
import { describeAttribute } from './attribute-description.js'
import type { AttributeShape, StoredValues } from './attribute-shape.js'
import { valuesOf } from './attribute-shape.js'
import { timestampOfCsn } from './csn-clock.js'
import type { AttributeValue } from './types.js'
import type { UuidSlab } from './uuid-slab.js'

/** One attribute as an entry lists it: its description as first spelled and its values. */
export interface EntryAttribute {
  readonly type: string
  readonly values: readonly AttributeValue[]
}

/** The state of an entry that a change replaces as a whole (copy on write). */
export interface EntryState {
  readonly shape: AttributeShape
  readonly values: readonly StoredValues[]
  readonly csn: string
  readonly modifiersName: string
}

/**
 * An entry as the directory holds it: a live entry (what search yields and get returns) or an
 * EntrySnapshot (the before / after of a ChangeEvent). Read-only for everyone outside
 * provider/directory.
 *
 * Operational attributes are fields, not attributes: entryUUID, entryCSN, creatorsName,
 * modifiersName, and the timestamps, which are the GeneralizedTime of the creating and of the
 * latest CSN (slapd takes both from one clock reading).
 */
export abstract class Entry {
  /** entryUUID, canonical lower-case 8-4-4-4-12 text (RFC 4530). */
  readonly uuid: string
  /** Internal to provider/directory: the user attributes' descriptions (shared between entries). */
  readonly shape: AttributeShape
  /** Internal to provider/directory: one slot per description of `shape`; use `get` or `attributes`. */
  readonly values: readonly StoredValues[]
  /** entryCSN: the CSN of the latest change. */
  readonly csn: string
  /** The CSN of the add. */
  readonly createCsn: string
  readonly creatorsName: string
  readonly modifiersName: string

  protected constructor(uuid: string, createCsn: string, creatorsName: string, state: EntryState) {
    this.uuid = uuid
    this.createCsn = createCsn
    this.creatorsName = creatorsName
    this.shape = state.shape
    this.values = state.values
    this.csn = state.csn
    this.modifiersName = state.modifiersName
  }

  /** The entry's DN, leaf first (protocol/dn). */
  abstract get dn(): Dn
  /** RFC 4533 §2.1.1 syncUUID: the 16 octets of entryUUID. */
  abstract get uuidBytes(): Uint8Array
  /** Whether the entry has children (the hasSubordinates operational attribute). */
  abstract get hasSubordinates(): boolean
  /** Whether the entry is a naming context's entry (slapd shows contextCSN there). */
  abstract get isSuffixEntry(): boolean

  get entryCsn(): string {
    return this.csn
  }

  get createTimestamp(): string {
    return timestampOfCsn(this.createCsn)
  }

  get modifyTimestamp(): string {
    return timestampOfCsn(this.csn)
  }

  /** The DN as an RFC 4514 string, in the spelling it was added (or renamed) with. */
  get dnText(): string {
    return DN.format(this.dn)
  }

  /** The values of exactly this description (not its subtypes), or undefined. */
  get(description: string): readonly AttributeValue[] | undefined {
    const slot = this.shape.slotOf(describeAttribute(description).key)
    return slot < 0 ? undefined : valuesOf(this.values[slot] as StoredValues)
  }

  /** The user attributes in insertion order. */
  get attributes(): readonly EntryAttribute[] {
    const types = this.shape.types
    const out: EntryAttribute[] = new Array(types.length)
    for (let i = 0; i < types.length; i++) {
      out[i] = { type: types[i] as string, values: valuesOf(this.values[i] as StoredValues) }
    }
    return out
  }
}

/** Cached DN texts of entries that have children, valid while `dnEpoch` is unchanged. */
const containerTexts = new WeakMap<LiveEntry, { readonly epoch: number; readonly text: string }>()
let dnEpoch = 0

/** Called on every ModifyDN: any cached DN text may now be stale. */
export function retireDnTexts(): void {
  dnEpoch++
}

function containerText(entry: LiveEntry): string {
  const hit = containerTexts.get(entry)
  if (hit !== undefined && hit.epoch === dnEpoch) return hit.text
  const text = DN.format(entry.dn)
  containerTexts.set(entry, { epoch: dnEpoch, text })
  return text
}

/**
 * An entry in the directory's tree. Its DN is not stored: it is the RDN followed by the parent's
 * DN, so renaming or moving an entry moves its whole subtree without touching the descendants.
 */
export class LiveEntry extends Entry {
  /** Insertion sequence (back-mdb's entry ID: the order searches return entries in); -1 once deleted. */
  id: number
  private readonly slab: UuidSlab
  private readonly slot: number
  parent: LiveEntry | undefined
  /** Children by normalized RDN; absent for a leaf that never had children. */
  children: Map<string, LiveEntry> | undefined
  rdn: Rdn
  rdnKey: string
  /** For the entry of a naming context: its whole DN (a suffix may have several RDNs). */
  suffixDn: Dn | undefined

  constructor(init: {
    readonly id: number
    readonly uuid: string
    readonly slab: UuidSlab
    readonly slot: number
    readonly parent: LiveEntry | undefined
    readonly rdn: Rdn
    readonly rdnKey: string
    readonly suffixDn: Dn | undefined
    readonly createCsn: string
    readonly creatorsName: string
    readonly state: EntryState
  }) {
    super(init.uuid, init.createCsn, init.creatorsName, init.state)
    this.id = init.id
    this.slab = init.slab
    this.slot = init.slot
    this.parent = init.parent
    this.children = undefined
    this.rdn = init.rdn
    this.rdnKey = init.rdnKey
    this.suffixDn = init.suffixDn
  }

  get dn(): Dn {
    const rdns: Rdn[] = []
    let node: LiveEntry | undefined = this
    while (node !== undefined && node.suffixDn === undefined) {
      rdns.push(node.rdn)
      node = node.parent
    }
    return node === undefined ? DN.createDn(rdns) : DN.createDn([...rdns, ...node.suffixDn!])
  }

  get uuidBytes(): Uint8Array {
    return this.slab.view(this.slot)
  }

  /**
   * The DN as text, without building a Dn: the own RDN plus the parent's text, which entries
   * with children cache (a refresh formats every entry's DN, and entries share few parents).
   * Every ModifyDN bumps the epoch, which retires all cached texts at once.
   */
  override get dnText(): string {
    if (this.suffixDn !== undefined) return containerText(this)
    const own = DN.formatRdn(this.rdn)
    const parent = this.parent
    if (parent === undefined) return own
    const rest = containerText(parent)
    return rest === '' ? own : `${own},${rest}`
  }

  get hasSubordinates(): boolean {
    return this.children !== undefined && this.children.size > 0
  }

  get isSuffixEntry(): boolean {
    return this.suffixDn !== undefined
  }

  get deleted(): boolean {
    return this.id < 0
  }

  /** Replaces the state after a change (the old arrays stay untouched for snapshots). */
  commit(state: EntryState): void {
    const self = this as { -readonly [K in keyof EntryState]: EntryState[K] }
    self.shape = state.shape
    self.values = state.values
    self.csn = state.csn
    self.modifiersName = state.modifiersName
  }

  /** An immutable copy of the entry as it is now. */
  snapshot(): EntrySnapshot {
    return new EntrySnapshot(this, this.dn, this.hasSubordinates)
  }
}

/** An entry frozen at one moment: the before / after of a ChangeEvent. */
export class EntrySnapshot extends Entry {
  readonly dn: Dn
  readonly uuidBytes: Uint8Array
  readonly hasSubordinates: boolean
  readonly isSuffixEntry: boolean

  constructor(of: LiveEntry, dn: Dn, hasSubordinates: boolean) {
    super(of.uuid, of.createCsn, of.creatorsName, of)
    this.dn = dn
    this.uuidBytes = of.uuidBytes
    this.hasSubordinates = hasSubordinates
    this.isSuffixEntry = of.isSuffixEntry
    Object.freeze(this)
  }
}
