/**
 * Replicas as the runner compares them (docs/consumer-contract.md "Comparison"): entries keyed by
 * syncUUID; DNs compared RDN by RDN (types case-insensitively, spaces around ignored); attribute
 * names case-insensitively; values as sets of octet strings; operational attributes the consumer
 * reports ignored unless the case asked for them.
 */
import * as DN from '../../protocol/dn/index.js'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import type { Directory } from '../../provider/directory/index.js'
import { OPERATIONAL_ATTRIBUTES } from '../../provider/directory/index.js'
import type { ChangedEntry, ReplicaDiff } from './verdict.js'

export interface ComparableEntry {
  readonly uuid: string
  readonly dn: string
  /** Lower-cased attribute name → values (each the exact octets). */
  readonly attributes: ReadonlyMap<string, readonly Uint8Array[]>
}

/** A replica at one moment: what the consumer reported, or the provider's content. */
export interface ComparableReplica {
  /** null: no cookie kept. */
  readonly cookie: Uint8Array | null
  readonly entries: ReadonlyMap<string, ComparableEntry>
}

export const EMPTY_REPLICA: ComparableReplica = { cookie: null, entries: new Map() }

/** Names the runner treats as operational (provider/directory's list plus the usual server ones). */
const OPERATIONAL = new Set([
  ...OPERATIONAL_ATTRIBUTES.map((a) => a.key.toLowerCase()),
  'contextcsn', 'entrydn', 'hassubordinates', 'subschemasubentry', 'structuralobjectclass', 'nsuniqueid', 'numsubordinates', 'entryuuid', 'entrycsn',
  'creatorsname', 'createtimestamp', 'modifiersname', 'modifytimestamp', 'pwdchangedtime',
])

export interface ContentQuery {
  readonly base: string
  readonly scope: 'base' | 'one' | 'sub'
  readonly filter: string
  readonly attributes: readonly string[]
}

/** The provider's content as the consumer's search selects it, right now. */
export function providerContent(directory: Directory, query: ContentQuery): ComparableReplica {
  const entries = new Map<string, ComparableEntry>()
  let cursor
  try {
    cursor = directory.search({ base: query.base, scope: query.scope, filter: parseFilter(query.filter) })
  } catch {
    return { cookie: null, entries } // no base entry: the content is empty
  }
  for (const entry of cursor) {
    const attributes = new Map<string, Uint8Array[]>()
    for (const a of directory.project(entry, query.attributes)) {
      attributes.set(a.type.toLowerCase(), a.vals.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v)))
    }
    entries.set(entry.uuid, { uuid: entry.uuid, dn: DN.format(entry.dn), attributes: keepAttributes(attributes, query.attributes) })
  }
  return { cookie: null, entries }
}

/** Drops what the comparison ignores: operational attributes not asked for. */
export function keepAttributes(attributes: ReadonlyMap<string, readonly Uint8Array[]>, requested: readonly string[]): Map<string, readonly Uint8Array[]> {
  const wanted = new Set(requested.map((r) => r.toLowerCase()))
  const allOperational = wanted.has('+')
  const out = new Map<string, readonly Uint8Array[]>()
  for (const [name, values] of attributes) {
    const key = name.toLowerCase()
    if (OPERATIONAL.has(key) && !allOperational && !wanted.has(key)) continue
    // With a named list (no `*`), only those attributes count: a consumer may keep more.
    if (wanted.size > 0 && !wanted.has('*') && !wanted.has(key) && !(allOperational && OPERATIONAL.has(key))) continue
    out.set(key, values)
  }
  return out
}

/** The replica against the content, entry by entry. */
export function diffReplicas(content: ComparableReplica, replica: ComparableReplica): ReplicaDiff {
  const missing = []
  const unexpected = []
  const changed: ChangedEntry[] = []
  let matching = 0
  for (const [uuid, want] of content.entries) {
    const got = replica.entries.get(uuid)
    if (got === undefined) {
      missing.push({ uuid, dn: want.dn })
      continue
    }
    const change = compareEntry(want, got)
    if (change === undefined) matching++
    else changed.push(change)
  }
  for (const [uuid, got] of replica.entries) if (!content.entries.has(uuid)) unexpected.push({ uuid, dn: got.dn })
  return { missing, unexpected, changed, matching }
}

export function isEmptyDiff(d: ReplicaDiff): boolean {
  return d.missing.length === 0 && d.unexpected.length === 0 && d.changed.length === 0
}

/** Whether two reported replicas are the same (cookie bytes and entries): `replicaUnchanged`. */
export function sameReplica(a: ComparableReplica, b: ComparableReplica): string | undefined {
  if (!sameBytes(a.cookie, b.cookie)) return 'the cookie changed'
  const d = diffReplicas(a, b)
  if (isEmptyDiff(d)) return undefined
  const parts = []
  if (d.unexpected.length > 0) parts.push(`${d.unexpected.length} entr${d.unexpected.length === 1 ? 'y' : 'ies'} appeared (${d.unexpected[0]?.dn})`)
  if (d.missing.length > 0) parts.push(`${d.missing.length} entr${d.missing.length === 1 ? 'y' : 'ies'} vanished (${d.missing[0]?.dn})`)
  if (d.changed.length > 0) parts.push(`${d.changed.length} entr${d.changed.length === 1 ? 'y' : 'ies'} changed (${d.changed[0]?.dn})`)
  return parts.join(', ')
}

function compareEntry(want: ComparableEntry, got: ComparableEntry): ChangedEntry | undefined {
  const dnDiffers = !sameDn(want.dn, got.dn)
  const attributes = []
  const names = new Set([...want.attributes.keys(), ...got.attributes.keys()])
  for (const name of [...names].sort()) {
    const w = valueSet(want.attributes.get(name) ?? [])
    const g = valueSet(got.attributes.get(name) ?? [])
    const missing = [...w.keys()].filter((k) => !g.has(k)).map((k) => w.get(k) as string)
    const unexpected = [...g.keys()].filter((k) => !w.has(k)).map((k) => g.get(k) as string)
    if (missing.length > 0 || unexpected.length > 0) attributes.push({ name, missing, unexpected })
  }
  if (!dnDiffers && attributes.length === 0) return undefined
  return { uuid: want.uuid, dn: want.dn, ...(dnDiffers ? { consumerDn: got.dn } : {}), attributes }
}

/** Value key (hex of the octets) → readable form. */
function valueSet(values: readonly Uint8Array[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const v of values) out.set(Buffer.from(v).toString('hex'), readableValue(v))
  return out
}

/** A value as a person reads it: UTF-8 text, or base64 marked as such. */
export function readableValue(v: Uint8Array): string {
  const text = Buffer.from(v).toString('utf8')
  return Buffer.from(text, 'utf8').equals(Buffer.from(v)) && !/[\u0000-\u0008\u000e-\u001f]/u.test(text) ? text : `base64:${Buffer.from(v).toString('base64')}`
}

function sameDn(a: string, b: string): boolean {
  if (a === b) return true
  try {
    return DN.equals(a, b)
  } catch {
    return a.trim().toLowerCase() === b.trim().toLowerCase()
  }
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b
  return Buffer.from(a).equals(Buffer.from(b))
}
