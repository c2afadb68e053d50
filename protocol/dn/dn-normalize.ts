import type { DnLike, Rdn } from './dn-types.js'
import { toDn, toRdn } from './dn-parse.js'
import { rdnKey } from './rdn-key.js'
import type { ValueMatching } from './rdn-key.js'

export interface CompareOptions {
  /** How values compare; default `'matching-rule'` (see ValueMatching). */
  readonly values?: ValueMatching
}

/**
 * The comparison and index key of a DN: two DNs name the same entry exactly when their keys
 * are equal. The key is itself a valid RFC 4514 DN: attribute types lower-cased and, for the
 * common naming types, OIDs and long names replaced by the short name (`2.5.4.3` → `cn`);
 * values prepared per RFC 4518 and case-folded unless the type is caseExact; the AVAs of each
 * RDN sorted; no spaces around separators. The empty DN's key is `''`.
 *
 * @example normalize('CN=Ann  Lee + UID=ann, DC=Example') === 'cn=ann lee+uid=ann,dc=example'
 */
export function normalize(dn: DnLike, options: CompareOptions = {}): string {
  const values = options.values ?? 'matching-rule'
  return toDn(dn)
    .map((rdn) => rdnKey(rdn, values))
    .join(',')
}

/** The comparison key of one RDN (see `normalize`); `cn=a+sn=b` and `SN=B+cn=A` share one. */
export function normalizeRdn(rdn: Rdn | string, options: CompareOptions = {}): string {
  return rdnKey(toRdn(rdn), options.values ?? 'matching-rule')
}

/**
 * Whether two DNs name the same entry: same number of RDNs, and RDN by RDN the same set of
 * AVAs, types compared case-insensitively and by alias, values by their matching rule (or
 * exactly, with `{ values: 'exact' }`).
 *
 * @example equals('cn=A+sn=B,dc=x', ' SN = b + CN = a ; DC = X ') === true
 */
export function equals(a: DnLike, b: DnLike, options: CompareOptions = {}): boolean {
  const x = toDn(a)
  const y = toDn(b)
  if (x.length !== y.length) return false
  const values = options.values ?? 'matching-rule'
  for (let k = x.length - 1; k >= 0; k--) {
    if (rdnKey(x[k] as Rdn, values) !== rdnKey(y[k] as Rdn, values)) return false
  }
  return true
}

/** Whether two RDNs are the same set of AVAs (see `equals`). */
export function rdnEquals(a: Rdn | string, b: Rdn | string, options: CompareOptions = {}): boolean {
  const values = options.values ?? 'matching-rule'
  return rdnKey(toRdn(a), values) === rdnKey(toRdn(b), values)
}
