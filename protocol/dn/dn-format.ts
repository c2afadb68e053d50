import type { Ava, Dn, Rdn } from './dn-types.js'

/** Characters that need a backslash anywhere in a value (RFC 4514 §2.4), and NUL. */
const NEEDS_ESCAPE = /["+,;<>\\\u0000]|^[ #]| $/

/**
 * Escapes a string value for an RFC 4514 DN, escaping exactly what §2.4 requires: `"` `+` `,`
 * `;` `<` `>` `\` anywhere, a leading space or `#`, a trailing space, and NUL (as `\00`).
 * Everything else, non-ASCII included, is written as is (the string is UTF-8 on the wire).
 *
 * @example escapeValue(' a,b ') === '\\ a\\,b\\ '
 */
export function escapeValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value
  const last = value.length - 1
  let out = ''
  for (let k = 0; k <= last; k++) {
    const c = value[k] as string
    switch (c) {
      case '"':
      case '+':
      case ',':
      case ';':
      case '<':
      case '>':
      case '\\':
        out += '\\' + c
        break
      case '\u0000':
        out += '\\00'
        break
      case ' ':
        out += k === 0 || k === last ? '\\ ' : ' '
        break
      case '#':
        out += k === 0 ? '\\#' : '#'
        break
      default:
        out += c
    }
  }
  return out
}

/** Upper-case hex of the BER bytes, as in the RFC 4514 §4 example `#04024869`. */
export function hexOf(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).toUpperCase().padStart(2, '0')
  return out
}

/** `type=value`; a value that arrived as `#hex` is written back as `#hex` (RFC 4514 §2.4). */
export function formatAva(ava: Ava): string {
  return ava.type + '=' + (ava.hex === undefined ? escapeValue(ava.value) : '#' + hexOf(ava.hex))
}

/** An RDN in RFC 4514 form, its AVAs joined by `+` in their stored order. */
export function formatRdn(rdn: Rdn): string {
  return rdn.map(formatAva).join('+')
}

/**
 * A DN in RFC 4514 form (§2.1): RDNs leaf first, joined by `,`, no spaces around separators,
 * attribute types as stored (their case kept, the legacy `OID.` prefix already dropped by the
 * parser). The empty DN formats as `''`.
 *
 * @example format(parse('CN = Steve Kille ; O=Isode')) === 'CN=Steve Kille,O=Isode'
 */
export function format(dn: Dn): string {
  return dn.map(formatRdn).join(',')
}
