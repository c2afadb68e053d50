import { describe, expect, it } from 'vitest'
import { parseHex, parseUuidText, textBytes } from './bytes.js'

describe('parseHex', () => {
  it('reads pairs with whitespace and colons between octets, either case', () => {
    expect(parseHex('04 0a:FF\n10')).toEqual({ ok: true, value: Uint8Array.from([4, 10, 255, 16]) })
    expect(parseHex('')).toEqual({ ok: true, value: new Uint8Array(0) })
    expect(parseHex(' : ')).toEqual({ ok: true, value: new Uint8Array(0) })
  })

  it('refuses odd digit counts, split octets and non-hex characters, saying which', () => {
    expect(parseHex('abc')).toEqual({ ok: false, error: '"abc" has an odd number of hex digits (3); every octet is two digits.' })
    expect(parseHex('a bc d')).toMatchObject({ ok: false, error: expect.stringMatching(/splits an octet at position 1/) })
    expect(parseHex('0g')).toMatchObject({ ok: false, error: expect.stringMatching(/"g" at position 2 is not a hex digit/) })
    expect(parseHex('0x10')).toMatchObject({ ok: false, error: expect.stringMatching(/"x" at position 2/) })
  })
})

describe('parseUuidText', () => {
  it('gives the 16 octets of an 8-4-4-4-12 UUID in either case', () => {
    const r = parseUuidText('63199ADC-7b95-1041-9bf9-193a3b08c68d')
    expect(r.ok && Buffer.from(r.value).toString('hex')).toBe('63199adc7b9510419bf9193a3b08c68d')
  })

  it('refuses anything else', () => {
    for (const bad of ['63199adc7b9510419bf9193a3b08c68d', '63199adc-7b95-1041-9bf9-193a3b08c68', 'g3199adc-7b95-1041-9bf9-193a3b08c68d', '']) {
      expect(parseUuidText(bad).ok).toBe(false)
    }
  })
})

describe('textBytes', () => {
  it('is UTF-8', () => {
    expect([...textBytes('é')]).toEqual([0xc3, 0xa9])
  })
})
