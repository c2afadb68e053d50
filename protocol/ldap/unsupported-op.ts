import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { OpTag } from './op-tags.js'

/**
 * A protocolOp this codec recognises but does not take apart: the update and compare
 * operations and their responses (RFC 4511 §4.6–§4.10). The harness never needs their contents
 * (the provider hands those requests to ldapjs), but a message carrying one is well-formed LDAP,
 * so decoding it must not fail: the op is kept as its tag and the exact bytes of the whole
 * element (identifier, length and contents), and is written back verbatim.
 */
export interface UnsupportedOp {
  readonly kind: 'unsupported'
  /** The protocolOp identifier octet, e.g. 0x68 for AddRequest. */
  readonly tag: number
  /** The whole protocolOp element as received. */
  readonly bytes: Uint8Array
}

export const UNSUPPORTED_OP_TAGS: ReadonlySet<number> = new Set([
  OpTag.modifyRequest,
  OpTag.modifyResponse,
  OpTag.addRequest,
  OpTag.addResponse,
  OpTag.delRequest,
  OpTag.delResponse,
  OpTag.modDNRequest,
  OpTag.modDNResponse,
  OpTag.compareRequest,
  OpTag.compareResponse,
])

export function readUnsupportedOp(r: BerReader): UnsupportedOp {
  const h = r.readHeader()
  return { kind: 'unsupported', tag: h.tag, bytes: r.buf.subarray(h.start, h.end) }
}

/** Writes the op's bytes exactly as held (which also lets tests inject any element). */
export function writeUnsupportedOp(w: BerWriter, op: UnsupportedOp): void {
  w.writeRaw(op.bytes)
}
