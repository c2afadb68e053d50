/**
 * Where one LDAPMessage ends in the provider's own output, and how to give one another message
 * ID: what the wire faults (wire-faults.ts) need to act on "the next PDU". Only BER headers are
 * read; bytes that do not parse as a complete element are one unit as they are, because script
 * mode writes such bytes on purpose.
 */

/**
 * Splits outgoing bytes into whole BER elements (one LDAPMessage each, as the provider writes
 * them). Whatever does not parse as a complete definite-length element is returned, from that
 * point on, as one last unit.
 */
export function splitPdus(bytes: Buffer): Buffer[] {
  const units: Buffer[] = []
  let at = 0
  while (at < bytes.length) {
    const end = elementEnd(bytes, at)
    if (end === undefined) {
      units.push(bytes.subarray(at))
      break
    }
    units.push(bytes.subarray(at, end))
    at = end
  }
  return units
}

interface Header {
  /** Offset of the first length octet. */
  readonly lengthAt: number
  /** Offset of the first content octet. */
  readonly contentAt: number
  readonly length: number
}

/** The header of the element at `at` (tag, definite length), or undefined if it is cut off or indefinite. */
function readHeader(bytes: Uint8Array, at: number, limit: number): Header | undefined {
  let i = at
  if (i >= limit) return undefined
  // X.690 §8.1.2.4: a tag number of 31 or more continues in the following octets.
  if (((bytes[i++] as number) & 0x1f) === 0x1f) {
    while (i < limit && ((bytes[i] as number) & 0x80) !== 0) i++
    i++
  }
  if (i >= limit) return undefined
  const lengthAt = i
  const first = bytes[i++] as number
  if (first < 0x80) return { lengthAt, contentAt: i, length: first }
  const n = first & 0x7f
  // 0x80 is the indefinite form, which LDAP forbids (RFC 4511 §5.1); more than 4 octets is no PDU of ours.
  if (n === 0 || n > 4 || i + n > limit) return undefined
  let length = 0
  for (let k = 0; k < n; k++) length = length * 256 + (bytes[i++] as number)
  return { lengthAt, contentAt: i, length }
}

function elementEnd(bytes: Uint8Array, at: number): number | undefined {
  const h = readHeader(bytes, at, bytes.length)
  if (h === undefined || h.contentAt + h.length > bytes.length) return undefined
  return h.contentAt + h.length
}

/** The messageID of an LDAPMessage unit, or undefined when the unit is not one. */
export function messageIdOf(unit: Uint8Array): number | undefined {
  const id = messageIdElement(unit)
  if (id === undefined) return undefined
  let value = 0
  for (let i = id.contentAt; i < id.contentAt + id.length; i++) value = value * 256 + (unit[i] as number)
  if (id.length > 0 && ((unit[id.contentAt] as number) & 0x80) !== 0) value -= 2 ** (8 * id.length)
  return value
}

function messageIdElement(unit: Uint8Array): (Header & { readonly outer: Header }) | undefined {
  if (unit[0] !== 0x30) return undefined
  const outer = readHeader(unit, 0, unit.length)
  if (outer === undefined || outer.contentAt + outer.length !== unit.length) return undefined
  if (unit[outer.contentAt] !== 0x02) return undefined
  const id = readHeader(unit, outer.contentAt, unit.length)
  if (id === undefined || id.length === 0 || id.length > 6 || id.contentAt + id.length > unit.length) return undefined
  return { ...id, outer }
}

/**
 * The same LDAPMessage with another messageID (RFC 4511 §4.1.1.1), everything after the ID
 * byte for byte as it was. The outer length keeps its long form (and octet count) when it had
 * one and the new length fits. Undefined when the unit is not an LDAPMessage.
 */
export function withMessageId(unit: Uint8Array, messageId: number): Buffer | undefined {
  const id = messageIdElement(unit)
  if (id === undefined) return undefined
  const rest = unit.subarray(id.contentAt + id.length)
  const integer = encodeInteger(messageId)
  const contentLength = integer.length + rest.length
  const longOctets = id.outer.contentAt - id.outer.lengthAt - 1
  return Buffer.concat([Buffer.from([0x30]), encodeLength(contentLength, longOctets), integer, rest])
}

/** A minimal two's-complement INTEGER element (X.690 §8.3). */
function encodeInteger(value: number): Buffer {
  const octets: number[] = []
  let v = value
  do {
    octets.unshift(v & 0xff)
    v = Math.floor(v / 256)
  } while (value >= 0 ? v > 0 || ((octets[0] as number) & 0x80) !== 0 : v < -1 || ((octets[0] as number) & 0x80) === 0)
  return Buffer.from([0x02, octets.length, ...octets])
}

function encodeLength(length: number, longOctets: number): Buffer {
  let needed = 0
  for (let l = length; l > 0; l = Math.floor(l / 256)) needed++
  if (longOctets === 0 && length < 0x80) return Buffer.from([length])
  const n = Math.max(longOctets, needed, 1)
  const out = Buffer.alloc(n + 1)
  out[0] = 0x80 | n
  for (let k = n, l = length; k >= 1; k--, l = Math.floor(l / 256)) out[k] = l & 0xff
  return out
}
