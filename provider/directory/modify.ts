import { describeAttribute } from './attribute-description.js'
import { ruleFor } from './attribute-rules.js'
import { DirectoryError } from './errors.js'
import type { AttributeValue, Modification } from './types.js'
import { refuseDuplicates, refuseOperational, storedValue } from './values.js'
import type { WorkingAttributes } from './working-attributes.js'

/**
 * Applies a Modify request's changes in order (RFC 4511 §4.6: all or nothing; the caller
 * commits only if every one succeeds), with slapd's result codes:
 * - add without values → protocolError; a value already there → attributeOrValueExists;
 * - delete of a missing attribute or value → noSuchAttribute;
 * - replace never fails for a missing attribute;
 * - increment (RFC 4525) needs exactly one value (protocolError), an existing attribute
 *   (noSuchAttribute) of INTEGER syntax (constraintViolation), integer values (invalidAttributeSyntax).
 * The checks that look at the result (objectClass kept, RDN values kept) are the caller's.
 */
export function applyModifications(work: WorkingAttributes, modifications: readonly Modification[]): void {
  for (const mod of modifications) {
    const description = describeAttribute(mod.type)
    refuseOperational(description, mod.type)
    const values = (mod.values ?? []).map((v) => storedValue(v, mod.type))
    switch (mod.operation) {
      case 'add':
        if (values.length === 0) {
          throw new DirectoryError('DIRECTORY_MISSING_VALUES',
            `modify/add: ${mod.type}: the operation requires values; an add modification without values is a protocolError (RFC 4511 §4.6).`)
        }
        refuseDuplicates(mod.type, description.base, values)
        work.add(mod.type, values)
        break
      case 'delete':
        work.delete(mod.type, values)
        break
      case 'replace':
        refuseDuplicates(mod.type, description.base, values)
        work.replace(mod.type, values)
        break
      case 'increment':
        increment(work, mod.type, values)
        break
      default: {
        const never: never = mod.operation
        throw new DirectoryError('DIRECTORY_MISSING_VALUES',
          `Unknown modify operation ${JSON.stringify(never)}; expected add, delete, replace or increment.`)
      }
    }
  }
}

const INTEGER = /^\s*[-+]?\d+\s*$/

function increment(work: WorkingAttributes, type: string, values: readonly AttributeValue[]): void {
  if (values.length !== 1) {
    throw new DirectoryError('DIRECTORY_MISSING_VALUES',
      `modify/increment: ${type}: the operation requires a single value (RFC 4525 §2), but ${values.length} were given.`)
  }
  const description = describeAttribute(type)
  const current = work.valuesOf(description.key)
  if (current === undefined) {
    throw new DirectoryError('DIRECTORY_NO_SUCH_ATTRIBUTE',
      `modify/increment: ${type}: no such attribute; only an existing attribute can be incremented (RFC 4525 §3).`)
  }
  if (ruleFor(description.base).name !== 'integer') {
    throw new DirectoryError('DIRECTORY_INCREMENT_NOT_SUPPORTED',
      `modify/increment: ${type}: increment not supported for this attribute's syntax; only INTEGER attributes such as uidNumber can be incremented.`)
  }
  const delta = values[0]
  if (typeof delta !== 'string' || !INTEGER.test(delta)) {
    throw new DirectoryError('DIRECTORY_INVALID_VALUE', `modify/increment: invalid syntax of increment; expected an integer such as "1" or "-2".`)
  }
  const by = BigInt(delta.trim())
  const next = current.map((v) => {
    if (typeof v !== 'string' || !INTEGER.test(v)) {
      throw new DirectoryError('DIRECTORY_INVALID_VALUE',
        `modify/increment: ${type}: invalid syntax of original value; a stored value is not an integer.`)
    }
    return (BigInt(v.trim()) + by).toString()
  })
  work.set(description.key, next)
}
