/**
 * Byte values of the text form: `{ hex: "…" }` and UUID strings. Cookies, syncUUIDs and raw PDUs
 * are octet strings on the wire (RFC 4533 §2.1), so the text form must be able to say any
 * octets, including ones that are not UTF-8 and UUIDs of the wrong length.
 */
import { failed, parsed } from './parsed.js'
import type { Parsed } from './parsed.js'

const SEPARATOR = /[\s:]/

/**
 * Pairs of hex digits; whitespace and `:` may stand between octets (not inside one). The empty
 * string is zero octets.
 *
 * @example parseHex('04 0a:FF') // Uint8Array [4, 10, 255]
 */
export function parseHex(text: string): Parsed<Uint8Array> {
  const out: number[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (SEPARATOR.test(c)) {
      i++
      continue
    }
    const high = hexDigit(c)
    if (high < 0) return failed(`"${text}" is not hex: ${describe(text, i)} at position ${i + 1} is not a hex digit.`)
    const next = text[i + 1]
    if (next === undefined || SEPARATOR.test(next)) {
      const digits = [...text].filter((ch) => !SEPARATOR.test(ch)).length
      return failed(
        digits % 2 === 1
          ? `"${text}" has an odd number of hex digits (${digits}); every octet is two digits.`
          : `"${text}" splits an octet at position ${i + 1}; separators may stand only between pairs of hex digits.`,
      )
    }
    const low = hexDigit(next)
    if (low < 0) return failed(`"${text}" is not hex: ${describe(text, i + 1)} at position ${i + 2} is not a hex digit.`)
    out.push(high * 16 + low)
    i += 2
  }
  return parsed(Uint8Array.from(out))
}

const UUID_TEXT = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/

/**
 * A UUID written 8-4-4-4-12 (either case, as RFC 4122 §3 allows on input) as its 16 octets,
 * the form of a syncUUID (RFC 4533 §2.1.1).
 */
export function parseUuidText(text: string): Parsed<Uint8Array> {
  if (!UUID_TEXT.test(text)) {
    return failed(`"${text}" is not a UUID; expected 32 hex digits grouped 8-4-4-4-12, such as 63199adc-7b95-1041-9bf9-193a3b08c68d (use { hex: … } for a malformed syncUUID).`)
  }
  const hex = parseHex(text.replaceAll('-', ''))
  return hex
}

/** UTF-8 bytes of `{ text: "…" }`. */
export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

function hexDigit(c: string): number {
  const code = c.charCodeAt(0)
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  const lower = code | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}

function describe(text: string, index: number): string {
  const cp = text.codePointAt(index) as number
  return cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(String.fromCodePoint(cp))
}
