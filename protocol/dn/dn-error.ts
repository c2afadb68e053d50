import { LdapDecodeError } from '../errors.js'

/** Longest DN quoted in full in an error message; longer ones are cut around the fault. */
const QUOTE_LIMIT = 80

/**
 * The error for a DN string that does not parse. `offset` is the 0-based index (UTF-16 code
 * units) of the offending character in the string; the message names the 1-based column.
 */
export function badDnAt(text: string, index: number, problem: string): LdapDecodeError {
  return new LdapDecodeError(
    'LDAP_BAD_DN',
    `Invalid DN ${quoteAround(text, index)} at column ${index + 1}: ${problem}.`,
    { offset: index },
  )
}

/** The error for a DN or RDN built from parts (no column to name). */
export function badDn(message: string): LdapDecodeError {
  return new LdapDecodeError('LDAP_BAD_DN', message)
}

/** `","` for a printable character, `U+0000` for the rest, "the end of the DN" past the end. */
export function describeChar(text: string, index: number, end = 'the end of the DN'): string {
  if (index >= text.length) return end
  const code = text.charCodeAt(index)
  const unit = 'U+' + code.toString(16).toUpperCase().padStart(4, '0')
  if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff)) return unit
  const cp = text.codePointAt(index) as number
  return JSON.stringify(String.fromCodePoint(cp))
}

function quoteAround(text: string, index: number): string {
  if (text.length <= QUOTE_LIMIT) return JSON.stringify(text)
  const from = Math.max(0, Math.min(index - QUOTE_LIMIT / 2, text.length - QUOTE_LIMIT))
  const cut = text.slice(from, from + QUOTE_LIMIT)
  return (from > 0 ? '…' : '') + JSON.stringify(cut) + (from + QUOTE_LIMIT < text.length ? '…' : '')
}
