import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../errors.js'
import { formatFilter, parseFilter } from './filter-string.js'
import { decodeMessage, encodeMessage } from './message.js'
import { sampleMessages } from './test-support/samples.js'

/** Deterministic PRNG (mulberry32) so that a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  const b = Uint8Array.from(input)
  const kind = Math.floor(rnd() * 4)
  if (kind === 0) {
    // flip a few bits
    for (let i = 0; i < 1 + rnd() * 3; i++) {
      const at = Math.floor(rnd() * b.length)
      b[at] = (b[at] as number) ^ (1 << Math.floor(rnd() * 8))
    }
    return b
  }
  if (kind === 1) return b.subarray(0, Math.floor(rnd() * b.length)) // truncate
  if (kind === 2) {
    // overwrite one octet with an interesting value
    const values = [0x00, 0x7f, 0x80, 0x81, 0x84, 0xff, 0x30, 0xa0, 0x04]
    b[Math.floor(rnd() * b.length)] = values[Math.floor(rnd() * values.length)] as number
    return b
  }
  const at = Math.floor(rnd() * b.length) // insert a random octet
  return Uint8Array.from([...b.subarray(0, at), Math.floor(rnd() * 256), ...b.subarray(at)])
}

describe('hostile input never escapes as anything but a ProtocolError', () => {
  it('20,000 mutations of valid messages each decode or fail with a coded ProtocolError', () => {
    const seeds = sampleMessages().map(([, m]) => new Uint8Array(encodeMessage(m)))
    const rnd = prng(4511)
    let failures = 0
    for (let i = 0; i < 20_000; i++) {
      const bytes = mutate(seeds[i % seeds.length] as Uint8Array, rnd)
      try {
        const msg = decodeMessage(bytes)
        // whatever decodes must encode again without throwing
        encodeMessage(msg)
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw new Error(`mutation ${i} (${Buffer.from(bytes).toString('hex')}) threw ${String(e)}`)
        expect(e.code).toMatch(/^(BER|LDAP)_/)
        failures++
      }
    }
    expect(failures).toBeGreaterThan(1000)
  })

  it('5,000 mutated filter strings each parse (and then format and re-parse to the same Filter) or fail with LDAP_BAD_FILTER_STRING', () => {
    const seeds = [
      '(&(objectClass=person)(|(cn=J*n D\\2a*e)(sn~=smith))(!(uid=\\28x\\29\\5c)))',
      '(cn:dn:caseExactMatch:=Fred)',
      '(&(age>=18)(age<=65)(mail=*))',
      '(sn=Lu\\c4\\8di\\c4\\87)',
    ]
    const alphabet = '()&|!=~<>*:\\0123456789abcdefABCDEF;.- é'
    const rnd = prng(4515)
    let parsed = 0
    let refused = 0
    for (let i = 0; i < 5_000; i++) {
      const seed = seeds[i % seeds.length] as string
      const at = Math.floor(rnd() * seed.length)
      const c = alphabet[Math.floor(rnd() * alphabet.length)] as string
      const s = rnd() < 0.5 ? seed.slice(0, at) + c + seed.slice(at + 1) : seed.slice(0, at) + seed.slice(at + 1)
      let f
      try {
        f = parseFilter(s)
      } catch (e) {
        if (!(e instanceof ProtocolError) || e.code !== 'LDAP_BAD_FILTER_STRING') throw new Error(`parseFilter(${JSON.stringify(s)}) threw ${String(e)}`)
        refused++
        continue
      }
      parsed++
      expect(parseFilter(formatFilter(f))).toEqual(f)
    }
    expect(parsed).toBeGreaterThan(500)
    expect(refused).toBeGreaterThan(500)
  })
})
