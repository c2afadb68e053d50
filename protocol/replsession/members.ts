import { BerReader, Tag } from '../ber/index.js'
import type { BerWriter } from '../ber/index.js'
import { ReplSessionError, hexTag } from '../errors.js'

/**
 * Reading and writing the members the three replication session values share: the outer
 * SEQUENCE, OCTET STRING members read as strings under 389's NUL rule, and SET / SEQUENCE OF
 * OCTET STRING (the RUVs and referral URLs). 389ds-session-hooks.md §2.2-§2.4.
 */

/**
 * What a decoder does with elements after the last member it recognises.
 * - `reject` (default): a coded error (REPL_UNKNOWN_MEMBER while an OPTIONAL member could still
 *   have followed, REPL_TRAILING_BYTES after the last possible member).
 * - `keep`: stop reading there, as 389's decoders do (their closing `}` checks nothing, §2.2,
 *   §2.3), and return the raw remainder in the value's `trailing`, so it can be recorded and
 *   re-encoded byte for byte.
 */
export type TrailingMode = 'reject' | 'keep'

export interface ReplDecodeOptions {
  readonly trailing?: TrailingMode
}

export interface ReplEncodeOptions {
  /**
   * 0 (default) = minimal lengths, as 389 (liblber with DER) writes them; 1..4 = every length in
   * long form with exactly that many octets, as generic BER writers send (`84 00 00 00 nn`, §2.7).
   */
  readonly lengthOctets?: 0 | 1 | 2 | 3 | 4
  /**
   * true (default): refuse values a 389 peer would reject or never send (GUID without data and
   * the reverse, an empty supplier RUV, a NUL inside a string, `trailing` bytes).
   * false: write the value exactly as given, for the provider's deliberate faults (§5.5).
   */
  readonly strict?: boolean
}

/**
 * Opens the outer SEQUENCE of a value. An absent or empty value is REPL_MISSING_MEMBER (389
 * answers DECODING_ERROR for both, §2.2, and its supplier treats an empty response value as a
 * parse failure, §2.3). Bytes after the SEQUENCE are REPL_TRAILING_BYTES in every mode: no BER
 * writer produces them, and `trailing: 'keep'` only covers elements inside the SEQUENCE.
 */
export function openValue(value: Uint8Array | undefined, what: string): BerReader {
  if (value === undefined || value.length === 0) {
    throw new ReplSessionError(
      'REPL_MISSING_MEMBER',
      `The ${what} is ${value === undefined ? 'absent' : 'empty'}; expected a BER SEQUENCE (tag 0x30) at offset 0.`,
      { offset: 0, tag: Tag.Sequence },
    )
  }
  const outer = new BerReader(value)
  const inner = outer.enter(Tag.Sequence, `the ${what} SEQUENCE`)
  if (!outer.atEnd()) {
    throw new ReplSessionError(
      'REPL_TRAILING_BYTES',
      `${outer.remaining} byte(s) follow the ${what} SEQUENCE at offset ${outer.offset}; the value must be exactly one SEQUENCE.`,
      { offset: outer.offset, tag: outer.peekTag() },
    )
  }
  return inner
}

/**
 * Fails with REPL_MISSING_MEMBER unless the next element has `tag`. Used for REQUIRED members:
 * an element with another tag in their place means the member is missing (the message names it).
 */
export function requireMember(r: BerReader, tag: number, member: string, hint = ''): void {
  const found = r.peekTag()
  if (found === tag) return
  const suffix = hint === '' ? '' : ` ${hint}`
  if (found === undefined) {
    throw new ReplSessionError(
      'REPL_MISSING_MEMBER',
      `The required member ${member} (tag ${hexTag(tag)}) is missing: the SEQUENCE ends at offset ${r.offset}.${suffix}`,
      { offset: r.offset, tag },
    )
  }
  throw new ReplSessionError(
    'REPL_MISSING_MEMBER',
    `The required member ${member} (tag ${hexTag(tag)}) is missing: found tag ${hexTag(found)} at offset ${r.offset} where it belongs.${suffix}`,
    { offset: r.offset, tag: found },
  )
}

