/**
 * Test-only: an independent LDAP codec built on asn1js, used as the oracle for our encoders and
 * decoders (both directions). It shares no code with protocol/ldap beyond the value types, so a
 * fault in our BER handling cannot hide in both. Not exported from the package.
 */
import * as asn1js from 'asn1js'
import type { Control } from '../control.js'
import type { Filter } from '../filter.js'
import type { LdapMessage, LdapMessageInput, ProtocolOp } from '../message.js'
import type { LdapResult } from '../ldap-result.js'

// ---------------------------------------------------------------------------------------------
// A plain tree from asn1js's parse.

export interface Tlv {
  readonly tag: number
  readonly constructed: boolean
  readonly bytes: Uint8Array
  readonly children: readonly Tlv[]
}

const enc = new TextEncoder()
const dec = new TextDecoder()

function toTlv(node: asn1js.AsnType): Tlv {
  const id = node.idBlock
  const tag = ((id.tagClass - 1) << 6) | (id.isConstructed ? 0x20 : 0) | id.tagNumber
  if (id.isConstructed) {
    const value = (node.valueBlock as unknown as { value: asn1js.AsnType[] }).value
    return { tag, constructed: true, bytes: new Uint8Array(0), children: value.map(toTlv) }
  }
  const hex = (node.valueBlock as unknown as { valueHexView?: Uint8Array }).valueHexView
  return { tag, constructed: false, bytes: hex === undefined ? new Uint8Array(0) : new Uint8Array(hex), children: [] }
}

/** Parses exactly one element with asn1js; fails the test on any asn1js error or leftover bytes. */
export function asn1Parse(bytes: Uint8Array): Tlv {
  const ab = new Uint8Array(bytes).buffer
  const { offset, result } = asn1js.fromBER(ab)
  if (offset === -1) throw new Error(`asn1js could not parse the bytes: ${result.error}`)
  if (offset !== bytes.length) throw new Error(`asn1js parsed ${offset} of ${bytes.length} bytes`)
  return toTlv(result)
}

function int(t: Tlv): number {
  let v = 0
  for (const b of t.bytes) v = v * 256 + b
  if (t.bytes.length > 0 && (t.bytes[0] as number) & 0x80) v -= 2 ** (8 * t.bytes.length)
  return v
}
const str = (t: Tlv): string => dec.decode(t.bytes)
const child = (t: Tlv, i: number): Tlv => {
  const c = t.children[i]
  if (c === undefined) throw new Error(`oracle: element ${t.tag.toString(16)} has no child ${i}`)
  return c
}
const find = (ts: readonly Tlv[], tag: number): Tlv | undefined => ts.find((c) => c.tag === tag)

// ---------------------------------------------------------------------------------------------
// Decoding with asn1js.

function oracleResult(children: readonly Tlv[]): LdapResult {
  const ref = find(children.slice(3), 0xa3)
  return {
    resultCode: int(children[0] as Tlv),
    matchedDN: str(children[1] as Tlv),
    diagnosticMessage: str(children[2] as Tlv),
    referral: ref === undefined ? undefined : ref.children.map(str),
  }
}

export function oracleFilter(t: Tlv): Filter {
  switch (t.tag) {
    case 0xa0:
      return { kind: 'and', filters: t.children.map(oracleFilter) }
    case 0xa1:
      return { kind: 'or', filters: t.children.map(oracleFilter) }
    case 0xa2:
      return { kind: 'not', filter: oracleFilter(child(t, 0)) }
    case 0xa3:
    case 0xa5:
    case 0xa6:
    case 0xa8: {
      const kind = ({ 0xa3: 'equalityMatch', 0xa5: 'greaterOrEqual', 0xa6: 'lessOrEqual', 0xa8: 'approxMatch' } as const)[t.tag]
      return { kind, attributeDesc: str(child(t, 0)), assertionValue: child(t, 1).bytes }
    }
    case 0xa4: {
      const parts = child(t, 1).children
      return {
        kind: 'substrings',
        type: str(child(t, 0)),
        initial: find(parts, 0x80)?.bytes,
        any: parts.filter((p) => p.tag === 0x81).map((p) => p.bytes),
        final: find(parts, 0x82)?.bytes,
      }
    }
    case 0x87:
      return { kind: 'present', attributeDesc: str(t) }
    case 0xa9: {
      const rule = find(t.children, 0x81)
      const type = find(t.children, 0x82)
      const dn = find(t.children, 0x84)
      return {
        kind: 'extensibleMatch',
        matchingRule: rule && str(rule),
        type: type && str(type),
        matchValue: (find(t.children, 0x83) as Tlv).bytes,
        dnAttributes: dn !== undefined && (dn.bytes[0] as number) !== 0,
      }
    }
    default:
      throw new Error(`oracle: unknown filter tag ${t.tag.toString(16)}`)
  }
}

