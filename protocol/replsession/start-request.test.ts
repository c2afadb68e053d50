import { describe, expect, it } from 'vitest'
import { BerError, ProtocolError, ReplSessionError } from '../errors.js'
import { ReplOid } from './oids.js'
import type { StartVersion } from './oids.js'
import { decodeStartReplicationRequest, encodeStartReplicationRequest } from './start-request.js'
import type { StartReplicationRequest } from './start-request.js'

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const utf8 = (s: string) => new TextEncoder().encode(s)
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))

/** One element with a minimal length, built by hand (independent of BerWriter). */
function tlv(tag: number, ...parts: (Uint8Array | string)[]): Uint8Array {
  const content = concat(...parts.map((p) => (typeof p === 'string' ? utf8(p) : p)))
  const n = content.length
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
  return concat(new Uint8Array([tag, ...len]), content)
}
const os = (s: string | Uint8Array) => tlv(0x04, s)

function caught(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return e as ProtocolError
  }
  throw new Error('expected the call to throw')
}

const RUV = '{replicageneration} 65a0c1d2000000010000'
const RUV_REPLICA = '{replica 1 ldap://supplier.example.com:389} 65a0c1d2000000010000 65a0c200000000010000'
const CSN = '65a0c200000000010000'
const OID = os(ReplOid.incrementalProtocol)
const TREE = os('dc=example,dc=com')
const RUV_SET = tlv(0x31, os(RUV))
const CSN_OS = os(CSN)

const base: StartReplicationRequest = {
  kind: 'startReplicationRequest',
  version: 2,
  replProtocolOid: ReplOid.incrementalProtocol,
  replicatedTree: 'dc=example,dc=com',
  supplierRuv: [RUV],
  csn: CSN,
}

// Encoders return Buffers; decoding a plain copy keeps the decoded views plain Uint8Arrays, so
// toEqual can compare them with hand-built values.
const plain = (b: Uint8Array) => new Uint8Array(b)
const decode = (bytes: Uint8Array | undefined, version: StartVersion = 2) =>
  decodeStartReplicationRequest(bytes === undefined ? undefined : plain(bytes), { version })

