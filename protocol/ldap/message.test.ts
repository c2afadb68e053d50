import { describe, expect, it } from 'vitest'
import { BerReader, BerWriter } from '../ber/index.js'
import { LdapDecodeError, ProtocolError } from '../errors.js'
import { decodeMessage, encodeMessage, readMessage } from './message.js'
import type { LdapMessage } from './message.js'
import { asn1Parse, oracleDecode, oracleEncode } from './test-support/asn1-oracle.js'
import { CONTROL_SETS, OPS, hex, plain, sampleMessages, toHex } from './test-support/samples.js'

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return e as ProtocolError
  }
  throw new Error('expected the call to throw')
}

describe('LDAPMessage round trip (RFC 4511 §4.1.1), every PDU and field combination', () => {
  it.each(sampleMessages())('%s: decode(encode(m)) equals m', (_name, msg) => {
    expect(decodeMessage(plain(encodeMessage(msg)))).toEqual(msg)
  })

  it.each(sampleMessages())('%s: asn1js reads what we encode', (_name, msg) => {
    expect(oracleDecode(encodeMessage(msg))).toEqual(msg)
  })

  it.each(sampleMessages())('%s: we read what asn1js encodes', (_name, msg) => {
    expect(decodeMessage(oracleEncode(msg))).toEqual(msg)
  })

  it.each(sampleMessages())('%s: our bytes equal asn1js\'s DER bytes', (_name, msg) => {
    expect(toHex(encodeMessage(msg))).toBe(toHex(oracleEncode(msg)))
  })

  it('covers every op kind and every control set', () => {
    const kinds = new Set(Object.values(OPS).map((op) => op.kind))
    expect([...kinds].sort()).toEqual(
      [
        'abandonRequest',
        'bindRequest',
        'bindResponse',
        'extendedRequest',
        'extendedResponse',
        'intermediateResponse',
        'searchRequest',
        'searchResultDone',
        'searchResultEntry',
        'searchResultReference',
        'unbindRequest',
      ].sort(),
    )
    const used = new Set(sampleMessages().map(([, m]) => m.controls))
    for (const set of Object.values(CONTROL_SETS)) expect(used.has(set)).toBe(true)
  })

  it('encodes the unbind example from the JSDoc exactly', () => {
    expect(toHex(encodeMessage({ messageId: 1, op: { kind: 'unbindRequest' } }))).toBe('30050201014200')
  })

  it('decodes an absent controls member as an empty list and does not write one back', () => {
    const msg = decodeMessage(hex('30050201034200'))
    expect(msg.controls).toEqual([])
    expect(toHex(encodeMessage(msg))).toBe('30050201034200')
  })

  it('accepts an empty controls list (a0 00) and an explicit controls member', () => {
    expect(decodeMessage(hex('3007020103 4200 a000')).controls).toEqual([])
  })
})

describe('message IDs (RFC 4511 §4.1.1.1: 0 .. 2^31-1)', () => {
  it('accepts non-minimal INTEGER encodings of a valid ID', () => {
    expect(decodeMessage(hex('3009 0205007fffffff 4200')).messageId).toBe(0x7fffffff)
  })

  it.each([
    ['negative', '30050201ff4200', -1],
    ['2^31', '30090205008000000 04200'.replace(' ', ''), 2 ** 31],
    ['2^40', '300a0206010000000000 4200'.replace(' ', ''), 2 ** 40],
  ])('rejects a %s message ID with LDAP_BAD_MESSAGE_ID', (_n, h, _v) => {
    const e = thrown(() => decodeMessage(hex(h)))
    expect(e.code).toBe('LDAP_BAD_MESSAGE_ID')
    expect(e.offset).toBe(2)
  })

  it('turns an integer too long to read into LDAP_BAD_MESSAGE_ID as well', () => {
    const e = thrown(() => decodeMessage(hex('300b 0207 01000000000000 4200')))
    expect(e.code).toBe('LDAP_BAD_MESSAGE_ID')
    expect((e as Error & { cause?: ProtocolError }).cause?.code).toBe('BER_INTEGER_OUT_OF_RANGE')
  })
})

