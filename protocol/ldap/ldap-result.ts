import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { Tag, contextConstructed } from '../ber/tags.js'
import { LdapDecodeError } from '../errors.js'
import { requireMember } from './members.js'
import type { MemberSpec } from './members.js'

/**
 * The LDAPResult components (RFC 4511 §4.1.9) that BindResponse, SearchResultDone and
 * ExtendedResponse begin with:
 * `resultCode ENUMERATED, matchedDN LDAPDN, diagnosticMessage LDAPString, referral [3] Referral OPTIONAL`.
 *
 * `resultCode` is a plain number: the ENUMERATED is extensible (`...`), and RFC 3909 and
 * RFC 4533 add values; see result-codes.ts for names.
 */
export interface LdapResult {
  readonly resultCode: number
  readonly matchedDN: string
  readonly diagnosticMessage: string
  /**
   * `Referral ::= SEQUENCE SIZE (1..MAX) OF uri URI`. An empty list is decoded rather than
   * rejected (and re-encoded as `a3 00`) so that conformance checks can report it; absent is
   * `undefined`.
   */
  readonly referral?: readonly string[]
}

/** `referral [3] Referral`: constructed context tag 3 (0xa3). */
export const REFERRAL_TAG = contextConstructed(3)
export const REFERRAL_MEMBER: MemberSpec = { tag: REFERRAL_TAG, name: 'referral' }

/** Writes the LDAPResult components (not an enclosing tag: each response has its own). */
export function writeResultComponents(w: BerWriter, result: LdapResult): void {
  w.writeEnumerated(result.resultCode)
  w.writeString(result.matchedDN)
  w.writeString(result.diagnosticMessage)
  if (result.referral !== undefined) {
    w.startConstructed(REFERRAL_TAG)
    for (const uri of result.referral) w.writeString(uri)
    w.endConstructed()
  }
}

/** Reads resultCode, matchedDN and diagnosticMessage; the caller reads `referral` by its tag. */
export function readResultHead(r: BerReader, pdu: string): { resultCode: number; matchedDN: string; diagnosticMessage: string } {
  requireMember(r, 'resultCode', pdu)
  const at = r.offset
  const resultCode = r.readEnumerated(Tag.Enumerated, `the resultCode of the ${pdu}`)
  if (resultCode < 0) {
    throw new LdapDecodeError('LDAP_BAD_RESULT', `The resultCode of the ${pdu} at offset ${at} is ${resultCode}; result codes are non-negative (RFC 4511 §4.1.9).`, {
      offset: at,
      tag: Tag.Enumerated,
    })
  }
  requireMember(r, 'matchedDN', pdu)
  const matchedDN = r.readString(Tag.OctetString, `the matchedDN of the ${pdu}`)
  requireMember(r, 'diagnosticMessage', pdu)
  const diagnosticMessage = r.readString(Tag.OctetString, `the diagnosticMessage of the ${pdu}`)
  return { resultCode, matchedDN, diagnosticMessage }
}

/** Reads `referral [3]` at the reader's position: a list of URIs (possibly empty, see above). */
export function readReferral(r: BerReader, pdu: string): string[] {
  const list = r.enter(REFERRAL_TAG, `the referral of the ${pdu}`)
  const uris: string[] = []
  while (!list.atEnd()) uris.push(list.readString(Tag.OctetString, `a referral URI of the ${pdu}`))
  return uris
}
