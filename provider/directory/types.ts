/**
 * The public value types of the directory: what a change looks like going in, and what an
 * event looks like coming out. Kept apart from the code so every module can name them.
 */
import type { DnLike, Rdn } from '../../protocol/dn/index.js'
import type { Seed } from '../../fixtures/index.js'
import type { Filter } from '../../protocol/ldap/filter.js'
import type { EntrySnapshot } from './entry.js'

/**
 * One attribute value. Stored as a JS string when its bytes are valid UTF-8 (almost every value
 * in a directory) and as bytes only when they are not (a jpegPhoto, a DER certificate): strings
 * cost a fraction of the memory. On the wire a string is its UTF-8 bytes.
 */
export type AttributeValue = string | Uint8Array

/** One value or several. */
export type AttributeValuesInput = AttributeValue | readonly AttributeValue[]

/**
 * Attributes of an add: a record (`{ cn: 'Ann', objectClass: ['top', 'person'] }`) or a list
 * (as LDIF and the wire give them). Descriptions are case-insensitive; the first spelling is
 * kept; two spellings of one type are merged.
 */
export type AttributesInput =
  | Readonly<Record<string, AttributeValuesInput>>
  | readonly { readonly type: string; readonly values: readonly AttributeValue[] }[]

export interface AddChange {
  readonly kind: 'add'
  readonly dn: DnLike
  readonly attributes: AttributesInput
  /**
   * The entryUUID (8-4-4-4-12 hex, any case). Default: from the directory's UUID source (seeded
   * when `uuidSeed` was given, random otherwise).
   */
  readonly uuid?: string
}

/** RFC 4511 §4.6 operations plus increment (RFC 4525), as LDIF names them. */
export type ModificationOperation = 'add' | 'delete' | 'replace' | 'increment'

export interface Modification {
  readonly operation: ModificationOperation
  /** The attribute description, e.g. `mail` or `cn;lang-en`. */
  readonly type: string
  /** Empty or absent: delete the whole attribute (delete) or remove it (replace). */
  readonly values?: readonly AttributeValue[]
}

export interface ModifyChange {
  readonly kind: 'modify'
  readonly dn: DnLike
  readonly modifications: readonly Modification[]
}

/** RFC 4511 §4.9 ModifyDN: rename (newRdn), move (newSuperior), or both. */
export interface ModDnChange {
  readonly kind: 'modDN'
  readonly dn: DnLike
  readonly newRdn: Rdn | string
  readonly deleteOldRdn: boolean
  readonly newSuperior?: DnLike
}

export interface DeleteChange {
  readonly kind: 'delete'
  readonly dn: DnLike
}

export type Change = AddChange | ModifyChange | ModDnChange | DeleteChange
export type ChangeKind = Change['kind']

export interface ApplyOptions {
  /** The bind DN of the writer: becomes creatorsName / modifiersName. Default: the directory's rootDn. */
  readonly by?: string
  /**
   * The serverID that originates the change (default: the directory's own). A scenario sets
   * another one to play a multi-provider peer: the change's CSN carries that serverID, and the
   * contextCSN vector gains an element for it.
   */
  readonly sid?: number
}

/**
 * What every successful change returns and emits (in commit order). `before` and `after` are
 * the target entry as it was and as it is (add: after only; delete: before only), so the sync
 * engine can evaluate scope and filter on both, as slapd's syncprov_matchops does.
 *
 * A ModifyDN of a non-leaf entry reports the target only, as slapd sends one message for it;
 * the descendants' DNs change in the store, but not their entryCSNs (back-mdb renames a subtree
 * by rewriting its DN index only).
 */
export interface ChangeEvent {
  readonly kind: ChangeKind
  /** The change's CSN: the entry's new entryCSN (for a delete, the CSN of the deletion). */
  readonly csn: string
  /** The serverID inside `csn`. */
  readonly sid: number
  /** The change's number in the retro changelog (1, 2, …; see Directory.lastChangeNumber). */
  readonly changeNumber: number
  /** The target's entryUUID, canonical lowercase text. */
  readonly uuid: string
  /** The same 16 octets (RFC 4533 §2.1.1 syncUUID). */
  readonly uuidBytes: Uint8Array
  readonly before?: EntrySnapshot
  readonly after?: EntrySnapshot
}

export type ChangeListener = (event: ChangeEvent) => void

/** Scope of a directory search (RFC 4511 §4.5.1.2). */
export type SearchScope = 'base' | 'one' | 'sub'

export interface DirectoryOptions {
  /**
   * The naming contexts (slapd: one database suffix each). Every entry lies under one of them;
   * the suffix entry itself is added like any other (it may come from the data). Default
   * `['dc=example,dc=com']`.
   */
  readonly suffixes?: readonly string[]
  /** The provider's serverID (0..4095), written into every CSN. Default 0, as slapd without serverID. */
  readonly sid?: number
  /** The clock CSNs and timestamps come from. Default `() => new Date()`. */
  readonly clock?: () => Date
  /** Size of the in-memory session log (slapd `syncprov-sessionlog`); 0 = none. Default 0. */
  readonly sessionLogSize?: number
  /**
   * How many records the retro changelog keeps (389-DS's Retro Changelog plugin, which the
   * `389ds` sync dialect reads); the oldest go beyond it; 0 keeps none. Default: unlimited,
   * as 389 without `nsslapd-changelogmaxage` (about a hundred bytes per change).
   */
  readonly retroChangelogSize?: number
  /** Seed for entryUUIDs of adds that give none: the same seed gives the same UUIDs. */
  readonly uuidSeed?: Seed
  /** Or a source of entryUUIDs (canonical text); wins over `uuidSeed`. */
  readonly uuidSource?: () => string
  /** creatorsName / modifiersName of loaded data and of changes without `by`. Default `cn=admin,<first suffix>`. */
  readonly rootDn?: string
  /**
   * Called when a change listener throws; the change itself stands and the other listeners still
   * run. Default: a process warning.
   */
  readonly onListenerError?: (error: unknown, event: ChangeEvent) => void
}

export interface DirectorySearch {
  readonly base: DnLike
  readonly scope: SearchScope
  /** A typed filter; absent means `(objectClass=*)`. */
  readonly filter?: Filter
  /** Stop after this many entries (0 or absent: no limit). */
  readonly sizeLimit?: number
}
