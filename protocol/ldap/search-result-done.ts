import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { REFERRAL_MEMBER, readReferral, readResultHead, writeResultComponents } from './ldap-result.js'
import type { LdapResult } from './ldap-result.js'
import { readTaggedMembers } from './members.js'
import { OpTag } from './op-tags.js'

/**
 * `SearchResultDone ::= [APPLICATION 5] LDAPResult` (RFC 4511 §4.5.2). With RFC 4533 it carries
 * the Sync Done control, or e-syncRefreshRequired (4096) as its resultCode.
 */
export interface SearchResultDone extends LdapResult {
  readonly kind: 'searchResultDone'
}

export function writeSearchResultDone(w: BerWriter, op: SearchResultDone, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.searchResultDone, options?.lengthOctets ?? 0)
  writeResultComponents(w, op)
  w.endConstructed()
}

const PDU = 'SearchResultDone'
const MEMBERS = [REFERRAL_MEMBER]

export function readSearchResultDone(r: BerReader): SearchResultDone {
  const d = r.enter(OpTag.searchResultDone, 'a SearchResultDone')
  const head = readResultHead(d, PDU)
  let referral: string[] | undefined
  readTaggedMembers(d, MEMBERS, { pdu: PDU, code: 'LDAP_BAD_RESULT' }, () => {
    referral = readReferral(d, PDU)
  })
  return { kind: 'searchResultDone', ...head, referral }
}
