/**
 * The DN value types, apart from the code that builds them so that every module can name them
 * without importing that code (no import cycles, not even type-only ones).
 */

/**
 * One AttributeTypeAndValue (RFC 4514 §3).
 *
 * `type` is as written (case kept; a legacy `OID.` prefix dropped). `value` is the string value
 * with every escape resolved and the unescaped surrounding spaces dropped. When the value was
 * written as `#hex` (the BER encoding of the value, RFC 4514 §2.4), `hex` holds those bytes
 * and `value` is their text `#` + upper-case hex; the bytes are not decoded, since without the
 * schema we cannot know the value's syntax. `hex` must not be mutated (a typed array with
 * contents cannot be frozen).
 */
export interface Ava {
  readonly type: string
  readonly value: string
  readonly hex?: Uint8Array
}

declare const rdnBrand: unique symbol
declare const dnBrand: unique symbol

/**
 * A RelativeDistinguishedName: one or more AVAs (several for a multi-valued RDN such as
 * `cn=a+sn=b`), in the order written. Frozen; made only by `parse`, `parseRdn`, `createRdn`.
 */
export type Rdn = readonly Ava[] & { readonly [rdnBrand]: true }

/**
 * A DistinguishedName: its RDNs leaf first, as written in RFC 4514 strings, so `dn[0]` is the
 * entry's own RDN and `dn[dn.length - 1]` the one nearest the root. The empty DN (length 0)
 * names the root DSE. Frozen; made only by `parse`, `createDn` and the tree operations.
 */
export type Dn = readonly Rdn[] & { readonly [dnBrand]: true }

/** Where a DN is expected, a string is accepted too and parsed (errors as for `parse`). */
export type DnLike = Dn | string

/** An AVA to build: a string value, or the BER bytes of a value to be written as `#hex`. */
export type AvaInit = { readonly type: string; readonly value: string } | { readonly type: string; readonly hex: Uint8Array }
