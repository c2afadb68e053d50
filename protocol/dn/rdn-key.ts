import { canonicalType, ignoresCase } from './attribute-types.js'
import { escapeValue, hexOf } from './dn-format.js'
import type { Ava, Rdn } from './dn-types.js'
import { prepareValue } from './string-prep.js'

/**
 * How values are compared:
 * - `'matching-rule'` (default): RFC 4518 preparation and the type's equality rule, so
 *   `CN=Foo  Bar` equals `cn=foo bar` (see attribute-types.ts for which types ignore case);
 * - `'exact'`: values as parsed (escapes resolved, unescaped surrounding spaces dropped),
 *   compared code unit by code unit. Types are still compared case-insensitively and by alias.
 */
export type ValueMatching = 'matching-rule' | 'exact'

/**
 * The comparison key of one AVA, itself a valid RFC 4514 AVA: canonical type, `=`, the prepared
 * value escaped. A value given as `#hex` keeps its BER bytes (`=#0402…`) and so never equals a
 * string value: without the schema we cannot know which string syntax the BER should decode to.
 */
export function avaKey(ava: Ava, values: ValueMatching): string {
  const type = canonicalType(ava.type)
  if (ava.hex !== undefined) return type + '=#' + hexOf(ava.hex)
  const value = values === 'exact' ? ava.value : prepareValue(ava.value, ignoresCase(type))
  return type + '=' + escapeValue(value)
}

/** RDNs are frozen, so their keys can be remembered for as long as the RDN lives. */
const ruleKeys = new WeakMap<Rdn, string>()
const exactKeys = new WeakMap<Rdn, string>()

/**
 * The comparison key of an RDN: its AVA keys sorted and joined by `+`. An RDN is a SET of AVAs
 * (RFC 4512 §2.3), so `cn=a+sn=b` and `sn=b+cn=a` get the same key.
 */
export function rdnKey(rdn: Rdn, values: ValueMatching = 'matching-rule'): string {
  const cache = values === 'exact' ? exactKeys : ruleKeys
  let key = cache.get(rdn)
  if (key === undefined) {
    key = rdn.length === 1 ? avaKey(rdn[0] as Ava, values) : rdn.map((a) => avaKey(a, values)).sort().join('+')
    cache.set(rdn, key)
  }
  return key
}
