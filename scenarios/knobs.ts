/**
 * The dialect knobs a scenario may set, straight from provider/sync: the openldap preset's keys
 * are the knob names and its values give each knob's kind, so a knob added there is accepted
 * here at once. schema.json lists the knobs too (for editors, with their allowed values);
 * schema.test.ts fails when the two lists differ or a preset's value is not allowed by it.
 */
import { OPENLDAP_2_5 } from '../provider/sync/dialect.js'

export type KnobValue = boolean | number | string

/** Every knob name, in the order dialect.ts declares them (`name` is the dialect's, not a knob). */
export const KNOB_NAMES: readonly string[] = Object.freeze(Object.keys(OPENLDAP_2_5).filter((k) => k !== 'name'))

const KNOB_SET: ReadonlySet<string> = new Set(KNOB_NAMES)

export function isKnobName(name: string): boolean {
  return KNOB_SET.has(name)
}

/** The JSON type of a knob's values, from the openldap preset's value. */
export function knobKind(name: string): 'boolean' | 'integer' | 'number' | 'string' {
  const value = (OPENLDAP_2_5 as unknown as Record<string, unknown>)[name]
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return 'string'
}