describe('StartReplicationRequestValue round trips (389ds-session-hooks.md §2.2)', () => {
  const allBytes = new Uint8Array(256).map((_, i) => i)
  const referralChoices: (readonly string[] | undefined)[] = [undefined, [], ['ldap://supplier.example.com:389/'], ['ldap://a:389/', 'ldaps://b:636/']]
  const payloadChoices: { dataGuid?: string; data?: Uint8Array }[] = [
    {},
    { dataGuid: 'test-guid', data: utf8('test-data\0') },
    { dataGuid: '', data: new Uint8Array(0) },
    { dataGuid: '2D562D8B-2F30-4447-AF76-2B721D1D5F6A', data: allBytes },
    { dataGuid: 'nul-inside', data: new Uint8Array([0, 0, 1, 0, 0xff, 0]) },
  ]
  const ruvChoices: readonly string[][] = [[RUV], [RUV, RUV_REPLICA, '{replica 2}']]

  it('every combination of version, referrals, payload, RUV size and length form survives encode → decode', () => {
    let cases = 0
    for (const version of [1, 2] as const)
      for (const referralUrls of referralChoices)
        for (const payload of payloadChoices)
          for (const supplierRuv of ruvChoices)
            for (const lengthOctets of [0, 2, 3, 4] as const) {
              const value: StartReplicationRequest = {
                ...base,
                version,
                replProtocolOid: version === 1 ? ReplOid.totalProtocol : ReplOid.incrementalProtocol,
                supplierRuv,
                ...(referralUrls !== undefined && { referralUrls }),
                ...payload,
              }
              const bytes = encodeStartReplicationRequest(value, { lengthOctets })
              const back = decode(bytes, version)
              expect(back).toEqual(value)
              // absent and present-but-empty stay distinguishable
              expect('referralUrls' in back).toBe(referralUrls !== undefined)
              expect('data' in back).toBe(payload.data !== undefined)
              expect(toHex(encodeStartReplicationRequest(back, { lengthOctets }))).toBe(toHex(bytes))
              cases++
            }
    expect(cases).toBe(2 * 4 * 5 * 2 * 4)
  })

  it('keeps all 256 byte values of data exactly, NULs included, as a view of the input', () => {
    const value = { ...base, dataGuid: 'g', data: allBytes }
    const bytes = encodeStartReplicationRequest(value)
    const back = decode(bytes)
    expect(Array.from(back.data as Uint8Array)).toEqual(Array.from(allBytes))
    expect((back.data as Uint8Array).byteOffset).toBe(bytes.length - 256)
    const view = decodeStartReplicationRequest(bytes, { version: 2 }).data as Uint8Array
    expect(view.buffer).toBe(bytes.buffer) // a view, not a copy
  })

  it('a v1 request without payload is the 389 NSDS50 form', () => {
    const value: StartReplicationRequest = { ...base, version: 1, replProtocolOid: ReplOid.totalProtocol }
    const bytes = encodeStartReplicationRequest(value)
    expect(toHex(bytes)).toBe(toHex(tlv(0x30, os(ReplOid.totalProtocol), TREE, RUV_SET, CSN_OS)))
    expect(decode(bytes, 1)).toEqual(value)
  })

  it('long strings cross the 127/255-octet length boundaries in both directions', () => {
    for (const n of [126, 127, 128, 255, 256, 70000]) {
      const value = { ...base, replicatedTree: 'x'.repeat(n), dataGuid: 'g', data: new Uint8Array(n).fill(0x41) }
      expect(decode(encodeStartReplicationRequest(value))).toEqual(value)
    }
  })

  it('lengthOctets writes every length in long form with exactly that many octets', () => {
    const value = { ...base, referralUrls: ['ldap://a/'], dataGuid: 'g', data: new Uint8Array([0]) }
    for (const n of [1, 2, 3, 4] as const) {
      const bytes = encodeStartReplicationRequest(value, { lengthOctets: n })
      let elements = 0
      const walk = (start: number, end: number): void => {
        let p = start
        while (p < end) {
          const tag = bytes[p] as number
          expect(bytes[p + 1]).toBe(0x80 | n)
          let len = 0
          for (let i = 0; i < n; i++) len = len * 256 + (bytes[p + 2 + i] as number)
          const contentStart = p + 2 + n
          elements++
          if (tag & 0x20) walk(contentStart, contentStart + len)
          p = contentStart + len
        }
        expect(p).toBe(end)
      }
      walk(0, bytes.length)
      expect(elements).toBe(10) // SEQUENCE, OID, tree, SET, RUV, SET, URL, csn, GUID, data
      expect(decode(bytes)).toEqual(value)
    }
  })

  it('refuses a length that does not fit the requested long form', () => {
    const e = caught(() => encodeStartReplicationRequest({ ...base, dataGuid: 'g', data: new Uint8Array(256) }, { lengthOctets: 1 }))
    expect(e).toBeInstanceOf(BerError)
    expect(e.code).toBe('BER_VALUE_OUT_OF_RANGE')
  })
})