describe('errors carry the message ID once it is known', () => {
  it('attaches the ID to a BER error inside the op, keeping its code and offset', () => {
    // SearchRequest whose scope is an INTEGER (0x02) instead of an ENUMERATED.
    const w = new BerWriter()
    w.startConstructed(0x30)
    w.writeInteger(7)
    w.startConstructed(0x63)
    w.writeString('')
    w.writeInteger(2) // wrong tag
    w.endConstructed()
    w.endConstructed()
    const e = thrown(() => decodeMessage(w.toBuffer()))
    expect(e.code).toBe('BER_UNEXPECTED_TAG')
    expect(e.messageId).toBe(7)
    expect(e.offset).toBe(9)
    expect(e.message).toBe('Expected the scope of the SearchRequest (tag 0x0a) at offset 9, found tag 0x02. (message ID 7)')
  })

  it('reports an unknown op with LDAP_UNKNOWN_OPERATION and the message ID', () => {
    const e = thrown(() => decodeMessage(hex('3007 020109 7a020400'.replace(/ /g, ''))))
    expect(e).toBeInstanceOf(LdapDecodeError)
    expect(e.code).toBe('LDAP_UNKNOWN_OPERATION')
    expect(e.messageId).toBe(9)
    expect(e.tag).toBe(0x7a)
    expect(e.offset).toBe(5)
    expect(e.message).toMatch(/Unknown protocolOp with tag 0x7a at offset 5.*\(message ID 9\)$/)
  })

  it('treats a universal tag where the op belongs as an unknown op', () => {
    expect(thrown(() => decodeMessage(hex('3007 020109 04020000'.replace(/ /g, '')))).code).toBe('LDAP_UNKNOWN_OPERATION')
  })

  it('reports a known op number in the wrong form (constructed UnbindRequest) as LDAP_BAD_OPERATION', () => {
    const e = thrown(() => decodeMessage(hex('3005 020101 6200'.replace(/ /g, ''))))
    expect(e.code).toBe('LDAP_BAD_OPERATION')
    expect(e.message).toMatch(/constructed form of \[APPLICATION 2\]/)
    expect(e.messageId).toBe(1)
  })

  it('reports a message with no protocolOp as LDAP_MISSING_MEMBER with the ID', () => {
    const e = thrown(() => decodeMessage(hex('3003020105')))
    expect(e.code).toBe('LDAP_MISSING_MEMBER')
    expect(e.messageId).toBe(5)
  })

  it('reports a message with no messageID as LDAP_MISSING_MEMBER without an ID', () => {
    const e = thrown(() => decodeMessage(hex('3000')))
    expect(e.code).toBe('LDAP_MISSING_MEMBER')
    expect(e.messageId).toBeUndefined()
  })

  it('rejects an element after the controls, a second controls member, and trailing bytes', () => {
    const extra = thrown(() => decodeMessage(hex('3009 020101 4200 a000 0400'.replace(/ /g, ''))))
    expect(extra.code).toBe('LDAP_BAD_MESSAGE')
    expect(extra.message).toMatch(/Unknown member with tag 0x04 at offset 9 in the LDAPMessage/)
    expect(extra.messageId).toBe(1)
    const twice = thrown(() => decodeMessage(hex('3009 020101 4200 a000 a000'.replace(/ /g, ''))))
    expect(twice.code).toBe('LDAP_BAD_MESSAGE')
    expect(twice.message).toMatch(/second controls/)
    const trailing = thrown(() => decodeMessage(hex('30050201014200 00'.replace(/ /g, ''))))
    expect(trailing.code).toBe('LDAP_BAD_MESSAGE')
    expect(trailing.offset).toBe(7)
    expect(trailing.messageId).toBe(1)
  })

  it('rejects a message that is not a SEQUENCE, or no bytes at all, with LDAP_BAD_MESSAGE', () => {
    expect(thrown(() => decodeMessage(hex('31050201014200'))).code).toBe('LDAP_BAD_MESSAGE')
    expect(thrown(() => decodeMessage(new Uint8Array(0))).code).toBe('LDAP_BAD_MESSAGE')
  })

  it('lets BER structure errors through with their own code (indefinite length)', () => {
    expect(thrown(() => decodeMessage(hex('3080020101420000 00'.replace(/ /g, '')))).code).toBe('BER_INDEFINITE_LENGTH')
  })
})

describe('unsupported operations (Add, Modify, Delete, ModifyDN, Compare)', () => {
  // Decision: well-formed LDAP that the harness never inspects; kept as raw bytes and written back
  // verbatim, so a consumer or provider never fails on them (the provider hands them to ldapjs).
  it.each([
    ['DelRequest (primitive [APPLICATION 10])', '4a0a 64633d6578616d706c65'],
    ['AddRequest', '681e 0409 636e3d782c64633d78 3011 300f 0402636e 3109 0407 6578616d706c65'],
    ['ModifyResponse', '6707 0a0100 0400 0400'],
    ['CompareRequest', '6e12 0404 636e3d78 300a 0402636e 040474657374'],
  ])('%s decodes as unsupported with its tag and exact bytes, and re-encodes byte for byte', (_n, opHex) => {
    const op = hex(opHex)
    const w = new BerWriter()
    w.startConstructed(0x30)
    w.writeInteger(4)
    w.writeRaw(op)
    w.endConstructed()
    const bytes = w.toBuffer()
    const msg = decodeMessage(bytes)
    expect(msg.op.kind).toBe('unsupported')
    if (msg.op.kind !== 'unsupported') return
    expect(msg.op.tag).toBe(op[0])
    expect(toHex(msg.op.bytes)).toBe(toHex(op))
    expect(toHex(encodeMessage(msg))).toBe(toHex(bytes))
  })
})

