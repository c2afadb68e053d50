import { describe, expect, it } from 'vitest'
import { SYNC_UUID_LENGTH, formatSyncUuid, isCanonicalUuidText, isSyncUuid, parseSyncUuid } from './uuid.js'
import { hex, thrown, toHex } from './sync-oracle.test-support.js'

describe('syncUUID (RFC 4533 §2.1.1) ↔ canonical text', () => {
  it('formats 16 octets as 8-4-4-4-12 lowercase hex and parses it back', () => {
    const bytes = hex('63199adc7b9510419bf9193a3b08c68d')
    expect(formatSyncUuid(bytes)).toBe('63199adc-7b95-1041-9bf9-193a3b08c68d')
    expect(toHex(parseSyncUuid('63199adc-7b95-1041-9bf9-193a3b08c68d'))).toBe('63199adc7b9510419bf9193a3b08c68d')
    const all = Uint8Array.from({ length: 16 }, (_, i) => i * 17)
    expect(formatSyncUuid(all)).toBe('00112233-4455-6677-8899-aabbccddeeff')
    expect(parseSyncUuid(formatSyncUuid(all))).toStrictEqual(all)
    expect(formatSyncUuid(new Uint8Array(16).fill(0xff))).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff')
  })

  it('accepts upper case on input but only writes lower case', () => {
    const u = parseSyncUuid('8DC44601-A936-11EA-8AAF-F248C5FA5780')
    expect(formatSyncUuid(u)).toBe('8dc44601-a936-11ea-8aaf-f248c5fa5780')
    expect(isCanonicalUuidText('8dc44601-a936-11ea-8aaf-f248c5fa5780')).toBe(true)
    expect(isCanonicalUuidText('8DC44601-A936-11EA-8AAF-F248C5FA5780')).toBe(false)
  })

  it('rejects text that is not a UUID and octets that are not 16 long (SYNC_BAD_UUID)', () => {
    for (const t of ['', 'hello', '63199adc7b9510419bf9193a3b08c68d', '63199adc-7b95-1041-9bf9-193a3b08c68', '63199adc-7b95-1041-9bf9-193a3b08c68dd', '{63199adc-7b95-1041-9bf9-193a3b08c68d}', '63199adg-7b95-1041-9bf9-193a3b08c68d', '63199adc_7b95-1041-9bf9-193a3b08c68d']) {
      expect(thrown(() => parseSyncUuid(t)).code, t).toBe('SYNC_BAD_UUID')
      expect(isCanonicalUuidText(t)).toBe(false)
    }
    for (const n of [0, 15, 17, 32]) {
      expect(isSyncUuid(new Uint8Array(n))).toBe(false)
      const e = thrown(() => formatSyncUuid(new Uint8Array(n)))
      expect(e.code).toBe('SYNC_BAD_UUID')
      expect(e.message).toContain(`has ${n}`)
    }
    expect(isSyncUuid(new Uint8Array(SYNC_UUID_LENGTH))).toBe(true)
  })
})
