import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { Tag, context, contextConstructed } from '../ber/tags.js'
import { LdapDecodeError, hexTag } from '../errors.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { REFERRAL_MEMBER, readReferral, readResultHead, writeResultComponents } from './ldap-result.js'
import type { LdapResult } from './ldap-result.js'
import { readTaggedMembers, requireMember } from './members.js'
import type { MemberSpec } from './members.js'
import { OpTag } from './op-tags.js'

/** AuthenticationChoice `simple [0] OCTET STRING` (RFC 4511 §4.2): the password as exact bytes. */
export interface SimpleAuthentication {
  readonly kind: 'simple'
  readonly password: Uint8Array
}

/**
 * AuthenticationChoice `sasl [3] SaslCredentials`,
 * `SaslCredentials ::= SEQUENCE { mechanism LDAPString, credentials OCTET STRING OPTIONAL }`.
 */
export interface SaslAuthentication {
  readonly kind: 'sasl'
  readonly mechanism: string
  readonly credentials?: Uint8Array
}

export type AuthenticationChoice = SimpleAuthentication | SaslAuthentication

/** `BindRequest ::= [APPLICATION 0] SEQUENCE { version INTEGER (1..127), name LDAPDN, authentication }`. */
export interface BindRequest {
  readonly kind: 'bindRequest'
  readonly version: number
  readonly name: string
  readonly authentication: AuthenticationChoice
}

/** `BindResponse ::= [APPLICATION 1] SEQUENCE { COMPONENTS OF LDAPResult, serverSaslCreds [7] OCTET STRING OPTIONAL }`. */
export interface BindResponse extends LdapResult {
  readonly kind: 'bindResponse'
  readonly serverSaslCreds?: Uint8Array
}

const SIMPLE_TAG = context(0)
const SASL_TAG = contextConstructed(3)
const SERVER_SASL_CREDS_TAG = context(7)

export function writeBindRequest(w: BerWriter, op: BindRequest, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.bindRequest, options?.lengthOctets ?? 0)
  w.writeInteger(op.version)
  w.writeString(op.name)
  const auth = op.authentication
  switch (auth.kind) {
    case 'simple':
      w.writeOctetString(auth.password, SIMPLE_TAG)
      break
    case 'sasl':
      w.startConstructed(SASL_TAG)
      w.writeString(auth.mechanism)
      if (auth.credentials !== undefined) w.writeOctetString(auth.credentials)
      w.endConstructed()
      break
    default: {
      const never: never = auth
      throw new Error(`Unknown authentication kind ${(never as { kind: string }).kind}.`)
    }
  }
  w.endConstructed()
}

export function readBindRequest(r: BerReader): BindRequest {
  const PDU = 'BindRequest'
  const b = r.enter(OpTag.bindRequest, 'a BindRequest')
  requireMember(b, 'version', PDU)
  const versionAt = b.offset
  const version = b.readInteger(Tag.Integer, 'the version of the BindRequest')
  if (version < 1 || version > 127) {
    throw new LdapDecodeError('LDAP_BAD_OPERATION', `The BindRequest version at offset ${versionAt} is ${version}; RFC 4511 §4.2 allows 1 to 127.`, {
      offset: versionAt,
      tag: Tag.Integer,
    })
  }
  requireMember(b, 'name', PDU)
  const name = b.readString(Tag.OctetString, 'the name of the BindRequest')
  requireMember(b, 'authentication', PDU)
  const authAt = b.offset
  const authTag = b.peekTag() as number
  let authentication: AuthenticationChoice
  if (authTag === SIMPLE_TAG) {
    authentication = { kind: 'simple', password: b.readOctetString(SIMPLE_TAG, 'the simple password of the BindRequest') }
  } else if (authTag === SASL_TAG) {
    const s = b.enter(SASL_TAG, 'the SaslCredentials of the BindRequest')
    requireMember(s, 'mechanism', 'SaslCredentials')
    const mechanism = s.readString(Tag.OctetString, 'the SASL mechanism')
    let credentials: Uint8Array | undefined
    if (!s.atEnd()) credentials = s.readOctetString(Tag.OctetString, 'the SASL credentials')
    s.expectEnd('the SaslCredentials')
    authentication = { kind: 'sasl', mechanism, credentials }
  } else {
    throw new LdapDecodeError(
      'LDAP_BAD_OPERATION',
      `The BindRequest authentication at offset ${authAt} has tag ${hexTag(authTag)}; only simple [0] (0x80) and sasl [3] (0xa3) are defined (RFC 4511 §4.2).`,
      { offset: authAt, tag: authTag },
    )
  }
  b.expectEnd('the BindRequest')
  return { kind: 'bindRequest', version, name, authentication }
}

export function writeBindResponse(w: BerWriter, op: BindResponse, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.bindResponse, options?.lengthOctets ?? 0)
  writeResultComponents(w, op)
  if (op.serverSaslCreds !== undefined) w.writeOctetString(op.serverSaslCreds, SERVER_SASL_CREDS_TAG)
  w.endConstructed()
}

const BIND_RESPONSE_MEMBERS: readonly MemberSpec[] = [REFERRAL_MEMBER, { tag: SERVER_SASL_CREDS_TAG, name: 'serverSaslCreds' }]

export function readBindResponse(r: BerReader): BindResponse {
  const PDU = 'BindResponse'
  const b = r.enter(OpTag.bindResponse, 'a BindResponse')
  const head = readResultHead(b, PDU)
  let referral: string[] | undefined
  let serverSaslCreds: Uint8Array | undefined
  readTaggedMembers(b, BIND_RESPONSE_MEMBERS, { pdu: PDU, code: 'LDAP_BAD_RESULT' }, (index) => {
    if (index === 0) referral = readReferral(b, PDU)
    else serverSaslCreds = b.readOctetString(SERVER_SASL_CREDS_TAG, 'the serverSaslCreds of the BindResponse')
  })
  return { kind: 'bindResponse', ...head, referral, serverSaslCreds }
}