/**
 * Index of a NUL octet in a position other than the last, or -1. liblber's string getter
 * (LBER_BV_STRING) refuses such values and accepts a single terminating NUL (§2.2), which 389
 * peers really send (C strings with the NUL counted, §1.3).
 */
export function embeddedNulIndex(bytes: Uint8Array): number {
  const i = bytes.indexOf(0)
  return i !== -1 && i < bytes.length - 1 ? i : -1
}

/**
 * An OCTET STRING member read as UTF-8 text. `cString` applies 389's NUL rule (REPL_BAD_STRING);
 * a terminating NUL is kept in the returned string, so the value re-encodes byte for byte.
 */
export function readStringMember(r: BerReader, member: string, cString: boolean): string {
  const start = r.offset
  const bytes = r.readOctetString(Tag.OctetString, member)
  if (cString) {
    const nul = embeddedNulIndex(bytes)
    if (nul !== -1) {
      throw new ReplSessionError(
        'REPL_BAD_STRING',
        `${member} at offset ${start} has a NUL octet at offset ${bytes.byteOffset - r.buf.byteOffset + nul} before its last octet; ` +
          '389 reads it as a C string and refuses embedded NULs (only a terminating NUL is allowed).',
        { offset: start, tag: Tag.OctetString },
      )
    }
  }
  // A second reader over the same element turns malformed UTF-8 into the reader's BER_BAD_UTF8.
  return new BerReader(r.buf, start, r.end).readString(Tag.OctetString, member)
}

/**
 * A SET OF / SEQUENCE OF OCTET STRING whose elements are strings. The caller has checked the tag.
 * Each element must be an OCTET STRING (the reader's BER_UNEXPECTED_TAG otherwise).
 */
export function readStringList(r: BerReader, tag: number, member: string, cString: boolean): string[] {
  const list = r.enter(tag, member)
  const out: string[] = []
  while (!list.atEnd()) out.push(readStringMember(list, `${member} element ${out.length + 1}`, cString))
  return out
}

/** Everything from the reader's position to the end of its region (for `trailing: 'keep'`). */
export function restOf(r: BerReader): Uint8Array {
  return r.buf.subarray(r.offset, r.end)
}

/** Encoder side of the NUL rule: REPL_BAD_STRING for a NUL anywhere but the last character. */
export function assertCString(value: string, member: string): void {
  const i = value.indexOf('\u0000')
  if (i !== -1 && i < value.length - 1) {
    throw new ReplSessionError(
      'REPL_BAD_STRING',
      `${member} has a NUL character at index ${i} before its end; 389 would refuse it. Remove it, or pass strict: false to send it on purpose.`,
    )
  }
}

/** Encoder side of `trailing`: only written with strict: false. */
export function assertNoTrailing(trailing: Uint8Array | undefined, what: string): void {
  if (trailing !== undefined) {
    throw new ReplSessionError(
      'REPL_TRAILING_BYTES',
      `The ${what} carries ${trailing.length} trailing byte(s); a correct peer never sends them. Pass strict: false to send them on purpose.`,
    )
  }
}

/** Encoder side of the dataGuid/data pairing (§1.3: both or neither go on the wire). */
export function assertPayloadPair(dataGuid: string | undefined, data: Uint8Array | undefined, what: string): void {
  if (dataGuid !== undefined && data === undefined) {
    throw new ReplSessionError(
      'REPL_GUID_WITHOUT_DATA',
      `The ${what} has a dataGuid but no data; 389 sends both or neither, and its decoders refuse a GUID without data. Pass strict: false to send it on purpose.`,
    )
  }
  if (dataGuid === undefined && data !== undefined) {
    throw new ReplSessionError(
      'REPL_DATA_WITHOUT_GUID',
      `The ${what} has data but no dataGuid; 389 sends both or neither (a lone data OCTET STRING is read as a GUID without data). Pass strict: false to send it on purpose.`,
    )
  }
}

/** Writes `tag { OCTET STRING, ... }` with every length in the requested form. */
export function writeStringList(w: BerWriter, strings: readonly string[], tag: number, lengthOctets: number): void {
  w.startConstructed(tag, lengthOctets)
  for (const s of strings) w.writeString(s, Tag.OctetString, lengthOctets)
  w.endConstructed()
}
