import { Tag, encodeWith } from '../ber/index.js'
import { ReplSessionError, hexTag } from '../errors.js'
import type { StartVersion } from './oids.js'
import {
  assertCString,
  assertNoTrailing,
  assertPayloadPair,
  openValue,
  readStringList,
  readStringMember,
  requireMember,
  restOf,
  writeStringList,
} from './members.js'
import type { ReplDecodeOptions, ReplEncodeOptions } from './members.js'

/**
 * The value of a Start Replication request (389ds-session-hooks.md §2.2), the same layout under
 * both request OIDs (…3.5.3 and …3.5.12):
 *
 * ```
 * StartReplicationRequestValue ::= SEQUENCE {
 *     replProtocolOID   OCTET STRING,
 *     replicatedTree    OCTET STRING,
 *     supplierRUV       SET OF OCTET STRING,
 *     referralURLs      SET OF OCTET STRING OPTIONAL,
 *     csn               OCTET STRING,
 *     dataGuid          OCTET STRING OPTIONAL,
 *     data              OCTET STRING OPTIONAL }
 * ```
 *
 * In our handshake the syncrepl consumer sends it and the mock provider decodes it (§5.1, §5.2).
 */
export interface StartReplicationRequest {
  readonly kind: 'startReplicationRequest'
  /**
   * Which Start OID the request travels under (1 = …3.5.3, 2 = …3.5.12, see `startOids`). It is
   * not part of the value: the decoder takes it from its caller, the encoder ignores it.
   */
  readonly version: StartVersion
  /** …3.6.1 incremental or …3.6.2 total (`replProtocolOid`); any string may be sent. */
  readonly replProtocolOid: string
  /** The replicated subtree; in our handshake the base DN of the sync search (§5.2). */
  readonly replicatedTree: string
  /** One string per RUV element, e.g. `{replicageneration} 65a0c1d2000000010000`. Never empty on a correct wire. */
  readonly supplierRuv: readonly string[]
  /** LDAP URLs; undefined = the SET is absent, [] = an empty SET is present. */
  readonly referralUrls?: readonly string[]
  /** 20 lower-case hex digits in practice (§2.2); the codec does not check the format. */
  readonly csn: string
  /** Session-hook payload format identifier; sent only together with `data` (§1.3). */
  readonly dataGuid?: string
  /** Session-hook payload, exact bytes (389 peers count a terminating NUL, §1.3). */
  readonly data?: Uint8Array
  /**
   * Raw elements after the last member: filled only by `trailing: 'keep'` decoding, written only
   * with `strict: false` (the "trailing garbage" fault).
   */
  readonly trailing?: Uint8Array
}

/** The REQUIRED members, by the names `omit` uses. */
export type StartRequestRequiredMember = 'replProtocolOid' | 'replicatedTree' | 'supplierRuv' | 'csn'

export interface StartRequestEncodeOptions extends ReplEncodeOptions {
  /** Tag of the supplierRUV; default 0x31 (SET). 0x30 sends the RUV as a SEQUENCE on purpose. */
  readonly ruvTag?: number
  /** Leaves REQUIRED members out on purpose, for the "missing member" faults. */
  readonly omit?: readonly StartRequestRequiredMember[]
}

export interface StartRequestDecodeOptions extends ReplDecodeOptions {
  /** The version the request arrived under (from its requestName, `startVersionOfRequestOid`). */
  readonly version: StartVersion
  /**
   * Accept a supplierRUV SET without elements (default false: REPL_EMPTY_RUV, as 389 answers
   * DECODING_ERROR). The mock provider treats the RUV as opaque and only requires the SET to be
   * present unless its `strictRuv` knob is on (389ds-session-hooks.md §5.2).
   */
  readonly allowEmptyRuv?: boolean
}

const WHAT = 'StartReplicationRequestValue'

/**
 * Encodes a Start request value. By default the lengths are minimal and the value must be one a
 * 389 consumer accepts; see `StartRequestEncodeOptions` and `strict` for deliberate faults.
 *
 * @example
 * encodeStartReplicationRequest({
 *   kind: 'startReplicationRequest', version: 2,
 *   replProtocolOid: ReplOid.incrementalProtocol, replicatedTree: 'dc=example,dc=com',
 *   supplierRuv: ['{replicageneration} 65a0c1d2000000010000'], csn: '65a0c200000000010000',
 *   dataGuid: 'test-guid', data: new TextEncoder().encode('test-data\0'),
 * }) // the 136 bytes of §2.7
 */
