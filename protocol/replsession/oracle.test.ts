import { describe, expect, it } from 'vitest'
import * as asn1js from 'asn1js'
import { ReplOid } from './oids.js'
import { decodeEndReplicationRequest, encodeEndReplicationRequest } from './end-request.js'
import type { EndReplicationRequest } from './end-request.js'
import { decodeReplicationResponse, encodeReplicationResponse } from './response.js'
import type { ReplicationResponse } from './response.js'
import { decodeStartReplicationRequest, encodeStartReplicationRequest } from './start-request.js'
import type { StartReplicationRequest } from './start-request.js'

// asn1js as the independent oracle (helper-common rules; architecture.md "every codec is also
// checked against independent bytes"): values asn1js builds must decode with our decoders to the
// same fields, and everything our encoders write must parse with asn1js.fromBER to the same fields.

const utf8 = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')

const RUV = '{replicageneration} 65a0c1d2000000010000'
const RUV2 = '{replica 1 ldap://supplier.example.com:389} 65a0c1d2000000010000 65a0c200000000010000'
const allBytes = new Uint8Array(256).map((_, i) => i)

// ---- asn1js builders -------------------------------------------------------------------------

const aOs = (v: string | Uint8Array) => new asn1js.OctetString({ valueHex: typeof v === 'string' ? utf8(v) : v })
const aSet = (items: readonly string[]) => new asn1js.Set({ value: items.map((s) => aOs(s)) })
const aSeqOf = (items: readonly string[]) => new asn1js.Sequence({ value: items.map((s) => aOs(s)) })
const ber = (b: asn1js.BaseBlock) => new Uint8Array(b.toBER())

function asn1Start(v: StartReplicationRequest): Uint8Array {
  const members: asn1js.BaseBlock[] = [aOs(v.replProtocolOid), aOs(v.replicatedTree), aSet(v.supplierRuv)]
  if (v.referralUrls !== undefined) members.push(aSet(v.referralUrls))
  members.push(aOs(v.csn))
  if (v.dataGuid !== undefined) members.push(aOs(v.dataGuid))
  if (v.data !== undefined) members.push(aOs(v.data))
  return ber(new asn1js.Sequence({ value: members }))
}

function asn1Response(v: ReplicationResponse): Uint8Array {
  const members: asn1js.BaseBlock[] = [new asn1js.Enumerated({ value: v.responseCode })]
  if (v.consumerRuv !== undefined) members.push(aSeqOf(v.consumerRuv))
  if (v.dataGuid !== undefined) members.push(aOs(v.dataGuid))
  if (v.data !== undefined) members.push(aOs(v.data))
  return ber(new asn1js.Sequence({ value: members }))
}

const asn1End = (v: EndReplicationRequest) => ber(new asn1js.Sequence({ value: [aOs(v.replicatedTree), aSet(v.supplierRuv)] }))

// ---- asn1js readers: an independent decode of our bytes --------------------------------------

/** The identifier octet asn1js saw (class, constructed bit, number). */
function idOctet(b: asn1js.BaseBlock): number {
  return ((b.idBlock.tagClass - 1) << 6) | (b.idBlock.isConstructed ? 0x20 : 0) | b.idBlock.tagNumber
}

function parse(bytes: Uint8Array): asn1js.BaseBlock[] {
  const { offset, result } = asn1js.fromBER(bytes)
  expect(result.error).toBe('')
  expect(offset).toBe(bytes.length)
  expect(idOctet(result)).toBe(0x30)
  return (result as asn1js.Sequence).valueBlock.value
}

function octets(b: asn1js.BaseBlock | undefined): Uint8Array {
  expect(b).toBeDefined()
  expect(idOctet(b as asn1js.BaseBlock)).toBe(0x04)
  return (b as asn1js.OctetString).valueBlock.valueHexView
}