describe('StartReplicationRequest encoder: strict by default, broken on purpose', () => {
  it.each([
    ['GUID without data', { dataGuid: 'g' }, 'REPL_GUID_WITHOUT_DATA'],
    ['data without GUID', { data: utf8('d') }, 'REPL_DATA_WITHOUT_GUID'],
    ['empty supplier RUV', { supplierRuv: [] }, 'REPL_EMPTY_RUV'],
    ['NUL inside the tree', { replicatedTree: 'dc=a\0,dc=b' }, 'REPL_BAD_STRING'],
    ['NUL inside the OID', { replProtocolOid: '2.16\0.1' }, 'REPL_BAD_STRING'],
    ['NUL inside the csn', { csn: '\0' + CSN }, 'REPL_BAD_STRING'],
    ['NUL inside a referral', { referralUrls: ['ldap://a/', 'ld\0ap://b/'] }, 'REPL_BAD_STRING'],
    ['NUL inside the GUID', { dataGuid: 'a\0b', data: utf8('d') }, 'REPL_BAD_STRING'],
    ['trailing bytes', { trailing: new Uint8Array([5, 0]) }, 'REPL_TRAILING_BYTES'],
  ])('strict mode refuses %s (%s)', (_, patch, code) => {
    const value = { ...base, ...patch } as StartReplicationRequest
    const e = caught(() => encodeStartReplicationRequest(value))
    expect(e).toBeInstanceOf(ReplSessionError)
    expect(e.code).toBe(code)
    expect(e.message).toMatch(/strict: false/)
    // … and writes it as given when asked to
    expect(encodeStartReplicationRequest(value, { strict: false }).length).toBeGreaterThan(0)
  })

  it('accepts a terminating NUL in strings (what 389 peers send) and keeps it', () => {
    const value = { ...base, replicatedTree: 'dc=example,dc=com\0', dataGuid: 'test-guid\0', data: utf8('x') }
    const back = decode(encodeStartReplicationRequest(value))
    expect(back.replicatedTree).toBe('dc=example,dc=com\0')
    expect(back.dataGuid).toBe('test-guid\0')
  })

  it('GUID without data on purpose: exactly a lone OCTET STRING after the csn, which our decoder refuses as 389 does', () => {
    const bytes = encodeStartReplicationRequest({ ...base, dataGuid: 'g' }, { strict: false })
    expect(toHex(bytes)).toBe(toHex(tlv(0x30, OID, TREE, RUV_SET, CSN_OS, os('g'))))
    expect(caught(() => decode(bytes)).code).toBe('REPL_GUID_WITHOUT_DATA')
  })

  it('data without GUID on purpose: indistinguishable on the wire from a GUID without data', () => {
    const bytes = encodeStartReplicationRequest({ ...base, data: utf8('g') }, { strict: false })
    expect(toHex(bytes)).toBe(toHex(tlv(0x30, OID, TREE, RUV_SET, CSN_OS, os('g'))))
    expect(caught(() => decode(bytes)).code).toBe('REPL_GUID_WITHOUT_DATA')
  })

  it('empty RUV on purpose decodes to REPL_EMPTY_RUV', () => {
    const bytes = encodeStartReplicationRequest({ ...base, supplierRuv: [] }, { strict: false })
    expect(toHex(bytes)).toBe(toHex(tlv(0x30, OID, TREE, tlv(0x31), CSN_OS)))
    expect(caught(() => decode(bytes)).code).toBe('REPL_EMPTY_RUV')
  })

  it('allowEmptyRuv reads an empty RUV SET as [] (the mock provider without strictRuv, §5.2); the SET itself stays required', () => {
    const data = new TextEncoder().encode('d')
    const bytes = encodeStartReplicationRequest({ ...base, supplierRuv: [], dataGuid: 'g', data }, { strict: false })
    const v = decodeStartReplicationRequest(bytes, { version: 2, allowEmptyRuv: true })
    expect({ ...v, data: new Uint8Array(v.data ?? []) }).toEqual({ ...base, supplierRuv: [], dataGuid: 'g', data })
    const withoutSet = encodeStartReplicationRequest(base, { strict: false, omit: ['supplierRuv'] })
    expect(caught(() => decodeStartReplicationRequest(withoutSet, { version: 2, allowEmptyRuv: true })).code).toBe('REPL_MISSING_MEMBER')
  })

  it('ruvTag 0x30 sends the RUV as a SEQUENCE, which our decoder refuses (389 would accept it)', () => {
    const bytes = encodeStartReplicationRequest(base, { ruvTag: 0x30 })
    expect(toHex(bytes)).toBe(toHex(tlv(0x30, OID, TREE, tlv(0x30, os(RUV)), CSN_OS)))
    const e = caught(() => decode(bytes))
    expect(e.code).toBe('REPL_MISSING_MEMBER')
    expect(e.offset).toBe(2 + OID.length + TREE.length)
    expect(e.tag).toBe(0x30)
    expect(e.message).toMatch(/supplierRUV.*SEQUENCE/)
  })

  // Members are positional: without the OID, the tree is read as the OID and the RUV SET is found
  // where the tree belongs, so the decoder reports the tree missing.
  it.each([
    ['replProtocolOid', 'replicatedTree'],
    ['replicatedTree', 'replicatedTree'],
    ['supplierRuv', 'supplierRUV'],
    ['csn', 'csn'],
  ] as const)('omit: [%s] leaves the member out, and the decoder reports %s missing', (member, asn1Name) => {
    const bytes = encodeStartReplicationRequest(base, { omit: [member] })
    const e = caught(() => decode(bytes))
    expect(e.code).toBe('REPL_MISSING_MEMBER')
    expect(e.message).toContain(asn1Name)
  })

  it('trailing bytes on purpose go inside the SEQUENCE, after the data', () => {
    const value = { ...base, dataGuid: 'g', data: utf8('d'), trailing: tlv(0x02, new Uint8Array([7])) }
    const bytes = encodeStartReplicationRequest(value, { strict: false })
    expect(toHex(bytes)).toBe(toHex(tlv(0x30, OID, TREE, RUV_SET, CSN_OS, os('g'), os('d'), tlv(0x02, new Uint8Array([7])))))
    expect(decodeStartReplicationRequest(plain(bytes), { version: 2, trailing: 'keep' })).toEqual(value)
  })
})