export function encodeStartReplicationRequest(value: StartReplicationRequest, options: StartRequestEncodeOptions = {}): Uint8Array {
  const lengthOctets = options.lengthOctets ?? 0
  const omit = new Set(options.omit ?? [])
  if (options.strict ?? true) {
    for (const [member, s] of [
      ['replProtocolOID', value.replProtocolOid],
      ['replicatedTree', value.replicatedTree],
      ['csn', value.csn],
    ] as const) {
      assertCString(s, member)
    }
    value.referralUrls?.forEach((url, i) => assertCString(url, `referralURLs element ${i + 1}`))
    if (value.dataGuid !== undefined) assertCString(value.dataGuid, 'dataGuid')
    if (value.supplierRuv.length === 0 && !omit.has('supplierRuv')) {
      throw new ReplSessionError(
        'REPL_EMPTY_RUV',
        'The supplierRUV has no elements; 389 answers DECODING_ERROR (0x04) to an empty RUV. Send at least `{replicageneration} <id>`, or pass strict: false to send it on purpose.',
      )
    }
    assertPayloadPair(value.dataGuid, value.data, 'Start request')
    assertNoTrailing(value.trailing, 'Start request')
  }
  return encodeWith((w) => {
    w.startConstructed(Tag.Sequence, lengthOctets)
    if (!omit.has('replProtocolOid')) w.writeString(value.replProtocolOid, Tag.OctetString, lengthOctets)
    if (!omit.has('replicatedTree')) w.writeString(value.replicatedTree, Tag.OctetString, lengthOctets)
    if (!omit.has('supplierRuv')) writeStringList(w, value.supplierRuv, options.ruvTag ?? Tag.Set, lengthOctets)
    if (value.referralUrls !== undefined) writeStringList(w, value.referralUrls, Tag.Set, lengthOctets)
    if (!omit.has('csn')) w.writeString(value.csn, Tag.OctetString, lengthOctets)
    if (value.dataGuid !== undefined) w.writeString(value.dataGuid, Tag.OctetString, lengthOctets)
    if (value.data !== undefined) w.writeOctetString(value.data, Tag.OctetString, lengthOctets)
    if (value.trailing !== undefined) w.writeRaw(value.trailing)
    w.endConstructed()
  })
}

/**
 * Decodes a Start request value (the contents of the ExtendedRequest's requestValue [1]).
 * Error offsets are relative to the first byte of `value`. Every failure is a ProtocolError: a
 * ReplSessionError for a member fault, the reader's BerError for a structural one; the provider
 * answers DECODING_ERROR (0x04) to either and records the error.
 *
 * How this compares with 389's own decoder (`decode_startrepl_extop`, §2.2):
 * - Same: an absent value, a missing OID, tree, RUV or CSN, an empty RUV (REPL_EMPTY_RUV), a
 *   GUID without data (REPL_GUID_WITHOUT_DATA) and a NUL before the last octet of the OID,
 *   tree, CSN, GUID or a referral URL (REPL_BAD_STRING) are all errors. A terminating NUL is
 *   accepted and kept. `data` is bytes, anything goes. A GUID and data are accepted under
 *   version 1 as well (389 hands them to the recv hook).
 * - Stricter: 389 reads the OID, tree and CSN whatever their tag, and the RUV as "the next
 *   constructed element" whatever its tag; we require OCTET STRING (0x04) and SET (0x31), so an
 *   RUV sent as a SEQUENCE is REPL_MISSING_MEMBER. Strings must be UTF-8 (BER_BAD_UTF8); 389
 *   does not look. Bytes after the outer SEQUENCE are REPL_TRAILING_BYTES.
 * - Elements after the last member we recognise (anything after the CSN that is not an OCTET
 *   STRING, or anything after the data) are ignored by 389. We reject them by default
 *   (REPL_UNKNOWN_MEMBER / REPL_TRAILING_BYTES); `trailing: 'keep'` stops reading there as 389
 *   does and returns them in `trailing`.
 *
 * `data` (and `trailing`) are views of `value`, not copies.
 */
