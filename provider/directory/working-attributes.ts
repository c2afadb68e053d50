import type { Ava, Rdn } from '../../protocol/dn/index.js'
import type { AttributeDescription } from './attribute-description.js'
import { describeAttribute } from './attribute-description.js'
import type { AttributeShape, ShapeRegistry, StoredValues } from './attribute-shape.js'
import { storedFrom, valuesOf } from './attribute-shape.js'
import type { Entry } from './entry.js'
import { DirectoryError } from './errors.js'
import type { AttributeValue } from './types.js'
import { equalityKey } from './values.js'

interface WorkingAttribute {
  readonly type: string
  readonly description: AttributeDescription
  values: AttributeValue[]
}

/**
 * An entry's user attributes opened for a change: a plain list that add, modify and ModifyDN
 * edit, then turn back into a shape and value slots. The entry's own arrays are copied, never
 * edited, so snapshots of the old state stay true.
 */
export class WorkingAttributes {
  private readonly list: WorkingAttribute[]

  private constructor(list: WorkingAttribute[]) {
    this.list = list
  }

  static of(entry: Entry): WorkingAttributes {
    const shape = entry.shape
    return new WorkingAttributes(
      shape.types.map((type, i) => ({
        type,
        description: describeAttribute(type),
        values: [...valuesOf(entry.values[i] as StoredValues)],
      })),
    )
  }

  private find(key: string): WorkingAttribute | undefined {
    return this.list.find((a) => a.description.key === key)
  }

  has(key: string): boolean {
    return this.find(key) !== undefined
  }

  valuesOf(key: string): readonly AttributeValue[] | undefined {
    return this.find(key)?.values
  }

  /** Index of a value equal to `value` under the attribute's rule, or -1. */
  private indexOf(attribute: WorkingAttribute, value: AttributeValue): number {
    const base = attribute.description.base
    const wanted = equalityKey(base, value)
    return attribute.values.findIndex((v) => equalityKey(base, v) === wanted)
  }

  hasValue(key: string, value: AttributeValue): boolean {
    const attribute = this.find(key)
    return attribute !== undefined && this.indexOf(attribute, value) >= 0
  }

  /**
   * Adds values (RFC 4511 §4.6 add). `soft`: values already there are skipped (ModifyDN's new
   * RDN values, slapd's SLAP_MOD_SOFTADD); otherwise they are attributeOrValueExists.
   */
  add(type: string, values: readonly AttributeValue[], soft = false): void {
    const description = describeAttribute(type)
    let attribute = this.find(description.key)
    if (attribute === undefined) {
      attribute = { type, description, values: [] }
      this.list.push(attribute)
    }
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as AttributeValue
      if (this.indexOf(attribute, value) >= 0) {
        if (soft) continue
        throw new DirectoryError('DIRECTORY_VALUE_EXISTS',
          `modify/add: ${type}: value #${i} already exists; adding a value the attribute already has is attributeOrValueExists (RFC 4511 §4.6).`)
      }
      attribute.values.push(value)
    }
  }

  /**
   * Deletes values, or the whole attribute when `values` is empty (RFC 4511 §4.6 delete).
   * `soft`: missing values are ignored (ModifyDN's deleteOldRdn); otherwise noSuchAttribute.
   */
  delete(type: string, values: readonly AttributeValue[], soft = false): void {
    const description = describeAttribute(type)
    const attribute = this.find(description.key)
    if (attribute === undefined) {
      if (soft) return
      throw new DirectoryError('DIRECTORY_NO_SUCH_ATTRIBUTE',
        `modify/delete: ${type}: no such attribute; the entry has no "${type}" to delete from (RFC 4511 §4.6).`)
    }
    for (let i = 0; i < values.length; i++) {
      const at = this.indexOf(attribute, values[i] as AttributeValue)
      if (at < 0) {
        if (soft) continue
        throw new DirectoryError('DIRECTORY_NO_SUCH_ATTRIBUTE',
          `modify/delete: ${type}: no such value (value #${i}); deleting a value the attribute does not have is noSuchAttribute (RFC 4511 §4.6).`)
      }
      attribute.values.splice(at, 1)
    }
    if (values.length === 0 || attribute.values.length === 0) this.list.splice(this.list.indexOf(attribute), 1)
  }

  /** Replaces all values (none: removes the attribute, which need not exist). */
  replace(type: string, values: readonly AttributeValue[]): void {
    const description = describeAttribute(type)
    const at = this.list.findIndex((a) => a.description.key === description.key)
    if (at >= 0) this.list.splice(at, 1)
    if (values.length > 0) this.add(type, values)
  }

  /** Sets the values of an existing attribute in place (increment keeps the attribute's position). */
  set(key: string, values: AttributeValue[]): void {
    const attribute = this.find(key)
    if (attribute !== undefined) attribute.values = values
  }

  /** Whether every AVA of the RDN has its value in the entry. Returns the first missing AVA. */
  missingRdnValue(rdn: Rdn): Ava | undefined {
    return rdn.find((ava) => ava.hex !== undefined || !this.hasValue(describeAttribute(ava.type).key, ava.value))
  }

  toState(shapes: ShapeRegistry): { shape: AttributeShape; values: StoredValues[] } {
    return {
      shape: shapes.intern(this.list.map((a) => a.type)),
      values: this.list.map((a) => storedFrom(a.description.base === 'objectclass' ? shapes.internValues(a.values) : a.values)),
    }
  }
}
