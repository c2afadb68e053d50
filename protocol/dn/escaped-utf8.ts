import { badDnAt } from './dn-error.js'

/**
 * Decodes a run of `\XX` escapes (RFC 4514 §3: `pair = ESC hexpair`) as UTF-8.
 *
 * A DN string is UTF-8 (RFC 4514 §2), so escaped octets must form well-formed UTF-8, possibly
 * over several escapes (`\C3\A6` is "æ"). We decode by hand rather than with TextDecoder so that
 * the error names the escape at fault. Well-formedness follows the Unicode Standard, Table 3-7:
 * the allowed range of the second octet depends on the first, which rules out overlong forms,
 * surrogates (U+D800..U+DFFF) and code points above U+10FFFF in one check.
 *
 * `bytes[k]` is the octet written at `text[at[k]]` (the index of its backslash).
 */
export function decodeEscapedUtf8(text: string, bytes: readonly number[], at: readonly number[]): string {
  let out = ''
  let k = 0
  while (k < bytes.length) {
    const lead = bytes[k] as number
    if (lead < 0x80) {
      out += String.fromCharCode(lead)
      k++
      continue
    }
    const shape = sequenceShape(lead)
    if (shape === undefined) {
      const why = lead < 0xc0 ? 'is a UTF-8 continuation byte with no lead byte before it' : 'can never appear in UTF-8'
      throw badDnAt(text, at[k] as number, `the escaped byte ${escaped(lead)} ${why}`)
    }
    let cp = lead & (0xff >> (shape.length + 1))
    for (let j = 1; j < shape.length; j++) {
      const lo = j === 1 ? shape.secondLow : 0x80
      const hi = j === 1 ? shape.secondHigh : 0xbf
      const b = bytes[k + j]
      if (b === undefined) {
        throw badDnAt(
          text,
          at[k] as number,
          `the escaped byte ${escaped(lead)} starts a ${shape.length}-byte UTF-8 sequence, but the run of \\XX escapes holds only ${j} of its bytes; write the whole character as \\XX escapes or as itself`,
        )
      }
      if (b < lo || b > hi) {
        throw badDnAt(
          text,
          at[k + j] as number,
          `in the UTF-8 sequence starting with ${escaped(lead)}, expected a byte from ${escaped(lo)} to ${escaped(hi)}, found ${escaped(b)}`,
        )
      }
      cp = (cp << 6) | (b & 0x3f)
    }
    out += String.fromCodePoint(cp)
    k += shape.length
  }
  return out
}

interface Shape {
  readonly length: number
  readonly secondLow: number
  readonly secondHigh: number
}

/** Unicode Table 3-7, by lead byte; undefined for bytes that cannot lead. */
function sequenceShape(lead: number): Shape | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 2, secondLow: 0x80, secondHigh: 0xbf }
  if (lead === 0xe0) return { length: 3, secondLow: 0xa0, secondHigh: 0xbf }
  if (lead === 0xed) return { length: 3, secondLow: 0x80, secondHigh: 0x9f }
  if (lead >= 0xe1 && lead <= 0xef) return { length: 3, secondLow: 0x80, secondHigh: 0xbf }
  if (lead === 0xf0) return { length: 4, secondLow: 0x90, secondHigh: 0xbf }
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 4, secondLow: 0x80, secondHigh: 0xbf }
  if (lead === 0xf4) return { length: 4, secondLow: 0x80, secondHigh: 0x8f }
  return undefined
}

function escaped(b: number): string {
  return '\\' + b.toString(16).toUpperCase().padStart(2, '0')
}
