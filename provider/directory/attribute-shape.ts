import { describeAttribute } from './attribute-description.js'
import type { AttributeValue } from './types.js'

/**
 * Compact attribute storage. An entry holds one array of values, one slot per attribute; the
 * attribute names live in a shared AttributeShape (the list of descriptions, in insertion order,
 * with a key → slot map). A million generated people use a handful of shapes, so the names and
 * the lookup map cost nothing per entry. A slot holds the value itself when the attribute has one
 * value (the common case) and an array when it has several.
 *
 * Stored arrays are never mutated: a change builds new arrays, so an EntrySnapshot can keep the
 * old ones as they were (copy on write).
 */
export type StoredValues = AttributeValue | readonly AttributeValue[]

export function valuesOf(stored: StoredValues): readonly AttributeValue[] {
  return Array.isArray(stored) ? (stored as readonly AttributeValue[]) : [stored as AttributeValue]
}

export function storedFrom(values: readonly AttributeValue[]): StoredValues {
  return values.length === 1 ? (values[0] as AttributeValue) : values
}

export class AttributeShape {
  /** Descriptions as first spelled, in insertion order. */
  readonly types: readonly string[]
  /** Comparison keys (see attribute-description.ts), one per slot. */
  readonly keys: readonly string[]
  /** Keys of the types without options (for rules and subtypes), one per slot. */
  readonly bases: readonly string[]
  private readonly slots = new Map<string, number>()
  /** Shapes reached by adding a description (by spelling) or removing a slot (by key), so changes share shapes too. */
  readonly added = new Map<string, AttributeShape>()
  readonly removed = new Map<string, AttributeShape>()

  constructor(types: readonly string[]) {
    this.types = types
    const keys: string[] = []
    const bases: string[] = []
    for (const type of types) {
      const d = describeAttribute(type)
      this.slots.set(d.key, keys.length)
      keys.push(d.key)
      bases.push(d.base)
    }
    this.keys = keys
    this.bases = bases
  }

  /** The slot of a key, or -1. */
  slotOf(key: string): number {
    return this.slots.get(key) ?? -1
  }

  get size(): number {
    return this.types.length
  }
}

/**
 * The shapes of one directory. It also remembers every attribute type ever stored, which is how
 * a filter tells "a type this directory knows, absent from this entry" (FALSE) from "a type
 * nobody defined" (Undefined, RFC 4511 §4.5.1.7) without a schema.
 */
export class ShapeRegistry {
  private readonly shapes = new Map<string, AttributeShape>()
  private readonly bases = new Set<string>()
  /** objectClass values repeat on every entry; one string each saves a lot with LDIF input. */
  private readonly interned = new Map<string, string>()
  private readonly valueLists = new Map<string, readonly AttributeValue[]>()
  private lastList: readonly AttributeValue[] | undefined
  readonly empty: AttributeShape

  constructor() {
    this.empty = this.intern([])
  }

  /** The shape with exactly these descriptions (already merged, distinct keys), in this order. */
  intern(types: readonly string[]): AttributeShape {
    const id = types.join('\n')
    let shape = this.shapes.get(id)
    if (shape === undefined) {
      shape = new AttributeShape([...types])
      this.shapes.set(id, shape)
      for (const b of shape.bases) this.bases.add(b)
    }
    return shape
  }

  /** `shape` plus one description at the end. */
  withAdded(shape: AttributeShape, type: string): AttributeShape {
    let next = shape.added.get(type)
    if (next === undefined) {
      next = this.intern([...shape.types, type])
      shape.added.set(type, next)
    }
    return next
  }

  /** `shape` without the attribute in `slot`. */
  withRemoved(shape: AttributeShape, slot: number): AttributeShape {
    const key = shape.keys[slot] as string
    let next = shape.removed.get(key)
    if (next === undefined) {
      next = this.intern(shape.types.filter((_, i) => i !== slot))
      shape.removed.set(key, next)
    }
    return next
  }

  /** Whether any entry has ever held an attribute of this type (base key). */
  hasSeen(baseKey: string): boolean {
    return this.bases.has(baseKey)
  }

  /** One shared string per distinct short value (objectClass names, initials, state codes). */
  internValue(value: string): string {
    if (value.length > 64) return value
    const shared = this.interned.get(value)
    if (shared !== undefined) return shared
    if (this.interned.size < 20_000) this.interned.set(value, value)
    return value
  }

  /**
   * One shared array per distinct list of string values (an objectClass list is the same on
   * thousands of entries). Safe because stored arrays are never mutated.
   */
  internValues(values: readonly AttributeValue[]): readonly AttributeValue[] {
    const known = this.knownValues(values)
    if (known !== undefined || values.length < 2 || values.length > 16 || values.some((v) => typeof v !== 'string')) return known ?? values
    const id = values.join('\n')
    const shared = this.valueLists.get(id)
    this.lastList = shared ?? values
    if (shared !== undefined) return shared
    if (this.valueLists.size < 1_000) this.valueLists.set(id, values)
    return values
  }

  /**
   * The shared array equal (value by value, exactly) to the last one interned, if `values` is
   * that list: consecutive entries nearly always repeat it, and this needs no allocation.
   */
  knownValues(values: readonly AttributeValue[]): readonly AttributeValue[] | undefined {
    const last = this.lastList
    if (last === undefined || last.length !== values.length) return undefined
    for (let i = 0; i < last.length; i++) if (last[i] !== values[i]) return undefined
    return last
  }
}
