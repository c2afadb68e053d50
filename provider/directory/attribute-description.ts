import { canonicalType } from '../../protocol/dn/index.js'
import { DirectoryError } from './errors.js'

/**
 * Attribute descriptions (RFC 4512 §2.5): `type *( ";" option )`, compared case-insensitively.
 * Without a schema we know types only by name: the key of a description is its type in the
 * canonical form protocol/dn uses (lower case; `commonName` and `2.5.4.3` become `cn`), then its
 * options lower-cased and sorted (options are a set). `cn;lang-en` is a subtype of `cn`: a filter
 * or an attribute list naming `cn` also reaches `cn;lang-en`, not the other way round.
 */
export interface AttributeDescription {
  /** Comparison key of the whole description, e.g. `cn;lang-en`. */
  readonly key: string
  /** Comparison key of the type alone, e.g. `cn`: what the matching rule table is keyed by. */
  readonly base: string
  /** True when the description has options. */
  readonly hasOptions: boolean
}

/** RFC 4512 §1.4 descr or numericoid, then options (RFC 4512 §2.5: keychar+). */
const DESCRIPTION = /^(?:[A-Za-z][A-Za-z0-9-]*|(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+)(?:;[A-Za-z0-9-]+)*$/

/**
 * Descriptions repeat on every entry (`cn` a million times), so each distinct spelling is
 * parsed once. The table is bounded so that hostile input cannot grow it without end.
 */
const CACHE = new Map<string, AttributeDescription>()
const CACHE_LIMIT = 50_000

/**
 * Parses an attribute description.
 *
 * @example describeAttribute('CN;Lang-EN').key // 'cn;lang-en'
 * @throws DirectoryError DIRECTORY_UNDEFINED_ATTRIBUTE_TYPE when it is not RFC 4512 syntax.
 */
export function describeAttribute(description: string): AttributeDescription {
  const cached = CACHE.get(description)
  if (cached !== undefined) return cached
  if (!DESCRIPTION.test(description)) {
    throw new DirectoryError(
      'DIRECTORY_UNDEFINED_ATTRIBUTE_TYPE',
      `${JSON.stringify(description)} is not an attribute description; expected a name such as "cn" or an OID such as "2.5.4.3", optionally followed by ";option" parts (RFC 4512 §2.5).`,
    )
  }
  const parts = description.split(';')
  const base = canonicalType(parts[0] as string)
  const options = parts.slice(1).map((o) => o.toLowerCase()).sort()
  const parsed: AttributeDescription = {
    key: options.length === 0 ? base : base + ';' + [...new Set(options)].join(';'),
    base,
    hasOptions: options.length > 0,
  }
  if (CACHE.size < CACHE_LIMIT) CACHE.set(description, parsed)
  return parsed
}

/** Like describeAttribute, but undefined instead of an error (filters: an unknown type is Undefined). */
export function tryDescribeAttribute(description: string): AttributeDescription | undefined {
  try {
    return describeAttribute(description)
  } catch {
    return undefined
  }
}

/**
 * Whether a stored attribute (key `storedKey`) is reached by a requested description: the same
 * description, or a subtype of it (the request has no options and the types agree).
 */
export function reaches(requested: AttributeDescription, storedKey: string, storedBase: string): boolean {
  return requested.key === storedKey || (!requested.hasOptions && requested.base === storedBase)
}
