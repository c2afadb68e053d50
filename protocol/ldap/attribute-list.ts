import { BerReader } from '../ber/reader.js'
import { BerWriter } from '../ber/writer.js'
import { Tag } from '../ber/tags.js'
import { requireMember } from './members.js'

/**
 * `PartialAttributeList ::= SEQUENCE OF partialAttribute PartialAttribute` (RFC 4511 §4.1.7),
 * handled as its content octets.
 *
 * Why bytes: a consumer replicating 100,000 entries receives millions of values. Decoding every
 * value into its own view object, only for the store to copy it again, made garbage collection
 * most of a refresh's cost. A received entry instead keeps the encoded list (one view), checked
 * for well-formedness without allocating; the values are decoded only when someone asks for them,
 * and a store can keep the list as one buffer per entry.
 */

/**
 * `PartialAttribute ::= SEQUENCE { type AttributeDescription, vals SET OF value AttributeValue }`.
 * Values are the exact bytes; `vals` may be empty (typesOnly searches).
 */
export interface PartialAttribute {
  readonly type: string
  readonly vals: readonly Uint8Array[]
}

/**
 * An attribute to send: values may be strings (written as UTF-8) or bytes (written as given).
 * A decoded PartialAttribute is one too, so received entries can be sent on unchanged.
 */
export interface EntryAttributeInput {
  readonly type: string
  readonly vals: ReadonlyArray<string | Uint8Array>
}

/** Writes the members of a PartialAttributeList (without the enclosing SEQUENCE header). */
export function writeAttributeListMembers(w: BerWriter, attributes: Iterable<EntryAttributeInput>): void {
  for (const a of attributes) {
    w.startConstructed(Tag.Sequence)
    w.writeString(a.type)
    w.startConstructed(Tag.Set)
    const vals = a.vals
    for (let j = 0; j < vals.length; j++) {
      const v = vals[j] as string | Uint8Array
      if (typeof v === 'string') w.writeString(v)
      else w.writeOctetString(v)
    }
    w.endConstructed()
    w.endConstructed()
  }
}

/** The content octets of a PartialAttributeList holding `attributes`, in order. */
export function encodeAttributeList(attributes: Iterable<EntryAttributeInput>): Uint8Array {
  const w = new BerWriter()
  writeAttributeListMembers(w, attributes)
  return w.toBuffer()
}

/**
 * Decodes the content octets of a PartialAttributeList. Every malformation is a coded error
 * (offsets are relative to `bytes` unless `start`/`end` locate the list inside a larger buffer).
 */
export function decodeAttributeList(bytes: Uint8Array, start = 0, end = bytes.length): PartialAttribute[] {
  const list = new BerReader(bytes, start, end)
  const attributes: PartialAttribute[] = []
  while (!list.atEnd()) {
    const a = list.enter(Tag.Sequence, 'a PartialAttribute')
    requireMember(a, 'type', 'PartialAttribute')
    const type = a.readString(Tag.OctetString, 'the type of a PartialAttribute')
    requireMember(a, 'vals', 'PartialAttribute')
    const set = a.enter(Tag.Set, `the vals of attribute ${type}`)
    a.expectEnd('the PartialAttribute')
    const vals: Uint8Array[] = []
    while (!set.atEnd()) vals.push(set.readOctetString(Tag.OctetString, `a value of attribute ${type}`))
    attributes.push({ type, vals })
  }
  return attributes
}

/**
 * Whether `buf[start, end)` is a well-formed PartialAttributeList whose attribute types are
 * ASCII, checked without allocating anything. False means "not sure": the caller runs
 * `decodeAttributeList`, which either throws the precise coded error or accepts what this quick
 * check does not handle (non-ASCII types, long-form lengths beyond four octets).
 */
export function isPlainAttributeList(buf: Uint8Array, start: number, end: number): boolean {
  let p = start
  while (p < end) {
    // PartialAttribute SEQUENCE
    if (buf[p] !== Tag.Sequence) return false
    const attrEnd = elementEnd(buf, p, end)
    if (attrEnd < 0) return false
    p = contentStartOf(buf, p)
    // type OCTET STRING, ASCII (LDAP attribute descriptions are; RFC 4512 §2.5)
    if (p >= attrEnd || buf[p] !== Tag.OctetString) return false
    const typeEnd = elementEnd(buf, p, attrEnd)
    if (typeEnd < 0) return false
    for (let i = contentStartOf(buf, p); i < typeEnd; i++) if ((buf[i] as number) >= 0x80) return false
    p = typeEnd
    // vals SET OF OCTET STRING, and nothing after it
    if (p >= attrEnd || buf[p] !== Tag.Set) return false
    const setEnd = elementEnd(buf, p, attrEnd)
    if (setEnd !== attrEnd) return false
    p = contentStartOf(buf, p)
    while (p < setEnd) {
      if (buf[p] !== Tag.OctetString) return false
      const valueEnd = elementEnd(buf, p, setEnd)
      if (valueEnd < 0) return false
      p = valueEnd
    }
    p = attrEnd
  }
  return true
}

/** End offset of the element at `p` (definite length, at most four length octets), or -1. */
function elementEnd(buf: Uint8Array, p: number, limit: number): number {
  if (p + 1 >= limit) return -1
  let len = buf[p + 1] as number
  let content = p + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4 || content + n > limit) return -1
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + (buf[content + i] as number)
    content += n
  }
  const end = content + len
  return end > limit ? -1 : end
}

/** Content start of an element already checked by `elementEnd`. */
function contentStartOf(buf: Uint8Array, p: number): number {
  const len = buf[p + 1] as number
  return len & 0x80 ? p + 2 + (len & 0x7f) : p + 2
}
