import { describe, expect, it } from 'vitest'
import { BerError, ProtocolError, ReplSessionError } from '../errors.js'
import { REPL_RESPONSE_CODES, ReplResponseCode } from './response-codes.js'
import { decodeReplicationResponse, encodeReplicationResponse } from './response.js'
import type { ReplicationResponse } from './response.js'

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
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
/** Offset of the element that follows `before` inside a SEQUENCE with a one-octet length. */
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
const decode = (b: Uint8Array | undefined) => decodeReplicationResponse(b === undefined ? undefined : plain(b))

const RUV = '{replicageneration} 65a0c1d2000000010000'
const READY = tlv(0x0a, new Uint8Array([0]))

describe('ReplicationResponseValue round trips (389ds-session-hooks.md §2.3, §2.4)', () => {
  const allBytes = new Uint8Array(256).map((_, i) => i)
  const ruvChoices: (readonly string[] | undefined)[] = [undefined, [], [RUV], [RUV, '{replica 1 ldap://c:389} 65a0c1d2000000010000 65a0c200000000010000']]
  const payloadChoices: { dataGuid?: string; data?: Uint8Array }[] = [
    {},
    { dataGuid: 'test-reply-guid', data: utf8('test-reply-data\0') },
    { dataGuid: '', data: new Uint8Array(0) },
    { dataGuid: 'all-bytes', data: allBytes },
  ]
  const codes = [...REPL_RESPONSE_CODES.map((c) => c.code), 0x42, 128, 255, 256, 0x7fffffff, -1]

  it('every code × RUV × payload × length form survives encode → decode → encode', () => {
    let cases = 0
    for (const responseCode of codes)
      for (const consumerRuv of ruvChoices)
        for (const payload of payloadChoices)
          for (const lengthOctets of [0, 2, 3, 4] as const) {
            const value: ReplicationResponse = {
              kind: 'replicationResponse',
              responseCode,
              ...(consumerRuv !== undefined && { consumerRuv }),
              ...payload,
            }
            const bytes = encodeReplicationResponse(value, { lengthOctets })
            const back = decode(bytes)
            expect(back).toEqual(value)
            expect('consumerRuv' in back).toBe(consumerRuv !== undefined)
            expect('dataGuid' in back).toBe(payload.dataGuid !== undefined)
            expect(toHex(encodeReplicationResponse(back, { lengthOctets }))).toBe(toHex(bytes))
            cases++
          }
    expect(cases).toBe(codes.length * 4 * 4 * 4)
  })

  it('writes the code in its minimal two’s complement form (128 needs a leading zero octet)', () => {
    expect(toHex(encodeReplicationResponse({ kind: 'replicationResponse', responseCode: 128 }))).toBe('30040a020080')
    expect(toHex(encodeReplicationResponse({ kind: 'replicationResponse', responseCode: 0xff }))).toBe('30040a0200ff')
  })

  it.each([
    [1, '3081040a810109'],
    [2, '308200050a82000109'],
    [4, '308400000007' + '0a840000000109'],
  ] as const)('lengthOctets %i writes the End response with long-form lengths everywhere: %s', (n, expected) => {
    const bytes = encodeReplicationResponse({ kind: 'replicationResponse', responseCode: 9 }, { lengthOctets: n })
    expect(toHex(bytes)).toBe(expected)
    expect(decode(bytes).responseCode).toBe(9)
  })

  it('long-form lengths with leading zeros from other BER writers decode (84 00 00 00 nn)', () => {
    const v = decode(hex('30 84 00 00 00 0d 0a 84 00 00 00 01 0e 30 84 00 00 00 00'))
    expect(v).toEqual({ kind: 'replicationResponse', responseCode: 0x0e, consumerRuv: [] })
  })
})

