/**
 * Reading the validator's output. Every value in it already has the type the schema gives it,
 * and invalid parts are simply absent, so these readers only narrow types for TypeScript and
 * never report anything: a missing value was reported when it was checked.
 */
export type CheckedObject = Readonly<Record<string, unknown>>

export function asObject(value: unknown): CheckedObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as CheckedObject) : undefined
}

export function objectAt(o: CheckedObject | undefined, key: string): CheckedObject | undefined {
  return asObject(o?.[key])
}

export function stringAt(o: CheckedObject | undefined, key: string): string | undefined {
  const v = o?.[key]
  return typeof v === 'string' ? v : undefined
}

export function numberAt(o: CheckedObject | undefined, key: string): number | undefined {
  const v = o?.[key]
  return typeof v === 'number' ? v : undefined
}

export function booleanAt(o: CheckedObject | undefined, key: string): boolean | undefined {
  const v = o?.[key]
  return typeof v === 'boolean' ? v : undefined
}

export function arrayAt(o: CheckedObject | undefined, key: string): readonly unknown[] | undefined {
  const v = o?.[key]
  return Array.isArray(v) ? v : undefined
}

/** Whether the key was written and kept (valid). */
export function has(o: CheckedObject | undefined, key: string): boolean {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined
}

/** The one key of a one-key mapping (trigger, action, message), if it survived checking. */
export function soleKey<K extends string>(o: CheckedObject | undefined, keys: readonly K[]): K | undefined {
  if (o === undefined) return undefined
  const present = keys.filter((k) => Object.prototype.hasOwnProperty.call(o, k))
  return present.length === 1 ? present[0] : undefined
}
