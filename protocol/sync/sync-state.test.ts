import { describe, expect, it } from 'vitest'
import { decodeSyncStateValue, encodeSyncStateValue, type SyncStateName, type SyncStateValue } from './sync-state.js'
import { parseSyncUuid } from './uuid.js'
import { asn1Read, asn1SyncState, comparable, cookieVariants, expectedLengthOctets, hex, lengthFieldSizes, lengthStyles, thrown, toHex } from './sync-oracle.test-support.js'

const STATES: readonly [SyncStateName, number][] = [
  ['present', 0],
  ['add', 1],
  ['modify', 2],
  ['delete', 3],
]
const UUID = parseSyncUuid('63199adc-7b95-1041-9bf9-193a3b08c68d')

describe('syncStateValue (RFC 4533 §2.3)', () => {
  it('round-trips every state × cookie × length style, and asn1js agrees both ways', () => {
    let cases = 0
    for (const [state, n] of STATES) {
      for (const c of cookieVariants()) {
        const value: SyncStateValue =
          c.cookie === undefined ? { kind: 'syncState', state, entryUUID: UUID } : { kind: 'syncState', state, entryUUID: UUID, cookie: c.cookie }
        for (const lengthOctets of lengthStyles(c.large)) {
          const bytes = encodeSyncStateValue(value, { lengthOctets })
          const d = decodeSyncStateValue(bytes)
          expect(comparable(d.value)).toStrictEqual(comparable(value))
          expect('cookie' in d.value).toBe(c.cookie !== undefined)
          expect(d.form).toStrictEqual({ lengthOctets: expectedLengthOctets(bytes, lengthOctets) })
          expect(d.uniformLengths).toBe(true)
          expect(toHex(encodeSyncStateValue(d.value, d.form))).toBe(toHex(bytes))
          if (lengthOctets > 0) expect(lengthFieldSizes(bytes).every((k) => k === lengthOctets)).toBe(true)
          const o = asn1Read(bytes)
          expect(o.enumerated).toBe(n)
          expect(o.octetStrings).toStrictEqual(c.cookie === undefined ? [toHex(UUID)] : [toHex(UUID), toHex(c.cookie)])
          expect(o.boolean).toBeNull()
          cases++
        }
        const theirs = asn1SyncState(n, UUID, c.cookie)
        expect(comparable(decodeSyncStateValue(theirs).value)).toStrictEqual(comparable(value))
        expect(toHex(encodeSyncStateValue(value))).toBe(toHex(theirs))
      }
    }
    expect(cases).toBe(4 * (3 * 5 + 2 * 4))
  })

  it('writes the slapd bytes for an add without cookie', () => {
    expect(toHex(encodeSyncStateValue({ kind: 'syncState', state: 'add', entryUUID: UUID }))).toBe(
      '30150a0101041063199adc7b9510419bf9193a3b08c68d',
    )
  })

  it('rejects a state outside 0..3 and a UUID that is not 16 octets, with the offending offset', () => {
    for (const s of [4, 255, -1]) {
      const e = thrown(() => decodeSyncStateValue(asn1SyncState(s, UUID, undefined)))
      expect(e.code).toBe('SYNC_BAD_ENUM')
      expect(e.offset).toBe(2)
      expect(e.tag).toBe(0x0a)
    }
    for (const len of [0, 15, 17, 36]) {
      const e = thrown(() => decodeSyncStateValue(asn1SyncState(1, new Uint8Array(len), undefined)))
      expect(e.code).toBe('SYNC_BAD_UUID')
      expect(e.offset).toBe(5)
      expect(e.message).toContain(`${len} octets`)
    }
  })

  it('encodes a bad state or UUID only when asked to (provider script mode)', () => {
    const bad = { kind: 'syncState', state: 7, entryUUID: new Uint8Array(15) } as const
    expect(thrown(() => encodeSyncStateValue(bad)).code).toBe('SYNC_BAD_ENUM')
    expect(thrown(() => encodeSyncStateValue({ ...bad, state: 'add' })).code).toBe('SYNC_BAD_UUID')
    const bytes = encodeSyncStateValue(bad, { allowInvalid: true })
    expect(toHex(bytes)).toBe('30140a0107040f' + '00'.repeat(15))
    const o = asn1Read(bytes)
    expect(o.enumerated).toBe(7)
    // a numeric state in range is just another spelling
    expect(toHex(encodeSyncStateValue({ kind: 'syncState', state: 3, entryUUID: UUID }))).toBe(
      toHex(encodeSyncStateValue({ kind: 'syncState', state: 'delete', entryUUID: UUID })),
    )
  })

  it('tells entryUUID and cookie apart by position among the OCTET STRINGs', () => {
    // a second OCTET STRING is the cookie, a third is a duplicate cookie
    const three = hex('302d 0a0101 0410' + toHex(UUID) + '040161 040162 040163'.replace(/ /g, ''))
    const fixed = Buffer.from(three)
    fixed[1] = fixed.length - 2
    const e = thrown(() => decodeSyncStateValue(fixed))
    expect(e.code).toBe('SYNC_DUPLICATE_MEMBER')
    expect(e.offset).toBe(26)
  })
})
