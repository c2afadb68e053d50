import { BerError, hexTag } from '../errors.js'
import { Tag } from './tags.js'

/**
 * A BER reader over one buffer region, as LDAP uses BER (RFC 4511 §5.1).
 *
 * Accepts everything BER allows that LDAP peers send: long-form lengths (any number of octets,
 * leading zeros included), TRUE as any non-zero octet, explicitly encoded DEFAULT values (the
 * value decoders decide what a member means, the reader only reads it).
 * Rejects what LDAP forbids or what cannot be read safely: indefinite lengths (RFC 4511 §5.1:
 * "Only the definite form of length encoding is used"), lengths that run past the enclosing
 * element or the buffer, high-tag-number form (no LDAP tag needs it).
 *
 * Every failure is a BerError carrying the absolute offset of the offending element.
 * The reader never copies: octet strings come back as views (subarray) of the input.
 */
export class BerReader {
  readonly buf: Uint8Array
  private pos: number
  readonly end: number

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf
    this.pos = start
    this.end = end
  }

  get offset(): number {
    return this.pos
  }

  get remaining(): number {
    return this.end - this.pos
  }

  atEnd(): boolean {
    return this.pos >= this.end
  }

  /** The next tag octet without consuming it, or undefined at the end of this region. */
  peekTag(): number | undefined {
    return this.pos < this.end ? this.buf[this.pos] : undefined
  }

  /**
   * Reads one tag and length and returns where the contents lie. Advances past the whole
   * element (header and contents).
   */
  readHeader(): { tag: number; start: number; contentStart: number; end: number } {
    const start = this.pos
    if (start >= this.end) {
      throw new BerError('BER_TRUNCATED', `Expected an element at offset ${start}, but the data ends there.`, { offset: start })
    }
    const tag = this.buf[start] as number
    if ((tag & 0x1f) === 0x1f) {
      throw new BerError(
        'BER_HIGH_TAG_NUMBER',
        `The element at offset ${start} uses the high-tag-number form (${hexTag(tag)}); no LDAP element has a tag number above 30.`,
        { offset: start, tag },
      )
    }
    let p = start + 1
    if (p >= this.end) {
      throw new BerError('BER_TRUNCATED', `The element at offset ${start} (tag ${hexTag(tag)}) has no length octet: the data ends after the tag.`, { offset: start, tag })
    }
    let len = this.buf[p++] as number
    if (len & 0x80) {
      const n = len & 0x7f
      if (n === 0) {
        throw new BerError(
          'BER_INDEFINITE_LENGTH',
          `The element at offset ${start} (tag ${hexTag(tag)}) uses the indefinite length form, which LDAP forbids (RFC 4511 §5.1).`,
          { offset: start, tag },
        )
      }
      if (p + n > this.end) {
        throw new BerError('BER_TRUNCATED', `The element at offset ${start} (tag ${hexTag(tag)}) announces ${n} length octets, but the data ends first.`, { offset: start, tag })
      }
      len = 0
      for (let i = 0; i < n; i++) {
        len = len * 256 + (this.buf[p++] as number)
        if (len > 0x7fffffff) {
          throw new BerError(
            'BER_LENGTH_TOO_LARGE',
            `The element at offset ${start} (tag ${hexTag(tag)}) announces a length above 2^31-1 octets; nothing LDAP sends is that large.`,
            { offset: start, tag },
          )
        }
      }
    }
    if (len > this.end - p) {
      throw new BerError(
        'BER_LENGTH_PAST_END',
        `The element at offset ${start} (tag ${hexTag(tag)}) announces ${len} content octets, but only ${this.end - p} remain in its enclosing element.`,
        { offset: start, tag },
      )
    }
    this.pos = p + len
    return { tag, start, contentStart: p, end: p + len }
  }

  /** Reads the header and checks the tag; returns the content bounds. */
  private expect(tag: number, what: string): { start: number; contentStart: number; end: number } {
    const at = this.pos
    const actual = this.peekTag()
    if (actual !== tag) {
      if (actual === undefined) {
        throw new BerError('BER_TRUNCATED', `Expected ${what} (tag ${hexTag(tag)}) at offset ${at}, but the enclosing element ends there.`, { offset: at, tag })
      }
      throw new BerError('BER_UNEXPECTED_TAG', `Expected ${what} (tag ${hexTag(tag)}) at offset ${at}, found tag ${hexTag(actual)}.`, { offset: at, tag: actual })
    }
    return this.readHeader()
  }

  /** Enters a constructed element with the given tag; returns a reader over its contents. */
  enter(tag: number, what = 'a constructed element'): BerReader {
    const h = this.expect(tag, what)
    return new BerReader(this.buf, h.contentStart, h.end)
  }

  /** Reads any element and returns a reader over its contents plus its tag (for CHOICE dispatch). */
  enterAny(): { tag: number; start: number; reader: BerReader } {
    const h = this.readHeader()
    return { tag: h.tag, start: h.start, reader: new BerReader(this.buf, h.contentStart, h.end) }
  }

  /** Skips one element of any tag. */
  skip(): void {
    this.readHeader()
  }

  /** An OCTET STRING (or any primitive with the given tag) as a view of the input. */
  readOctetString(tag: number = Tag.OctetString, what = 'an OCTET STRING'): Uint8Array {
    const h = this.expect(tag, what)
    return this.buf.subarray(h.contentStart, h.end)
  }

  /** An OCTET STRING decoded as UTF-8; malformed UTF-8 is an error (LDAPString is UTF-8). */
  readString(tag: number = Tag.OctetString, what = 'a string'): string {
    const h = this.expect(tag, what)
    // Short ASCII contents (most attribute types, DNs and values) skip TextDecoder's call cost.
    const len = h.end - h.contentStart
    if (len <= ASCII_LOOP_MAX) {
      let ascii = true
      for (let i = h.contentStart; i < h.end; i++) {
        if ((this.buf[i] as number) >= 0x80) {
          ascii = false
          break
        }
      }
      if (ascii) return String.fromCharCode.apply(null, this.buf.subarray(h.contentStart, h.end) as unknown as number[])
    }
    try {
      return utf8Strict.decode(this.buf.subarray(h.contentStart, h.end))
    } catch {
      throw new BerError('BER_BAD_UTF8', `${capitalise(what)} at offset ${h.start} (tag ${hexTag(tag)}) is not valid UTF-8.`, { offset: h.start, tag })
    }
  }

  /** BOOLEAN: exactly one content octet; any non-zero octet is TRUE (X.690 §8.2.2). */
  readBoolean(tag: number = Tag.Boolean, what = 'a BOOLEAN'): boolean {
    const h = this.expect(tag, what)
    if (h.end - h.contentStart !== 1) {
      throw new BerError('BER_BAD_BOOLEAN', `${capitalise(what)} at offset ${h.start} has ${h.end - h.contentStart} content octets; a BOOLEAN has exactly one.`, { offset: h.start, tag })
    }
    return this.buf[h.contentStart] !== 0
  }

  /** The raw content octet of a BOOLEAN, for callers that record how TRUE was written. */
  readBooleanOctet(tag: number = Tag.Boolean, what = 'a BOOLEAN'): number {
    const h = this.expect(tag, what)
    if (h.end - h.contentStart !== 1) {
      throw new BerError('BER_BAD_BOOLEAN', `${capitalise(what)} at offset ${h.start} has ${h.end - h.contentStart} content octets; a BOOLEAN has exactly one.`, { offset: h.start, tag })
    }
    return this.buf[h.contentStart] as number
  }

  /**
   * INTEGER or ENUMERATED as a JavaScript number. Two's complement, at least one octet.
   * Values beyond ±2^47 are refused: LDAP integers (message IDs, result codes, limits) are
   * 32-bit, and a larger one is a fault, not data.
   */
  readInteger(tag: number = Tag.Integer, what = 'an INTEGER'): number {
    const h = this.expect(tag, what)
    const n = h.end - h.contentStart
    if (n === 0) {
      throw new BerError('BER_BAD_INTEGER', `${capitalise(what)} at offset ${h.start} has no content octets.`, { offset: h.start, tag })
    }
    if (n > 6) {
      throw new BerError('BER_INTEGER_OUT_OF_RANGE', `${capitalise(what)} at offset ${h.start} has ${n} content octets; values above 2^47 are not used by LDAP.`, { offset: h.start, tag })
    }
    let v = 0
    for (let i = h.contentStart; i < h.end; i++) v = v * 256 + (this.buf[i] as number)
    if ((this.buf[h.contentStart] as number) & 0x80) v -= 2 ** (8 * n)
    return v
  }

  readEnumerated(tag: number = Tag.Enumerated, what = 'an ENUMERATED'): number {
    return this.readInteger(tag, what)
  }

  readNull(tag: number = Tag.Null, what = 'a NULL'): void {
    const h = this.expect(tag, what)
    if (h.end !== h.contentStart) {
      throw new BerError('BER_BAD_NULL', `${capitalise(what)} at offset ${h.start} has content octets; a NULL has none.`, { offset: h.start, tag })
    }
  }

  /** Fails unless the region was consumed exactly (for SEQUENCEs that allow no extensions). */
  expectEnd(what = 'the element'): void {
    if (this.pos < this.end) {
      const tag = this.buf[this.pos] as number
      throw new BerError('BER_TRAILING_BYTES', `Unexpected element with tag ${hexTag(tag)} at offset ${this.pos} after the end of ${what}.`, { offset: this.pos, tag })
    }
  }
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })

/** Longest content decoded by the ASCII loop in readString. */
const ASCII_LOOP_MAX = 64

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