export function decodeStartReplicationRequest(value: Uint8Array | undefined, options: StartRequestDecodeOptions): StartReplicationRequest {
  const r = openValue(value, WHAT)
  requireMember(r, Tag.OctetString, 'replProtocolOID')
  const replProtocolOid = readStringMember(r, 'replProtocolOID', true)
  requireMember(r, Tag.OctetString, 'replicatedTree')
  const replicatedTree = readStringMember(r, 'replicatedTree', true)

  const ruvAt = r.offset
  requireMember(
    r,
    Tag.Set,
    'supplierRUV',
    r.peekTag() === Tag.Sequence ? 'The supplierRUV is a SET (0x31) in the request; a SEQUENCE (0x30) is the response’s form (389 itself accepts either here).' : '',
  )
  // 389 reads the RUV elements as binary bervals (no NUL rule) and parses them as text later.
  const supplierRuv = readStringList(r, Tag.Set, 'supplierRUV', false)
  if (supplierRuv.length === 0 && options.allowEmptyRuv !== true) {
    throw new ReplSessionError(
      'REPL_EMPTY_RUV',
      `The supplierRUV SET at offset ${ruvAt} is empty; 389 refuses an RUV without elements (DECODING_ERROR), so at least \`{replicageneration} <id>\` is required.`,
      { offset: ruvAt, tag: Tag.Set },
    )
  }

  // 389 peeks for a SET to find the OPTIONAL referrals, then reads the CSN (§2.2).
  const referralUrls = r.peekTag() === Tag.Set ? readStringList(r, Tag.Set, 'referralURLs', true) : undefined
  requireMember(
    r,
    Tag.OctetString,
    'csn',
    r.peekTag() === Tag.Set ? 'A second SET here is out of order: referralURLs appear at most once, between supplierRUV and csn.' : '',
  )
  const csn = readStringMember(r, 'csn', true)

  let dataGuid: string | undefined
  let data: Uint8Array | undefined
  if (r.peekTag() === Tag.OctetString) {
    const guidAt = r.offset
    dataGuid = readStringMember(r, 'dataGuid', true)
    if (r.peekTag() !== Tag.OctetString) {
      const found = r.peekTag()
      throw new ReplSessionError(
        'REPL_GUID_WITHOUT_DATA',
        `The dataGuid at offset ${guidAt} is not followed by data (an OCTET STRING) at offset ${r.offset}` +
          (found === undefined ? ', where the SEQUENCE ends' : `, which holds tag ${hexTag(found)}`) +
          '; the two are sent together, and 389 answers DECODING_ERROR (0x04) to a GUID alone.',
        { offset: r.offset, tag: found ?? Tag.OctetString },
      )
    }
    data = r.readOctetString(Tag.OctetString, 'data')
  }

  let trailing: Uint8Array | undefined
  if (!r.atEnd()) {
    if ((options.trailing ?? 'reject') === 'keep') {
      trailing = restOf(r)
    } else {
      throw unexpectedAfterCsn(r.offset, r.peekTag() as number, dataGuid !== undefined, referralUrls !== undefined)
    }
  }

  return {
    kind: 'startReplicationRequest',
    version: options.version,
    replProtocolOid,
    replicatedTree,
    supplierRuv,
    ...(referralUrls !== undefined && { referralUrls }),
    csn,
    ...(dataGuid !== undefined && { dataGuid }),
    ...(data !== undefined && { data }),
    ...(trailing !== undefined && { trailing }),
  }
}

function unexpectedAfterCsn(offset: number, tag: number, afterData: boolean, hadReferrals: boolean): ReplSessionError {
  const ignored = '389 stops reading here and ignores it; decode with trailing: "keep" to do the same.'
  if (afterData) {
    return new ReplSessionError(
      'REPL_TRAILING_BYTES',
      `Unexpected element with tag ${hexTag(tag)} at offset ${offset} after the data, the last member of the ${WHAT}; ${ignored}`,
      { offset, tag },
    )
  }
  const what =
    tag === Tag.Set
      ? hadReferrals
        ? 'a second referralURLs SET (duplicate, and after the csn)'
        : 'a SET after the csn (referralURLs must come before the csn)'
      : `an unknown element (tag ${hexTag(tag)})`
  return new ReplSessionError(
    'REPL_UNKNOWN_MEMBER',
    `Found ${what} at offset ${offset}; only dataGuid and data (OCTET STRINGs) may follow the csn. ${ignored}`,
    { offset, tag },
  )
}
