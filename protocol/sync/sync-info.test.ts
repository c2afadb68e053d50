import { describe, expect, it } from 'vitest'
import { decodeSyncInfoValue, encodeSyncInfoValue, type SyncInfoValue } from './sync-info.js'
import type { SyncIdSetValue } from './sync-info-sync-id-set.js'
import { formatSyncUuid } from './uuid.js'
import {
  DEFAULT_FALSE_VARIANTS,
  DEFAULT_TRUE_VARIANTS,
  asn1Newcookie,
  asn1Read,
  asn1Refresh,
  asn1SyncIdSet,
  comparable,
  cookieVariants,
  expectedLengthOctets,
  hex,
  lengthFieldSizes,
  lengthStyles,
  observedForm,
  thrown,
  toHex,
  uuids,
} from './sync-oracle.test-support.js'

function withCookie<T extends object>(base: T, cookie: Uint8Array | undefined): T & { cookie?: Uint8Array } {
  return cookie === undefined ? base : { ...base, cookie }
}

describe('syncInfoValue (RFC 4533 §2.5)', () => {
  it('newcookie [0]: round-trips every cookie × length style as a primitive 0x80 element; asn1js agrees', () => {
    for (const c of cookieVariants()) {
      if (c.cookie === undefined) continue // newcookie's cookie is not optional
      for (const lengthOctets of lengthStyles(c.large)) {
        const value: SyncInfoValue = { kind: 'newcookie', cookie: c.cookie }
        const bytes = encodeSyncInfoValue(value, { lengthOctets })
        expect(bytes[0]).toBe(0x80)
        const d = decodeSyncInfoValue(bytes)
        expect(d.kind).toBe('newcookie')
        expect(comparable(d.value)).toStrictEqual(comparable(value))
        expect(d.form).toStrictEqual({ lengthOctets: expectedLengthOctets(bytes, lengthOctets) })
        expect(toHex(encodeSyncInfoValue(d.value, d.form))).toBe(toHex(bytes))
        const o = asn1Read(bytes)
        expect(o.tag).toBe('3/0/p')
        expect(o.octetStrings).toStrictEqual([toHex(c.cookie)])
      }
      const theirs = asn1Newcookie(c.cookie)
      expect(decodeSyncInfoValue(theirs).value).toStrictEqual({ kind: 'newcookie', cookie: c.cookie })
      expect(toHex(encodeSyncInfoValue({ kind: 'newcookie', cookie: c.cookie }))).toBe(toHex(theirs))
    }
  })

  for (const [kind, tagNumber] of [
    ['refreshDelete', 1],
    ['refreshPresent', 2],
  ] as const) {
    it(`${kind} [${tagNumber}]: round-trips every cookie × refreshDone (DEFAULT TRUE) × length style; asn1js agrees`, () => {
      let cases = 0
      for (const c of cookieVariants()) {
        for (const b of DEFAULT_TRUE_VARIANTS) {
          const value = withCookie({ kind, refreshDone: b.value }, c.cookie) as SyncInfoValue
          for (const lengthOctets of lengthStyles(c.large)) {
            const bytes = encodeSyncInfoValue(value, { refreshDone: b.form, lengthOctets })
            expect(bytes[0]).toBe(0xa0 | tagNumber)
            const d = decodeSyncInfoValue(bytes)
            expect(d.kind).toBe(kind)
            expect(comparable(d.value)).toStrictEqual(comparable(value))
            expect('cookie' in d.value).toBe(c.cookie !== undefined)
            expect(d.form).toStrictEqual({ refreshDone: observedForm(b.wire), lengthOctets: expectedLengthOctets(bytes, lengthOctets) })
            expect(d.uniformLengths).toBe(true)
            expect(toHex(encodeSyncInfoValue(d.value, d.form))).toBe(toHex(bytes))
            if (lengthOctets > 0) expect(lengthFieldSizes(bytes).every((k) => k === lengthOctets)).toBe(true)
            const o = asn1Read(bytes)
            expect(o.tag).toBe(`3/${tagNumber}/c`)
            expect(o.octetStrings).toStrictEqual(c.cookie === undefined ? [] : [toHex(c.cookie)])
            expect(o.boolean).toBe(b.wire ?? null)
            cases++
          }
          const theirs = asn1Refresh(tagNumber, c.cookie, b.wire)
          const d = decodeSyncInfoValue(theirs)
          expect(comparable(d.value)).toStrictEqual(comparable(value))
          expect(toHex(encodeSyncInfoValue(d.value, d.form))).toBe(toHex(theirs))
        }
      }
      expect(cases).toBe(4 * (3 * 5 + 2 * 4))
    })
  }

  it("decodes slapd's `a1 00` as refreshDelete with refreshDone TRUE and no cookie, and writes it back", () => {
    const d = decodeSyncInfoValue(hex('a100'))
    expect(d.kind).toBe('refreshDelete')
    expect(d.value).toStrictEqual({ kind: 'refreshDelete', refreshDone: true })
    expect(toHex(encodeSyncInfoValue({ kind: 'refreshDelete', refreshDone: true }))).toBe('a100')
    // refreshDone FALSE without a cookie (go-ldap/ldap#625 inverted this by counting children)
    expect(decodeSyncInfoValue(hex('a203010100')).value).toStrictEqual({ kind: 'refreshPresent', refreshDone: false })
  })

  for (const [count, uuidSetTag] of [
    [0, 0x31],
    [0, 0x30],
    [1, 0x31],
    [1, 0x30],
    [256, 0x31],
    [256, 0x30],
  ] as const) {
    const setName = uuidSetTag === 0x31 ? 'SET (0x31)' : 'SEQUENCE (0x30)'
    it(`syncIdSet [3] with ${count} UUIDs in a ${setName}: round-trips every cookie × refreshDeletes × length style; asn1js agrees`, () => {
      let cases = 0
      const list = uuids(count)
      for (const c of cookieVariants()) {
        for (const b of DEFAULT_FALSE_VARIANTS) {
          const value = withCookie({ kind: 'syncIdSet', refreshDeletes: b.value, syncUUIDs: list }, c.cookie) as SyncIdSetValue
          for (const lengthOctets of lengthStyles(c.large || count === 256)) {
            const bytes = encodeSyncInfoValue(value, { refreshDeletes: b.form, uuidSetTag, lengthOctets })
            const d = decodeSyncInfoValue(bytes)
            expect(d.kind).toBe('syncIdSet')
            expect(comparable(d.value)).toStrictEqual(comparable(value))
            expect('cookie' in d.value).toBe(c.cookie !== undefined)
            expect(d.form).toStrictEqual({
              refreshDeletes: observedForm(b.wire),
              uuidSetTag,
              lengthOctets: expectedLengthOctets(bytes, lengthOctets),
            })
            expect(toHex(encodeSyncInfoValue(d.value, d.form))).toBe(toHex(bytes))
            if (lengthOctets > 0) expect(lengthFieldSizes(bytes).every((k) => k === lengthOctets)).toBe(true)
            cases++
            // asn1js takes ~3 ms per 256-UUID parse: read minimal and 4-octet forms there, every form otherwise
            if (count === 256 && lengthOctets !== 0 && lengthOctets !== 4) continue
            const o = asn1Read(bytes)
            expect(o.tag).toBe('3/3/c')
            expect(o.octetStrings).toStrictEqual(c.cookie === undefined ? [] : [toHex(c.cookie)])
            expect(o.boolean).toBe(b.wire ?? null)
            expect(o.setTag).toBe(uuidSetTag)
            expect(o.uuids).toStrictEqual(list.map(toHex))
          }
          const theirs = asn1SyncIdSet(c.cookie, b.wire, list, uuidSetTag === 0x30)
          const d = decodeSyncInfoValue(theirs)
          expect(comparable(d.value)).toStrictEqual(comparable(value))
          expect(toHex(encodeSyncInfoValue(d.value, d.form))).toBe(toHex(theirs))
        }
      }
      expect(cases).toBe(4 * (count === 256 ? 5 * 4 : 3 * 5 + 2 * 4))
    })
  }

  it('syncIdSet with 10,000 UUIDs: both directions, asn1js agrees, well under a second', () => {
    const list = uuids(10_000)
    const value: SyncIdSetValue = { kind: 'syncIdSet', cookie: new Uint8Array([1, 2, 3]), refreshDeletes: true, syncUUIDs: list }
    const t0 = performance.now()
    const bytes = encodeSyncInfoValue(value)
    const d = decodeSyncInfoValue(bytes)
    const again = encodeSyncInfoValue(d.value, d.form)
    const elapsed = performance.now() - t0
    expect(elapsed).toBeLessThan(500)
    expect(bytes.length).toBe(5 + 5 + 3 + 5 + 10_000 * 18)
    expect(toHex(bytes.subarray(0, 18))).toBe('a38302bf2d' + '0403010203' + '0101ff' + '318302bf20')
    expect(d.kind === 'syncIdSet' && d.value.syncUUIDs.length).toBe(10_000)
    expect(comparable(d.value)).toStrictEqual(comparable(value))
    expect(Buffer.compare(again, bytes)).toBe(0)
    const o = asn1Read(bytes)
    expect(o.uuids?.length).toBe(10_000)
    expect(o.uuids?.[9_999]).toBe(toHex(list[9_999] as Uint8Array))
    const theirs = asn1SyncIdSet(value.cookie, 0xff, list)
    expect(Buffer.compare(Buffer.from(theirs), bytes)).toBe(0)
  })

  it("decodes the 389-DS syncIdSet python-ldap's test keeps (python-ldap#351: not a refreshDelete)", () => {
    const bytes = hex(`a36b04526c6461706b64632e6578616d706c652e636f6d3a333839303123636e
      3d6469726563746f7279206d616e616765723a64633d6578616d706c652c6463
      3d636f6d3a286f626a656374436c6173733d2a2923330101ff311204108dc446
      01a93611ea8aaff248c5fa5780`)
    const d = decodeSyncInfoValue(bytes)
    if (d.kind !== 'syncIdSet') throw new Error(`decoded as ${d.kind}`)
    expect(Buffer.from(d.value.cookie ?? []).toString('latin1')).toBe(
      'ldapkdc.example.com:38901#cn=directory manager:dc=example,dc=com:(objectClass=*)#3',
    )
    expect(d.value.refreshDeletes).toBe(true)
    expect(d.value.syncUUIDs.map(formatSyncUuid)).toStrictEqual(['8dc44601-a936-11ea-8aaf-f248c5fa5780'])
    expect(d.form).toStrictEqual({ refreshDeletes: { explicit: true, trueOctet: 0xff }, uuidSetTag: 0x31, lengthOctets: 0 })
    expect(toHex(encodeSyncInfoValue(d.value, d.form))).toBe(toHex(bytes))
    expect(toHex(encodeSyncInfoValue(d.value))).toBe(toHex(bytes))
  })

  it('refuses a wrong-length syncUUID unless asked to send it', () => {
    const value: SyncIdSetValue = { kind: 'syncIdSet', refreshDeletes: false, syncUUIDs: [new Uint8Array(16), new Uint8Array(15)] }
    const e = thrown(() => encodeSyncInfoValue(value))
    expect(e.code).toBe('SYNC_BAD_UUID')
    expect(e.message).toContain('syncUUIDs[1]')
    const bytes = encodeSyncInfoValue(value, { allowInvalid: true })
    expect(toHex(bytes)).toBe('a32531230410' + '00'.repeat(16) + '040f' + '00'.repeat(15))
    const d = thrown(() => decodeSyncInfoValue(bytes))
    expect(d.code).toBe('SYNC_BAD_UUID')
    expect(d.offset).toBe(22)
  })
})
