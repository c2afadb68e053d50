import { describe, expect, it } from 'vitest'
import { LdapDecodeError } from '../errors.js'
import type { LdapErrorCode } from '../errors.js'
import { parseFilter } from './filter-string.js'
import { decodeMessage } from './message.js'
import { hex } from './test-support/samples.js'

/** One short-form TLV: tag, length, contents (all hex). */
const tlv = (tag: string, body = ''): string => {
  const b = body.replace(/ /g, '')
  return `${tag}${(b.length / 2).toString(16).padStart(2, '0')}${b}`
}
/** An LDAPMessage with message ID 7 around the given op (and optional raw trailing members). */
const message = (op: string, rest = ''): Uint8Array => hex(tlv('30', `020107${op}${rest}`))
const searchWithFilter = (filter: string): string => tlv('63', `0400 0a0102 0a0100 020100 020100 010100 ${filter} 3000`)

/**
 * Every LDAP_* code this module raises, each reached by one crafted input. Two codes of the group
 * belong elsewhere: LDAP_PDU_TOO_LARGE is the streaming framer's (protocol/ldap/framer.ts; a
 * decodeMessage call is handed one complete frame and has no size limit of its own) and
 * LDAP_BAD_DN is protocol/dn's. A code added to the union later fails this file's type check
 * until it gets a case here or is listed as someone else's.
 */
type NotRaisedHere = 'LDAP_PDU_TOO_LARGE' | 'LDAP_BAD_DN'
const CASES = {
  LDAP_BAD_MESSAGE: { input: () => decodeMessage(hex('31050201074200')), messageId: undefined },
  LDAP_BAD_MESSAGE_ID: { input: () => decodeMessage(hex('30050201ff4200')), messageId: undefined },
  LDAP_UNKNOWN_OPERATION: { input: () => decodeMessage(message(tlv('7a', '0400'))), messageId: 7 },
  LDAP_BAD_CONTROL: { input: () => decodeMessage(message('4200', tlv('a0', tlv('30', '0400')))), messageId: 7 },
  LDAP_BAD_FILTER: { input: () => decodeMessage(message(searchWithFilter('aa00'))), messageId: 7 },
  LDAP_BAD_FILTER_STRING: { input: () => parseFilter('(cn=a'), messageId: undefined },
  LDAP_BAD_OPERATION: { input: () => decodeMessage(message(tlv('60', '020100 0400 8000'))), messageId: 7 },
  LDAP_MISSING_MEMBER: { input: () => decodeMessage(message('')), messageId: 7 },
  LDAP_BAD_RESULT: { input: () => decodeMessage(message(tlv('65', '0a01ff 0400 0400'))), messageId: 7 },
} satisfies Record<Exclude<LdapErrorCode, NotRaisedHere>, { input: () => unknown; messageId: number | undefined }>

describe('every LDAP_* error code is reachable from crafted input', () => {
  it.each(Object.entries(CASES))('%s', (code, { input, messageId }) => {
    let error: unknown
    try {
      input()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(LdapDecodeError)
    const e = error as LdapDecodeError
    expect(e.code).toBe(code)
    expect(e.messageId).toBe(messageId)
    expect(typeof e.offset).toBe('number')
    // messages are full sentences
    expect(e.message).toMatch(/^[A-Z].*[.)]$/s)
    if (messageId !== undefined) expect(e.message).toMatch(new RegExp(`\\(message ID ${messageId}\\)$`))
  })
})
