import { describe, expect, it } from 'vitest'
import { decodeSyncRequestValue, encodeSyncRequestValue, isKnownSyncMode, type SyncRequestValue } from './sync-request.js'
import {
  DEFAULT_FALSE_VARIANTS,
  asn1Read,
  asn1SyncRequest,
  comparable,
  cookieVariants,
  expectedLengthOctets,
  hex,
  lengthFieldSizes,
  lengthStyles,
  observedForm,
  thrown,
  toHex,
} from './sync-oracle.test-support.js'

const MODES = [
  { mode: 'refreshOnly', n: 1 },
  { mode: 'refreshAndPersist', n: 3 },
] as const

describe('syncRequestValue (RFC 4533 §2.2)', () => {
  it('round-trips every mode × cookie × reloadHint × length style, and asn1js agrees both ways', () => {
    let cases = 0
    for (const { mode, n } of MODES) {
      for (const c of cookieVariants()) {
        for (const b of DEFAULT_FALSE_VARIANTS) {
          const value: SyncRequestValue =
            c.cookie === undefined ? { kind: 'syncRequest', mode, reloadHint: b.value } : { kind: 'syncRequest', mode, cookie: c.cookie, reloadHint: b.value }
          for (const lengthOctets of lengthStyles(c.large)) {
            const form = { reloadHint: b.form, lengthOctets }
            const bytes = encodeSyncRequestValue(value, form)
            const d = decodeSyncRequestValue(bytes)
            expect(comparable(d.value)).toStrictEqual(comparable(value))
            expect('cookie' in d.value).toBe(c.cookie !== undefined)
            expect(d.form).toStrictEqual({ reloadHint: observedForm(b.wire), lengthOctets: expectedLengthOctets(bytes, lengthOctets) })
            expect(d.uniformLengths).toBe(true)
            expect(toHex(encodeSyncRequestValue(d.value, d.form))).toBe(toHex(bytes))
            expect(new Set(lengthFieldSizes(bytes)).size === 1 || lengthOctets === 0).toBe(true)
            if (lengthOctets > 0) expect(lengthFieldSizes(bytes).every((k) => k === lengthOctets)).toBe(true)

            // our bytes → asn1js
            const o = asn1Read(bytes)
            expect(o.tag).toBe('1/16/c')
            expect(o.enumerated).toBe(n)
            expect(o.octetStrings).toStrictEqual(c.cookie === undefined ? [] : [toHex(c.cookie)])
            expect(o.boolean).toBe(b.wire ?? null)
            cases++
          }
          // asn1js bytes → us (asn1js writes minimal lengths)
          const theirs = asn1SyncRequest(n, c.cookie, b.wire)
          const d = decodeSyncRequestValue(theirs)
          expect(comparable(d.value)).toStrictEqual(comparable(value))
          expect(d.form.reloadHint).toStrictEqual(observedForm(b.wire))
          expect(toHex(encodeSyncRequestValue(d.value, d.form))).toBe(toHex(theirs))
        }
      }
    }
    expect(cases).toBe(2 * 4 * (3 * 5 + 2 * 4))
  })

  it('is DER by default: no reloadHint when FALSE, TRUE as 0xFF, minimal lengths', () => {
    expect(toHex(encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', reloadHint: false }))).toBe('30030a0101')
    expect(toHex(encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshAndPersist', reloadHint: true }))).toBe('30060a01030101ff')
    expect(toHex(encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', cookie: new Uint8Array(0), reloadHint: false }))).toBe(
      '30050a01010400',
    )
    const big = encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', cookie: new Uint8Array(300), reloadHint: false })
    expect(toHex(big.subarray(0, 4))).toBe('30820133')
    expect(toHex(big.subarray(7, 11))).toBe('0482012c')
  })

  it('reads and rewrites python-ldap 3.4.3 requests byte for byte (TRUE = 0x01)', () => {
    const golden: [string, 'refreshOnly' | 'refreshAndPersist', string | undefined, boolean][] = []
    for (const [m, mode] of [['01', 'refreshOnly'], ['03', 'refreshAndPersist']] as const) {
      golden.push(
        [`30030a01${m}`, mode, undefined, false],
        [`30060a01${m}010101`, mode, undefined, true],
        [`300c0a01${m}04077269643d303030`, mode, 'rid=000', false],
        [`300f0a01${m}04077269643d303030010101`, mode, 'rid=000', true],
        [`30050a01${m}0400`, mode, '', false],
        [`30080a01${m}0400010101`, mode, '', true],
      )
    }
    expect(golden).toContainEqual(['300f0a010304077269643d303030010101', 'refreshAndPersist', 'rid=000', true])
    for (const [h, mode, cookie, reloadHint] of golden) {
      const d = decodeSyncRequestValue(hex(h))
      expect(d.value.mode).toBe(mode)
      expect(d.value.cookie === undefined ? undefined : Buffer.from(d.value.cookie).toString('latin1')).toBe(cookie)
      expect(d.value.reloadHint).toBe(reloadHint)
      expect(d.form.reloadHint).toStrictEqual(reloadHint ? { explicit: true, trueOctet: 1 } : { explicit: false })
      expect(toHex(encodeSyncRequestValue(d.value, d.form))).toBe(h)
      // and what we would send by default differs only in the TRUE octet
      expect(toHex(encodeSyncRequestValue(d.value))).toBe(reloadHint ? h.slice(0, -2) + 'ff' : h)
    }
  })

  it("keeps slapd's consumer habit: reloadHint FALSE written explicitly", () => {
    const v: SyncRequestValue = { kind: 'syncRequest', mode: 'refreshAndPersist', cookie: Buffer.from('rid=001'), reloadHint: false }
    const bytes = encodeSyncRequestValue(v, { reloadHint: { explicit: true } })
    expect(toHex(bytes)).toBe('300f0a010304077269643d303031010100')
    expect(decodeSyncRequestValue(bytes).form.reloadHint).toStrictEqual({ explicit: true })
  })

  it('reports an unknown mode as its number so the provider can answer "unknown update mode"', () => {
    for (const m of [0, 2, 4, 127, -1, 255]) {
      const asn1 = asn1SyncRequest(m, undefined, undefined)
      const d = decodeSyncRequestValue(asn1)
      expect(d.value.mode).toBe(m)
      expect(isKnownSyncMode(d.value.mode)).toBe(false)
      expect(toHex(encodeSyncRequestValue(d.value, d.form))).toBe(toHex(asn1))
    }
    expect(isKnownSyncMode(decodeSyncRequestValue(hex('30030a0103')).value.mode)).toBe(true)
    // …while garbage is still an error, not a mode
    expect(thrown(() => decodeSyncRequestValue(hex('3003020102'))).code).toBe('SYNC_UNKNOWN_MEMBER')
    expect(thrown(() => decodeSyncRequestValue(hex('30020a00'))).code).toBe('BER_BAD_INTEGER')
  })

  it('reports mixed length styles as not replayable', () => {
    // minimal outer length, long-form cookie length
    const bytes = hex('30090a0101048103616263')
    const d = decodeSyncRequestValue(bytes)
    expect(Buffer.from(d.value.cookie ?? []).toString()).toBe('abc')
    expect(d.uniformLengths).toBe(false)
    // uniform non-minimal style is replayable
    const uniform = hex('3081 0a 0a8101 01 048103616263')
    const u = decodeSyncRequestValue(uniform)
    expect(u.form.lengthOctets).toBe(1)
    expect(u.uniformLengths).toBe(true)
    expect(toHex(encodeSyncRequestValue(u.value, u.form))).toBe(toHex(uniform))
  })

  it('refuses a length style too small for the value', () => {
    const v: SyncRequestValue = { kind: 'syncRequest', mode: 'refreshOnly', cookie: new Uint8Array(4096), reloadHint: false }
    expect(thrown(() => encodeSyncRequestValue(v, { lengthOctets: 1 })).code).toBe('BER_VALUE_OUT_OF_RANGE')
  })
})
