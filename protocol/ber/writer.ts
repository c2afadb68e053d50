import { BerError } from '../errors.js'
import { Tag } from './tags.js'

/**
 * A single-pass BER writer into one growable buffer.
 *
 * Lengths are minimal (DER-style) by default. A constructed element reserves one length octet
 * and, when its contents turn out to be 128 octets or more, shifts them right by the few extra
 * octets needed: one memmove of the element's own bytes, no second pass, no intermediate buffers.
 *
 * Any length may instead be written in long form with a fixed number of octets
 * (`lengthOctets` 1..4), because the provider must reproduce what non-DER peers send
 * (e.g. `84 00 00 00 nn` from generic BER writers).
 *
 * Many PDUs can be written one after another into the same writer; `take()` returns all the
 * bytes written so far and starts over, which is how the provider batches entries per socket
 * write.
 */
export class BerWriter {
  private buf: Buffer
  private pos = 0
  /** Offsets of the length octets of the open constructed elements. */
  private readonly open: number[] = []
  /** Forced length-octet counts of the open constructed elements (0 = minimal). */
  private readonly openForm: number[] = []

  private readonly initialSize: number

  constructor(initialSize = 4096) {
    this.initialSize = Math.max(16, initialSize)
    this.buf = Buffer.allocUnsafe(this.initialSize)
  }

  /** Bytes written so far (including open elements). */
  get length(): number {
    return this.pos
  }

  /** Number of constructed elements started and not yet ended. */
  get depth(): number {
    return this.open.length
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  writeByte(b: number): void {
    this.ensure(1)
    this.buf[this.pos++] = b
  }

  /** Appends bytes exactly as given (pre-encoded elements, or deliberately broken ones). */
  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  /**
   * Writes a length. `lengthOctets` 0 = minimal form; 1..4 = long form with exactly that many
   * octets after the `0x8n` octet.
   */
  writeLength(len: number, lengthOctets = 0): void {
    if (lengthOctets === 0) {
      if (len < 0x80) {
        this.ensure(1)
        this.buf[this.pos++] = len
        return
      }
      lengthOctets = octetsFor(len)
    } else if (lengthOctets < 1 || lengthOctets > 4 || len >= 2 ** (8 * lengthOctets)) {
      throw new BerError('BER_VALUE_OUT_OF_RANGE', `A length of ${len} cannot be written in ${lengthOctets} long-form length octets; use 1 to 4 octets large enough for the value.`)
    }
    this.ensure(1 + lengthOctets)
    this.buf[this.pos++] = 0x80 | lengthOctets
    for (let i = lengthOctets - 1; i >= 0; i--) this.buf[this.pos++] = Math.floor(len / 2 ** (8 * i)) & 0xff
  }

  writeOctetString(bytes: Uint8Array, tag: number = Tag.OctetString, lengthOctets = 0): void {
    this.ensure(6 + bytes.length)
    this.buf[this.pos++] = tag
    this.writeLength(bytes.length, lengthOctets)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  /** A UTF-8 string as an OCTET STRING (LDAPString, LDAPDN, LDAPOID, AttributeDescription). */
  writeString(s: string, tag: number = Tag.OctetString, lengthOctets = 0): void {
    if (lengthOctets !== 0) {
      this.writeOctetString(Buffer.from(s, 'utf8'), tag, lengthOctets)
      return
    }
    // Optimistic path: reserve one length octet and write the UTF-8 straight into the buffer;
    // only strings of 128 octets or more pay a shift.
    this.ensure(6 + s.length * 3)
    this.buf[this.pos++] = tag
    const lenAt = this.pos++
    // Short ASCII strings (attribute types, most DNs and values) are copied by a JS loop, which
    // beats the native UTF-8 writer's call overhead; anything else takes the native path.
    let n = -1
    if (s.length <= ASCII_LOOP_MAX) {
      const buf = this.buf
      const start = this.pos
      let i = 0
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c >= 0x80) break
        buf[start + i] = c
      }
      if (i === s.length) n = i
    }
    if (n < 0) n = this.buf.write(s, this.pos, 'utf8')
    this.pos += n
    this.patchLength(lenAt, n)
  }

  /** BOOLEAN; DER says TRUE is 0xFF (RFC 4511 §5.1), python-ldap sends 0x01. */
  writeBoolean(value: boolean, tag: number = Tag.Boolean, trueOctet = 0xff, lengthOctets = 0): void {
    if (value && (trueOctet === 0 || trueOctet > 0xff)) {
      throw new BerError('BER_VALUE_OUT_OF_RANGE', `TRUE must be written as a non-zero octet; ${trueOctet} is not one.`)
    }
    this.ensure(7)
    this.buf[this.pos++] = tag
    this.writeLength(1, lengthOctets)
    this.buf[this.pos++] = value ? trueOctet : 0
  }

