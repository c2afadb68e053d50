import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { Tag } from '../ber/tags.js'
import { LdapDecodeError } from '../errors.js'
import { TRUE_OCTET } from './encode-options.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { readFilter, writeFilter } from './filter.js'
import type { Filter } from './filter.js'
import { requireMember } from './members.js'
import { OpTag } from './op-tags.js'

/** `scope ENUMERATED { baseObject (0), singleLevel (1), wholeSubtree (2), ... }` (RFC 4511 §4.5.1.2). */
export const SearchScope = {
  baseObject: 0,
  singleLevel: 1,
  wholeSubtree: 2,
} as const

/**
 * `derefAliases ENUMERATED` (RFC 4511 §4.5.1.3). RFC 4533 §3.5.2 makes derefInSearching and
 * derefAlways a protocolError for a Sync operation, so the provider must see the value as sent.
 */
export const DerefAliases = {
  neverDerefAliases: 0,
  derefInSearching: 1,
  derefFindingBaseObj: 2,
  derefAlways: 3,
} as const

/**
 * `SearchRequest ::= [APPLICATION 3] SEQUENCE { baseObject LDAPDN, scope, derefAliases,
 * sizeLimit INTEGER (0..maxInt), timeLimit INTEGER (0..maxInt), typesOnly BOOLEAN, filter Filter,
 * attributes AttributeSelection }`.
 *
 * `scope` and `derefAliases` are plain numbers: values outside the named ones are decoded, not
 * rejected, so that the provider can answer them with the result code a scenario calls for.
 */
export interface SearchRequest {
  readonly kind: 'searchRequest'
  readonly baseObject: string
  readonly scope: number
  readonly derefAliases: number
  readonly sizeLimit: number
  readonly timeLimit: number
  readonly typesOnly: boolean
  readonly filter: Filter
  /** AttributeSelection ::= SEQUENCE OF selector LDAPString (`*`, `+`, `1.1`, names). */
  readonly attributes: readonly string[]
}

/** `0` → `"baseObject"`; undefined for values RFC 4511 does not name. */
export function searchScopeName(scope: number): string | undefined {
  return nameOf(SearchScope, scope)
}

/** `3` → `"derefAlways"`; undefined for values RFC 4511 does not name. */
export function derefAliasesName(deref: number): string | undefined {
  return nameOf(DerefAliases, deref)
}

function nameOf(table: Record<string, number>, value: number): string | undefined {
  for (const [name, v] of Object.entries(table)) if (v === value) return name
  return undefined
}

export function writeSearchRequest(w: BerWriter, op: SearchRequest, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.searchRequest, options?.lengthOctets ?? 0)
  w.writeString(op.baseObject)
  w.writeEnumerated(op.scope)
  w.writeEnumerated(op.derefAliases)
  w.writeInteger(op.sizeLimit)
  w.writeInteger(op.timeLimit)
  w.writeBoolean(op.typesOnly, Tag.Boolean, options?.trueOctet ?? TRUE_OCTET)
  writeFilter(w, op.filter, options)
  w.startConstructed(Tag.Sequence)
  for (const a of op.attributes) w.writeString(a)
  w.endConstructed()
  w.endConstructed()
}

const PDU = 'SearchRequest'

export function readSearchRequest(r: BerReader): SearchRequest {
  const s = r.enter(OpTag.searchRequest, 'a SearchRequest')
  requireMember(s, 'baseObject', PDU)
  const baseObject = s.readString(Tag.OctetString, 'the baseObject of the SearchRequest')
  requireMember(s, 'scope', PDU)
  const scope = s.readEnumerated(Tag.Enumerated, 'the scope of the SearchRequest')
  requireMember(s, 'derefAliases', PDU)
  const derefAliases = s.readEnumerated(Tag.Enumerated, 'the derefAliases of the SearchRequest')
  const sizeLimit = readLimit(s, 'sizeLimit')
  const timeLimit = readLimit(s, 'timeLimit')
  requireMember(s, 'typesOnly', PDU)
  const typesOnly = s.readBoolean(Tag.Boolean, 'the typesOnly of the SearchRequest')
  requireMember(s, 'filter', PDU)
  const filter = readFilter(s)
  requireMember(s, 'attributes', PDU)
  const list = s.enter(Tag.Sequence, 'the attributes of the SearchRequest')
  const attributes: string[] = []
  while (!list.atEnd()) attributes.push(list.readString(Tag.OctetString, 'an attribute selector of the SearchRequest'))
  s.expectEnd('the SearchRequest')
  return { kind: 'searchRequest', baseObject, scope, derefAliases, sizeLimit, timeLimit, typesOnly, filter, attributes }
}

/** `INTEGER (0..maxInt)`, maxInt = 2^31-1 (RFC 4511 §4.1.1). */
function readLimit(s: BerReader, name: 'sizeLimit' | 'timeLimit'): number {
  requireMember(s, name, PDU)
  const at = s.offset
  const v = s.readInteger(Tag.Integer, `the ${name} of the SearchRequest`)
  if (v < 0 || v > 0x7fffffff) {
    throw new LdapDecodeError('LDAP_BAD_OPERATION', `The ${name} of the SearchRequest at offset ${at} is ${v}; it must be 0 to 2^31-1 (RFC 4511 §4.5.1.4).`, {
      offset: at,
      tag: Tag.Integer,
    })
  }
  return v
}
