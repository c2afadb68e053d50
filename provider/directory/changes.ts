import * as DN from '../../protocol/dn/index.js'
import type { Ava, Dn, DnLike, Rdn } from '../../protocol/dn/index.js'
import { describeAttribute } from './attribute-description.js'
import type { DnCache } from './dn-cache.js'
import { retireDnTexts } from './entry.js'
import type { EntrySnapshot, LiveEntry } from './entry.js'
import { DirectoryError } from './errors.js'
import { applyModifications } from './modify.js'
import type { DirectoryStore, NamingContext } from './store.js'
import { isSelfOrDescendant } from './store.js'
import type { AddChange, DeleteChange, ModDnChange, ModifyChange } from './types.js'
import { newEntryAttributes, refuseOperationalRdn } from './add-attributes.js'
import { canonicalUuid } from './uuid-slab.js'
import { equalityKey } from './values.js'
import { WorkingAttributes } from './working-attributes.js'

/**
 * The four changes of RFC 4511 (§4.6 modify, §4.7 add, §4.8 delete, §4.9 ModifyDN) against the
 * store, with the checks in slapd 2.5's order and its result codes (see errors.ts). Each one
 * validates everything first and only then takes a CSN (`stamp`) and commits, so a refused change
 * leaves no trace.
 */
export interface ChangeContext {
  readonly store: DirectoryStore
  /** Issues the change's CSN; called once, at commit. */
  readonly stamp: () => string
  /** creatorsName / modifiersName of this change. */
  readonly by: string
  /** Whether to take before / after snapshots (not needed when loading). */
  readonly snapshots: boolean
  /** The entryUUID for an add that names none. */
  readonly newUuid: () => string
}

export interface Committed {
  readonly entry: LiveEntry
  readonly csn: string
  readonly before?: EntrySnapshot
  readonly after?: EntrySnapshot
}

export function parseDn(dn: DnLike, what: string, cache?: DnCache): Dn {
  try {
    return typeof dn === 'string' && cache !== undefined ? cache.parse(dn) : DN.toDn(dn)
  } catch (error) {
    throw new DirectoryError('DIRECTORY_INVALID_DN', `The ${what} ${JSON.stringify(String(dn))} is not a valid DN: ${(error as Error).message}`, { cause: error })
  }
}

/** The live entry a change or search names, or the right noSuchObject. */
export function requireEntry(store: DirectoryStore, dn: Dn, what: string): LiveEntry {
  const where = store.locate(dn)
  if (where.kind === 'found') return where.entry
  if (where.kind === 'outside') throw outsideSuffixes(store, dn, what)
  const matched = where.closest?.dnText ?? ''
  throw new DirectoryError('DIRECTORY_NO_SUCH_OBJECT',
    `The ${what} "${DN.format(dn)}" does not exist` + (matched === '' ? '; no part of its DN exists either.' : `; the closest existing entry is "${matched}".`),
    { matchedDN: matched })
}

function outsideSuffixes(store: DirectoryStore, dn: Dn, what: string): DirectoryError {
  const suffixes = store.contexts.map((c) => `"${DN.format(c.dn)}"`).join(', ')
  return new DirectoryError('DIRECTORY_OUTSIDE_SUFFIXES',
    `The ${what} "${DN.format(dn)}" lies under none of the directory's naming contexts (${suffixes}); slapd has no database for it.`)
}

