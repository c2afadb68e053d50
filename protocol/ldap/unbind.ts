import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { OpTag } from './op-tags.js'

/** `UnbindRequest ::= [APPLICATION 2] NULL` (RFC 4511 §4.3): primitive, no content (0x42 0x00). */
export interface UnbindRequest {
  readonly kind: 'unbindRequest'
}

export function writeUnbindRequest(w: BerWriter, _op: UnbindRequest, options?: LdapEncodeOptions): void {
  w.writeByte(OpTag.unbindRequest)
  w.writeLength(0, options?.lengthOctets ?? 0)
}

export function readUnbindRequest(r: BerReader): UnbindRequest {
  r.readNull(OpTag.unbindRequest, 'an UnbindRequest')
  return { kind: 'unbindRequest' }
}
