import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { Tag, context, contextConstructed } from '../ber/tags.js'
import { LdapDecodeError, hexTag } from '../errors.js'
import { TRUE_OCTET } from './encode-options.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { readTaggedMembers } from './members.js'
import type { MemberSpec } from './members.js'

/**
 * The SearchRequest Filter CHOICE (RFC 4511 §4.5.1.7) as a discriminated union.
 * Attribute descriptions and matching rule IDs are strings; assertion values are the exact
 * bytes (they may be binary, e.g. `(bin=\00\00\00\04)` in RFC 4515 §4).
 */
export type Filter =
  | AndFilter
  | OrFilter
  | NotFilter
  | EqualityMatchFilter
  | SubstringsFilter
  | GreaterOrEqualFilter
  | LessOrEqualFilter
  | PresentFilter
  | ApproxMatchFilter
  | ExtensibleMatchFilter

/** `and [0] SET OF filter`. RFC 4511 says SIZE (1..MAX); an empty set is RFC 4526's absolute TRUE `(&)`. */
export interface AndFilter {
  readonly kind: 'and'
  readonly filters: readonly Filter[]
}

/** `or [1] SET OF filter`; empty is RFC 4526's absolute FALSE `(|)`. */
export interface OrFilter {
  readonly kind: 'or'
  readonly filters: readonly Filter[]
}

/** `not [2] Filter` (explicitly tagged: the inner filter keeps its own tag). */
export interface NotFilter {
  readonly kind: 'not'
  readonly filter: Filter
}

/** AttributeValueAssertion ::= SEQUENCE { attributeDesc, assertionValue }. */
interface AttributeValueAssertion {
  readonly attributeDesc: string
  readonly assertionValue: Uint8Array
}

export interface EqualityMatchFilter extends AttributeValueAssertion {
  readonly kind: 'equalityMatch'
}
export interface GreaterOrEqualFilter extends AttributeValueAssertion {
  readonly kind: 'greaterOrEqual'
}
export interface LessOrEqualFilter extends AttributeValueAssertion {
  readonly kind: 'lessOrEqual'
}
export interface ApproxMatchFilter extends AttributeValueAssertion {
  readonly kind: 'approxMatch'
}

/**
 * `SubstringFilter ::= SEQUENCE { type, substrings SEQUENCE SIZE (1..MAX) OF CHOICE
 * { initial [0], any [1], final [2] } }` — "initial" at most once and first, "final" at most once
 * and last (RFC 4511 §4.5.1.7.2). Held as the three parts so that a wrong order cannot be
 * represented; at least one part must be present for the filter to be valid.
 */
export interface SubstringsFilter {
  readonly kind: 'substrings'
  readonly type: string
  readonly initial?: Uint8Array
  readonly any: readonly Uint8Array[]
  readonly final?: Uint8Array
}

/** `present [7] AttributeDescription`. */
export interface PresentFilter {
  readonly kind: 'present'
  readonly attributeDesc: string
}

/**
 * `MatchingRuleAssertion ::= SEQUENCE { matchingRule [1] OPTIONAL, type [2] OPTIONAL,
 * matchValue [3], dnAttributes [4] BOOLEAN DEFAULT FALSE }` (RFC 4511 §4.5.1.7.7).
 */
export interface ExtensibleMatchFilter {
  readonly kind: 'extensibleMatch'
  readonly matchingRule?: string
  readonly type?: string
  readonly matchValue: Uint8Array
  readonly dnAttributes: boolean
}

export type FilterKind = Filter['kind']

/** The CHOICE tags. `present` is primitive (it is an AttributeDescription); the rest are constructed. */
export const FilterTag = {
  and: contextConstructed(0),
  or: contextConstructed(1),
  not: contextConstructed(2),
  equalityMatch: contextConstructed(3),
  substrings: contextConstructed(4),
  greaterOrEqual: contextConstructed(5),
  lessOrEqual: contextConstructed(6),
  present: context(7),
  approxMatch: contextConstructed(8),
  extensibleMatch: contextConstructed(9),
} as const satisfies Record<FilterKind, number>

/**
 * Filters nest through and/or/not; a hostile peer can send thousands of levels in a few bytes
 * (`a2 xx` per level). Decoding and parsing stop at this depth instead of exhausting the stack.
 */
export const MAX_FILTER_DEPTH = 100

const SUB_INITIAL = context(0)
const SUB_ANY = context(1)
const SUB_FINAL = context(2)
const MRA_RULE = context(1)
const MRA_TYPE = context(2)
const MRA_VALUE = context(3)
const MRA_DN = context(4)

