import { describe, expect, it } from 'vitest'
import * as asn1js from 'asn1js'
import { BerReader } from './reader.js'
import { BerWriter, encodeWith } from './writer.js'
import { BerError } from '../errors.js'

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex')
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(BerError)
    return (e as BerError).code
  }
  return undefined
}

describe('BerReader', () => {
  it('reads short and long-form lengths alike (leading zero octets included)', () => {
    for (const h of ['0403616263', '048103616263', '04820003616263', '0484 00000003 616263']) {
      const r = new BerReader(hex(h))
      expect(Buffer.from(r.readOctetString()).toString()).toBe('abc')
      expect(r.atEnd()).toBe(true)
    }
  })

  it('treats any non-zero BOOLEAN octet as TRUE (X.690 §8.2.2) and 00 as FALSE', () => {
    expect(new BerReader(hex('0101ff')).readBoolean()).toBe(true)
    expect(new BerReader(hex('010101')).readBoolean()).toBe(true)
    expect(new BerReader(hex('01017f')).readBoolean()).toBe(true)
    expect(new BerReader(hex('010100')).readBoolean()).toBe(false)
    expect(codeOf(() => new BerReader(hex('01020000')).readBoolean())).toBe('BER_BAD_BOOLEAN')
    expect(codeOf(() => new BerReader(hex('0100')).readBoolean())).toBe('BER_BAD_BOOLEAN')
  })

  it('reads two’s complement integers and refuses oversized ones', () => {
    expect(new BerReader(hex('020100')).readInteger()).toBe(0)
    expect(new BerReader(hex('02017f')).readInteger()).toBe(127)
    expect(new BerReader(hex('02020080')).readInteger()).toBe(128)
    expect(new BerReader(hex('0201ff')).readInteger()).toBe(-1)
    expect(new BerReader(hex('0a021000')).readEnumerated()).toBe(4096)
    expect(new BerReader(hex('02047fffffff')).readInteger()).toBe(2147483647)
    expect(codeOf(() => new BerReader(hex('0200')).readInteger())).toBe('BER_BAD_INTEGER')
    expect(codeOf(() => new BerReader(hex('0207 01000000000000')).readInteger())).toBe('BER_INTEGER_OUT_OF_RANGE')
  })

  it('rejects indefinite lengths, lengths past the buffer, truncation and high tag numbers with the offset', () => {
    const indefinite = (() => {
      try {
        new BerReader(hex('3080 020100 0000')).readHeader()
      } catch (e) {
        return e as BerError
      }
      return undefined
    })()
    expect(indefinite?.code).toBe('BER_INDEFINITE_LENGTH')
    expect(indefinite?.offset).toBe(0)
    expect(indefinite?.message).toMatch(/indefinite length form.*RFC 4511 §5\.1/)

    const past = new BerReader(hex('3003 0405 6162'))
    const inner = past.enter(0x30)
    try {
      inner.readOctetString()
      expect.unreachable()
    } catch (e) {
      expect((e as BerError).code).toBe('BER_LENGTH_PAST_END')
      expect((e as BerError).offset).toBe(2)
    }
    expect(codeOf(() => new BerReader(hex('30')).readHeader())).toBe('BER_TRUNCATED')
    expect(codeOf(() => new BerReader(hex('3084ffff')).readHeader())).toBe('BER_TRUNCATED')
    expect(codeOf(() => new BerReader(hex('3084ffffffff')).readHeader())).toBe('BER_LENGTH_TOO_LARGE')
    expect(codeOf(() => new BerReader(hex('1f2200')).readHeader())).toBe('BER_HIGH_TAG_NUMBER')
    expect(codeOf(() => new BerReader(hex('')).readOctetString())).toBe('BER_TRUNCATED')
  })

  it('names the expected and found tags', () => {
    try {
      new BerReader(hex('020101')).readOctetString(0x04, 'the cookie')
      expect.unreachable()
    } catch (e) {
      expect((e as BerError).code).toBe('BER_UNEXPECTED_TAG')
      expect((e as BerError).tag).toBe(0x02)
      expect((e as BerError).message).toBe('Expected the cookie (tag 0x04) at offset 0, found tag 0x02.')
    }
  })

  it('refuses malformed UTF-8 in strings but keeps octet strings byte-exact', () => {
    expect(codeOf(() => new BerReader(hex('0402c328')).readString())).toBe('BER_BAD_UTF8')
    expect(toHex(new BerReader(hex('0402c328')).readOctetString())).toBe('c328')
  })
})

