import { describe, expect, it } from 'vitest'
import { CANCEL_REQUEST_OID, MAX_MESSAGE_ID, decodeCancelRequestValue, encodeCancelRequestValue } from './cancel-request.js'
import { asn1CancelRequest, asn1Read, hex, lengthFieldSizes, thrown, toHex } from './sync-oracle.test-support.js'

describe('cancelRequestValue (RFC 3909 §2.1)', () => {
  it('has the Cancel OID', () => {
    expect(CANCEL_REQUEST_OID).toBe('1.3.6.1.1.8')
  })

  it('round-trips message IDs across the whole MessageID range and every length style; asn1js agrees both ways', () => {
    for (const id of [0, 1, 2, 127, 128, 255, 256, 65_535, 0x800000, MAX_MESSAGE_ID]) {
      for (const lengthOctets of [0, 1, 2, 3, 4]) {
        const bytes = encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: id }, { lengthOctets })
        const d = decodeCancelRequestValue(bytes)
        expect(d.value).toStrictEqual({ kind: 'cancelRequest', cancelID: id })
        expect(d.form).toStrictEqual({ lengthOctets })
        expect(toHex(encodeCancelRequestValue(d.value, d.form))).toBe(toHex(bytes))
        if (lengthOctets > 0) expect(lengthFieldSizes(bytes).every((k) => k === lengthOctets)).toBe(true)
        expect(asn1Read(bytes).integer).toBe(id)
      }
      const theirs = asn1CancelRequest(id)
      expect(decodeCancelRequestValue(theirs).value.cancelID).toBe(id)
      expect(toHex(encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: id }))).toBe(toHex(theirs))
    }
    expect(toHex(encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: 2 }))).toBe('3003020102')
    expect(toHex(encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: 128 }))).toBe('300402020080')
  })

  it('rejects a cancelID outside 0..2^31-1 as LDAP_BAD_MESSAGE_ID, and sends one only when asked to', () => {
    for (const id of [-1, MAX_MESSAGE_ID + 1]) {
      const e = thrown(() => decodeCancelRequestValue(asn1CancelRequest(id)))
      expect(e.code).toBe('LDAP_BAD_MESSAGE_ID')
      expect(e.offset).toBe(2)
      expect(e.tag).toBe(0x02)
      expect(thrown(() => encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: id })).code).toBe('LDAP_BAD_MESSAGE_ID')
      const sent = encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: id }, { allowInvalid: true })
      expect(asn1Read(sent).integer).toBe(id)
    }
    expect(thrown(() => encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: 1.5 })).code).toBe('LDAP_BAD_MESSAGE_ID')
  })

  it('requires exactly one INTEGER member', () => {
    const missing = thrown(() => decodeCancelRequestValue(hex('3000')))
    expect([missing.code, missing.offset, missing.tag]).toStrictEqual(['SYNC_MISSING_MEMBER', 2, 0x02])
    const dup = thrown(() => decodeCancelRequestValue(hex('3006020101020102')))
    expect([dup.code, dup.offset]).toStrictEqual(['SYNC_DUPLICATE_MEMBER', 5])
    const other = thrown(() => decodeCancelRequestValue(hex('30030a0101')))
    expect([other.code, other.offset, other.tag]).toStrictEqual(['SYNC_UNKNOWN_MEMBER', 2, 0x0a])
    const trailing = thrown(() => decodeCancelRequestValue(hex('300302010200')))
    expect([trailing.code, trailing.offset]).toStrictEqual(['SYNC_TRAILING_BYTES', 5])
  })
})