describe('ReplicationResponse encoder: strict by default, the §5.5 faults on purpose', () => {
  const ready: ReplicationResponse = { kind: 'replicationResponse', responseCode: 0 }

  it.each([
    ['GUID without data', { dataGuid: 'g' }, 'REPL_GUID_WITHOUT_DATA'],
    ['data without GUID', { data: utf8('d') }, 'REPL_DATA_WITHOUT_GUID'],
    ['a NUL inside the GUID', { dataGuid: 'a\0b', data: utf8('d') }, 'REPL_BAD_STRING'],
    ['trailing bytes', { trailing: new Uint8Array([0x05, 0x00]) }, 'REPL_TRAILING_BYTES'],
  ])('strict mode refuses %s', (_, patch, code) => {
    const value = { ...ready, ...patch } as ReplicationResponse
    const e = caught(() => encodeReplicationResponse(value))
    expect(e).toBeInstanceOf(ReplSessionError)
    expect(e.code).toBe(code)
    expect(encodeReplicationResponse(value, { strict: false }).length).toBeGreaterThan(5)
  })

  it('guidWithoutData: a lone OCTET STRING after the code, refused by our decoder as by 389', () => {
    const bytes = encodeReplicationResponse({ ...ready, dataGuid: 'g' }, { strict: false })
    expect(toHex(bytes)).toBe(toHex(seq(READY, os('g'))))
    const e = caught(() => decode(bytes))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_GUID_WITHOUT_DATA', at(READY, os('g')), 0x04])
  })

  it('integerInsteadOfEnumerated: codeTag 0x02 writes 02 01 00, which our decoder refuses (389 accepts it)', () => {
    const bytes = encodeReplicationResponse(ready, { codeTag: 0x02 })
    expect(toHex(bytes)).toBe('3003020100')
    const e = caught(() => decode(bytes))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_BAD_ENUM', 2, 0x02])
    expect(e.message).toMatch(/INTEGER is not an ENUMERATED/)
  })

  it('ruvAsSet: ruvTag 0x31 writes a SET, which our decoder reports as an unknown member; keep mode loses RUV and payload as 389 does', () => {
    const value = { ...ready, consumerRuv: [RUV], dataGuid: 'g', data: utf8('d') }
    const bytes = encodeReplicationResponse(value, { ruvTag: 0x31 })
    expect(toHex(bytes)).toBe(toHex(seq(READY, tlv(0x31, os(RUV)), os('g'), os('d'))))
    const e = caught(() => decode(bytes))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_UNKNOWN_MEMBER', at(READY), 0x31])
    expect(e.message).toMatch(/SEQUENCE \(0x30\)/)
    const kept = decodeReplicationResponse(plain(bytes), { trailing: 'keep' })
    expect(kept.consumerRuv).toBeUndefined()
    expect(kept.dataGuid).toBeUndefined()
    expect(toHex(kept.trailing as Uint8Array)).toBe(toHex(concat(tlv(0x31, os(RUV)), os('g'), os('d'))))
  })

  it('trailingGarbage: trailing bytes inside the SEQUENCE with strict: false, kept by keep-mode decoding', () => {
    const value = { ...ready, dataGuid: 'g', data: utf8('d'), trailing: hex('0500') }
    const bytes = encodeReplicationResponse(value, { strict: false })
    expect(toHex(bytes)).toBe(toHex(seq(READY, os('g'), os('d'), hex('0500'))))
    expect(decodeReplicationResponse(plain(bytes), { trailing: 'keep' })).toEqual(value)
  })

  it('unknownCode: any code is written as given', () => {
    expect(toHex(encodeReplicationResponse({ kind: 'replicationResponse', responseCode: 0x42 }))).toBe('30030a0142')
  })
})

