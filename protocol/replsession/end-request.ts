import { Tag, encodeWith } from '../ber/index.js'
import { ReplSessionError, hexTag } from '../errors.js'
import { assertCString, assertNoTrailing, openValue, readStringList, readStringMember, requireMember, restOf, writeStringList } from './members.js'
import type { ReplDecodeOptions, ReplEncodeOptions } from './members.js'

/**
 * The value of an End Replication request (…3.5.5), 389ds-session-hooks.md §2.4:
 *
 * ```
 * EndReplicationRequestValue ::= SEQUENCE {
 *     replicatedTree  OCTET STRING,
 *     supplierRUV     SET OF OCTET STRING }
 * ```
 *
 * It carries no hook data. It is answered with a ReplicationResponse holding the code alone
 * (`endReplicationResponse`). In our handshake the consumer sends it to release the session (§5.3).
 */
export interface EndReplicationRequest {
  readonly kind: 'endReplicationRequest'
  readonly replicatedTree: string
  /** One string per RUV element. 389's supplier always sends it, its consumer never reads it. */
  readonly supplierRuv: readonly string[]
  /** Raw elements after the RUV: only from `trailing: 'keep'`, only written with `strict: false`. */
  readonly trailing?: Uint8Array
}

export interface EndRequestEncodeOptions extends ReplEncodeOptions {
  /** Tag of the supplierRUV; default 0x31 (SET). */
  readonly ruvTag?: number
  /** Leaves REQUIRED members out on purpose. */
  readonly omit?: readonly ('replicatedTree' | 'supplierRuv')[]
}

const WHAT = 'EndReplicationRequestValue'

/**
 * Encodes an End request value (minimal lengths by default).
 *
 * @example encodeEndReplicationRequest({ kind: 'endReplicationRequest', replicatedTree: 'dc=example,dc=com', supplierRuv: ['{replicageneration} 65a0c1d2000000010000'] })
 */
export function encodeEndReplicationRequest(value: EndReplicationRequest, options: EndRequestEncodeOptions = {}): Uint8Array {
  const lengthOctets = options.lengthOctets ?? 0
  const omit = new Set(options.omit ?? [])
  if (options.strict ?? true) {
    assertCString(value.replicatedTree, 'replicatedTree')
    assertNoTrailing(value.trailing, 'End request')
  }
  return encodeWith((w) => {
    w.startConstructed(Tag.Sequence, lengthOctets)
    if (!omit.has('replicatedTree')) w.writeString(value.replicatedTree, Tag.OctetString, lengthOctets)
    if (!omit.has('supplierRuv')) writeStringList(w, value.supplierRuv, options.ruvTag ?? Tag.Set, lengthOctets)
    if (value.trailing !== undefined) w.writeRaw(value.trailing)
    w.endConstructed()
  })
}

/**
 * Decodes an End request value. Error offsets are relative to the first byte of `value`.
 *
 * 389's consumer reads only the DN (§2.4), under the C-string NUL rule. We are stricter: the
 * supplierRUV SET is REQUIRED as the ASN.1 says (REPL_MISSING_MEMBER), although it may be empty,
 * since nothing reads it; anything after it is REPL_TRAILING_BYTES unless `trailing: 'keep'`.
 */
export function decodeEndReplicationRequest(value: Uint8Array | undefined, options: ReplDecodeOptions = {}): EndReplicationRequest {
  const r = openValue(value, WHAT)
  requireMember(r, Tag.OctetString, 'replicatedTree')
  const replicatedTree = readStringMember(r, 'replicatedTree', true)
  requireMember(
    r,
    Tag.Set,
    'supplierRUV',
    r.peekTag() === Tag.Sequence ? 'The supplierRUV is a SET (0x31) in the End request; a SEQUENCE (0x30) is the response’s form.' : '',
  )
  const supplierRuv = readStringList(r, Tag.Set, 'supplierRUV', false)

  let trailing: Uint8Array | undefined
  if (!r.atEnd()) {
    if ((options.trailing ?? 'reject') === 'keep') {
      trailing = restOf(r)
    } else {
      const tag = r.peekTag() as number
      throw new ReplSessionError(
        'REPL_TRAILING_BYTES',
        `Unexpected element with tag ${hexTag(tag)} at offset ${r.offset} after the supplierRUV, the last member of the ${WHAT}; ` +
          "389 ignores everything after the DN; decode with trailing: 'keep' to do the same.",
        { offset: r.offset, tag },
      )
    }
  }
  return { kind: 'endReplicationRequest', replicatedTree, supplierRuv, ...(trailing !== undefined && { trailing }) }
}
