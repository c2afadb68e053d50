import * as DN from '../../protocol/dn/index.js'
import type { Dn, Rdn } from '../../protocol/dn/index.js'
import { ShapeRegistry } from './attribute-shape.js'
import { DnCache } from './dn-cache.js'
import type { EntryState } from './entry.js'
import { LiveEntry } from './entry.js'
import { UuidSlab } from './uuid-slab.js'

/**
 * Where the entries live: by entryUUID (a Map, whose insertion order is back-mdb's entry-ID
 * order), and as a tree under each naming context. The tree is the DN index: each entry keeps
 * its children by normalized RDN (protocol/dn), so finding a DN walks from the suffix down, a
 * one-level search reads one map, a non-leaf check is a size test, and a ModifyDN of a subtree
 * relinks one entry.
 */
export interface NamingContext {
  readonly dn: Dn
  /** Normalized DN (protocol/dn), for messages and comparisons. */
  readonly key: string
  /** Normalized RDNs of the suffix, leaf first. */
  readonly rdnKeys: readonly string[]
  /** The suffix entry, once added. */
  entry: LiveEntry | undefined
}

/** Where a DN leads. */
export type Location =
  | { readonly kind: 'found'; readonly entry: LiveEntry; readonly context: NamingContext }
  | {
      readonly kind: 'missing'
      readonly context: NamingContext
      /** The closest existing ancestor (the matchedDN), or undefined when even the suffix entry is missing. */
      readonly closest: LiveEntry | undefined
      /** How many RDNs of the DN lie below `closest` (1: only the entry itself is missing). */
      readonly missingLevels: number
    }
  | { readonly kind: 'outside' }

export class DirectoryStore {
  readonly entries = new Map<string, LiveEntry>()
  readonly contexts: readonly NamingContext[]
  readonly slab = new UuidSlab()
  readonly shapes = new ShapeRegistry()
  /** Parses DN strings reusing recent parents (see dn-cache.ts). */
  readonly dns = new DnCache()
  private nextId = 1

  constructor(suffixes: readonly Dn[]) {
    // The most specific naming context wins when one suffix lies below another (as slapd selects backends).
    this.contexts = [...suffixes]
      .sort((a, b) => b.length - a.length)
      .map((dn) => ({ dn, key: DN.normalize(dn), rdnKeys: dn.map((r) => DN.normalizeRdn(r)), entry: undefined }))
  }

  get size(): number {
    return this.entries.size
  }

  /** The naming context a DN lies in, or undefined. */
  contextOf(dn: Dn): NamingContext | undefined {
    for (const context of this.contexts) {
      const n = context.rdnKeys.length
      if (dn.length < n) continue
      let inside = true
      for (let k = 0; k < n && inside; k++) inside = DN.normalizeRdn(dn[dn.length - n + k] as Rdn) === context.rdnKeys[k]
      if (inside) return context
    }
    return undefined
  }

  /** Walks a DN from its naming context down. */
  locate(dn: Dn): Location {
    const context = this.contextOf(dn)
    if (context === undefined) return { kind: 'outside' }
    const below = dn.length - context.rdnKeys.length
    let node = context.entry
    if (node === undefined) return { kind: 'missing', context, closest: undefined, missingLevels: below + 1 }
    for (let i = below - 1; i >= 0; i--) {
      const child: LiveEntry | undefined = node.children?.get(DN.normalizeRdn(dn[i] as Rdn))
      if (child === undefined) return { kind: 'missing', context, closest: node, missingLevels: i + 1 }
      node = child
    }
    return { kind: 'found', entry: node, context }
  }

  /** The live entry at `dn`, if any. */
  find(dn: Dn): LiveEntry | undefined {
    const where = this.locate(dn)
    return where.kind === 'found' ? where.entry : undefined
  }

  /**
   * Creates and links a new entry. `parent` undefined means the naming context's own entry.
   * The caller has checked that the place is free.
   */
  insert(init: {
    /** Canonical text (see canonicalUuid). */
    readonly uuid: string
    readonly dn: Dn
    readonly context: NamingContext
    readonly parent: LiveEntry | undefined
    readonly createCsn: string
    readonly creatorsName: string
    readonly state: EntryState
  }): LiveEntry {
    const rdn = init.dn[0] as Rdn
    const isSuffix = init.parent === undefined
    const slot = this.slab.store(init.uuid)
    const entry = new LiveEntry({
      id: this.nextId++,
      uuid: this.slab.text(slot),
      slab: this.slab,
      slot,
      parent: init.parent,
      rdn,
      rdnKey: DN.normalizeRdn(rdn),
      suffixDn: isSuffix ? init.dn : undefined,
      createCsn: init.createCsn,
      creatorsName: init.creatorsName,
      state: init.state,
    })
    this.entries.set(entry.uuid, entry)
    if (init.parent === undefined) init.context.entry = entry
    else link(init.parent, entry)
    return entry
  }

  /** Unlinks a leaf and forgets it. */
  remove(entry: LiveEntry): void {
    this.entries.delete(entry.uuid)
    if (entry.parent === undefined) {
      for (const context of this.contexts) if (context.entry === entry) context.entry = undefined
    } else {
      entry.parent.children?.delete(entry.rdnKey)
    }
    entry.id = -1
  }

  /** Renames and/or moves an entry (its subtree follows, since descendants' DNs are computed). */
  move(entry: LiveEntry, newParent: LiveEntry, newRdn: Rdn): void {
    entry.parent?.children?.delete(entry.rdnKey)
    entry.rdn = newRdn
    entry.rdnKey = DN.normalizeRdn(newRdn)
    entry.parent = newParent
    link(newParent, entry)
  }
}

function link(parent: LiveEntry, child: LiveEntry): void {
  if (parent.children === undefined) parent.children = new Map()
  parent.children.set(child.rdnKey, child)
}

/** Whether `entry` is `ancestor` or lies below it (by links, not DN text). */
export function isSelfOrDescendant(entry: LiveEntry, ancestor: LiveEntry): boolean {
  for (let node: LiveEntry | undefined = entry; node !== undefined; node = node.parent) {
    if (node === ancestor) return true
  }
  return false
}