/** An add; `uuid` is the canonical entryUUID the change names, if any. */
export function applyAdd(ctx: ChangeContext, change: AddChange, uuid: string | undefined): Committed {
  const { store } = ctx
  const dn = parseDn(change.dn, 'entry DN', store.dns)
  if (dn.length === 0) throw outsideSuffixes(store, dn, 'entry DN')
  const { shape, values } = newEntryAttributes(change.attributes, dn[0] as Rdn, store.shapes, () => DN.format(dn))
  const where = store.locate(dn)
  if (where.kind === 'outside') throw outsideSuffixes(store, dn, 'entry DN')
  if (where.kind === 'found') {
    throw new DirectoryError('DIRECTORY_ENTRY_ALREADY_EXISTS', `The entry "${DN.format(dn)}" already exists; an add cannot replace it (RFC 4511 §4.7).`)
  }
  if (where.missingLevels !== 1) {
    const matched = where.closest?.dnText ?? ''
    throw new DirectoryError('DIRECTORY_NO_SUCH_OBJECT',
      `The parent of "${DN.format(dn)}" does not exist` + (matched === '' ? '; add the naming context\'s entry first.' : `; the closest existing entry is "${matched}".`),
      { matchedDN: matched })
  }
  const id = uuid ?? freshUuid(ctx)
  const holder = store.entries.get(id)
  if (holder !== undefined) {
    throw new DirectoryError('DIRECTORY_UUID_ALREADY_EXISTS',
      `The entryUUID ${id} of "${DN.format(dn)}" already belongs to "${holder.dnText}"; every entry needs its own.`)
  }
  const csn = ctx.stamp()
  const entry = store.insert({
    uuid: id,
    dn,
    context: where.context,
    parent: where.closest,
    createCsn: csn,
    creatorsName: ctx.by,
    state: { shape, values, csn, modifiersName: ctx.by },
  })
  return ctx.snapshots ? { entry, csn, after: entry.snapshot() } : { entry, csn }
}

function freshUuid(ctx: ChangeContext): string {
  // A source that keeps repeating itself is a broken source, not a reason to loop forever.
  for (let attempt = 0; attempt < 100; attempt++) {
    const id = canonicalUuid(ctx.newUuid())
    if (!ctx.store.entries.has(id)) return id
  }
  throw new DirectoryError('DIRECTORY_UUID_ALREADY_EXISTS',
    'The directory\'s entryUUID source returned 100 UUIDs that are all taken; it must return a new UUID on every call.')
}

export function applyModify(ctx: ChangeContext, change: ModifyChange): Committed {
  const { store } = ctx
  const dn = parseDn(change.dn, 'entry DN', ctx.store.dns)
  const entry = requireEntry(store, dn, 'entry')
  const work = WorkingAttributes.of(entry)
  applyModifications(work, change.modifications)
  if (!work.has('objectclass')) {
    throw new DirectoryError('DIRECTORY_OBJECT_CLASS_VIOLATION',
      `The modify would leave "${entry.dnText}" without an objectClass attribute; every entry needs one (RFC 4512 §2.4.1).`)
  }
  const missing = work.missingRdnValue(entry.rdn)
  if (missing !== undefined) {
    throw new DirectoryError('DIRECTORY_NAMING_VIOLATION',
      `value of naming attribute '${missing.type}' is not present in entry: the modify would remove a value of the RDN of "${entry.dnText}"; rename the entry first (slapd answers namingViolation, RFC 4511 §4.6 names notAllowedOnRDN).`)
  }
  const before = ctx.snapshots ? entry.snapshot() : undefined
  const csn = ctx.stamp()
  entry.commit({ ...work.toState(store.shapes), csn, modifiersName: ctx.by })
  return { entry, csn, before, after: ctx.snapshots ? entry.snapshot() : undefined }
}

export function applyModDn(ctx: ChangeContext, change: ModDnChange): Committed {
  retireDnTexts() // the subtree's DN texts change with it
  const { store } = ctx
  const dn = parseDn(change.dn, 'entry DN', ctx.store.dns)
  let newRdn: Rdn
  try {
    newRdn = DN.toRdn(change.newRdn)
  } catch (error) {
    throw new DirectoryError('DIRECTORY_INVALID_DN', `The new RDN ${JSON.stringify(String(change.newRdn))} is not a valid RDN: ${(error as Error).message}`, { cause: error })
  }
  const newSuperior = change.newSuperior === undefined ? undefined : parseDn(change.newSuperior, 'new superior')
  const entry = requireEntry(store, dn, 'entry')
  if (entry.parent === undefined) {
    throw new DirectoryError('DIRECTORY_NAMING_VIOLATION',
      `cannot rename suffix entry: "${entry.dnText}" is the entry of a naming context, which back-mdb does not rename.`)
  }
  const newParent = newSuperior === undefined ? entry.parent : resolveNewSuperior(store, entry, dn, newSuperior)
  const newDn = DN.child(newParent.dn, newRdn)
  const taken = store.find(newDn)
  if (taken !== undefined && taken !== entry) {
    throw new DirectoryError('DIRECTORY_ENTRY_ALREADY_EXISTS',
      `The entry "${DN.format(newDn)}" already exists; the ModifyDN of "${entry.dnText}" cannot take its name (RFC 4511 §4.9).`)
  }
  // RFC 4511 §4.9: the new RDN's values are added, the old RDN's removed when deleteOldRdn.
  const work = WorkingAttributes.of(entry)
  for (const ava of newRdn) {
    if (ava.hex !== undefined) throw hexRdn(newDn, ava.type)
    refuseOperationalRdn(describeAttribute(ava.type).base, ava.type, () => DN.format(newDn))
  }
  if (change.deleteOldRdn) {
    for (const ava of entry.rdn) {
      if (ava.hex === undefined && !newRdn.some((n) => sameAva(n, ava))) work.delete(ava.type, [ava.value], true)
    }
  }
  for (const ava of newRdn) work.add(ava.type, [ava.value], true)
  if (!work.has('objectclass')) {
    throw new DirectoryError('DIRECTORY_OBJECT_CLASS_VIOLATION', `The ModifyDN would leave "${entry.dnText}" without an objectClass attribute.`)
  }
  const before = ctx.snapshots ? entry.snapshot() : undefined
  const csn = ctx.stamp()
  store.move(entry, newParent, newRdn)
  retireDnTexts() // texts cached before the move (the before snapshot's included) are stale now
  entry.commit({ ...work.toState(store.shapes), csn, modifiersName: ctx.by })
  return { entry, csn, before, after: ctx.snapshots ? entry.snapshot() : undefined }
}