describe('ReplicationResponse decoder errors (coded, with offsets)', () => {
  it('an absent or empty responseValue is REPL_MISSING_MEMBER at offset 0 (389: a fatal parse failure)', () => {
    for (const v of [undefined, new Uint8Array(0)]) {
      const e = caught(() => decode(v))
      expect([e.code, e.offset]).toEqual(['REPL_MISSING_MEMBER', 0])
    }
  })

  it('an empty SEQUENCE lacks the responseCode', () => {
    const e = caught(() => decode(hex('3000')))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_MISSING_MEMBER', 2, 0x0a])
  })

  it.each([
    ['an OCTET STRING', '3003040100', 0x04],
    ['a constructed [ENUMERATED]', '30052a030a0100', 0x2a],
    ['a SEQUENCE', '30023000', 0x30],
  ])('a code that is %s is REPL_BAD_ENUM at offset 2', (_, h, tag) => {
    const e = caught(() => decode(hex(h)))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_BAD_ENUM', 2, tag])
  })

  it.each([
    ['no content octets', '30020a00', 0],
    ['five content octets', '30070a050000000001', 5],
  ])('an ENUMERATED with %s is REPL_BAD_ENUM (389 reads a 32-bit int)', (_, h, n) => {
    const e = caught(() => decode(hex(h)))
    expect([e.code, e.offset]).toEqual(['REPL_BAD_ENUM', 2])
    expect(e.message).toContain(`${n} content octets`)
  })

  it('four-octet codes decode, negative ones included (the caller judges them)', () => {
    expect(decode(hex('30060a047fffffff')).responseCode).toBe(0x7fffffff)
    expect(decode(hex('30060a04ffffffff')).responseCode).toBe(-1)
  })

  it('a GUID without data is REPL_GUID_WITHOUT_DATA, whatever follows it', () => {
    const alone = caught(() => decode(seq(READY, os('g'))))
    expect([alone.code, alone.offset]).toEqual(['REPL_GUID_WITHOUT_DATA', at(READY, os('g'))])
    const beforeSet = caught(() => decode(seq(READY, os('g'), tlv(0x31))))
    expect([beforeSet.code, beforeSet.offset, beforeSet.tag]).toEqual(['REPL_GUID_WITHOUT_DATA', at(READY, os('g')), 0x31])
  })

  it('a NUL inside the GUID is REPL_BAD_STRING; RUV elements and data may hold NULs', () => {
    const e = caught(() => decode(seq(READY, os('a\0b'), os('d'))))
    expect([e.code, e.offset]).toEqual(['REPL_BAD_STRING', at(READY)])
    const v = decode(seq(READY, tlv(0x30, os('r\0')), os('g\0'), os(new Uint8Array([0, 1, 0]))))
    expect(v.consumerRuv).toEqual(['r\0'])
    expect(v.dataGuid).toBe('g\0')
  })

  it('an RUV element that is not an OCTET STRING is the reader’s BER_UNEXPECTED_TAG', () => {
    const e = caught(() => decode(seq(READY, tlv(0x30, tlv(0x02, new Uint8Array([1]))))))
    expect(e).toBeInstanceOf(BerError)
    expect([e.code, e.offset]).toEqual(['BER_UNEXPECTED_TAG', at(READY) + 2])
  })

  it.each([
    ['a second responseCode', [READY], READY, 'REPL_UNKNOWN_MEMBER', /second responseCode/],
    ['a second consumerRUV', [READY, tlv(0x30)], tlv(0x30), 'REPL_UNKNOWN_MEMBER', /second consumerRUV/],
    ['an INTEGER after the RUV', [READY, tlv(0x30)], tlv(0x02, new Uint8Array([0])), 'REPL_UNKNOWN_MEMBER', /unknown element/],
    ['a NULL after the code', [READY], hex('0500'), 'REPL_UNKNOWN_MEMBER', /unknown element/],
    ['an element after the data', [READY, os('g'), os('d')], os('x'), 'REPL_TRAILING_BYTES', /after the data/],
  ])('%s is %s by default and the trailing remainder in keep mode', (_, before, extra, code, message) => {
    const bytes = seq(...before, extra)
    const e = caught(() => decode(bytes))
    expect([e.code, e.offset, e.tag]).toEqual([code, at(...before), extra[0]])
    expect(e.message).toMatch(message)
    const kept = decodeReplicationResponse(plain(bytes), { trailing: 'keep' })
    expect(toHex(kept.trailing as Uint8Array)).toBe(toHex(extra))
    expect(toHex(encodeReplicationResponse(kept, { strict: false }))).toBe(toHex(bytes))
  })

  it('bytes after the SEQUENCE are REPL_TRAILING_BYTES in both modes', () => {
    for (const trailing of ['reject', 'keep'] as const) {
      const e = caught(() => decodeReplicationResponse(hex('30030a010e 00'), { trailing }))
      expect([e.code, e.offset]).toEqual(['REPL_TRAILING_BYTES', 5])
    }
  })

  it.each([
    ['the SEQUENCE runs past the value', '30030a01', 'BER_LENGTH_PAST_END', 0],
    ['the code runs past the SEQUENCE', '30020a01', 'BER_LENGTH_PAST_END', 2],
    ['the value is a bare tag', '30', 'BER_TRUNCATED', 0],
    ['the code has no length octet', '30010a', 'BER_TRUNCATED', 2],
    ['the SEQUENCE has an indefinite length', '30800a01000000', 'BER_INDEFINITE_LENGTH', 0],
    ['the RUV has an indefinite length', '30090a0100308004000000', 'BER_INDEFINITE_LENGTH', 5],
    ['the outer element is not a SEQUENCE', '31030a0100', 'BER_UNEXPECTED_TAG', 0],
  ])('%s: the reader’s %s at offset %i', (_, h, code, offset) => {
    const e = caught(() => decode(hex(h)))
    expect(e).toBeInstanceOf(BerError)
    expect([e.code, e.offset]).toEqual([code, offset])
  })

  it('the End response code alone decodes; so do READY responses to an NSDS50 Start (no payload)', () => {
    expect(decode(hex('30030a0109'))).toEqual({ kind: 'replicationResponse', responseCode: ReplResponseCode.replicaReleaseSucceeded })
    expect(decode(seq(READY, tlv(0x30, os(RUV))))).toEqual({ kind: 'replicationResponse', responseCode: 0, consumerRuv: [RUV] })
  })
})
