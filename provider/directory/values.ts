import type { AttributeDescription } from './attribute-description.js'
import { ruleFor } from './attribute-rules.js'
import { DirectoryError } from './errors.js'
import type { AttributeValue } from './types.js'

/**
 * Turning input values into stored ones, and the checks every change shares: values are valid,
 * not repeated, and not written to the operational attributes the directory maintains.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
/** An unpaired UTF-16 surrogate has no UTF-8 form, so it cannot go on the wire. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const MAYBE_SURROGATE = /[\uD800-\uDFFF]/

/**
 * The stored form of one value: a string when it is text, bytes (copied, so the caller's buffer
 * may be reused) only when they are not UTF-8.
 */
export function storedValue(value: AttributeValue, attribute: string): AttributeValue {
  if (typeof value === 'string') {
    if (MAYBE_SURROGATE.test(value) && LONE_SURROGATE.test(value)) {
      throw new DirectoryError('DIRECTORY_INVALID_VALUE',
        `A value of attribute "${attribute}" contains an unpaired UTF-16 surrogate, which has no UTF-8 encoding; pass the bytes instead.`)
    }
    return value
  }
  if (!(value instanceof Uint8Array)) {
    throw new DirectoryError('DIRECTORY_INVALID_VALUE',
      `A value of attribute "${attribute}" is ${typeof value}; expected a string or a Uint8Array.`)
  }
  try {
    return utf8.decode(value)
  } catch {
    return Uint8Array.prototype.slice.call(value)
  }
}

/**
 * The directory maintains these (RFC 4512 §3.4, RFC 4530, slapd's NO-USER-MODIFICATION types);
 * slapd refuses a user's write to them with constraintViolation "no user modification allowed".
 */
export const OPERATIONAL_KEYS: ReadonlySet<string> = new Set([
  'entryuuid', 'entrycsn', 'createtimestamp', 'modifytimestamp', 'creatorsname', 'modifiersname',
  'entrydn', 'hassubordinates', 'subschemasubentry', 'structuralobjectclass', 'contextcsn',
])

export function refuseOperational(d: AttributeDescription, type: string): void {
  if (OPERATIONAL_KEYS.has(d.base)) {
    throw new DirectoryError('DIRECTORY_NO_USER_MODIFICATION',
      `${type}: no user modification allowed; the directory maintains this operational attribute itself.`)
  }
}

/** A value's key for duplicate detection under the attribute's equality rule. */
export function equalityKey(base: string, value: AttributeValue): string {
  // A value the rule cannot normalize is still a distinct stored value: fall back to its text/octets.
  return ruleFor(base).normalize(value) ?? '\u0000' + (typeof value === 'string' ? value : Buffer.from(value).toString('latin1'))
}

/** attributeOrValueExists when two values of one attribute are equal under its rule. */
export function refuseDuplicates(type: string, base: string, values: readonly AttributeValue[]): void {
  if (values.length < 2) return
  const seen = new Set<string>()
  for (let i = 0; i < values.length; i++) {
    const key = equalityKey(base, values[i] as AttributeValue)
    if (seen.has(key)) {
      throw new DirectoryError('DIRECTORY_VALUE_EXISTS',
        `${type}: value #${i} provided more than once; the values of one attribute must be distinct under its equality rule.`)
    }
    seen.add(key)
  }
}
