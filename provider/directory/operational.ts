import * as DN from '../../protocol/dn/index.js'
import type { AttributeDescription } from './attribute-description.js'
import type { StoredValues } from './attribute-shape.js'
import { valuesOf } from './attribute-shape.js'
import type { Entry } from './entry.js'
import type { AttributeValue } from './types.js'

/**
 * The operational attributes an entry shows (RFC 4512 §3.4, RFC 4530, RFC 5020, RFC 3045 …),
 * in the order slapd 2.5 returns them for `+`: the stored ones (entryUUID, creatorsName,
 * createTimestamp, entryCSN, modifiersName, modifyTimestamp), then contextCSN on a naming
 * context's entry (syncprov), then the computed entryDN, subschemaSubentry, hasSubordinates.
 * slapd also stores structuralObjectClass; without a schema we cannot tell which objectClass is
 * structural, so we leave it out rather than guess.
 */
export interface OperationalAttribute {
  /** The name as slapd spells it on the wire. */
  readonly type: string
  /** Its comparison key (lower case). */
  readonly key: string
  values(entry: Entry, contextCsn: readonly string[]): readonly AttributeValue[] | undefined
}

/** Where the subschema subentry is, as slapd names it. */
export const SUBSCHEMA_SUBENTRY = 'cn=Subschema'

const attribute = (type: string, values: OperationalAttribute['values']): OperationalAttribute => ({ type, key: type.toLowerCase(), values })

export const OPERATIONAL_ATTRIBUTES: readonly OperationalAttribute[] = [
  attribute('entryUUID', (e) => [e.uuid]),
  attribute('creatorsName', (e) => [e.creatorsName]),
  attribute('createTimestamp', (e) => [e.createTimestamp]),
  attribute('entryCSN', (e) => [e.csn]),
  attribute('modifiersName', (e) => [e.modifiersName]),
  attribute('modifyTimestamp', (e) => [e.modifyTimestamp]),
  // syncprov shows the context's contextCSN vector as an attribute of the suffix entry.
  attribute('contextCSN', (e, csns) => (e.isSuffixEntry && csns.length > 0 ? csns : undefined)),
  attribute('entryDN', (e) => [DN.format(e.dn)]),
  attribute('subschemaSubentry', () => [SUBSCHEMA_SUBENTRY]),
  attribute('hasSubordinates', (e) => [e.hasSubordinates ? 'TRUE' : 'FALSE']),
]

const BY_KEY = new Map(OPERATIONAL_ATTRIBUTES.map((a) => [a.key, a]))

/** The operational attribute with this (base) key, if we provide it. */
export function operationalAttribute(key: string): OperationalAttribute | undefined {
  return BY_KEY.get(key)
}

/**
 * All values an attribute description reaches in an entry: the operational attribute of that
 * name, or the user attribute and its subtypes (`cn` reaches `cn;lang-en`). Undefined when none.
 */
export function valuesReached(entry: Entry, d: AttributeDescription, contextCsn: readonly string[]): readonly AttributeValue[] | undefined {
  const operational = d.hasOptions ? undefined : BY_KEY.get(d.base)
  if (operational !== undefined) return operational.values(entry, contextCsn)
  const shape = entry.shape
  if (!d.hasOptions) {
    // Fast path: no subtype in this shape.
    let found: AttributeValue[] | undefined
    let first: readonly AttributeValue[] | undefined
    for (let i = 0; i < shape.bases.length; i++) {
      if (shape.bases[i] !== d.base) continue
      const vals = valuesOf(entry.values[i] as StoredValues)
      if (first === undefined) first = vals
      else (found ??= [...first]).push(...vals)
    }
    return found ?? first
  }
  const slot = shape.slotOf(d.key)
  return slot < 0 ? undefined : valuesOf(entry.values[slot] as StoredValues)
}