export function writeFilter(w: BerWriter, filter: Filter, options?: LdapEncodeOptions): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      w.startConstructed(FilterTag[filter.kind])
      for (const f of filter.filters) writeFilter(w, f, options)
      w.endConstructed()
      return
    case 'not':
      w.startConstructed(FilterTag.not)
      writeFilter(w, filter.filter, options)
      w.endConstructed()
      return
    case 'equalityMatch':
    case 'greaterOrEqual':
    case 'lessOrEqual':
    case 'approxMatch':
      w.startConstructed(FilterTag[filter.kind])
      w.writeString(filter.attributeDesc)
      w.writeOctetString(filter.assertionValue)
      w.endConstructed()
      return
    case 'substrings':
      w.startConstructed(FilterTag.substrings)
      w.writeString(filter.type)
      w.startConstructed(Tag.Sequence)
      if (filter.initial !== undefined) w.writeOctetString(filter.initial, SUB_INITIAL)
      for (const a of filter.any) w.writeOctetString(a, SUB_ANY)
      if (filter.final !== undefined) w.writeOctetString(filter.final, SUB_FINAL)
      w.endConstructed()
      w.endConstructed()
      return
    case 'present':
      w.writeString(filter.attributeDesc, FilterTag.present)
      return
    case 'extensibleMatch':
      w.startConstructed(FilterTag.extensibleMatch)
      if (filter.matchingRule !== undefined) w.writeString(filter.matchingRule, MRA_RULE)
      if (filter.type !== undefined) w.writeString(filter.type, MRA_TYPE)
      w.writeOctetString(filter.matchValue, MRA_VALUE)
      if (filter.dnAttributes) w.writeBoolean(true, MRA_DN, options?.trueOctet ?? TRUE_OCTET)
      else if (options?.explicitDefaults === true) w.writeBoolean(false, MRA_DN)
      w.endConstructed()
      return
    default: {
      const never: never = filter
      throw new Error(`Unknown filter kind ${(never as { kind: string }).kind}.`)
    }
  }
}

/** Reads one Filter at the reader's position. Structural faults are LDAP_BAD_FILTER. */
export function readFilter(r: BerReader): Filter {
  return readAt(r, 1)
}

function badFilter(message: string, offset: number, tag?: number): LdapDecodeError {
  return new LdapDecodeError('LDAP_BAD_FILTER', message, { offset, tag })
}

function readAt(r: BerReader, depth: number): Filter {
  const at = r.offset
  const tag = r.peekTag()
  if (tag === undefined) throw badFilter(`Expected a Filter at offset ${at}, but the enclosing element ends there.`, at)
  if (depth > MAX_FILTER_DEPTH) {
    throw badFilter(`The Filter at offset ${at} is nested more than ${MAX_FILTER_DEPTH} levels deep; the decoder refuses deeper filters.`, at, tag)
  }
  switch (tag) {
    case FilterTag.and:
    case FilterTag.or: {
      const set = r.enter(tag, tag === FilterTag.and ? 'an and filter' : 'an or filter')
      const filters: Filter[] = []
      while (!set.atEnd()) filters.push(readAt(set, depth + 1))
      return tag === FilterTag.and ? { kind: 'and', filters } : { kind: 'or', filters }
    }
    case FilterTag.not: {
      const inner = r.enter(tag, 'a not filter')
      if (inner.atEnd()) throw badFilter(`The not filter at offset ${at} is empty; it must hold exactly one Filter.`, at, tag)
      const filter = readAt(inner, depth + 1)
      if (!inner.atEnd()) {
        throw badFilter(`The not filter at offset ${at} holds more than one Filter (another starts at offset ${inner.offset}); it must hold exactly one.`, inner.offset, inner.peekTag())
      }
      return { kind: 'not', filter }
    }
    case FilterTag.equalityMatch:
    case FilterTag.greaterOrEqual:
    case FilterTag.lessOrEqual:
    case FilterTag.approxMatch: {
      const kind = AVA_KINDS.get(tag) as AttributeValueAssertionKind
      const s = r.enter(tag, `an ${kind} filter`)
      if (s.atEnd()) throw badFilter(`The ${kind} filter at offset ${at} is empty; it needs an attributeDesc and an assertionValue.`, at, tag)
      const attributeDesc = s.readString(Tag.OctetString, `the attributeDesc of an ${kind} filter`)
      if (s.atEnd()) throw badFilter(`The ${kind} filter at offset ${at} has no assertionValue.`, s.offset, tag)
      const assertionValue = s.readOctetString(Tag.OctetString, `the assertionValue of an ${kind} filter`)
      s.expectEnd(`the ${kind} filter`)
      return { kind, attributeDesc, assertionValue }
    }
    case FilterTag.substrings:
      return readSubstrings(r, at)
    case FilterTag.present:
      return { kind: 'present', attributeDesc: r.readString(FilterTag.present, 'a present filter') }
    case FilterTag.extensibleMatch:
      return readExtensibleMatch(r, at)
    default:
      throw badFilter(`Unknown Filter choice with tag ${hexTag(tag)} at offset ${at}; RFC 4511 §4.5.1.7 defines tags 0xa0-0xa6, 0x87, 0xa8 and 0xa9.`, at, tag)
  }
}