describe('BerWriter', () => {
  it('writes minimal lengths, widening constructed elements in place', () => {
    for (const n of [0, 1, 127, 128, 255, 256, 65535, 65536, 70000]) {
      const payload = Buffer.alloc(n, 0x61)
      const out = encodeWith((w) => {
        w.startConstructed(0x30)
        w.writeOctetString(payload)
        w.endConstructed()
      })
      // asn1js is the independent oracle for the length encoding.
      const parsed = asn1js.fromBER(new Uint8Array(out).buffer)
      expect(parsed.offset).toBe(out.length)
      const seq = parsed.result as asn1js.Sequence
      const os = seq.valueBlock.value[0] as asn1js.OctetString
      expect(os.valueBlock.valueHexView.length).toBe(n)
      // minimal: the reader sees the same length, and re-encoding through asn1js is identical
      expect(Buffer.from(seq.toBER()).equals(out)).toBe(true)
    }
  })

  it('writes forced long-form lengths when asked (what generic BER writers send)', () => {
    const out = encodeWith((w) => {
      w.startConstructed(0x30, 4)
      w.writeOctetString(Buffer.from('abc'), 0x04, 1)
      w.writeBoolean(true, 0x01, 0x01)
      w.endConstructed()
    })
    expect(toHex(out)).toBe('308400000009' + '048103616263' + '010101')
  })

  it('writes integers in minimal two’s complement, checked against asn1js', () => {
    for (const v of [0, 1, 127, 128, 255, 256, 4096, 32767, 32768, 2147483647, -1, -128, -129]) {
      const out = encodeWith((w) => w.writeInteger(v))
      const ref = Buffer.from(new asn1js.Integer({ value: v }).toBER())
      expect(toHex(out)).toBe(toHex(ref))
      expect(new BerReader(out).readInteger()).toBe(v)
    }
  })

  it('writes UTF-8 strings of every length class, including non-ASCII', () => {
    for (const s of ['', 'a', 'é'.repeat(63), 'é'.repeat(64), 'ü'.repeat(40000), 'cn=Ærøskøbing,dc=example']) {
      const out = encodeWith((w) => w.writeString(s))
      expect(new BerReader(out).readString()).toBe(s)
      const ref = Buffer.from(new asn1js.OctetString({ valueHex: Buffer.from(s, 'utf8') }).toBER())
      expect(toHex(out)).toBe(toHex(ref))
    }
  })

  it('takes the ASCII fast path only for pure ASCII, at and around its length limit', () => {
    const cases = ['a'.repeat(63), 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(63) + 'é', 'a'.repeat(62) + '€x', 'é' + 'a'.repeat(63), '\u007f'.repeat(64)]
    for (const s of cases) {
      const out = encodeWith((w) => w.writeString(s))
      expect(toHex(out)).toBe(toHex(Buffer.from(new asn1js.OctetString({ valueHex: Buffer.from(s, 'utf8') }).toBER())))
      expect(new BerReader(out).readString()).toBe(s)
    }
    // invalid UTF-8 inside a short value is still refused (the fast path must not swallow it)
    expect(codeOf(() => new BerReader(hex('0403' + '61' + 'c328')).readString())).toBe('BER_BAD_UTF8')
    expect(codeOf(() => new BerReader(hex('0401ff')).readString())).toBe('BER_BAD_UTF8')
  })

  it('writes many PDUs into one buffer and take() starts over', () => {
    const w = new BerWriter(16)
    for (let i = 0; i < 1000; i++) {
      w.startConstructed(0x30)
      w.writeInteger(i)
      w.writeString('x'.repeat(i % 200))
      w.endConstructed()
    }
    const all = w.take()
    expect(w.length).toBe(0)
    const r = new BerReader(all)
    for (let i = 0; i < 1000; i++) {
      const s = r.enter(0x30)
      expect(s.readInteger()).toBe(i)
      expect(s.readString()).toBe('x'.repeat(i % 200))
      s.expectEnd()
    }
    expect(r.atEnd()).toBe(true)
  })

  it('refuses unbalanced use and impossible values with typed errors', () => {
    const w = new BerWriter()
    w.startConstructed(0x30)
    expect(codeOf(() => w.toBuffer())).toBe('BER_WRITE_UNBALANCED')
    w.endConstructed()
    expect(codeOf(() => w.endConstructed())).toBe('BER_WRITE_UNBALANCED')
    expect(codeOf(() => w.writeBoolean(true, 0x01, 0))).toBe('BER_VALUE_OUT_OF_RANGE')
    expect(codeOf(() => w.writeLength(300, 1))).toBe('BER_VALUE_OUT_OF_RANGE')
    expect(codeOf(() => w.writeInteger(1.5))).toBe('BER_VALUE_OUT_OF_RANGE')
  })
})
