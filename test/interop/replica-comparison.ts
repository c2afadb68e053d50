/**
 * Compares a consumer's saved replica (test/support/python-replica.ts) with what the provider's
 * directory holds for the same search: entries by entryUUID; DNs RDN by RDN with each value's
 * matching rule (so case-insensitively for the naming attributes used here); attribute types
 * case-insensitively; values as sets of their bytes. Differences come back as sentences, so a
 * failing test shows all of them at once.
 */
import type { Directory } from '../../provider/index.js'
import * as DN from '../../protocol/dn/index.js'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import type { ReplicaEntry, ReplicaState } from '../support/python-replica.js'

/** An entry in comparable form: DN text and type (lower case) → base64 of each value's bytes. */
export interface ComparableEntry {
  readonly dn: string
  readonly attributes: ReadonlyMap<string, ReadonlySet<string>>
}

export interface ContentSpec {
  readonly base: string
  /** RFC 4515 text; default `(objectClass=*)`. */
  readonly filter?: string
  /** The search's attribute list; default all user attributes. `+` adds the operational ones. */
  readonly attrs?: readonly string[]
}

const bytesKey = (value: string | Uint8Array): string => Buffer.from(value).toString('base64')

function addValues(into: Map<string, Set<string>>, type: string, keys: Iterable<string>): void {
  const key = type.toLowerCase()
  let set = into.get(key)
  if (set === undefined) into.set(key, (set = new Set()))
  for (const k of keys) set.add(k)
}

/** The content the provider holds for a subtree sync search of `spec`, keyed by entryUUID. */
export function providerContent(directory: Directory, spec: ContentSpec): Map<string, ComparableEntry> {
  const filter = parseFilter(spec.filter ?? '(objectClass=*)')
  const attrs = spec.attrs ?? []
  const operational = attrs.includes('+')
  const out = new Map<string, ComparableEntry>()
  for (const entry of directory.search({ base: spec.base, scope: 'sub', filter })) {
    const attributes = new Map<string, Set<string>>()
    // User attributes straight from the entry, not through the provider's projection code.
    for (const a of entry.attributes) addValues(attributes, a.type, a.values.map(bytesKey))
    if (operational) {
      for (const a of directory.project(entry, ['+'])) addValues(attributes, a.type, a.vals.map(bytesKey))
    }
    out.set(entry.uuid, { dn: entry.dnText, attributes })
  }
  return out
}

/** The replica entry in comparable form (base64-stored types are already bytes). */
export function replicaEntry(entry: ReplicaEntry): ComparableEntry {
  const binary = new Set(entry.base64.map((t) => t.toLowerCase()))
  const attributes = new Map<string, Set<string>>()
  for (const [type, values] of Object.entries(entry.attributes)) {
    const isBase64 = binary.has(type.toLowerCase())
    addValues(attributes, type, values.map((v) => (isBase64 ? v : bytesKey(v))))
  }
  return { dn: entry.dn, attributes }
}

const show = (keys: ReadonlySet<string> | undefined): string =>
  keys === undefined ? '(absent)' : JSON.stringify([...keys].map((k) => Buffer.from(k, 'base64').toString('utf8')).sort())

/** Every difference between the replica and the expected content, as sentences; [] when equal. */
export function replicaDifferences(replica: ReplicaState, expected: ReadonlyMap<string, ComparableEntry>): string[] {
  const diffs: string[] = []
  for (const [uuid, want] of expected) {
    const stored = replica.entries[uuid]
    if (stored === undefined) {
      diffs.push(`${uuid} (${want.dn}) is in the provider's content but missing from the replica.`)
      continue
    }
    const got = replicaEntry(stored)
    if (!DN.equals(got.dn, want.dn)) diffs.push(`${uuid}: the replica has DN "${got.dn}", the provider "${want.dn}".`)
    for (const type of new Set([...want.attributes.keys(), ...got.attributes.keys()])) {
      const w = want.attributes.get(type)
      const g = got.attributes.get(type)
      const same = w !== undefined && g !== undefined && w.size === g.size && [...w].every((k) => g.has(k))
      if (!same) diffs.push(`${uuid} (${want.dn}) ${type}: the replica has ${show(g)}, the provider ${show(w)}.`)
    }
  }
  for (const [uuid, stored] of Object.entries(replica.entries)) {
    if (!expected.has(uuid)) diffs.push(`${uuid} (${stored.dn}) is in the replica but not in the provider's content.`)
  }
  return diffs
}
