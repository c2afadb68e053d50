import { BerReader, Tag, encodeWith, type BerWriter } from '../ber/index.js'
import { LdapDecodeError } from '../errors.js'
import { LengthStyle, type AllowInvalid, type Decoded, type LengthForm } from './encoding-form.js'
import { CANCEL_REQUEST_OID } from './oids.js'
import { MemberWalk, enterElement, expectValueEnd, readNumber, type MemberSpec } from './sequence-members.js'

/**
 * cancelRequestValue, the requestValue of the Cancel extended operation (RFC 3909 §2.1), which
 * RFC 4533 §3.7 makes the way to end a refreshAndPersist operation:
 *
 *     cancelRequestValue ::= SEQUENCE { cancelID MessageID }
 *     MessageID ::= INTEGER (0 .. maxInt)          -- RFC 4511 §4.1.1, maxInt = 2^31-1
 *
 * The response has neither responseName nor responseValue, so there is nothing to encode for it
 * here. A cancelID outside 0..2^31-1 is LDAP_BAD_MESSAGE_ID (slapd answers protocolError
 * "message ID invalid").
 */

export { CANCEL_REQUEST_OID }

export const MAX_MESSAGE_ID = 0x7fffffff

export interface CancelRequestValue {
  readonly kind: 'cancelRequest'
  /** The message ID of the operation to cancel (the Sync search). */
  readonly cancelID: number
}

export type CancelRequestForm = LengthForm

export type DecodedCancelRequest = Decoded<CancelRequestValue, Required<CancelRequestForm>>

const MEMBERS: readonly MemberSpec[] = [{ name: 'cancelID', tag: Tag.Integer }]

function badMessageId(id: number, offset?: number): LdapDecodeError {
  return new LdapDecodeError(
    'LDAP_BAD_MESSAGE_ID',
    `The cancelID ${offset === undefined ? '' : `at offset ${offset} `}is ${id}; a MessageID lies in 0..2147483647 (RFC 4511 §4.1.1, RFC 3909 §2.1).`,
    offset === undefined ? {} : { offset, tag: Tag.Integer },
  )
}

export function writeCancelRequestValue(w: BerWriter, value: CancelRequestValue, options: CancelRequestForm & AllowInvalid = {}): void {
  const id = value.cancelID
  if (options.allowInvalid !== true && !(Number.isInteger(id) && id >= 0 && id <= MAX_MESSAGE_ID)) throw badMessageId(id)
  const n = options.lengthOctets ?? 0
  w.startConstructed(Tag.Sequence, n)
  w.writeInteger(id, Tag.Integer, n)
  w.endConstructed()
}

/**
 * Encodes a cancelRequestValue.
 *
 * @example encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: 2 }) // 30 03 02 01 02
 */
export function encodeCancelRequestValue(value: CancelRequestValue, options: CancelRequestForm & AllowInvalid = {}): Buffer {
  return encodeWith((w) => writeCancelRequestValue(w, value, options), 16)
}

/**
 * Decodes a cancelRequestValue.
 *
 * @example decodeCancelRequestValue(hex('3003020102')).value.cancelID // 2
 */
export function decodeCancelRequestValue(bytes: Uint8Array): DecodedCancelRequest {
  const r = new BerReader(bytes)
  const lengths = new LengthStyle()
  const seq = enterElement(r, Tag.Sequence, 'a cancelRequestValue', lengths)
  const walk = new MemberWalk(MEMBERS, 'the cancelRequestValue')
  let cancelID = 0
  while (!seq.atEnd()) {
    walk.accept(seq.peekTag() as number, seq.offset)
    const n = readNumber(seq, lengths, Tag.Integer, 'the cancelID of a cancelRequestValue')
    if (n.value < 0 || n.value > MAX_MESSAGE_ID) throw badMessageId(n.value, n.offset)
    cancelID = n.value
  }
  walk.require(0, seq.end)
  expectValueEnd(r, 'the cancelRequestValue')
  return { value: { kind: 'cancelRequest', cancelID }, form: { lengthOctets: lengths.lengthOctets }, uniformLengths: lengths.uniform }
}
