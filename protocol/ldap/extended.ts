import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { context } from '../ber/tags.js'
import { LdapDecodeError } from '../errors.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { REFERRAL_MEMBER, readReferral, readResultHead, writeResultComponents } from './ldap-result.js'
import type { LdapResult } from './ldap-result.js'
import { readTaggedMembers, requireMember } from './members.js'
import type { MemberSpec } from './members.js'
import { OpTag } from './op-tags.js'

/**
 * `ExtendedRequest ::= [APPLICATION 23] SEQUENCE { requestName [0] LDAPOID,
 * requestValue [1] OCTET STRING OPTIONAL }` (RFC 4511 §4.12). The value stays bytes: e.g. the
 * Cancel request (RFC 3909) carries a BER `cancelRequestValue`.
 */
export interface ExtendedRequest {
  readonly kind: 'extendedRequest'
  readonly requestName: string
  readonly requestValue?: Uint8Array
}

/**
 * `ExtendedResponse ::= [APPLICATION 24] SEQUENCE { COMPONENTS OF LDAPResult,
 * responseName [10] LDAPOID OPTIONAL, responseValue [11] OCTET STRING OPTIONAL }`.
 */
export interface ExtendedResponse extends LdapResult {
  readonly kind: 'extendedResponse'
  readonly responseName?: string
  readonly responseValue?: Uint8Array
}

const REQUEST_NAME_TAG = context(0)
const REQUEST_VALUE_TAG = context(1)
const RESPONSE_NAME_TAG = context(10)
const RESPONSE_VALUE_TAG = context(11)

export function writeExtendedRequest(w: BerWriter, op: ExtendedRequest, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.extendedRequest, options?.lengthOctets ?? 0)
  w.writeString(op.requestName, REQUEST_NAME_TAG)
  if (op.requestValue !== undefined) w.writeOctetString(op.requestValue, REQUEST_VALUE_TAG)
  w.endConstructed()
}

const REQUEST_MEMBERS: readonly MemberSpec[] = [{ tag: REQUEST_VALUE_TAG, name: 'requestValue' }]

export function readExtendedRequest(r: BerReader): ExtendedRequest {
  const PDU = 'ExtendedRequest'
  const x = r.enter(OpTag.extendedRequest, 'an ExtendedRequest')
  requireMember(x, 'requestName', PDU)
  const nameAt = x.offset
  const requestName = x.readString(REQUEST_NAME_TAG, 'the requestName of the ExtendedRequest')
  if (requestName.length === 0) {
    throw new LdapDecodeError('LDAP_BAD_OPERATION', `The ExtendedRequest at offset ${nameAt} has an empty requestName; it must be an OID.`, {
      offset: nameAt,
      tag: REQUEST_NAME_TAG,
    })
  }
  let requestValue: Uint8Array | undefined
  readTaggedMembers(x, REQUEST_MEMBERS, { pdu: PDU, code: 'LDAP_BAD_OPERATION' }, () => {
    requestValue = x.readOctetString(REQUEST_VALUE_TAG, 'the requestValue of the ExtendedRequest')
  })
  return { kind: 'extendedRequest', requestName, requestValue }
}

export function writeExtendedResponse(w: BerWriter, op: ExtendedResponse, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.extendedResponse, options?.lengthOctets ?? 0)
  writeResultComponents(w, op)
  if (op.responseName !== undefined) w.writeString(op.responseName, RESPONSE_NAME_TAG)
  if (op.responseValue !== undefined) w.writeOctetString(op.responseValue, RESPONSE_VALUE_TAG)
  w.endConstructed()
}

const RESPONSE_MEMBERS: readonly MemberSpec[] = [
  REFERRAL_MEMBER,
  { tag: RESPONSE_NAME_TAG, name: 'responseName' },
  { tag: RESPONSE_VALUE_TAG, name: 'responseValue' },
]

export function readExtendedResponse(r: BerReader): ExtendedResponse {
  const PDU = 'ExtendedResponse'
  const x = r.enter(OpTag.extendedResponse, 'an ExtendedResponse')
  const head = readResultHead(x, PDU)
  let referral: string[] | undefined
  let responseName: string | undefined
  let responseValue: Uint8Array | undefined
  readTaggedMembers(x, RESPONSE_MEMBERS, { pdu: PDU, code: 'LDAP_BAD_RESULT' }, (index) => {
    if (index === 0) referral = readReferral(x, PDU)
    else if (index === 1) responseName = x.readString(RESPONSE_NAME_TAG, 'the responseName of the ExtendedResponse')
    else responseValue = x.readOctetString(RESPONSE_VALUE_TAG, 'the responseValue of the ExtendedResponse')
  })
  return { kind: 'extendedResponse', ...head, referral, responseName, responseValue }
}
