import { describe, expect, it } from 'vitest'
import { LdapDecodeError } from '../errors.js'
import { createDn } from './dn.js'
import type { AvaInit, Dn } from './dn-types.js'
import { format } from './dn-format.js'
import { equals, normalize } from './dn-normalize.js'
import { parse } from './dn-parse.js'

/** mulberry32: a small seeded PRNG, so every run tests the same inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Pieces weighted towards what makes DN parsing hard. */
const PIECES = [
  'cn', 'CN', 'ou', 'dc', 'uid', 'OID.', 'oid.', '2.5.4.3', '1.', '0', '01', '=', '=', '=', ',', ',', ';', '+', '+', ' ', ' ', '  ',
  '\\', '\\\\', '\\,', '\\ ', '\\#', '\\C3', '\\A6', '\\C3\\A6', '\\E2\\82\\AC', '\\F0\\9F\\98\\80', '\\ED\\A0\\80', '\\0', '\\zz',
  '#', '#04', '#0402', 'ab', 'F', '"', '"a,b"', '<', '>', '\u0000', '\uD800', '\uDC00', '😀', 'Æ', 'ø', 'é', 'x', 'y', '-', '_', '.', '\t',
]

function randomText(next: () => number): string {
  const n = Math.floor(next() * 12)
  let s = ''
  for (let k = 0; k < n; k++) s += PIECES[Math.floor(next() * PIECES.length)]
  return s
}

describe('fuzz: random strings', () => {
  it('20,000 random strings each give a Dn or an LDAP_BAD_DN error, never anything else', () => {
    const next = prng(0x4514)
    let parsed = 0
    for (let k = 0; k < 20_000; k++) {
      const text = randomText(next)
      let dn: Dn
      try {
        dn = parse(text)
      } catch (e) {
        if (!(e instanceof LdapDecodeError) || e.code !== 'LDAP_BAD_DN') throw new Error(`parse(${JSON.stringify(text)}) threw ${String(e)}`)
        expect(e.offset).toBeGreaterThanOrEqual(0)
        expect(e.offset).toBeLessThanOrEqual(text.length)
        continue
      }
      parsed++
      // Whatever parses must format to a string that parses back to the same DN and key.
      const text1 = format(dn)
      const again = parse(text1)
      if (format(again) !== text1 || normalize(again) !== normalize(dn)) {
        throw new Error(`unstable: ${JSON.stringify(text)} → ${JSON.stringify(text1)} → ${JSON.stringify(format(again))}`)
      }
      expect(equals(again, text)).toBe(true)
    }
    // The generator must reach the success paths too, or the loop above proves little.
    expect(parsed).toBeGreaterThan(1_000)
  })
})

const TYPES = ['cn', 'SN', 'uid', 'ou', 'o', 'dc', 'C', 'givenName', '1.2.840.113556.1.4.1', 'x-Attr-1', 'krbPrincipalName']
const VALUE_CHARS = [' ', ' ', '#', '=', ',', '+', ';', '"', '\\', '<', '>', '\u0000', '\r', 'a', 'B', 'z', '0', 'Æ', 'ß', 'é', '😀', '\u00A0', '\u3000']

function randomValue(next: () => number): string {
  const n = Math.floor(next() * 8)
  let s = ''
  for (let k = 0; k < n; k++) s += VALUE_CHARS[Math.floor(next() * VALUE_CHARS.length)]
  return s
}

function randomDn(next: () => number): Dn {
  const rdns: AvaInit[][] = []
  const depth = Math.floor(next() * 5)
  for (let r = 0; r < depth; r++) {
    // Distinct types within an RDN, so no two AVAs can collide.
    const types = [...TYPES].sort(() => next() - 0.5).slice(0, 1 + Math.floor(next() * 3))
    rdns.push(
      types.map((type): AvaInit => {
        if (next() < 0.15) {
          const bytes = Uint8Array.from({ length: 1 + Math.floor(next() * 6) }, () => Math.floor(next() * 256))
          return { type, hex: bytes }
        }
        return { type, value: randomValue(next) }
      }),
    )
  }
  return createDn(rdns)
}

describe('fuzz: random valid DNs', () => {
  it('parse(format(x)) equals x for 5,000 DNs built from random AVAs', () => {
    const next = prng(4533)
    for (let k = 0; k < 5_000; k++) {
      const dn = randomDn(next)
      const text = format(dn)
      const back = parse(text)
      expect(back).toEqual(dn)
      expect(normalize(back)).toBe(normalize(dn))
      expect(normalize(parse(normalize(dn)))).toBe(normalize(dn))
    }
  })
})