type AttributeValueAssertionKind = 'equalityMatch' | 'greaterOrEqual' | 'lessOrEqual' | 'approxMatch'
const AVA_KINDS = new Map<number, AttributeValueAssertionKind>([
  [FilterTag.equalityMatch, 'equalityMatch'],
  [FilterTag.greaterOrEqual, 'greaterOrEqual'],
  [FilterTag.lessOrEqual, 'lessOrEqual'],
  [FilterTag.approxMatch, 'approxMatch'],
])

function readSubstrings(r: BerReader, at: number): SubstringsFilter {
  const s = r.enter(FilterTag.substrings, 'a substrings filter')
  if (s.atEnd()) throw badFilter(`The substrings filter at offset ${at} is empty; it needs a type and substrings.`, at, FilterTag.substrings)
  const type = s.readString(Tag.OctetString, 'the type of a substrings filter')
  if (s.atEnd()) throw badFilter(`The substrings filter at offset ${at} has no substrings SEQUENCE.`, s.offset, FilterTag.substrings)
  const list = s.enter(Tag.Sequence, 'the substrings of a substrings filter')
  s.expectEnd('the substrings filter')
  let initial: Uint8Array | undefined
  const any: Uint8Array[] = []
  let final: Uint8Array | undefined
  let count = 0
  while (!list.atEnd()) {
    const partAt = list.offset
    const tag = list.peekTag() as number
    // RFC 4511 §4.5.1.7.2: initial only first, final only last, each at most once.
    if (final !== undefined) {
      throw badFilter(`The substrings filter at offset ${at} has a part (tag ${hexTag(tag)}) at offset ${partAt} after its final; final must be last.`, partAt, tag)
    }
    if (tag === SUB_INITIAL) {
      if (count > 0) throw badFilter(`The substrings filter at offset ${at} has an initial part at offset ${partAt} that is not first; initial must come first and only once.`, partAt, tag)
      initial = list.readOctetString(SUB_INITIAL)
    } else if (tag === SUB_ANY) {
      any.push(list.readOctetString(SUB_ANY))
    } else if (tag === SUB_FINAL) {
      final = list.readOctetString(SUB_FINAL)
    } else {
      throw badFilter(`Unknown substring choice with tag ${hexTag(tag)} at offset ${partAt}; only initial [0] (0x80), any [1] (0x81) and final [2] (0x82) are defined.`, partAt, tag)
    }
    count++
  }
  if (count === 0) throw badFilter(`The substrings filter at offset ${at} has no substrings; SIZE (1..MAX) requires at least one.`, at, FilterTag.substrings)
  return { kind: 'substrings', type, initial, any, final }
}

const MRA_MEMBERS: readonly MemberSpec[] = [
  { tag: MRA_RULE, name: 'matchingRule' },
  { tag: MRA_TYPE, name: 'type' },
  { tag: MRA_VALUE, name: 'matchValue' },
  { tag: MRA_DN, name: 'dnAttributes' },
]

function readExtensibleMatch(r: BerReader, at: number): ExtensibleMatchFilter {
  const s = r.enter(FilterTag.extensibleMatch, 'an extensibleMatch filter')
  let matchingRule: string | undefined
  let type: string | undefined
  let matchValue: Uint8Array | undefined
  let dnAttributes = false
  readTaggedMembers(s, MRA_MEMBERS, { pdu: 'extensibleMatch filter', code: 'LDAP_BAD_FILTER' }, (index) => {
    if (index === 0) matchingRule = s.readString(MRA_RULE, 'the matchingRule of an extensibleMatch filter')
    else if (index === 1) type = s.readString(MRA_TYPE, 'the type of an extensibleMatch filter')
    else if (index === 2) matchValue = s.readOctetString(MRA_VALUE, 'the matchValue of an extensibleMatch filter')
    else dnAttributes = s.readBoolean(MRA_DN, 'the dnAttributes of an extensibleMatch filter')
  })
  if (matchValue === undefined) {
    throw badFilter(`The extensibleMatch filter at offset ${at} has no matchValue [3], which is required.`, at, FilterTag.extensibleMatch)
  }
  // RFC 4511 §4.5.1.7.7: "If the matchingRule field is absent, the type field MUST be present".
  if (matchingRule === undefined && type === undefined) {
    throw badFilter(`The extensibleMatch filter at offset ${at} has neither matchingRule nor type; at least one is required (RFC 4511 §4.5.1.7.7).`, at, FilterTag.extensibleMatch)
  }
  return { kind: 'extensibleMatch', matchingRule, type, matchValue, dnAttributes }
}
