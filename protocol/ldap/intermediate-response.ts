import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { context } from '../ber/tags.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { readTaggedMembers } from './members.js'
import type { MemberSpec } from './members.js'
import { OpTag } from './op-tags.js'

/**
 * `IntermediateResponse ::= [APPLICATION 25] SEQUENCE { responseName [0] LDAPOID OPTIONAL,
 * responseValue [1] OCTET STRING OPTIONAL }` (RFC 4511 §4.13). RFC 4533 §2.5 sends the Sync Info
 * Message this way (responseName 1.3.6.1.4.1.4203.1.9.1.4); the value is kept as exact bytes
 * (ldapjs reads and writes it as a UTF-8 string, which corrupts binary cookies).
 */
export interface IntermediateResponse {
  readonly kind: 'intermediateResponse'
  readonly responseName?: string
  readonly responseValue?: Uint8Array
}

const NAME_TAG = context(0)
const VALUE_TAG = context(1)
const MEMBERS: readonly MemberSpec[] = [
  { tag: NAME_TAG, name: 'responseName' },
  { tag: VALUE_TAG, name: 'responseValue' },
]

export function writeIntermediateResponse(w: BerWriter, op: IntermediateResponse, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.intermediateResponse, options?.lengthOctets ?? 0)
  if (op.responseName !== undefined) w.writeString(op.responseName, NAME_TAG)
  if (op.responseValue !== undefined) w.writeOctetString(op.responseValue, VALUE_TAG)
  w.endConstructed()
}

export function readIntermediateResponse(r: BerReader): IntermediateResponse {
  const PDU = 'IntermediateResponse'
  const x = r.enter(OpTag.intermediateResponse, 'an IntermediateResponse')
  let responseName: string | undefined
  let responseValue: Uint8Array | undefined
  readTaggedMembers(x, MEMBERS, { pdu: PDU, code: 'LDAP_BAD_OPERATION' }, (index) => {
    if (index === 0) responseName = x.readString(NAME_TAG, 'the responseName of the IntermediateResponse')
    else responseValue = x.readOctetString(VALUE_TAG, 'the responseValue of the IntermediateResponse')
  })
  return { kind: 'intermediateResponse', responseName, responseValue }
}
