import { describe, expect, it } from 'vitest'
import * as asn1js from 'asn1js'
import { BerError, LdapDecodeError } from '../errors.js'
import { decodeAttributeList, encodeAttributeList, isPlainAttributeList } from './attribute-list.js'
import { decodeMessage, encodeMessage } from './message.js'
import { prng } from '../../test/fuzz/mutate.js'

const utf8 = (s: string) => new TextEncoder().encode(s)
const SAMPLE = [
  { type: 'objectClass', vals: [utf8('top'), utf8('inetOrgPerson')] },
  { type: 'cn', vals: [utf8('Zoë Ångström')] },
  { type: 'jpegPhoto', vals: [new Uint8Array([0xff, 0xd8, 0x00, 0x80, 0xff])] },
  { type: 'description', vals: [utf8('x'.repeat(300))] },
  { type: 'seeAlso', vals: [] },
]

/** Values as plain octet arrays: our decoder hands out views of whatever buffer it was given. */
const plain = (attributes: readonly { type: string; vals: readonly Uint8Array[] }[]) => attributes.map((a) => ({ type: a.type, vals: a.vals.map((v) => [...v]) }))

describe('PartialAttributeList as content octets (RFC 4511 §4.1.7)', () => {
  it('round-trips, and asn1js reads what we encode', () => {
    const bytes = encodeAttributeList(SAMPLE)
    expect(plain(decodeAttributeList(bytes))).toEqual(plain(SAMPLE))
    expect(isPlainAttributeList(bytes, 0, bytes.length)).toBe(true)
    const wrapped = new Uint8Array([0x30, 0x82, bytes.length >> 8, bytes.length & 0xff, ...bytes])
    const parsed = asn1js.fromBER(wrapped)
    expect(parsed.offset).toBe(wrapped.length)
    const list = (parsed.result as asn1js.Sequence).valueBlock.value as asn1js.Sequence[]
    expect(list.map((a) => new TextDecoder().decode((a.valueBlock.value[0] as asn1js.OctetString).valueBlock.valueHexView))).toEqual(SAMPLE.map((a) => a.type))
    const photo = (list[2]?.valueBlock.value[1] as asn1js.Set).valueBlock.value[0] as asn1js.OctetString
    expect([...photo.valueBlock.valueHexView]).toEqual([0xff, 0xd8, 0x00, 0x80, 0xff])
  })

  it('the quick check says "not sure" for non-ASCII types, and the full decoder accepts them', () => {
    const bytes = encodeAttributeList([{ type: 'cnñ', vals: [utf8('a')] }])
    expect(isPlainAttributeList(bytes, 0, bytes.length)).toBe(false)
    expect(plain(decodeAttributeList(bytes))).toEqual([{ type: 'cnñ', vals: [[0x61]] }])
  })

  it('never accepts what the full decoder rejects (20,000 seeded mutations)', () => {
    const valid = encodeAttributeList(SAMPLE)
    const rnd = prng(0x4533)
    let rejected = 0
    for (let i = 0; i < 20_000; i++) {
      const b = Uint8Array.from(valid)
      const edits = 1 + Math.floor(rnd() * 3)
      for (let e = 0; e < edits; e++) b[Math.floor(rnd() * b.length)] = [0x00, 0x04, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x84, 0xff][Math.floor(rnd() * 9)] as number
      const cut = rnd() < 0.2 ? b.subarray(0, Math.floor(rnd() * b.length)) : b
      let decodes = true
      try {
        decodeAttributeList(cut)
      } catch (error) {
        expect(error instanceof BerError || error instanceof LdapDecodeError).toBe(true)
        decodes = false
      }
      if (isPlainAttributeList(cut, 0, cut.length)) expect(decodes).toBe(true)
      if (!decodes) rejected++
    }
    expect(rejected).toBeGreaterThan(1000)
  })
})

describe('decoded SearchResultEntry: attributes decoded on first use', () => {
  const message = { messageId: 7, controls: [], op: { kind: 'searchResultEntry' as const, objectName: 'uid=a,dc=x', attributes: SAMPLE } }

  it('keeps the encoded list as a view of the message and decodes it to the same attributes', () => {
    const pdu = encodeMessage(message)
    const decoded = decodeMessage(pdu)
    const op = decoded.op
    if (op.kind !== 'searchResultEntry') throw new Error('not an entry')
    expect(op.attributeList?.buffer).toBe(pdu.buffer)
    expect([...(op.attributeList ?? [])]).toEqual([...encodeAttributeList(SAMPLE)])
    expect(plain(op.attributes)).toEqual(plain(SAMPLE))
    expect(op.attributes).toBe(op.attributes)
    expect(Object.keys(op).sort()).toEqual(['attributes', 'kind', 'objectName'])
  })

  it('reports a malformed attribute list when the message is decoded, not later', () => {
    const pdu = Uint8Array.from(encodeMessage(message))
    const at = pdu.indexOf(0x31) // the first SET OF vals
    pdu[at] = 0x30
    expect(() => decodeMessage(pdu)).toThrow(expect.objectContaining({ code: 'BER_UNEXPECTED_TAG', offset: at }))
  })
})
