/**
 * LDAP distinguished names as strings (RFC 4514): parse, format, compare, and the tree
 * operations the directory, the consumer and the runner need. Meant to be imported as a
 * namespace: `import * as DN from '../protocol/dn/index.js'`, then `DN.parse(s)`,
 * `DN.equals(a, b)`, `DN.isWithinScope(entry, base, 'sub')`.
 */
export { EMPTY_DN, createAva, createDn, createRdn, isRdn } from './dn.js'
export type { Ava, AvaInit, Dn, DnLike, Rdn } from './dn-types.js'
export { parse, parseRdn, toDn, toRdn } from './dn-parse.js'
export { escapeValue, format, formatAva, formatRdn } from './dn-format.js'
export { equals, normalize, normalizeRdn, rdnEquals } from './dn-normalize.js'
export type { CompareOptions } from './dn-normalize.js'
export type { ValueMatching } from './rdn-key.js'
export { canonicalType } from './attribute-types.js'
export { prepareValue } from './string-prep.js'
export { child, depth, isDescendantOf, isWithinScope, move, parent, rdn, rebase, rename } from './dn-tree.js'
export type { DescendantOptions, SearchScope } from './dn-tree.js'