describe('StartReplicationRequest decoder errors (coded, with offsets)', () => {
  const seq = (...members: Uint8Array[]) => tlv(0x30, ...members)
  const at = (...before: Uint8Array[]) => 2 + concat(...before).length

  it('an absent or empty requestValue is REPL_MISSING_MEMBER at offset 0', () => {
    for (const v of [undefined, new Uint8Array(0)]) {
      const e = caught(() => decode(v))
      expect(e).toBeInstanceOf(ReplSessionError)
      expect([e.code, e.offset]).toEqual(['REPL_MISSING_MEMBER', 0])
    }
  })

  it('a value that is not a SEQUENCE is the reader’s BER_UNEXPECTED_TAG at offset 0', () => {
    const e = caught(() => decode(tlv(0x31, OID)))
    expect(e).toBeInstanceOf(BerError)
    expect([e.code, e.offset, e.tag]).toEqual(['BER_UNEXPECTED_TAG', 0, 0x31])
  })

  it('bytes after the SEQUENCE are REPL_TRAILING_BYTES, also in keep mode', () => {
    const good = seq(OID, TREE, RUV_SET, CSN_OS)
    const bytes = concat(good, new Uint8Array([0x00]))
    for (const trailing of ['reject', 'keep'] as const) {
      const e = caught(() => decodeStartReplicationRequest(bytes, { version: 2, trailing }))
      expect([e.code, e.offset]).toEqual(['REPL_TRAILING_BYTES', good.length])
    }
  })

  it.each([
    ['replProtocolOID (empty SEQUENCE)', [], 'replProtocolOID', 0x04],
    ['replicatedTree', [OID], 'replicatedTree', 0x04],
    ['supplierRUV', [OID, TREE], 'supplierRUV', 0x31],
    ['csn', [OID, TREE, RUV_SET], 'csn', 0x04],
    ['csn after the referrals', [OID, TREE, RUV_SET, tlv(0x31, os('ldap://a/'))], 'csn', 0x04],
  ])('a SEQUENCE that ends before %s is REPL_MISSING_MEMBER where it should be', (_, members, name, tag) => {
    const e = caught(() => decode(seq(...members)))
    expect(e).toBeInstanceOf(ReplSessionError)
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_MISSING_MEMBER', at(...members), tag])
    expect(e.message).toContain(name)
  })

  it.each([
    ['the OID as [0] (0x80)', [], tlv(0x80, '1.2'), 'replProtocolOID'],
    ['the tree as a SET', [OID], tlv(0x31, os('x')), 'replicatedTree'],
    ['no RUV: the csn follows the tree', [OID, TREE], CSN_OS, 'supplierRUV'],
    ['the csn as an INTEGER', [OID, TREE, RUV_SET], tlv(0x02, new Uint8Array([1])), 'csn'],
    ['two referral SETs', [OID, TREE, RUV_SET, tlv(0x31)], tlv(0x31), 'csn'],
  ])('%s is REPL_MISSING_MEMBER naming the member and the tag found', (_, before, wrong, name) => {
    const bytes = seq(...before, wrong, CSN_OS)
    const e = caught(() => decode(bytes))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_MISSING_MEMBER', at(...before), wrong[0]])
    expect(e.message).toContain(name)
  })

  it('two referral SETs are called out of order', () => {
    const e = caught(() => decode(seq(OID, TREE, RUV_SET, tlv(0x31), tlv(0x31), CSN_OS)))
    expect(e.message).toMatch(/out of order/)
  })

  it('an empty supplierRUV SET is REPL_EMPTY_RUV at the SET', () => {
    const e = caught(() => decode(seq(OID, TREE, tlv(0x31), CSN_OS)))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_EMPTY_RUV', at(OID, TREE), 0x31])
  })

  it('an RUV element that is not an OCTET STRING is the reader’s BER_UNEXPECTED_TAG at the element', () => {
    const e = caught(() => decode(seq(OID, TREE, tlv(0x31, os(RUV), tlv(0x02, new Uint8Array([1]))), CSN_OS)))
    expect(e).toBeInstanceOf(BerError)
    expect([e.code, e.offset]).toEqual(['BER_UNEXPECTED_TAG', at(OID, TREE) + 2 + os(RUV).length])
  })

  it.each([
    ['replProtocolOID', (b: Uint8Array) => seq(os(b), TREE, RUV_SET, CSN_OS), []],
    ['replicatedTree', (b: Uint8Array) => seq(OID, os(b), RUV_SET, CSN_OS), [OID]],
    ['csn', (b: Uint8Array) => seq(OID, TREE, RUV_SET, os(b)), [OID, TREE, RUV_SET]],
    ['referralURLs element 1', (b: Uint8Array) => seq(OID, TREE, RUV_SET, tlv(0x31, os(b)), CSN_OS), [OID, TREE, RUV_SET, new Uint8Array(2)]],
    ['dataGuid', (b: Uint8Array) => seq(OID, TREE, RUV_SET, CSN_OS, os(b), os('d')), [OID, TREE, RUV_SET, CSN_OS]],
  ])('a NUL before the last octet of %s is REPL_BAD_STRING; a terminating NUL is kept', (name, build, before) => {
    const e = caught(() => decode(build(utf8('ab\0c'))))
    expect([e.code, e.offset, e.tag]).toEqual(['REPL_BAD_STRING', at(...before), 0x04])
    expect(e.message).toContain(name)
    expect(() => decode(build(utf8('abc\0')))).not.toThrow()
  })

  it('RUV elements and data may hold NULs anywhere (389 reads them as binary bervals)', () => {
    const v = decode(seq(OID, TREE, tlv(0x31, os('a\0b')), CSN_OS, os('g'), os(new Uint8Array([0, 0, 0]))))
    expect(v.supplierRuv).toEqual(['a\0b'])
    expect(Array.from(v.data as Uint8Array)).toEqual([0, 0, 0])
  })

  it('a string that is not UTF-8 is the reader’s BER_BAD_UTF8 at the element', () => {
    const e = caught(() => decode(seq(OID, os(new Uint8Array([0x64, 0xff, 0xfe])), RUV_SET, CSN_OS)))
    expect(e).toBeInstanceOf(BerError)
    expect([e.code, e.offset]).toEqual(['BER_BAD_UTF8', at(OID)])
  })

  it('a GUID without data is REPL_GUID_WITHOUT_DATA where the data should be', () => {
    const alone = caught(() => decode(seq(OID, TREE, RUV_SET, CSN_OS, os('g'))))
    expect([alone.code, alone.offset, alone.tag]).toEqual(['REPL_GUID_WITHOUT_DATA', at(OID, TREE, RUV_SET, CSN_OS, os('g')), 0x04])
    const other = caught(() => decode(seq(OID, TREE, RUV_SET, CSN_OS, os('g'), tlv(0x30))))
    expect([other.code, other.offset, other.tag]).toEqual(['REPL_GUID_WITHOUT_DATA', at(OID, TREE, RUV_SET, CSN_OS, os('g')), 0x30])
  })

  it('a GUID and data are accepted under version 1 too (389 passes them to recv)', () => {
    const v = decode(seq(OID, TREE, RUV_SET, CSN_OS, os('g'), os('d')), 1)
    expect([v.version, v.dataGuid]).toEqual([1, 'g'])
  })

  it.each([
    ['an INTEGER after the csn', [CSN_OS], tlv(0x02, new Uint8Array([1])), 'REPL_UNKNOWN_MEMBER', /unknown element/],
    ['a SET after the csn', [CSN_OS], tlv(0x31), 'REPL_UNKNOWN_MEMBER', /referralURLs must come before the csn/],
    ['a duplicate referrals SET after the csn', [tlv(0x31), CSN_OS], tlv(0x31), 'REPL_UNKNOWN_MEMBER', /second referralURLs/],
    ['an element after the data', [CSN_OS, os('g'), os('d')], os('x'), 'REPL_TRAILING_BYTES', /after the data/],
  ])('%s is %s by default; trailing: "keep" returns it like 389 ignores it', (_, middle, extra, code, message) => {
    const bytes = seq(OID, TREE, RUV_SET, ...middle, extra)
    const e = caught(() => decode(bytes))
    expect([e.code, e.offset, e.tag]).toEqual([code, at(OID, TREE, RUV_SET, ...middle), extra[0]])
    expect(e.message).toMatch(message)
    const kept = decodeStartReplicationRequest(bytes, { version: 2, trailing: 'keep' })
    expect(toHex(kept.trailing as Uint8Array)).toBe(toHex(extra))
    expect(toHex(encodeStartReplicationRequest(kept, { strict: false }))).toBe(toHex(bytes))
  })

  it('truncation and bad lengths are the reader’s BerErrors with the offending element’s offset', () => {
    const full = seq(OID, TREE, RUV_SET, CSN_OS, os('g'), os('d'))
    const cut = caught(() => decode(full.subarray(0, full.length - 3)))
    expect([cut.code, cut.offset]).toEqual(['BER_LENGTH_PAST_END', 0])

    const inner = seq(OID, TREE, RUV_SET, CSN_OS)
    const broken = inner.slice()
    broken[at(OID) + 1] = 0x7f // the tree claims 127 content octets
    const past = caught(() => decode(broken))
    expect([past.code, past.offset]).toEqual(['BER_LENGTH_PAST_END', at(OID)])

    const headerOnly = caught(() => decode(new Uint8Array([0x30])))
    expect([headerOnly.code, headerOnly.offset]).toEqual(['BER_TRUNCATED', 0])
  })

  it('indefinite lengths are BER_INDEFINITE_LENGTH, outside and inside', () => {
    const outer = caught(() => decode(concat(new Uint8Array([0x30, 0x80]), OID, TREE, RUV_SET, CSN_OS, new Uint8Array([0, 0]))))
    expect(outer).toBeInstanceOf(BerError)
    expect([outer.code, outer.offset]).toEqual(['BER_INDEFINITE_LENGTH', 0])
    const set = caught(() => decode(seq(OID, TREE, new Uint8Array([0x31, 0x80]), os(RUV), new Uint8Array([0, 0]), CSN_OS)))
    expect([set.code, set.offset]).toEqual(['BER_INDEFINITE_LENGTH', at(OID, TREE)])
  })

  it('accepts long-form lengths with leading zero octets that it would not write itself', () => {
    const long = (tag: number, content: Uint8Array) => concat(new Uint8Array([tag, 0x84, 0, 0, content.length >> 8, content.length & 0xff]), content)
    const ruv = long(0x31, long(0x04, utf8(RUV)))
    const body = concat(long(0x04, utf8(ReplOid.incrementalProtocol)), long(0x04, utf8('dc=example,dc=com')), ruv, long(0x04, utf8(CSN)))
    expect(decode(long(0x30, body))).toEqual(base)
  })
})
