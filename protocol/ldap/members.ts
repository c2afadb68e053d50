import type { BerReader } from '../ber/reader.js'
import { LdapDecodeError, hexTag } from '../errors.js'
import type { LdapErrorCode } from '../errors.js'

/** One OPTIONAL (or DEFAULT) member of a SEQUENCE, identified by its tag. */
export interface MemberSpec {
  readonly tag: number
  readonly name: string
}

/** Where a member is read, for error messages: the PDU's name and the code for its faults. */
export interface MemberContext {
  readonly pdu: string
  readonly code: LdapErrorCode
}

/**
 * Fails with a coded error when a required member is absent, i.e. the enclosing SEQUENCE ends
 * before it. (A wrong tag in its place is reported by the reader as BER_UNEXPECTED_TAG.)
 */
export function requireMember(r: BerReader, name: string, pdu: string, code: LdapErrorCode = 'LDAP_MISSING_MEMBER'): void {
  if (r.atEnd()) {
    throw new LdapDecodeError(code, `The ${pdu} ends at offset ${r.offset} without its ${name}, which is required.`, { offset: r.offset })
  }
}

/**
 * Reads the trailing members of a SEQUENCE that are found by tag, in declaration order
 * (style rule: OPTIONAL and DEFAULT members are found by their tag, never by counting children).
 * `read(index)` is called for each member present, with the reader positioned on it, and must
 * consume exactly that element. An unknown tag, a member given twice, or members out of order
 * are coded errors that say which.
 */
export function readTaggedMembers(
  r: BerReader,
  members: readonly MemberSpec[],
  where: MemberContext,
  read: (index: number) => void,
): void {
  let next = 0
  let seen = 0
  while (!r.atEnd()) {
    const tag = r.peekTag() as number
    const at = r.offset
    let index = -1
    for (let i = 0; i < members.length; i++) {
      if ((members[i] as MemberSpec).tag === tag) {
        index = i
        break
      }
    }
    if (index < 0) {
      const allowed = members.slice(next).map((m) => `${m.name} (${hexTag(m.tag)})`)
      const expected = allowed.length === 0 ? 'nothing more' : `only ${allowed.join(', ')}`
      throw new LdapDecodeError(
        where.code,
        `Unknown member with tag ${hexTag(tag)} at offset ${at} in the ${where.pdu}; ${expected} may follow there.`,
        { offset: at, tag },
      )
    }
    const member = members[index] as MemberSpec
    if (seen & (1 << index)) {
      throw new LdapDecodeError(where.code, `The ${where.pdu} has a second ${member.name} (tag ${hexTag(tag)}) at offset ${at}; each member may appear once.`, {
        offset: at,
        tag,
      })
    }
    if (index < next) {
      throw new LdapDecodeError(
        where.code,
        `The ${member.name} (tag ${hexTag(tag)}) at offset ${at} in the ${where.pdu} comes after ${(members[next - 1] as MemberSpec).name}; ` +
          `the members must appear in the order ${members.map((m) => m.name).join(', ')}.`,
        { offset: at, tag },
      )
    }
    read(index)
    seen |= 1 << index
    next = index + 1
  }
}
