import { BerReader, Tag, encodeWith } from '../ber/index.js'
import { ReplSessionError, hexTag } from '../errors.js'
import { ReplResponseCode } from './response-codes.js'
import { assertCString, assertNoTrailing, assertPayloadPair, openValue, readStringList, readStringMember, restOf, writeStringList } from './members.js'
import type { ReplDecodeOptions, ReplEncodeOptions } from './members.js'

/**
 * The value of the response to a Start request (under …3.5.13 or …3.5.4) and to an End request
 * (…3.5.4, the code alone), 389ds-session-hooks.md §2.3 and §2.4:
 *
 * ```
 * ReplicationResponseValue ::= SEQUENCE {
 *     responseCode   ENUMERATED,
 *     consumerRUV    SEQUENCE OF OCTET STRING OPTIONAL,
 *     dataGuid       OCTET STRING OPTIONAL,
 *     data           OCTET STRING OPTIONAL }
 * ```
 *
 * The RUV is a SEQUENCE (0x30) here, but a SET (0x31) in the request. In our handshake the mock
 * provider sends this value and the syncrepl consumer decodes it (§5.1, §5.2).
 */
export interface ReplicationResponse {
  readonly kind: 'replicationResponse'
  /** An NSDS50_REPL_* code (`ReplResponseCode`); undefined codes decode too, the caller judges them. */
  readonly responseCode: number
  /** One string per RUV element; undefined = absent, [] = an empty SEQUENCE is present. */
  readonly consumerRuv?: readonly string[]
  /** The reply hook's payload format identifier; sent only together with `data`. */
  readonly dataGuid?: string
  /** The reply hook's payload, exact bytes (a terminating NUL is common, §1.3). */
  readonly data?: Uint8Array
  /**
   * Raw elements after the last member: filled only by `trailing: 'keep'` decoding, written only
   * with `strict: false` (the `trailingGarbage` fault, §5.5).
   */
  readonly trailing?: Uint8Array
}

export interface ResponseEncodeOptions extends ReplEncodeOptions {
  /** Tag of the responseCode; default 0x0a (ENUMERATED). 0x02 is the `integerInsteadOfEnumerated` fault. */
  readonly codeTag?: number
  /** Tag of the consumerRUV; default 0x30 (SEQUENCE). 0x31 is the `ruvAsSet` fault. */
  readonly ruvTag?: number
}

const WHAT = 'ReplicationResponseValue'

/**
 * The End response (§2.4): the code alone, by default 0x09 REPLICA_RELEASE_SUCCEEDED, which 389
 * sends also when the connection held no session.
 */
export function endReplicationResponse(responseCode: number = ReplResponseCode.replicaReleaseSucceeded): ReplicationResponse {
  return { kind: 'replicationResponse', responseCode }
}

/**
 * Encodes a response value. By default lengths are minimal and the value must be one 389's
 * supplier decodes without loss; `ResponseEncodeOptions` and `strict: false` produce the faults
 * of §5.5 on purpose.
 *
 * @example encodeReplicationResponse({ kind: 'replicationResponse', responseCode: ReplResponseCode.backoff }) // 30 03 0a 01 0e
 */
export function encodeReplicationResponse(value: ReplicationResponse, options: ResponseEncodeOptions = {}): Uint8Array {
  const lengthOctets = options.lengthOctets ?? 0
  if (options.strict ?? true) {
    if (value.dataGuid !== undefined) assertCString(value.dataGuid, 'dataGuid')
    assertPayloadPair(value.dataGuid, value.data, 'response')
    assertNoTrailing(value.trailing, 'response')
  }
  return encodeWith((w) => {
    w.startConstructed(Tag.Sequence, lengthOctets)
    w.writeEnumerated(value.responseCode, options.codeTag ?? Tag.Enumerated, lengthOctets)
    if (value.consumerRuv !== undefined) writeStringList(w, value.consumerRuv, options.ruvTag ?? Tag.Sequence, lengthOctets)
    if (value.dataGuid !== undefined) w.writeString(value.dataGuid, Tag.OctetString, lengthOctets)
    if (value.data !== undefined) w.writeOctetString(value.data, Tag.OctetString, lengthOctets)
    if (value.trailing !== undefined) w.writeRaw(value.trailing)
    w.endConstructed()
  })
}

/**
 * Decodes a response value (the contents of the ExtendedResponse's responseValue [11]), for a
 * Start or an End alike. Error offsets are relative to the first byte of `value`.
 *
 * How this compares with 389's supplier (`decode_repl_ext_response`, §2.3, §5.5):
 * - Same: an absent or empty value (REPL_MISSING_MEMBER) and a GUID without data
 *   (REPL_GUID_WITHOUT_DATA) are failures. A code outside the table decodes; it is fatal to the
 *   caller, not a decoding error.
 * - Stricter: 389 does not check the code's tag; an INTEGER (0x02) or anything but a 1..4-octet
 *   ENUMERATED is REPL_BAD_ENUM here. The dataGuid must be UTF-8 without an embedded NUL
 *   (REPL_BAD_STRING; 389 reads it as a C string too). Bytes after the SEQUENCE are
 *   REPL_TRAILING_BYTES.
 * - 389 stops reading silently at the first element it does not expect (an RUV sent as a SET,
 *   a second code, anything after the data), losing the RUV and payload behind it. We reject
 *   that by default (REPL_UNKNOWN_MEMBER, or REPL_TRAILING_BYTES after the data);
 *   `trailing: 'keep'` stops there as 389 does and returns the rest in `trailing`.
 *
 * `data` (and `trailing`) are views of `value`, not copies.
 */
