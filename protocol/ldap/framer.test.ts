import { describe, expect, it } from 'vitest'
import { LdapFramer } from './framer.js'
import { BerWriter } from '../ber/writer.js'
import { ProtocolError } from '../errors.js'

/** N small LDAPMessage-shaped PDUs of varied sizes (short and long-form lengths). */
function pdus(count: number): Buffer[] {
  const out: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const w = new BerWriter(64)
    w.startConstructed(0x30)
    w.writeInteger(i + 1)
    w.writeOctetString(Buffer.alloc((i * 37) % 700, i & 0xff), 0x44)
    w.endConstructed()
    out.push(w.toBuffer())
  }
  return out
}

function feed(framer: LdapFramer, stream: Buffer, cuts: number[]): Buffer[] {
  const got: Buffer[] = []
  let prev = 0
  for (const c of [...cuts, stream.length]) {
    for (const m of framer.push(stream.subarray(prev, c))) got.push(Buffer.from(m))
    prev = c
  }
  return got
}

/** Cheap exact comparison (vitest's deep equality on Buffers is slow in loops). */
function expectSame(got: Buffer[], want: Buffer[]): void {
  expect(got.length).toBe(want.length)
  for (let i = 0; i < want.length; i++) {
    if (!(got[i] as Buffer).equals(want[i] as Buffer)) expect.fail(`PDU ${i} differs`)
  }
}

function errorOf(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return e as ProtocolError
  }
  throw new Error('expected a ProtocolError')
}

describe('LdapFramer', () => {
  const messages = pdus(40)
  const stream = Buffer.concat(messages)

  it('returns every PDU when all arrive in one chunk', () => {
    const f = new LdapFramer()
    expect(feed(f, stream, [])).toEqual(messages)
    expect(f.buffered).toBe(0)
    f.end()
  })

  it('reassembles PDUs fed one octet at a time', () => {
    const f = new LdapFramer()
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1)
    expect(feed(f, stream, cuts)).toEqual(messages)
  })

  it('reassembles at every single split point of a long-form PDU', () => {
    const one = messages[30] as Buffer
    expect(one[1]).toBeGreaterThan(0x80) // long-form length: the header itself can be split
    for (let cut = 1; cut < one.length; cut++) {
      const f = new LdapFramer()
      expectSame(feed(f, Buffer.concat([one, one]), [cut, one.length + cut]), [one, one])
    }
  })

  it('handles seeded random chunkings', () => {
    let seed = 42
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
    for (let round = 0; round < 200; round++) {
      const cuts: number[] = []
      let at = 0
      while (true) {
        at += 1 + Math.floor(rnd() * 300)
        if (at >= stream.length) break
        cuts.push(at)
      }
      expectSame(feed(new LdapFramer(), stream, cuts), messages)
    }
  })

  it('accepts long-form lengths with leading zero octets', () => {
    const pdu = Buffer.from('308400000003020107', 'hex')
    expect(feed(new LdapFramer(), pdu, [3])).toEqual([pdu])
  })

  it('rejects a stream that does not start with an LDAPMessage, with the stream offset', () => {
    const f = new LdapFramer()
    f.push(messages[0] as Buffer)
    const e = errorOf(() => f.push(Buffer.from('0401ff', 'hex')))
    expect(e.code).toBe('LDAP_BAD_MESSAGE')
    expect(e.offset).toBe((messages[0] as Buffer).length)
    expect(e.tag).toBe(0x04)
    // the stream has lost synchronisation: the framer stays failed
    expect(errorOf(() => f.push(messages[1] as Buffer)).code).toBe('LDAP_BAD_MESSAGE')
  })

  it('delivers the whole PDUs that precede a fault in the same chunk, then reports the fault', () => {
    const f = new LdapFramer()
    const good = messages.slice(0, 3)
    const got = f.push(Buffer.concat([...good, Buffer.from('0401ff', 'hex')]))
    expectSame(got.map((g) => Buffer.from(g)), good)
    const e = f.error as ProtocolError
    expect(e.code).toBe('LDAP_BAD_MESSAGE')
    expect(e.offset).toBe(good.reduce((n, g) => n + g.length, 0))
    expect(errorOf(() => f.push(messages[4] as Buffer))).toBe(e)
    expect(errorOf(() => f.end())).toBe(e)
  })

  it('rejects indefinite and absurd lengths before buffering anything', () => {
    expect(errorOf(() => new LdapFramer().push(Buffer.from('3080', 'hex'))).code).toBe('BER_INDEFINITE_LENGTH')
    expect(errorOf(() => new LdapFramer().push(Buffer.from('3089', 'hex'))).code).toBe('BER_LENGTH_TOO_LARGE')
    const big = errorOf(() => new LdapFramer({ maxPduSize: 1000 }).push(Buffer.from('308203e8', 'hex')))
    expect(big.code).toBe('LDAP_PDU_TOO_LARGE')
    expect(big.message).toMatch(/1000 content octets, more than the limit of 1000/)
    const huge = errorOf(() => new LdapFramer().push(Buffer.from('3084ffffffff', 'hex')))
    expect(huge.code).toBe('LDAP_PDU_TOO_LARGE')
  })

  it('reports a stream cut off in the middle of a PDU', () => {
    const f = new LdapFramer()
    f.push((messages[5] as Buffer).subarray(0, 3))
    expect(f.buffered).toBe(3)
    const e = errorOf(() => f.end())
    expect(e.code).toBe('BER_TRUNCATED')
    expect(e.offset).toBe(0)
  })
})