describe('encoder options and writer use', () => {
  const msg: LdapMessage = {
    messageId: 2,
    op: OPS.search_extensibleFull as LdapMessage['op'],
    controls: [
      { type: '1.2.3', critical: true, value: undefined },
      { type: '1.2.4', critical: false, value: undefined },
    ],
  }

  it('writes the strict form by default: TRUE = 0xff, FALSE criticality and dnAttributes omitted', () => {
    const t = asn1Parse(encodeMessage(msg))
    const controls = t.children[2]
    expect(controls?.children[0]?.children.map((c) => c.tag)).toEqual([0x04, 0x01])
    expect(controls?.children[0]?.children[1]?.bytes).toEqual(Uint8Array.of(0xff))
    expect(controls?.children[1]?.children.map((c) => c.tag)).toEqual([0x04])
  })

  it('writes the lenient forms real peers send: TRUE = 0x01, explicit FALSE, long-form lengths; all decode the same', () => {
    const bytes = encodeMessage(msg, undefined, { trueOctet: 0x01, explicitDefaults: true, lengthOctets: 4 })
    // 30 84 <4 length octets> 02 01 02 63 84 <4 length octets> ...
    expect(toHex(bytes.subarray(0, 2))).toBe('3084')
    expect(bytes.readUInt32BE(2)).toBe(bytes.length - 6)
    const t = asn1Parse(bytes)
    expect(t.children[1]?.tag).toBe(0x63)
    const controls = t.children[2]
    expect(controls?.children[0]?.children[1]?.bytes).toEqual(Uint8Array.of(0x01))
    expect(controls?.children[1]?.children.map((c) => c.tag)).toEqual([0x04, 0x01])
    expect(controls?.children[1]?.children[1]?.bytes).toEqual(Uint8Array.of(0x00))
    // typesOnly FALSE is a plain member and always written; dnAttributes TRUE uses trueOctet.
    const search = t.children[1]
    const ext = search?.children[6]
    expect(ext?.children.at(-1)?.bytes).toEqual(Uint8Array.of(0x01))
    expect(decodeMessage(plain(bytes))).toEqual(msg)
    // the op element also got the long form
    expect(toHex(bytes.subarray(6, 11))).toBe('0201026384')
    const controlsAt = 15 + bytes.readUInt32BE(11)
    expect(bytes[controlsAt]).toBe(0xa0)
    expect(controlsAt + 2 + (bytes[controlsAt + 1] as number)).toBe(bytes.length)
  })

  it('writes explicit FALSE dnAttributes only when asked', () => {
    const m: LdapMessage = { messageId: 1, op: OPS.search_extensibleType as LdapMessage['op'], controls: [] }
    const strict = asn1Parse(encodeMessage(m)).children[1]?.children[6]
    expect(strict?.children.map((c) => c.tag)).toEqual([0x82, 0x83])
    const lenient = asn1Parse(encodeMessage(m, undefined, { explicitDefaults: true })).children[1]?.children[6]
    expect(lenient?.children.map((c) => c.tag)).toEqual([0x82, 0x83, 0x84])
    expect(decodeMessage(plain(encodeMessage(m, undefined, { explicitDefaults: true })))).toEqual(m)
  })

  it('long-form lengths apply to primitive ops too (UnbindRequest, AbandonRequest)', () => {
    expect(toHex(encodeMessage({ messageId: 1, op: { kind: 'unbindRequest' } }, undefined, { lengthOctets: 1 }))).toBe('30810602010142 8100'.replace(' ', ''))
    const abandon = encodeMessage({ messageId: 1, op: { kind: 'abandonRequest', idToAbandon: 5 } }, undefined, { lengthOctets: 2 })
    expect(toHex(abandon)).toBe('3082000802010150820001' + '05')
    expect(decodeMessage(abandon).op).toEqual({ kind: 'abandonRequest', idToAbandon: 5 })
  })

  it('appends several messages to one writer, and readMessage reads them back in order', () => {
    const w = new BerWriter(16)
    const all = sampleMessages().map(([, m]) => m)
    for (const m of all) expect(encodeMessage(m, w)).toBeUndefined()
    const buf = plain(w.take())
    const r = new BerReader(buf)
    const back: LdapMessage[] = []
    while (!r.atEnd()) back.push(readMessage(r))
    expect(back).toEqual(all)
  })

  it('encodes whatever it is given, so faults can be produced on purpose (negative message ID)', () => {
    const bytes = encodeMessage({ messageId: -1, op: { kind: 'unbindRequest' } })
    expect(toHex(bytes)).toBe('30050201ff4200')
    expect(thrown(() => decodeMessage(bytes)).code).toBe('LDAP_BAD_MESSAGE_ID')
  })
})