function oracleOp(t: Tlv): ProtocolOp {
  const c = t.children
  switch (t.tag) {
    case 0x60: {
      const auth = child(t, 2)
      return {
        kind: 'bindRequest',
        version: int(child(t, 0)),
        name: str(child(t, 1)),
        authentication:
          auth.tag === 0x80
            ? { kind: 'simple', password: auth.bytes }
            : { kind: 'sasl', mechanism: str(child(auth, 0)), credentials: auth.children[1]?.bytes },
      }
    }
    case 0x61:
      return { kind: 'bindResponse', ...oracleResult(c), serverSaslCreds: find(c.slice(3), 0x87)?.bytes }
    case 0x42:
      return { kind: 'unbindRequest' }
    case 0x50:
      return { kind: 'abandonRequest', idToAbandon: int(t) }
    case 0x63:
      return {
        kind: 'searchRequest',
        baseObject: str(child(t, 0)),
        scope: int(child(t, 1)),
        derefAliases: int(child(t, 2)),
        sizeLimit: int(child(t, 3)),
        timeLimit: int(child(t, 4)),
        typesOnly: (child(t, 5).bytes[0] as number) !== 0,
        filter: oracleFilter(child(t, 6)),
        attributes: child(t, 7).children.map(str),
      }
    case 0x64:
      return {
        kind: 'searchResultEntry',
        objectName: str(child(t, 0)),
        attributes: child(t, 1).children.map((a) => ({ type: str(child(a, 0)), vals: child(a, 1).children.map((v) => v.bytes) })),
      }
    case 0x73:
      return { kind: 'searchResultReference', uris: c.map(str) }
    case 0x65:
      return { kind: 'searchResultDone', ...oracleResult(c) }
    case 0x77: {
      const value = find(c, 0x81)
      return { kind: 'extendedRequest', requestName: str(child(t, 0)), requestValue: value?.bytes }
    }
    case 0x78: {
      const name = find(c.slice(3), 0x8a)
      return { kind: 'extendedResponse', ...oracleResult(c), responseName: name && str(name), responseValue: find(c.slice(3), 0x8b)?.bytes }
    }
    case 0x79: {
      const name = find(c, 0x80)
      return { kind: 'intermediateResponse', responseName: name && str(name), responseValue: find(c, 0x81)?.bytes }
    }
    default:
      throw new Error(`oracle: op tag ${t.tag.toString(16)} is not modelled`)
  }
}

export function oracleControl(t: Tlv): Control {
  const rest = t.children.slice(1)
  const crit = find(rest, 0x01)
  return { type: str(child(t, 0)), critical: crit !== undefined && (crit.bytes[0] as number) !== 0, value: find(rest, 0x04)?.bytes }
}

/** Decodes an LDAPMessage with asn1js. */
export function oracleDecode(bytes: Uint8Array): LdapMessage {
  const t = asn1Parse(bytes)
  if (t.tag !== 0x30) throw new Error('oracle: not a SEQUENCE')
  const controls = find(t.children, 0xa0)
  return { messageId: int(child(t, 0)), op: oracleOp(child(t, 1)), controls: controls === undefined ? [] : controls.children.map(oracleControl) }
}

// ---------------------------------------------------------------------------------------------
// Encoding with asn1js.

type Node = asn1js.AsnType
const octets = (b: Uint8Array | string): Node => new asn1js.OctetString({ valueHex: typeof b === 'string' ? enc.encode(b) : new Uint8Array(b) })
const prim = (tagClass: 2 | 3, tagNumber: number, b: Uint8Array | string): Node =>
  new asn1js.Primitive({ idBlock: { tagClass, tagNumber }, valueHex: typeof b === 'string' ? enc.encode(b) : new Uint8Array(b) })
const cons = (tagClass: 2 | 3, tagNumber: number, value: Node[]): Node => new asn1js.Constructed({ idBlock: { tagClass, tagNumber }, value })
const seq = (value: Node[]): Node => new asn1js.Sequence({ value })
const defined = <T>(x: T | undefined | false): x is T => x !== undefined && x !== false

/** INTEGER content octets (minimal two's complement) for implicitly tagged integers. */
function intContent(v: number): Uint8Array {
  return new Uint8Array(new asn1js.Integer({ value: v }).valueBlock.valueHexView)
}

function resultNodes(r: LdapResult): Node[] {
  return [
    new asn1js.Enumerated({ value: r.resultCode }),
    octets(r.matchedDN),
    octets(r.diagnosticMessage),
    ...(r.referral === undefined ? [] : [cons(3, 3, r.referral.map(octets))]),
  ]
}

