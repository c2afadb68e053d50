import { badDn } from './dn-error.js'
import { hexOf } from './dn-format.js'
import { avaKey } from './rdn-key.js'
import type { Ava, AvaInit, Dn, Rdn } from './dn-types.js'

/** The empty DN: the root DSE (RFC 4512 §5.1). */
export const EMPTY_DN: Dn = Object.freeze([]) as unknown as Dn

/** RFC 4512 §1.4: descr = ALPHA *(ALPHA / DIGIT / HYPHEN); numericoid without leading zeros. */
const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+)$/

/** An unpaired UTF-16 surrogate: no UTF-8 encoding exists for it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** RDNs made by sealRdn: already checked, so createDn can take them as they are. */
const SEALED_RDNS = new WeakSet<object>()

/**
 * Checks and freezes AVAs into an RDN. Used by the parser (which has already checked types and
 * values) and by `createRdn`. Two AVAs that compare equal are refused: an RDN is a SET (RFC
 * 4512 §2.3), and a duplicate would make the RDN's comparison key ambiguous.
 */
export function sealRdn(avas: Ava[], onDuplicate: (index: number) => Error): Rdn {
  if (avas.length > 1) {
    const seen = new Set<string>()
    for (let k = 0; k < avas.length; k++) {
      const key = avaKey(avas[k] as Ava, 'matching-rule')
      if (seen.has(key)) throw onDuplicate(k)
      seen.add(key)
    }
  }
  for (const ava of avas) Object.freeze(ava)
  SEALED_RDNS.add(avas)
  return Object.freeze(avas) as unknown as Rdn
}

/** Whether `value` is an RDN made by this module (and therefore checked and frozen). */
export function isRdn(value: unknown): value is Rdn {
  return typeof value === 'object' && value !== null && SEALED_RDNS.has(value)
}

/** Freezes RDNs into a DN (they are already checked). */
export function sealDn(rdns: Rdn[]): Dn {
  return rdns.length === 0 ? EMPTY_DN : (Object.freeze(rdns) as unknown as Dn)
}

/**
 * Builds one AVA, checking the type (a descriptor or numeric OID, RFC 4512 §1.4) and that the
 * value is valid Unicode (a DN is UTF-8 on the wire).
 */
export function createAva(init: AvaInit): Ava {
  if (!ATTRIBUTE_TYPE.test(init.type)) {
    throw badDn(
      `${JSON.stringify(init.type)} is not an attribute type: expected a name such as "cn" (a letter, then letters, digits or hyphens) or a numeric OID such as "2.5.4.3".`,
    )
  }
  if ('hex' in init) {
    if (init.hex.length === 0) {
      throw badDn(`The hex value of attribute type ${JSON.stringify(init.type)} is empty; a #hex value holds at least one byte of BER (RFC 4514 §3).`)
    }
    const hex = Uint8Array.from(init.hex)
    return { type: init.type, value: '#' + hexOf(hex), hex }
  }
  if (LONE_SURROGATE.test(init.value)) {
    throw badDn(`The value of attribute type ${JSON.stringify(init.type)} contains an unpaired UTF-16 surrogate, which has no UTF-8 encoding.`)
  }
  return { type: init.type, value: init.value }
}

/**
 * Builds an RDN from one or more AVAs.
 *
 * @example createRdn([{ type: 'cn', value: 'Ann' }, { type: 'sn', value: 'Lee' }]) // cn=Ann+sn=Lee
 */
export function createRdn(avas: readonly AvaInit[]): Rdn {
  if (avas.length === 0) throw badDn('An RDN needs at least one attribute type and value (RFC 4514 §3).')
  const built = avas.map(createAva)
  return sealRdn(built, (k) =>
    badDn(`AVA ${k + 1} of the RDN, ${JSON.stringify(built[k]?.type + '=' + built[k]?.value)}, repeats an earlier one; an RDN is a set of distinct AVAs.`),
  )
}

/**
 * Builds a DN from RDNs given leaf first, each as an RDN or as the AVAs of one.
 *
 * @example createDn([[{ type: 'uid', value: 'ann' }], [{ type: 'dc', value: 'example' }]])
 */
export function createDn(rdns: readonly (Rdn | readonly AvaInit[])[]): Dn {
  return sealDn(rdns.map((r) => (isRdn(r) ? r : createRdn(r))))
}