function strings(b: asn1js.BaseBlock | undefined, tag: number): string[] {
  expect(b).toBeDefined()
  expect(idOctet(b as asn1js.BaseBlock)).toBe(tag)
  return (b as asn1js.Constructed).valueBlock.value.map((e) => text(octets(e)))
}

/** Reads a Start request value by the §2.2 grammar, using nothing of ours. */
function asn1ReadStart(bytes: Uint8Array, version: 1 | 2): StartReplicationRequest {
  const m = parse(bytes)
  let i = 0
  const replProtocolOid = text(octets(m[i++]))
  const replicatedTree = text(octets(m[i++]))
  const supplierRuv = strings(m[i++], 0x31)
  const next = m[i]
  const referralUrls = next !== undefined && idOctet(next) === 0x31 ? strings(m[i++], 0x31) : undefined
  const csn = text(octets(m[i++]))
  const dataGuid = m[i] !== undefined ? text(octets(m[i++])) : undefined
  const data = m[i] !== undefined ? new Uint8Array(octets(m[i++])) : undefined
  expect(i).toBe(m.length)
  return {
    kind: 'startReplicationRequest',
    version,
    replProtocolOid,
    replicatedTree,
    supplierRuv,
    ...(referralUrls !== undefined && { referralUrls }),
    csn,
    ...(dataGuid !== undefined && { dataGuid }),
    ...(data !== undefined && { data }),
  }
}

function asn1ReadResponse(bytes: Uint8Array): ReplicationResponse {
  const m = parse(bytes)
  let i = 0
  const code = m[i++] as asn1js.Enumerated
  expect(idOctet(code)).toBe(0x0a)
  const next = m[i]
  const consumerRuv = next !== undefined && idOctet(next) === 0x30 ? strings(m[i++], 0x30) : undefined
  const dataGuid = m[i] !== undefined ? text(octets(m[i++])) : undefined
  const data = m[i] !== undefined ? new Uint8Array(octets(m[i++])) : undefined
  expect(i).toBe(m.length)
  return {
    kind: 'replicationResponse',
    responseCode: code.valueBlock.valueDec,
    ...(consumerRuv !== undefined && { consumerRuv }),
    ...(dataGuid !== undefined && { dataGuid }),
    ...(data !== undefined && { data }),
  }
}

function asn1ReadEnd(bytes: Uint8Array): EndReplicationRequest {
  const m = parse(bytes)
  expect(m.length).toBe(2)
  return { kind: 'endReplicationRequest', replicatedTree: text(octets(m[0])), supplierRuv: strings(m[1], 0x31) }
}

// ---- the values both sides must agree on -------------------------------------------------------

const base: StartReplicationRequest = {
  kind: 'startReplicationRequest',
  version: 2,
  replProtocolOid: ReplOid.incrementalProtocol,
  replicatedTree: 'dc=example,dc=com',
  supplierRuv: [RUV],
  csn: '65a0c200000000010000',
}

const starts: [string, StartReplicationRequest][] = [
  ['v1 total, no payload', { ...base, version: 1, replProtocolOid: ReplOid.totalProtocol }],
  ['v2 with the §2.7 payload', { ...base, dataGuid: 'test-guid', data: utf8('test-data\0') }],
  ['referrals and two RUV elements', { ...base, supplierRuv: [RUV, RUV2], referralUrls: ['ldap://supplier.example.com:389/'] }],
  ['an empty referral SET, empty GUID and data', { ...base, referralUrls: [], dataGuid: '', data: new Uint8Array(0) }],
  ['all 256 byte values as data, a non-ASCII DN', { ...base, replicatedTree: 'ou=Jürgen,dc=例え,dc=com', dataGuid: 'g', data: allBytes }],
  ['a 1000-octet payload (two-octet lengths)', { ...base, dataGuid: 'big', data: new Uint8Array(1000).fill(0x5a) }],
]

