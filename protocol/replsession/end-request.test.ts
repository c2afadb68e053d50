import { describe, expect, it } from 'vitest'
import { BerError, ProtocolError, ReplSessionError } from '../errors.js'
import { decodeEndReplicationRequest, encodeEndReplicationRequest } from './end-request.js'
import type { EndReplicationRequest } from './end-request.js'

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const utf8 = (s: string) => new TextEncoder().encode(s)
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))

function tlv(tag: number, ...parts: (Uint8Array | string)[]): Uint8Array {
  const content = concat(...parts.map((p) => (typeof p === 'string' ? utf8(p) : p)))
  const n = content.length
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
  return concat(new Uint8Array([tag, ...len]), content)
}
const os = (s: string | Uint8Array) => tlv(0x04, s)
const seq = (...members: Uint8Array[]) => tlv(0x30, ...members)
const at = (...before: Uint8Array[]) => 2 + concat(...before).length

function caught(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return e as ProtocolError
  }
  throw new Error('expected the call to throw')
}

const plain = (b: Uint8Array) => new Uint8Array(b)
const decode = (b: Uint8Array | undefined) => decodeEndReplicationRequest(b === undefined ? undefined : plain(b))

const RUV = '{replicageneration} 65a0c1d2000000010000'
const TREE = os('dc=example,dc=com')
const RUV_SET = tlv(0x31, os(RUV))
const value: EndReplicationRequest = { kind: 'endReplicationRequest', replicatedTree: 'dc=example,dc=com', supplierRuv: [RUV] }

describe('EndReplicationRequestValue (389ds-session-hooks.md §2.4)', () => {
  it('encodes SEQUENCE { replicatedTree, supplierRUV SET } with minimal lengths, byte for byte', () => {
    expect(toHex(encodeEndReplicationRequest(value))).toBe(toHex(seq(TREE, RUV_SET)))
  })

  it('round-trips every RUV size and length form', () => {
    for (const supplierRuv of [[], [RUV], [RUV, '{replica 1 ldap://s:389}', 'x'.repeat(300)]])
      for (const lengthOctets of [0, 2, 3, 4] as const) {
        const v = { ...value, supplierRuv }
        const bytes = encodeEndReplicationRequest(v, { lengthOctets })
        if (lengthOctets !== 0) expect(bytes[1]).toBe(0x80 | lengthOctets)
        const back = decode(bytes)
        expect(back).toEqual(v)
        expect(toHex(encodeEndReplicationRequest(back, { lengthOctets }))).toBe(toHex(bytes))
      }
  })

  it('strict mode refuses a NUL inside the DN and trailing bytes; strict: false writes them', () => {
    const nul = caught(() => encodeEndReplicationRequest({ ...value, replicatedTree: 'dc=a\0b' }))
    expect(nul.code).toBe('REPL_BAD_STRING')
    const trailing = { ...value, trailing: tlv(0x02, new Uint8Array([1])) }
    expect(caught(() => encodeEndReplicationRequest(trailing)).code).toBe('REPL_TRAILING_BYTES')
    const bytes = encodeEndReplicationRequest(trailing, { strict: false })
    expect(toHex(bytes)).toBe(toHex(seq(TREE, RUV_SET, tlv(0x02, new Uint8Array([1])))))
    expect(decodeEndReplicationRequest(plain(bytes), { trailing: 'keep' })).toEqual(trailing)
  })

  it('omit and ruvTag produce the DN-only End and the RUV-as-SEQUENCE End on purpose', () => {
    expect(toHex(encodeEndReplicationRequest(value, { omit: ['supplierRuv'] }))).toBe(toHex(seq(TREE)))
    expect(toHex(encodeEndReplicationRequest(value, { ruvTag: 0x30 }))).toBe(toHex(seq(TREE, tlv(0x30, os(RUV)))))
  })
})

describe('EndReplicationRequest decoder errors (coded, with offsets)', () => {
  it('an absent or empty value is REPL_MISSING_MEMBER at offset 0', () => {
    for (const v of [undefined, new Uint8Array(0)]) {
      const e = caught(() => decode(v))
      expect(e).toBeInstanceOf(ReplSessionError)
      expect([e.code, e.offset]).toEqual(['REPL_MISSING_MEMBER', 0])
    }
  })

  it.each([
    ['an empty SEQUENCE lacks the replicatedTree', seq(), 2, 0x04, 'replicatedTree'],
    ['a DN-only End lacks the supplierRUV (389 would not notice)', seq(TREE), at(TREE), 0x31, 'supplierRUV'],
    ['an RUV sent as a SEQUENCE', seq(TREE, tlv(0x30, os(RUV))), at(TREE), 0x30, 'SEQUENCE'],
    ['a DN with tag [0]', seq(tlv(0x80, 'dc=x'), RUV_SET), 2, 0x80, 'replicatedTree'],
  ])('%s: REPL_MISSING_MEMBER', (_, bytes, offset, tag, text) => {
    const e = caught(() => decode(bytes))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_MISSING_MEMBER', offset, tag])
    expect(e.message).toContain(text)
  })

  it('an empty RUV SET is accepted in an End (nothing reads it)', () => {
    expect(decode(seq(TREE, tlv(0x31)))).toEqual({ ...value, supplierRuv: [] })
  })

  it('a NUL inside the DN is REPL_BAD_STRING; a terminating NUL is kept', () => {
    const e = caught(() => decode(seq(os('dc=\0x'), RUV_SET)))
    expect([e.code, e.offset]).toEqual(['REPL_BAD_STRING', 2])
    expect(decode(seq(os('dc=x\0'), RUV_SET)).replicatedTree).toBe('dc=x\0')
  })

  it('an element after the RUV is REPL_TRAILING_BYTES, or the trailing remainder in keep mode', () => {
    const extra = os('hook data is not part of End')
    const bytes = seq(TREE, RUV_SET, extra)
    const e = caught(() => decode(bytes))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_TRAILING_BYTES', at(TREE, RUV_SET), 0x04])
    expect(toHex(decodeEndReplicationRequest(plain(bytes), { trailing: 'keep' }).trailing as Uint8Array)).toBe(toHex(extra))
  })

  it('structural faults are the reader’s BerErrors', () => {
    const bytes = seq(TREE, RUV_SET)
    const cut = caught(() => decode(bytes.subarray(0, bytes.length - 1)))
    expect(cut).toBeInstanceOf(BerError)
    expect([cut.code, cut.offset]).toEqual(['BER_LENGTH_PAST_END', 0])
    const indefinite = caught(() => decode(concat(new Uint8Array([0x30, 0x80]), TREE, RUV_SET, new Uint8Array([0, 0]))))
    expect([indefinite.code, indefinite.offset]).toEqual(['BER_INDEFINITE_LENGTH', 0])
    const element = caught(() => decode(seq(TREE, tlv(0x31, tlv(0x05)))))
    expect([element.code, element.offset]).toEqual(['BER_UNEXPECTED_TAG', at(TREE) + 2])
  })
})
