import type { Rdn } from '../../protocol/dn/index.js'
import { describeAttribute } from './attribute-description.js'
import type { AttributeShape, ShapeRegistry, StoredValues } from './attribute-shape.js'
import { DirectoryError } from './errors.js'
import type { AttributeValue, AttributesInput, AttributeValuesInput } from './types.js'
import { OPERATIONAL_KEYS, equalityKey, refuseDuplicates, refuseOperational, storedValue } from './values.js'

/**
 * The attributes of a new entry (RFC 4511 §4.7), built straight into the compact form, since
 * this is the path a million loaded entries take:
 * - descriptions checked; two spellings of one description merged, the first kept;
 * - operational types refused (constraintViolation; loaders drop them before);
 * - an attribute without values is a protocolError, a repeated value attributeOrValueExists
 *   (slapd: "no values for attribute type", "value #n provided more than once");
 * - objectClass required (objectClassViolation);
 * - RDN values the attributes lack are added, as slapd's add does (entry_naming_check with
 *   add_naming); where the attributes hold the RDN value, they share the RDN's string.
 */
export function newEntryAttributes(
  input: AttributesInput,
  rdn: Rdn,
  shapes: ShapeRegistry,
  dnText: () => string,
): { shape: AttributeShape; values: StoredValues[] } {
  let shape = shapes.empty
  const slots: AttributeValue[][] = []
  const add = (type: string, raw: AttributeValuesInput): void => {
    const description = describeAttribute(type)
    refuseOperational(description, type)
    const list: readonly AttributeValue[] = Array.isArray(raw) ? raw : [raw as AttributeValue]
    if (list.length === 0) {
      throw new DirectoryError('DIRECTORY_MISSING_VALUES',
        `Attribute "${type}" has no values; every attribute of an add needs at least one (RFC 4511 §4.7, slapd: "no values for attribute type").`)
    }
    let slot = shape.slotOf(description.key)
    if (slot < 0) {
      shape = shapes.withAdded(shape, type)
      slot = slots.length
      slots.push([])
    }
    const target = slots[slot] as AttributeValue[]
    for (let i = 0; i < list.length; i++) {
      const stored = storedValue(list[i] as AttributeValue, type)
      // Very short values (initials, state codes, flags) and objectClass names repeat across entries: share them.
      target.push(typeof stored === 'string' && (stored.length <= 3 || description.base === 'objectclass') ? shapes.internValue(stored) : stored)
    }
  }
  if (Array.isArray(input)) {
    for (const a of input as readonly { type: string; values: readonly AttributeValue[] }[]) add(a.type, a.values)
  } else {
    const record = input as Readonly<Record<string, AttributeValuesInput>>
    for (const type in record) if (Object.hasOwn(record, type)) add(type, record[type] as AttributeValuesInput)
  }

  const values: StoredValues[] = new Array(slots.length)
  for (let i = 0; i < slots.length; i++) {
    const list = slots[i] as AttributeValue[]
    if (list.length === 1) {
      values[i] = list[0] as AttributeValue
      continue
    }
    const base = shape.bases[i] as string
    const known = base === 'objectclass' ? shapes.knownValues(list) : undefined
    if (known !== undefined) {
      values[i] = known
      continue
    }
    refuseDuplicates(shape.types[i] as string, base, list)
    values[i] = base === 'objectclass' ? shapes.internValues(list) : list
  }
  if (shape.slotOf('objectclass') < 0) {
    throw new DirectoryError('DIRECTORY_OBJECT_CLASS_VIOLATION',
      `The entry "${dnText()}" has no objectClass attribute; every entry needs one (RFC 4512 §2.4.1).`)
  }

  for (const ava of rdn) {
    if (ava.hex !== undefined) {
      throw new DirectoryError('DIRECTORY_NAMING_VIOLATION',
        `value of naming attribute '${ava.type}' in unsupported BER form: the RDN of "${dnText()}" gives it as #hex, which slapd cannot check against the entry.`)
    }
    const description = describeAttribute(ava.type)
    refuseOperationalRdn(description.base, ava.type, dnText)
    const slot = shape.slotOf(description.key)
    if (slot < 0) {
      shape = shapes.withAdded(shape, ava.type)
      values.push(ava.value)
      continue
    }
    const current = values[slot] as StoredValues
    const list: readonly AttributeValue[] = Array.isArray(current) ? current : [current as AttributeValue]
    const exact = list.indexOf(ava.value)
    if (exact >= 0) {
      // Keep one string for the naming value: the RDN's.
      if (list.length === 1) values[slot] = ava.value
      continue
    }
    const wanted = equalityKey(description.base, ava.value)
    if (list.some((v) => equalityKey(description.base, v) === wanted)) continue
    values[slot] = [...list, ava.value]
  }
  return { shape, values }
}

/** slapd's naming check: an operational attribute cannot name an entry (namingViolation). */
export function refuseOperationalRdn(base: string, type: string, dnText: () => string): void {
  if (OPERATIONAL_KEYS.has(base)) {
    throw new DirectoryError('DIRECTORY_NAMING_VIOLATION',
      `naming attribute '${type}' is operational: the RDN of "${dnText()}" cannot use an attribute the directory maintains.`)
  }
}
