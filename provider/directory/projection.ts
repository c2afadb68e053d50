import type { EntryAttributeInput } from '../../protocol/ldap/search-result-entry.js'
import type { AttributeDescription } from './attribute-description.js'
import { reaches, tryDescribeAttribute } from './attribute-description.js'
import type { StoredValues } from './attribute-shape.js'
import { valuesOf } from './attribute-shape.js'
import type { Entry } from './entry.js'
import { OPERATIONAL_ATTRIBUTES } from './operational.js'

/**
 * Which attributes a search returns (RFC 4511 §4.5.1.8): an empty list or `*` means all user
 * attributes, `+` all operational ones (RFC 3673), `1.1` none (ignored when other names are
 * listed too), and names select attributes case-insensitively, a name without options also
 * selecting its subtypes (`cn` → `cn;lang-en`). Names that are not attribute descriptions are
 * ignored, as slapd ignores unknown types in the list.
 *
 * Output order does not follow the request: user attributes come in the entry's insertion order,
 * then operational ones in slapd's order (see operational.ts), each at most once.
 */
export interface AttributeSelection {
  readonly allUser: boolean
  readonly allOperational: boolean
  readonly named: readonly AttributeDescription[]
  /** Keys of operational attributes asked for by name (names without options), for the hot path. */
  readonly namedOperational?: ReadonlySet<string>
}

export function selectAttributes(requested: readonly string[]): AttributeSelection {
  let allUser = requested.length === 0
  let allOperational = false
  const named: AttributeDescription[] = []
  for (const name of requested) {
    if (name === '*') allUser = true
    else if (name === '+') allOperational = true
    else if (name !== '1.1') {
      const d = tryDescribeAttribute(name.trim())
      if (d !== undefined) named.push(d)
    }
  }
  const namedOperational = new Set(named.filter((d) => !d.hasOptions).map((d) => d.base))
  return { allUser, allOperational, named, namedOperational }
}

export interface ProjectOptions {
  /** RFC 4511 §4.5.1.6 typesOnly: descriptions without values. */
  readonly typesOnly?: boolean
  /** The contextCSN values a naming context's entry shows (the directory passes its vector). */
  readonly contextCsn?: readonly string[]
}

/**
 * The attribute list a search result entry carries for `requested`.
 *
 * @example projectEntry(entry, ['cn', '+']) // [{ type: 'cn', vals: ['Ann'] }, { type: 'entryUUID', vals: [...] }, ...]
 */
export function projectEntry(
  entry: Entry,
  requested: readonly string[] | AttributeSelection,
  options: ProjectOptions = {},
): EntryAttributeInput[] {
  const selection = Array.isArray(requested) ? selectAttributes(requested as readonly string[]) : (requested as AttributeSelection)
  const out: EntryAttributeInput[] = []
  const { shape } = entry
  const typesOnly = options.typesOnly === true
  for (let i = 0; i < shape.size; i++) {
    const key = shape.keys[i] as string
    const base = shape.bases[i] as string
    if (selection.allUser || selection.named.some((d) => reaches(d, key, base))) {
      out.push({ type: shape.types[i] as string, vals: typesOnly ? [] : valuesOf(entry.values[i] as StoredValues) })
    }
  }
  // A refresh projects every entry with the same selection: skip the operational pass at once
  // when none is wanted (the common `*` / empty list case).
  const namedOperational = selection.namedOperational
  if (!selection.allOperational && namedOperational !== undefined && namedOperational.size === 0) return out
  const contextCsn = options.contextCsn ?? []
  for (const attribute of OPERATIONAL_ATTRIBUTES) {
    if (!selection.allOperational && !(namedOperational?.has(attribute.key) ?? selection.named.some((d) => !d.hasOptions && d.base === attribute.key))) continue
    const values = attribute.values(entry, contextCsn)
    if (values !== undefined) out.push({ type: attribute.type, vals: typesOnly ? [] : values })
  }
  return out
}
