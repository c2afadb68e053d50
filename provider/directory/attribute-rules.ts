import { isCanonicalUuidText } from '../../protocol/sync/uuid.js'
import { normalize as normalizeDn, prepareValue } from '../../protocol/dn/index.js'
import { isValidCsn, parseCsn } from '../../protocol/sync/csn.js'
import type { AttributeValue } from './types.js'

/**
 * Matching rules without a schema: a small table from attribute type to the rule slapd's schema
 * gives it, and a default for everything else.
 *
 * | rule               | types                                                        | equality                          | ordering (≥ ≤)   | substrings |
 * |--------------------|--------------------------------------------------------------|-----------------------------------|------------------|------------|
 * | caseIgnore (default) | any type not listed (cn, sn, mail, uid, description, dc …) | RFC 4518 prepared, case folded    | same form        | yes        |
 * | caseExact          | homeDirectory, loginShell, memberUid, krbPrincipalName, labeledURI | RFC 4518 prepared, case kept | same form   | yes        |
 * | objectIdentifier   | objectClass, structuralObjectClass                           | trimmed, case folded (names)      | Undefined        | Undefined  |
 * | octetString        | userPassword, jpegPhoto, photo, audio, userCertificate, … (BINARY) | exact octets               | octet order      | Undefined  |
 * | integer            | uidNumber, gidNumber, shadow*, ipServicePort, …              | numeric                           | numeric          | Undefined  |
 * | distinguishedName  | member, owner, manager, seeAlso, creatorsName, entryDN, …    | DN normalized (protocol/dn)       | Undefined        | Undefined  |
 * | telephoneNumber    | telephoneNumber, mobile, homePhone, pager, facsimile…        | spaces and hyphens dropped, folded| Undefined        | yes        |
 * | generalizedTime    | createTimestamp, modifyTimestamp                             | instant (fraction, Z / ±hhmm)     | chronological    | Undefined  |
 * | csn                | entryCSN, contextCSN                                         | normalized CSN text               | text order       | Undefined  |
 * | uuid               | entryUUID                                                    | lower-case text                   | text order       | Undefined  |
 * | boolean            | hasSubordinates                                              | TRUE / FALSE                      | Undefined        | Undefined  |
 *
 * A value that is not valid for the rule (a non-number under integer, bytes that are not UTF-8
 * under a string rule) makes the filter item Undefined, as RFC 4511 §4.5.1.7 says. Deliberate
 * simplification: the default rule allows ordering, although RFC 4519 gives cn, sn and friends
 * no ORDERING rule (slapd evaluates `(cn>=m)` to Undefined); substrings are prepared without the
 * full RFC 4518 §2.6.1 space handling (runs of spaces collapse; an initial loses leading spaces,
 * a final trailing ones).
 */
export type RuleName =
  | 'caseIgnore'
  | 'caseExact'
  | 'objectIdentifier'
  | 'octetString'
  | 'integer'
  | 'distinguishedName'
  | 'telephoneNumber'
  | 'generalizedTime'
  | 'csn'
  | 'uuid'
  | 'boolean'

export interface AttributeRule {
  readonly name: RuleName
  /** The comparison form of a value, or undefined when the value is not valid for the rule. */
  normalize(value: AttributeValue): string | undefined
  /** Orders two comparison forms; absent when the rule has no ordering (≥ ≤ are Undefined). */
  readonly compare?: (a: string, b: string) => number
  /** Prepares one substring of an assertion; absent when the rule has no substrings match. */
  readonly substring?: (piece: string) => string
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const encoder = new TextEncoder()

/** A string value as is; bytes as a string when they are UTF-8, else undefined. */
export function textOf(value: AttributeValue): string | undefined {
  if (typeof value === 'string') return value
  try {
    return utf8.decode(value)
  } catch {
    return undefined
  }
}

/** Bytes as a binary string (one char per octet), so === and < compare octets. */
function octetsOf(value: AttributeValue): string {
  const bytes = typeof value === 'string' ? encoder.encode(value) : value
  let s = ''
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096))
  return s
}

const textOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const SPACE_RUNS = /\s+/g

function stringRule(name: 'caseIgnore' | 'caseExact', fold: boolean): AttributeRule {
  return {
    name,
    normalize: (v) => {
      const s = textOf(v)
      return s === undefined ? undefined : prepareValue(s, fold)
    },
    compare: textOrder,
    substring: (piece) => {
      const s = piece.normalize('NFKC').replace(SPACE_RUNS, ' ')
      return fold ? s.toUpperCase().toLowerCase() : s
    },
  }
}

const INTEGER = /^\s*([-+]?)0*(\d+)\s*$/

/** Canonical integer text: no '+', no leading zeros, no '-0'. */
function integerForm(value: AttributeValue): string | undefined {
  const s = textOf(value)
  const m = s === undefined ? null : INTEGER.exec(s)
  if (m === null) return undefined
  const digits = m[2] as string
  return m[1] === '-' && digits !== '0' ? '-' + digits : digits
}

function compareIntegers(a: string, b: string): number {
  const na = a.startsWith('-')
  const nb = b.startsWith('-')
  if (na !== nb) return na ? -1 : 1
  const sign = na ? -1 : 1
  if (a.length !== b.length) return (a.length < b.length ? -1 : 1) * sign
  return textOrder(a, b) * sign
}

const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/

