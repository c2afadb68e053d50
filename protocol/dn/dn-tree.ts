import { badDn } from './dn-error.js'
import { sealDn } from './dn.js'
import type { Dn, DnLike, Rdn } from './dn-types.js'
import { toDn, toRdn } from './dn-parse.js'
import type { CompareOptions } from './dn-normalize.js'
import { rdnKey } from './rdn-key.js'

/**
 * Tree operations on DNs. DNs are leaf first, so the parent drops `dn[0]` and an ancestor is a
 * suffix. The empty DN (root DSE) is the ancestor of every other DN and has no parent. All
 * comparisons are by RDN key (see `normalize`); every result is a new frozen Dn that keeps the
 * spelling of the parts it came from.
 */

/** The number of RDNs; 0 for the root DSE. */
export function depth(dn: DnLike): number {
  return toDn(dn).length
}

/** The entry's own RDN (`dn[0]`), or undefined for the root DSE. */
export function rdn(dn: DnLike): Rdn | undefined {
  return toDn(dn)[0]
}

/**
 * The DN of the parent entry, or undefined for the root DSE (which has none). The parent of a
 * one-RDN DN such as `dc=com` is the empty DN.
 *
 * @example format(parent('uid=ann,ou=People,dc=example')!) === 'ou=People,dc=example'
 */
export function parent(dn: DnLike): Dn | undefined {
  const d = toDn(dn)
  return d.length === 0 ? undefined : sealDn(d.slice(1))
}

/** `rdn` placed under `parentDn`. */
export function child(parentDn: DnLike, newRdn: Rdn | string): Dn {
  return sealDn([toRdn(newRdn), ...toDn(parentDn)])
}

export interface DescendantOptions extends CompareOptions {
  /** Also true when `dn` equals `ancestor`. Default false. */
  readonly orSelf?: boolean
}

/**
 * Whether `dn` lies strictly below `ancestor` (or is it, with `{ orSelf: true }`). Every
 * non-empty DN is a descendant of the root DSE `''`.
 *
 * @example isDescendantOf('uid=ann,ou=People,dc=example', 'DC=Example') === true
 */
export function isDescendantOf(dn: DnLike, ancestor: DnLike, options: DescendantOptions = {}): boolean {
  const d = toDn(dn)
  const a = toDn(ancestor)
  const extra = d.length - a.length
  if (extra < 0 || (extra === 0 && options.orSelf !== true)) return false
  return hasSuffix(d, a, options)
}

/**
 * The scope test of a search (RFC 4511 §4.5.1.2): `'base'` is the base entry only, `'one'` its
 * immediate children only (not the base itself), `'sub'` the base and everything below it.
 */
export type SearchScope = 'base' | 'one' | 'sub'

/** Whether the entry `dn` is within `scope` of the search base `base`. */
export function isWithinScope(dn: DnLike, base: DnLike, scope: SearchScope, options: CompareOptions = {}): boolean {
  const d = toDn(dn)
  const b = toDn(base)
  switch (scope) {
    case 'base':
      return d.length === b.length && hasSuffix(d, b, options)
    case 'one':
      return d.length === b.length + 1 && hasSuffix(d, b, options)
    case 'sub':
      return d.length >= b.length && hasSuffix(d, b, options)
    default: {
      const never: never = scope
      throw badDn(`Unknown search scope ${JSON.stringify(never)}; expected "base", "one" or "sub".`)
    }
  }
}

/**
 * The DN after a ModifyDN that changes only the RDN (RFC 4511 §4.9, no newSuperior).
 *
 * @example format(rename('cn=old,dc=x', 'cn=new')) === 'cn=new,dc=x'
 */
export function rename(dn: DnLike, newRdn: Rdn | string): Dn {
  const d = toDn(dn)
  if (d.length === 0) throw badDn('The root DSE (the empty DN) has no RDN and cannot be renamed.')
  return sealDn([toRdn(newRdn), ...d.slice(1)])
}

/** The DN after a ModifyDN with newSuperior that keeps the RDN (RFC 4511 §4.9). */
export function move(dn: DnLike, newSuperior: DnLike): Dn {
  const d = toDn(dn)
  if (d.length === 0) throw badDn('The root DSE (the empty DN) cannot be moved.')
  return sealDn([d[0] as Rdn, ...toDn(newSuperior)])
}

/**
 * Rewrites `dn` from below `oldBase` to below `newBase`: the DN of a descendant after its
 * ancestor `oldBase` was renamed or moved to `newBase` (a ModifyDN moves the whole subtree).
 * Returns undefined when `dn` is neither `oldBase` nor below it, so a caller can write
 * `rebase(d, from, to) ?? d` over all entries.
 *
 * @example format(rebase('uid=ann,ou=Old,dc=x', 'ou=Old,dc=x', 'ou=New,dc=x')!) === 'uid=ann,ou=New,dc=x'
 */
export function rebase(dn: DnLike, oldBase: DnLike, newBase: DnLike, options: CompareOptions = {}): Dn | undefined {
  const d = toDn(dn)
  const from = toDn(oldBase)
  if (d.length < from.length || !hasSuffix(d, from, options)) return undefined
  return sealDn([...d.slice(0, d.length - from.length), ...toDn(newBase)])
}

/** Whether the last `suffix.length` RDNs of `dn` equal `suffix`, compared from the root down. */
function hasSuffix(dn: Dn, suffix: Dn, options: CompareOptions): boolean {
  const values = options.values ?? 'matching-rule'
  const offset = dn.length - suffix.length
  for (let k = suffix.length - 1; k >= 0; k--) {
    if (rdnKey(dn[offset + k] as Rdn, values) !== rdnKey(suffix[k] as Rdn, values)) return false
  }
  return true
}