export function decodeReplicationResponse(value: Uint8Array | undefined, options: ReplDecodeOptions = {}): ReplicationResponse {
  const r = openValue(value, WHAT)
  const responseCode = readResponseCode(r)

  const consumerRuv = r.peekTag() === Tag.Sequence ? readStringList(r, Tag.Sequence, 'consumerRUV', false) : undefined

  let dataGuid: string | undefined
  let data: Uint8Array | undefined
  if (r.peekTag() === Tag.OctetString) {
    const guidAt = r.offset
    dataGuid = readStringMember(r, 'dataGuid', true)
    const found = r.peekTag()
    if (found !== Tag.OctetString) {
      throw new ReplSessionError(
        'REPL_GUID_WITHOUT_DATA',
        `The dataGuid at offset ${guidAt} is not followed by data (an OCTET STRING) at offset ${r.offset}` +
          (found === undefined ? ', where the SEQUENCE ends' : `, which holds tag ${hexTag(found)}`) +
          "; the two are sent together, and 389's supplier fails to parse a GUID alone (fatal).",
        { offset: r.offset, tag: found ?? Tag.OctetString },
      )
    }
    data = r.readOctetString(Tag.OctetString, 'data')
  }

  let trailing: Uint8Array | undefined
  if (!r.atEnd()) {
    if ((options.trailing ?? 'reject') === 'keep') trailing = restOf(r)
    else throw unexpectedMember(r.offset, r.peekTag() as number, consumerRuv !== undefined, dataGuid !== undefined)
  }

  return {
    kind: 'replicationResponse',
    responseCode,
    ...(consumerRuv !== undefined && { consumerRuv }),
    ...(dataGuid !== undefined && { dataGuid }),
    ...(data !== undefined && { data }),
    ...(trailing !== undefined && { trailing }),
  }
}

/**
 * The responseCode: ENUMERATED with 1 to 4 content octets. 389's `ber_get_int` refuses more
 * than 4 octets (it reads a 32-bit int), and an empty one is no number at all.
 */
function readResponseCode(r: BerReader): number {
  const at = r.offset
  const tag = r.peekTag()
  if (tag === undefined) {
    throw new ReplSessionError(
      'REPL_MISSING_MEMBER',
      `The required member responseCode (ENUMERATED, tag 0x0a) is missing: the ${WHAT} SEQUENCE at offset ${at} is empty.`,
      { offset: at, tag: Tag.Enumerated },
    )
  }
  if (tag !== Tag.Enumerated) {
    const hint = tag === Tag.Integer ? ' An INTEGER is not an ENUMERATED (389 does not check this tag and accepts it).' : ''
    throw new ReplSessionError(
      'REPL_BAD_ENUM',
      `The responseCode at offset ${at} has tag ${hexTag(tag)}; it must be an ENUMERATED (tag 0x0a).${hint}`,
      { offset: at, tag },
    )
  }
  const h = r.readHeader()
  const n = h.end - h.contentStart
  if (n < 1 || n > 4) {
    throw new ReplSessionError(
      'REPL_BAD_ENUM',
      `The responseCode ENUMERATED at offset ${at} has ${n} content octets; it must have 1 to 4 (a 32-bit value, as 389 reads it).`,
      { offset: at, tag },
    )
  }
  return new BerReader(r.buf, h.start, h.end).readEnumerated(Tag.Enumerated, 'the responseCode')
}

function unexpectedMember(offset: number, tag: number, hadRuv: boolean, afterData: boolean): ReplSessionError {
  const lost = "389's supplier stops reading here silently; decode with trailing: 'keep' to do the same."
  if (afterData) {
    return new ReplSessionError(
      'REPL_TRAILING_BYTES',
      `Unexpected element with tag ${hexTag(tag)} at offset ${offset} after the data, the last member of the ${WHAT}; ${lost}`,
      { offset, tag },
    )
  }
  let what: string
  if (tag === Tag.Set && !hadRuv) {
    what = 'a SET (0x31) where the consumerRUV may stand; in the response the RUV is a SEQUENCE (0x30), only the request uses a SET'
  } else if (tag === Tag.Sequence) {
    what = 'a second consumerRUV SEQUENCE (duplicate)'
  } else if (tag === Tag.Enumerated) {
    what = 'a second responseCode (duplicate)'
  } else {
    what = `an unknown element with tag ${hexTag(tag)}`
  }
  return new ReplSessionError(
    'REPL_UNKNOWN_MEMBER',
    `Found ${what} at offset ${offset}; after the responseCode only consumerRUV (0x30), dataGuid and data (0x04) may follow, in that order. ` +
      `Any RUV or payload behind it would be lost: ${lost}`,
    { offset, tag },
  )
}