function resolveNewSuperior(store: DirectoryStore, entry: LiveEntry, dn: Dn, newSuperior: Dn): LiveEntry {
  const from = store.contextOf(dn) as NamingContext
  const to = store.contextOf(newSuperior)
  if (to === undefined) {
    throw new DirectoryError('DIRECTORY_NEW_SUPERIOR_NOT_FOUND',
      `new superior not found: "${DN.format(newSuperior)}" lies under none of the directory's naming contexts.`)
  }
  if (to !== from) {
    throw new DirectoryError('DIRECTORY_AFFECTS_MULTIPLE_DSAS',
      `cannot rename between DSAs: the new superior "${DN.format(newSuperior)}" is in naming context "${DN.format(to.dn)}", the entry in "${DN.format(from.dn)}".`)
  }
  const target = store.find(newSuperior)
  if (DN.isDescendantOf(newSuperior, dn, { orSelf: true }) || (target !== undefined && isSelfOrDescendant(target, entry))) {
    throw new DirectoryError('DIRECTORY_MOVE_UNDER_ITSELF',
      `new superior not found: "${DN.format(newSuperior)}" is "${entry.dnText}" itself or lies below it, and an entry cannot be moved under itself (slapd answers noSuchObject).`)
  }
  if (target === undefined) {
    throw new DirectoryError('DIRECTORY_NEW_SUPERIOR_NOT_FOUND', `new superior not found: the entry "${DN.format(newSuperior)}" does not exist.`)
  }
  return target
}

export function applyDelete(ctx: ChangeContext, change: DeleteChange): Committed {
  const { store } = ctx
  const dn = parseDn(change.dn, 'entry DN', ctx.store.dns)
  const entry = requireEntry(store, dn, 'entry')
  if (entry.hasSubordinates) {
    throw new DirectoryError('DIRECTORY_NOT_ALLOWED_ON_NON_LEAF',
      `subordinate objects must be deleted first: "${entry.dnText}" has ${entry.children?.size} child entries (RFC 4511 §4.8 deletes leaves only).`)
  }
  const before = ctx.snapshots ? entry.snapshot() : undefined
  const csn = ctx.stamp()
  store.remove(entry)
  return { entry, csn, before }
}

export function hexRdn(dn: Dn, type: string): DirectoryError {
  return new DirectoryError('DIRECTORY_NAMING_VIOLATION',
    `value of naming attribute '${type}' in unsupported BER form: the RDN of "${DN.format(dn)}" gives it as #hex, which slapd cannot check against the entry.`)
}

/** Two AVAs of one type whose values are equal under the type's rule. */
function sameAva(a: Ava, b: Ava): boolean {
  const x = describeAttribute(a.type)
  if (x.key !== describeAttribute(b.type).key || a.hex !== undefined || b.hex !== undefined) return false
  return equalityKey(x.base, a.value) === equalityKey(x.base, b.value)
}
