import { describe, expect, it } from 'vitest'
import { decodeSyncDoneValue, encodeSyncDoneValue, type SyncDoneValue } from './sync-done.js'
import {
  DEFAULT_FALSE_VARIANTS,
  asn1Read,
  asn1SyncDone,
  comparable,
  cookieVariants,
  expectedLengthOctets,
  hex,
  lengthFieldSizes,
  lengthStyles,
  observedForm,
  toHex,
} from './sync-oracle.test-support.js'

describe('syncDoneValue (RFC 4533 §2.4)', () => {
  it('round-trips every cookie × refreshDeletes × length style, and asn1js agrees both ways', () => {
    let cases = 0
    for (const c of cookieVariants()) {
      for (const b of DEFAULT_FALSE_VARIANTS) {
        const value: SyncDoneValue =
          c.cookie === undefined ? { kind: 'syncDone', refreshDeletes: b.value } : { kind: 'syncDone', cookie: c.cookie, refreshDeletes: b.value }
        for (const lengthOctets of lengthStyles(c.large)) {
          const bytes = encodeSyncDoneValue(value, { refreshDeletes: b.form, lengthOctets })
          const d = decodeSyncDoneValue(bytes)
          expect(comparable(d.value)).toStrictEqual(comparable(value))
          expect('cookie' in d.value).toBe(c.cookie !== undefined)
          expect(d.form).toStrictEqual({ refreshDeletes: observedForm(b.wire), lengthOctets: expectedLengthOctets(bytes, lengthOctets) })
          expect(d.uniformLengths).toBe(true)
          expect(toHex(encodeSyncDoneValue(d.value, d.form))).toBe(toHex(bytes))
          if (lengthOctets > 0) expect(lengthFieldSizes(bytes).every((k) => k === lengthOctets)).toBe(true)
          const o = asn1Read(bytes)
          expect(o.tag).toBe('1/16/c')
          expect(o.octetStrings).toStrictEqual(c.cookie === undefined ? [] : [toHex(c.cookie)])
          expect(o.boolean).toBe(b.wire ?? null)
          cases++
        }
        const theirs = asn1SyncDone(c.cookie, b.wire)
        const d = decodeSyncDoneValue(theirs)
        expect(comparable(d.value)).toStrictEqual(comparable(value))
        expect(toHex(encodeSyncDoneValue(d.value, d.form))).toBe(toHex(theirs))
      }
    }
    expect(cases).toBe(4 * (3 * 5 + 2 * 4))
  })

  it('writes what slapd writes: refreshDeletes only when TRUE, as 0xFF; an empty SEQUENCE otherwise', () => {
    expect(toHex(encodeSyncDoneValue({ kind: 'syncDone', refreshDeletes: true }))).toBe('30030101ff')
    expect(toHex(encodeSyncDoneValue({ kind: 'syncDone', refreshDeletes: false }))).toBe('3000')
    expect(toHex(encodeSyncDoneValue({ kind: 'syncDone', cookie: new Uint8Array(0), refreshDeletes: true }))).toBe('300504000101ff')
  })

  it('keeps an absent cookie and a zero-length cookie apart (slapd 2.6.14+ sends the latter)', () => {
    const empty = decodeSyncDoneValue(hex('30020400'))
    expect(empty.value.cookie).toStrictEqual(new Uint8Array(0))
    const none = decodeSyncDoneValue(hex('3000'))
    expect('cookie' in none.value).toBe(false)
    expect(none.value.refreshDeletes).toBe(false)
  })

  it('reads TRUE as any non-zero octet and remembers which', () => {
    for (const octet of [0x01, 0x7f, 0x80, 0xfe, 0xff]) {
      const d = decodeSyncDoneValue(hex(`30030101${octet.toString(16).padStart(2, '0')}`))
      expect(d.value.refreshDeletes).toBe(true)
      expect(d.form.refreshDeletes).toStrictEqual({ explicit: true, trueOctet: octet })
      expect(toHex(encodeSyncDoneValue(d.value, d.form)).slice(-2)).toBe(octet.toString(16).padStart(2, '0'))
    }
  })
})