export function oracleFilterNode(f: Filter): Node {
  switch (f.kind) {
    case 'and':
      return cons(3, 0, f.filters.map(oracleFilterNode))
    case 'or':
      return cons(3, 1, f.filters.map(oracleFilterNode))
    case 'not':
      return cons(3, 2, [oracleFilterNode(f.filter)])
    case 'equalityMatch':
    case 'greaterOrEqual':
    case 'lessOrEqual':
    case 'approxMatch': {
      const n = { equalityMatch: 3, greaterOrEqual: 5, lessOrEqual: 6, approxMatch: 8 }[f.kind]
      return cons(3, n, [octets(f.attributeDesc), octets(f.assertionValue)])
    }
    case 'substrings':
      return cons(3, 4, [
        octets(f.type),
        seq([...(f.initial ? [prim(3, 0, f.initial)] : []), ...f.any.map((a) => prim(3, 1, a)), ...(f.final ? [prim(3, 2, f.final)] : [])]),
      ])
    case 'present':
      return prim(3, 7, f.attributeDesc)
    case 'extensibleMatch':
      return cons(
        3,
        9,
        [
          f.matchingRule !== undefined && prim(3, 1, f.matchingRule),
          f.type !== undefined && prim(3, 2, f.type),
          prim(3, 3, f.matchValue),
          f.dnAttributes && prim(3, 4, new Uint8Array([0xff])),
        ].filter(defined),
      )
  }
}

function opNode(op: ProtocolOp): Node {
  switch (op.kind) {
    case 'bindRequest': {
      const a = op.authentication
      const auth =
        a.kind === 'simple' ? prim(3, 0, a.password) : cons(3, 3, [octets(a.mechanism), ...(a.credentials === undefined ? [] : [octets(a.credentials)])])
      return cons(2, 0, [new asn1js.Integer({ value: op.version }), octets(op.name), auth])
    }
    case 'bindResponse':
      return cons(2, 1, [...resultNodes(op), ...(op.serverSaslCreds === undefined ? [] : [prim(3, 7, op.serverSaslCreds)])])
    case 'unbindRequest':
      return new asn1js.Primitive({ idBlock: { tagClass: 2, tagNumber: 2 } })
    case 'abandonRequest':
      return prim(2, 16, intContent(op.idToAbandon))
    case 'searchRequest':
      return cons(2, 3, [
        octets(op.baseObject),
        new asn1js.Enumerated({ value: op.scope }),
        new asn1js.Enumerated({ value: op.derefAliases }),
        new asn1js.Integer({ value: op.sizeLimit }),
        new asn1js.Integer({ value: op.timeLimit }),
        new asn1js.Boolean({ value: op.typesOnly }),
        oracleFilterNode(op.filter),
        seq(op.attributes.map(octets)),
      ])
    case 'searchResultEntry':
      return cons(2, 4, [
        octets(op.objectName),
        seq(op.attributes.map((a) => seq([octets(a.type), new asn1js.Set({ value: a.vals.map(octets) })]))),
      ])
    case 'searchResultReference':
      return cons(2, 19, op.uris.map(octets))
    case 'searchResultDone':
      return cons(2, 5, resultNodes(op))
    case 'extendedRequest':
      return cons(2, 23, [prim(3, 0, op.requestName), ...(op.requestValue === undefined ? [] : [prim(3, 1, op.requestValue)])])
    case 'extendedResponse':
      return cons(2, 24, [
        ...resultNodes(op),
        ...(op.responseName === undefined ? [] : [prim(3, 10, op.responseName)]),
        ...(op.responseValue === undefined ? [] : [prim(3, 11, op.responseValue)]),
      ])
    case 'intermediateResponse':
      return cons(2, 25, [
        ...(op.responseName === undefined ? [] : [prim(3, 0, op.responseName)]),
        ...(op.responseValue === undefined ? [] : [prim(3, 1, op.responseValue)]),
      ])
    case 'unsupported':
      throw new Error('oracle: unsupported ops are raw bytes')
  }
}

export function oracleControlNode(c: Control): Node {
  return seq([octets(c.type), ...(c.critical ? [new asn1js.Boolean({ value: true })] : []), ...(c.value === undefined ? [] : [octets(c.value)])])
}

/** Encodes an LDAPMessage with asn1js. */
export function oracleEncode(msg: LdapMessageInput): Uint8Array {
  const controls = msg.controls ?? []
  const node = seq([
    new asn1js.Integer({ value: msg.messageId }),
    opNode(msg.op),
    ...(controls.length === 0 ? [] : [cons(3, 0, controls.map(oracleControlNode))]),
  ])
  return new Uint8Array(node.toBER())
}

/** BER bytes of any asn1js node. */
export function asn1Bytes(node: Node): Uint8Array {
  return new Uint8Array(node.toBER())
}
