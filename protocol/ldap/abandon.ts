import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { LdapDecodeError } from '../errors.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { OpTag } from './op-tags.js'

/**
 * `AbandonRequest ::= [APPLICATION 16] MessageID` (RFC 4511 §4.11): an implicitly tagged INTEGER,
 * so the element is primitive (0x50) and its content is the INTEGER's content octets.
 */
export interface AbandonRequest {
  readonly kind: 'abandonRequest'
  /** The MessageID of the operation to abandon. */
  readonly idToAbandon: number
}

export const MAX_MESSAGE_ID = 0x7fffffff

export function writeAbandonRequest(w: BerWriter, op: AbandonRequest, options?: LdapEncodeOptions): void {
  w.writeInteger(op.idToAbandon, OpTag.abandonRequest, options?.lengthOctets ?? 0)
}

export function readAbandonRequest(r: BerReader): AbandonRequest {
  const at = r.offset
  const idToAbandon = r.readInteger(OpTag.abandonRequest, 'an AbandonRequest')
  if (idToAbandon < 0 || idToAbandon > MAX_MESSAGE_ID) {
    throw new LdapDecodeError(
      'LDAP_BAD_MESSAGE_ID',
      `The AbandonRequest at offset ${at} names message ID ${idToAbandon}; a MessageID is 0 to 2^31-1 (RFC 4511 §4.1.1.1).`,
      { offset: at, tag: OpTag.abandonRequest },
    )
  }
  return { kind: 'abandonRequest', idToAbandon }
}