/** An instant as `YYYYmmddHHMMSS` + 6 fraction digits (UTC), so text order is time order. */
function timeForm(value: AttributeValue): string | undefined {
  const s = textOf(value)
  const m = s === undefined ? null : GENERALIZED_TIME.exec(s)
  if (m === null) return undefined
  const n = (k: number): number => Number(m[k] ?? '0')
  const fraction = ((m[7] ?? '') + '000000').slice(0, 6)
  const zone = m[8] as string
  let ms = Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6))
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5) || '0')) * 60_000
  }
  const d = new Date(ms)
  if (Number.isNaN(ms) || d.getUTCFullYear() > 9999 || d.getUTCFullYear() < 0) return undefined
  const p = (v: number, w = 2): string => String(v).padStart(w, '0')
  return p(d.getUTCFullYear(), 4) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds()) + fraction
}

/** CSNs we write are already normalized; other spellings go through the CSN parser. */
const PLAIN_CSN = /^\d{14}\.\d{6}Z#[0-9a-f]{6}#[0-9a-f]{3}#[0-9a-f]{6}$/

export const RULES: Readonly<Record<RuleName, AttributeRule>> = {
  caseIgnore: stringRule('caseIgnore', true),
  caseExact: stringRule('caseExact', false),
  objectIdentifier: {
    name: 'objectIdentifier',
    normalize: (v) => textOf(v)?.trim().toLowerCase(),
  },
  octetString: { name: 'octetString', normalize: octetsOf, compare: textOrder },
  integer: { name: 'integer', normalize: integerForm, compare: compareIntegers },
  distinguishedName: {
    name: 'distinguishedName',
    normalize: (v) => {
      const s = textOf(v)
      if (s === undefined) return undefined
      try {
        return normalizeDn(s)
      } catch {
        return undefined
      }
    },
  },
  telephoneNumber: {
    name: 'telephoneNumber',
    normalize: (v) => textOf(v)?.replace(/[\s-]+/g, '').toLowerCase(),
    substring: (piece) => piece.replace(/[\s-]+/g, '').toLowerCase(),
  },
  generalizedTime: { name: 'generalizedTime', normalize: timeForm, compare: textOrder },
  csn: {
    name: 'csn',
    normalize: (v) => {
      const s = textOf(v)
      if (s === undefined) return undefined
      if (PLAIN_CSN.test(s)) return s
      return isValidCsn(s) ? parseCsn(s).text : undefined
    },
    compare: textOrder,
  },
  uuid: {
    name: 'uuid',
    normalize: (v) => {
      const s = textOf(v)?.toLowerCase()
      return s !== undefined && isCanonicalUuidText(s) ? s : undefined
    },
    compare: textOrder,
  },
  boolean: {
    name: 'boolean',
    normalize: (v) => {
      const s = textOf(v)?.trim().toUpperCase()
      return s === 'TRUE' || s === 'FALSE' ? s : undefined
    },
  },
}

/** Type (canonical key, see attribute-description.ts) → rule, for the types that are not caseIgnore. */
const TABLE = new Map<string, RuleName>()
function list(rule: RuleName, types: string): void {
  for (const t of types.split(/\s+/)) if (t !== '') TABLE.set(t.toLowerCase(), rule)
}
list('objectIdentifier', 'objectClass structuralObjectClass')
// RFC 4517 §3.3.25 octetString syntax and the ;binary certificate types (RFC 4523), photos (RFC 2798).
list('octetString', `userPassword jpegPhoto photo audio userCertificate cACertificate authorityRevocationList
  certificateRevocationList crossCertificatePair deltaRevocationList userSMIMECertificate userPKCS12
  supportedAlgorithms x500UniqueIdentifier`)
// RFC 2307 / nis.schema INTEGER types.
list('integer', `uidNumber gidNumber shadowLastChange shadowMin shadowMax shadowWarning shadowInactive
  shadowExpire shadowFlag ipServicePort ipProtocolNumber oncRpcNumber`)
// RFC 4519 / RFC 4524 / RFC 2798 DN-valued types and the operational ones (RFC 4512 §3.4, RFC 5020).
list('distinguishedName', `member uniqueMember owner manager seeAlso secretary roleOccupant aliasedObjectName
  memberOf creatorsName modifiersName entryDN subschemaSubentry namingContexts distinguishedName`)
list('telephoneNumber', 'telephoneNumber mobile homePhone pager facsimileTelephoneNumber')
list('generalizedTime', 'createTimestamp modifyTimestamp pwdChangedTime')
list('csn', 'entryCSN contextCSN')
list('uuid', 'entryUUID')
list('boolean', 'hasSubordinates')
// caseExactIA5Match types of nis.schema, kerberos.schema and the automount schema.
list('caseExact', 'homeDirectory loginShell memberUid krbPrincipalName automountKey labeledURI')

/** The rule of a type (its canonical base key). */
export function ruleFor(baseKey: string): AttributeRule {
  const name = TABLE.get(baseKey)
  return name === undefined ? RULES.caseIgnore : RULES[name]
}

/** Whether the table names the type (it is then known even if no entry holds it). */
export function isListedType(baseKey: string): boolean {
  return TABLE.has(baseKey)
}

/**
 * The rules an extensibleMatch may name (RFC 4517 §4.2), by name or OID, case-insensitively.
 * Any other rule makes the filter item Undefined.
 */
const EXTENSIBLE = new Map<string, AttributeRule>([
  ['caseignorematch', RULES.caseIgnore],
  ['2.5.13.2', RULES.caseIgnore],
  ['caseexactmatch', RULES.caseExact],
  ['2.5.13.5', RULES.caseExact],
  ['octetstringmatch', RULES.octetString],
  ['2.5.13.17', RULES.octetString],
])

export function extensibleRule(nameOrOid: string): AttributeRule | undefined {
  return EXTENSIBLE.get(nameOrOid.toLowerCase())
}
