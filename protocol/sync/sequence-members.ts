import { BerReader } from '../ber/index.js'
import { SyncValueError, hexTag } from '../errors.js'
import type { LengthStyle } from './encoding-form.js'

/**
 * Tag-driven reading of the SEQUENCEs in RFC 4533 §2.2–§2.5 and RFC 3909.
 *
 * Members are recognised by their tag, never by how many children arrived (go-ldap/ldap#625
 * inverted refreshDone by counting). In every SEQUENCE here but one, each tag names exactly one
 * member; syncStateValue's entryUUID and cookie share OCTET STRING and are told apart by order
 * (see `acceptIndex`). An element whose tag names no member, repeats a member, or comes before a
 * member already read is a coded error.
 */

/** One SEQUENCE member in ASN.1 order. */
export interface MemberSpec {
  readonly name: string
  readonly tag: number
  /** Other tags accepted for the same member (only syncUUIDs: SET 0x31 or SEQUENCE 0x30). */
  readonly altTag?: number
}

/** Header of one element: where it starts, where its contents lie. */
export interface ElementHeader {
  readonly tag: number
  readonly start: number
  readonly contentStart: number
  readonly end: number
}

/** Reads one element header and records its length style. */
export function readElement(r: BerReader, lengths: LengthStyle): ElementHeader {
  const h = r.readHeader()
  lengths.note(h.start, h.contentStart, h.end)
  return h
}

/**
 * Reads the header of the element that must carry `tag` and returns a reader over its
 * contents. A different tag is reported by the BER reader itself (BER_UNEXPECTED_TAG), exactly as
 * `enter()` would.
 */
export function enterElement(r: BerReader, tag: number, what: string, lengths: LengthStyle): BerReader {
  if (r.peekTag() !== tag) r.enter(tag, what) // throws the reader's own error
  const h = readElement(r, lengths)
  return new BerReader(r.buf, h.contentStart, h.end)
}

/** Walks the members of one SEQUENCE, enforcing order, uniqueness and known tags. */
export class MemberWalk {
  private seen = 0
  private last = -1

  constructor(
    private readonly members: readonly MemberSpec[],
    private readonly what: string,
  ) {}

  /** Returns the index of the member the element at `offset` with `tag` is, or throws. */
  accept(tag: number, offset: number): number {
    return this.acceptIndex(this.indexOf(tag), tag, offset)
  }

  /**
   * Like `accept`, for callers that know which member the element is (-1 = none) by a rule
   * other than its tag alone (syncStateValue, whose entryUUID and cookie share a tag).
   */
  acceptIndex(i: number, tag: number, offset: number): number {
    if (i < 0) {
      const expected = this.members.map((m) => `${m.name} (${hexTag(m.tag)})`).join(', ')
      throw new SyncValueError(
        'SYNC_UNKNOWN_MEMBER',
        `The element at offset ${offset} inside ${this.what} has tag ${hexTag(tag)}, which is not a member of it; its members are ${expected}.`,
        { offset, tag },
      )
    }
    const m = this.members[i] as MemberSpec
    if (this.seen & (1 << i)) {
      throw new SyncValueError(
        'SYNC_DUPLICATE_MEMBER',
        `The ${m.name} member of ${this.what} appears a second time at offset ${offset} (tag ${hexTag(tag)}); each member may appear at most once.`,
        { offset, tag },
      )
    }
    if (i < this.last) {
      const after = (this.members[this.last] as MemberSpec).name
      throw new SyncValueError(
        'SYNC_MEMBER_ORDER',
        `The ${m.name} member of ${this.what} at offset ${offset} (tag ${hexTag(tag)}) comes after ${after}; the SEQUENCE requires ${m.name} first.`,
        { offset, tag },
      )
    }
    this.seen |= 1 << i
    this.last = i
    return i
  }

  /** Throws SYNC_MISSING_MEMBER unless the member with this index was read; `end` is where it was due. */
  require(index: number, end: number): void {
    if (this.seen & (1 << index)) return
    const m = this.members[index] as MemberSpec
    throw new SyncValueError(
      'SYNC_MISSING_MEMBER',
      `${capitalise(this.what)} ends at offset ${end} without its required ${m.name} member (tag ${hexTag(m.tag)}).`,
      { offset: end, tag: m.tag },
    )
  }

  private indexOf(tag: number): number {
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[i] as MemberSpec
      if (m.tag === tag || m.altTag === tag) return i
    }
    return -1
  }
}

/** SYNC_TRAILING_BYTES unless the whole input was the one value. */
export function expectValueEnd(r: BerReader, what: string): void {
  if (r.atEnd()) return
  const offset = r.offset
  const tag = r.buf[offset] as number
  throw new SyncValueError(
    'SYNC_TRAILING_BYTES',
    `Found ${r.remaining} byte(s) after the end of ${what}, from offset ${offset} (first tag ${hexTag(tag)}); the encoded value must be exactly one ${what.replace(/^the /, '')} and nothing after it.`,
    { offset, tag },
  )
}

/** Reads a primitive member as a view of the input (no copy). */
export function readOctets(r: BerReader, lengths: LengthStyle): Uint8Array {
  const h = readElement(r, lengths)
  return viewOf(r.buf, h.contentStart, h.end)
}

/**
 * A plain Uint8Array view of `buf[start, end)`, never a copy. Unlike `subarray`, it is a plain
 * Uint8Array even when the input is a Node Buffer, so decoded values look the same whatever the
 * caller passed in.
 */
export function viewOf(buf: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, end - start)
}

/** Reads an ENUMERATED/INTEGER member (the BER reader checks its contents). */
export function readNumber(r: BerReader, lengths: LengthStyle, tag: number, what: string): { value: number; offset: number } {
  const h = readElement(r, lengths)
  return { value: new BerReader(r.buf, h.start, h.end).readInteger(tag, what), offset: h.start }
}

/** Reads a BOOLEAN member and returns its raw content octet (0 = FALSE). */
export function readBooleanOctet(r: BerReader, lengths: LengthStyle, tag: number, what: string): number {
  const h = readElement(r, lengths)
  return new BerReader(r.buf, h.start, h.end).readBooleanOctet(tag, what)
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