  /** INTEGER in the minimal two's complement form. */
  writeInteger(value: number, tag: number = Tag.Integer, lengthOctets = 0): void {
    if (!Number.isSafeInteger(value) || Math.abs(value) > 2 ** 47) {
      throw new BerError('BER_VALUE_OUT_OF_RANGE', `The integer ${value} cannot be encoded; LDAP integers are whole numbers well within ±2^47.`)
    }
    let n = 1
    while (n < 6 && (value >= 2 ** (8 * n - 1) || value < -(2 ** (8 * n - 1)))) n++
    this.ensure(6 + n)
    this.buf[this.pos++] = tag
    this.writeLength(n, lengthOctets)
    const v = value < 0 ? value + 2 ** (8 * n) : value
    for (let i = n - 1; i >= 0; i--) this.buf[this.pos++] = Math.floor(v / 2 ** (8 * i)) & 0xff
  }

  writeEnumerated(value: number, tag: number = Tag.Enumerated, lengthOctets = 0): void {
    this.writeInteger(value, tag, lengthOctets)
  }

  writeNull(tag: number = Tag.Null): void {
    this.ensure(2)
    this.buf[this.pos++] = tag
    this.buf[this.pos++] = 0
  }

  /** Opens a constructed element (SEQUENCE, SET, [APPLICATION n], [n] …). */
  startConstructed(tag: number = Tag.Sequence, lengthOctets = 0): void {
    if (lengthOctets < 0 || lengthOctets > 4) {
      throw new BerError('BER_VALUE_OUT_OF_RANGE', `A long-form length has 1 to 4 octets here; ${lengthOctets} was asked for.`)
    }
    this.ensure(2 + lengthOctets)
    this.buf[this.pos++] = tag
    this.open.push(this.pos)
    this.openForm.push(lengthOctets)
    this.pos += lengthOctets === 0 ? 1 : 1 + lengthOctets
  }

  /** Closes the innermost open constructed element and fills in its length. */
  endConstructed(): void {
    const lenAt = this.open.pop()
    const form = this.openForm.pop()
    if (lenAt === undefined || form === undefined) {
      throw new BerError('BER_WRITE_UNBALANCED', 'endConstructed() was called with no constructed element open; every start needs exactly one end.')
    }
    if (form === 0) {
      this.patchLength(lenAt, this.pos - lenAt - 1)
      return
    }
    const len = this.pos - lenAt - 1 - form
    if (len >= 2 ** (8 * form)) {
      throw new BerError('BER_VALUE_OUT_OF_RANGE', `A constructed element of ${len} octets does not fit the ${form} length octets it was started with.`)
    }
    this.buf[lenAt] = 0x80 | form
    for (let i = 0; i < form; i++) this.buf[lenAt + 1 + i] = Math.floor(len / 2 ** (8 * (form - 1 - i))) & 0xff
  }

  /** Fills a one-octet length placeholder, widening it in place if the contents need more. */
  private patchLength(lenAt: number, len: number): void {
    if (len < 0x80) {
      this.buf[lenAt] = len
      return
    }
    const extra = octetsFor(len)
    this.ensure(extra)
    this.buf.copyWithin(lenAt + 1 + extra, lenAt + 1, this.pos)
    this.buf[lenAt] = 0x80 | extra
    for (let i = 0; i < extra; i++) this.buf[lenAt + 1 + i] = Math.floor(len / 2 ** (8 * (extra - 1 - i))) & 0xff
    this.pos += extra
  }

  /** A copy of everything written; the writer keeps its contents. */
  toBuffer(): Buffer {
    this.assertClosed()
    return Buffer.from(this.buf.subarray(0, this.pos))
  }

  /**
   * Everything written so far as a fresh buffer, and the writer empties itself for the next
   * batch. The returned bytes are never overwritten by later writes.
   */
  take(): Buffer {
    this.assertClosed()
    const out = this.buf.subarray(0, this.pos)
    this.buf = Buffer.allocUnsafe(this.initialSize)
    this.pos = 0
    return out
  }

  /** Discards everything written and reuses the buffer. */
  reset(): void {
    this.pos = 0
    this.open.length = 0
    this.openForm.length = 0
  }

  private assertClosed(): void {
    if (this.open.length !== 0) {
      throw new BerError('BER_WRITE_UNBALANCED', `${this.open.length} constructed element(s) are still open; call endConstructed() for each before taking the bytes.`)
    }
  }
}

/** Longest string copied by the ASCII loop in writeString (longer ones go native at once). */
const ASCII_LOOP_MAX = 64

/** Number of octets needed for a long-form length value. */
function octetsFor(len: number): number {
  if (len < 0x100) return 1
  if (len < 0x10000) return 2
  if (len < 0x1000000) return 3
  return 4
}

/** Encodes one element with a fresh writer: `encode(w => w.writeInteger(5))`. */
export function encodeWith(write: (w: BerWriter) => void, initialSize = 256): Buffer {
  const w = new BerWriter(initialSize)
  write(w)
  return w.toBuffer()
}