const responses: [string, ReplicationResponse][] = [
  ['READY with RUV and payload', { kind: 'replicationResponse', responseCode: 0, consumerRuv: [RUV], dataGuid: 'test-reply-guid', data: utf8('test-reply-data\0') }],
  ['BACKOFF alone', { kind: 'replicationResponse', responseCode: 0x0e }],
  ['an empty RUV', { kind: 'replicationResponse', responseCode: 0x0e, consumerRuv: [] }],
  ['a payload without RUV, all byte values', { kind: 'replicationResponse', responseCode: 0, dataGuid: 'g', data: allBytes }],
  ['code 0xFF and two RUV elements', { kind: 'replicationResponse', responseCode: 0xff, consumerRuv: [RUV, RUV2] }],
]

const ends: [string, EndReplicationRequest][] = [
  ['one RUV element', { kind: 'endReplicationRequest', replicatedTree: 'dc=example,dc=com', supplierRuv: [RUV] }],
  ['an empty RUV', { kind: 'endReplicationRequest', replicatedTree: '', supplierRuv: [] }],
]

const plain = (b: Uint8Array) => new Uint8Array(b)

describe('asn1js-built values decode with our decoders to the same fields', () => {
  it.each(starts)('Start request: %s', (_, v) => {
    const bytes = asn1Start(v)
    expect(decodeStartReplicationRequest(bytes, { version: v.version })).toEqual(v)
    // asn1js writes minimal lengths, as we do by default: the bytes agree exactly
    expect(toHex(encodeStartReplicationRequest(v))).toBe(toHex(bytes))
  })

  it.each(responses)('response: %s', (_, v) => {
    const bytes = asn1Response(v)
    expect(decodeReplicationResponse(bytes)).toEqual(v)
    expect(toHex(encodeReplicationResponse(v))).toBe(toHex(bytes))
  })

  it('Start request with an empty RUV SET: refused by default, read as [] with allowEmptyRuv', () => {
    const v: StartReplicationRequest = { ...base, supplierRuv: [], dataGuid: 'g', data: utf8('d') }
    const bytes = asn1Start(v)
    expect(toHex(bytes)).toContain('3100')
    expect(() => decodeStartReplicationRequest(bytes, { version: 2 })).toThrow(/empty/)
    expect(decodeStartReplicationRequest(bytes, { version: 2, allowEmptyRuv: true })).toEqual(v)
  })

  it.each(ends)('End request: %s', (_, v) => {
    const bytes = asn1End(v)
    expect(decodeEndReplicationRequest(bytes)).toEqual(v)
    expect(toHex(encodeEndReplicationRequest(v))).toBe(toHex(bytes))
  })
})

describe('our encodings parse with asn1js.fromBER to the same fields', () => {
  for (const lengthOctets of [0, 3, 4] as const) {
    it.each(starts)(`Start request, lengthOctets ${lengthOctets}: %s`, (_, v) => {
      const bytes = encodeStartReplicationRequest(v, { lengthOctets })
      expect(asn1ReadStart(plain(bytes), v.version)).toEqual(v)
    })

    it.each(responses)(`response, lengthOctets ${lengthOctets}: %s`, (_, v) => {
      expect(asn1ReadResponse(plain(encodeReplicationResponse(v, { lengthOctets })))).toEqual(v)
    })

    it.each(ends)(`End request, lengthOctets ${lengthOctets}: %s`, (_, v) => {
      expect(asn1ReadEnd(plain(encodeEndReplicationRequest(v, { lengthOctets })))).toEqual(v)
    })
  }

  it('asn1js sees the deliberate faults as we mean them: RUV as SET in a response, INTEGER code', () => {
    const bytes = encodeReplicationResponse({ kind: 'replicationResponse', responseCode: 3, consumerRuv: [RUV] }, { ruvTag: 0x31, codeTag: 0x02 })
    const m = parse(plain(bytes))
    expect(m.map(idOctet)).toEqual([0x02, 0x31])
    expect((m[0] as asn1js.Integer).valueBlock.valueDec).toBe(3)
    expect(strings(m[1], 0x31)).toEqual([RUV])
  })
})
