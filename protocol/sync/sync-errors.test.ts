import { describe, expect, it } from 'vitest'
import { ProtocolError, SyncValueError } from '../errors.js'
import { decodeSyncDoneValue } from './sync-done.js'
import { decodeSyncInfoValue } from './sync-info.js'
import { decodeSyncRequestValue } from './sync-request.js'
import { decodeSyncStateValue } from './sync-state.js'
import { hex, thrown } from './sync-oracle.test-support.js'

/*
 * Every SYNC_* decode error reached by a crafted input, with the offset (relative to the start of
 * the control / intermediate value) and tag it must report. Offsets are spelled out per input.
 */

const U16 = '0410' + '11'.repeat(16) // a valid entryUUID element (18 octets)

type Decoder = (b: Uint8Array) => unknown
const cases: { name: string; decode: Decoder; input: string; code: string; offset: number; tag?: number }[] = [
  // SYNC_MISSING_MEMBER: offset = where the member was due (the end of the SEQUENCE contents), tag = the member's tag
  { name: 'syncRequestValue without mode', decode: decodeSyncRequestValue, input: '30020400', code: 'SYNC_MISSING_MEMBER', offset: 4, tag: 0x0a },
  { name: 'empty syncRequestValue', decode: decodeSyncRequestValue, input: '3000', code: 'SYNC_MISSING_MEMBER', offset: 2, tag: 0x0a },
  { name: 'syncStateValue without entryUUID', decode: decodeSyncStateValue, input: '30030a0101', code: 'SYNC_MISSING_MEMBER', offset: 5, tag: 0x04 },
  { name: 'syncStateValue without state', decode: decodeSyncStateValue, input: '3012' + U16, code: 'SYNC_MISSING_MEMBER', offset: 20, tag: 0x0a },
  { name: 'syncIdSet without syncUUIDs', decode: decodeSyncInfoValue, input: 'a3030101ff', code: 'SYNC_MISSING_MEMBER', offset: 5, tag: 0x31 },
  { name: 'empty syncIdSet', decode: decodeSyncInfoValue, input: 'a300', code: 'SYNC_MISSING_MEMBER', offset: 2, tag: 0x31 },

  // SYNC_DUPLICATE_MEMBER: offset/tag of the second occurrence
  { name: 'two cookies in a syncRequestValue', decode: decodeSyncRequestValue, input: '30090a0101040161040162', code: 'SYNC_DUPLICATE_MEMBER', offset: 8, tag: 0x04 },
  { name: 'two reloadHints', decode: decodeSyncRequestValue, input: '30090a01010101ff0101ff', code: 'SYNC_DUPLICATE_MEMBER', offset: 8, tag: 0x01 },
  { name: 'two refreshDeletes in a syncDoneValue', decode: decodeSyncDoneValue, input: '30060101ff010100', code: 'SYNC_DUPLICATE_MEMBER', offset: 5, tag: 0x01 },
  { name: 'two cookies in a syncDoneValue', decode: decodeSyncDoneValue, input: '3006040161040162', code: 'SYNC_DUPLICATE_MEMBER', offset: 5, tag: 0x04 },
  { name: 'two states', decode: decodeSyncStateValue, input: '30060a01010a0102', code: 'SYNC_DUPLICATE_MEMBER', offset: 5, tag: 0x0a },
  { name: 'two refreshDones in a refreshPresent', decode: decodeSyncInfoValue, input: 'a206010100010100', code: 'SYNC_DUPLICATE_MEMBER', offset: 5, tag: 0x01 },
  { name: 'two UUID sets in a syncIdSet', decode: decodeSyncInfoValue, input: 'a30431003100', code: 'SYNC_DUPLICATE_MEMBER', offset: 4, tag: 0x31 },
  { name: 'a SET then a SEQUENCE of UUIDs', decode: decodeSyncInfoValue, input: 'a30431003000', code: 'SYNC_DUPLICATE_MEMBER', offset: 4, tag: 0x30 },

  // SYNC_MEMBER_ORDER: offset/tag of the member that came too late
  { name: 'cookie before mode', decode: decodeSyncRequestValue, input: '30060401610a0101', code: 'SYNC_MEMBER_ORDER', offset: 5, tag: 0x0a },
  { name: 'reloadHint before cookie', decode: decodeSyncRequestValue, input: '30090a01010101ff040161', code: 'SYNC_MEMBER_ORDER', offset: 8, tag: 0x04 },
  { name: 'refreshDeletes before cookie (syncDoneValue)', decode: decodeSyncDoneValue, input: '30060101ff040161', code: 'SYNC_MEMBER_ORDER', offset: 5, tag: 0x04 },
  { name: 'entryUUID before state', decode: decodeSyncStateValue, input: '3015' + U16 + '0a0101', code: 'SYNC_MEMBER_ORDER', offset: 20, tag: 0x0a },
  { name: 'refreshDone before cookie (refreshDelete)', decode: decodeSyncInfoValue, input: 'a106010100040161', code: 'SYNC_MEMBER_ORDER', offset: 5, tag: 0x04 },
  { name: 'syncUUIDs before refreshDeletes', decode: decodeSyncInfoValue, input: 'a30531000101ff', code: 'SYNC_MEMBER_ORDER', offset: 4, tag: 0x01 },

  // SYNC_UNKNOWN_MEMBER: a tag that names no member
  { name: 'INTEGER mode', decode: decodeSyncRequestValue, input: '3003020101', code: 'SYNC_UNKNOWN_MEMBER', offset: 2, tag: 0x02 },
  { name: 'context tag in a syncRequestValue', decode: decodeSyncRequestValue, input: '30060a0101800161', code: 'SYNC_UNKNOWN_MEMBER', offset: 5, tag: 0x80 },
  { name: 'NULL in a syncDoneValue', decode: decodeSyncDoneValue, input: '30020500', code: 'SYNC_UNKNOWN_MEMBER', offset: 2, tag: 0x05 },
  { name: 'BOOLEAN in a syncStateValue', decode: decodeSyncStateValue, input: '30180a0101' + U16 + '0101ff', code: 'SYNC_UNKNOWN_MEMBER', offset: 23, tag: 0x01 },
  { name: 'constructed OCTET STRING cookie', decode: decodeSyncDoneValue, input: '30052403040161', code: 'SYNC_UNKNOWN_MEMBER', offset: 2, tag: 0x24 },
  { name: 'a non-OCTET STRING inside syncUUIDs', decode: decodeSyncInfoValue, input: 'a305310302010a', code: 'SYNC_UNKNOWN_MEMBER', offset: 4, tag: 0x02 },
  { name: 'ENUMERATED in a refreshPresent', decode: decodeSyncInfoValue, input: 'a2030a0101', code: 'SYNC_UNKNOWN_MEMBER', offset: 2, tag: 0x0a },

  // SYNC_BAD_ENUM, SYNC_BAD_UUID
  { name: 'state 4', decode: decodeSyncStateValue, input: '30150a0104' + U16, code: 'SYNC_BAD_ENUM', offset: 2, tag: 0x0a },
  { name: '15-octet entryUUID', decode: decodeSyncStateValue, input: '30140a0101040f' + '11'.repeat(15), code: 'SYNC_BAD_UUID', offset: 5, tag: 0x04 },
  { name: '17-octet syncUUID, second in its set', decode: decodeSyncInfoValue, input: 'a3273125' + U16 + '0411' + '22'.repeat(17), code: 'SYNC_BAD_UUID', offset: 22, tag: 0x04 },

  // SYNC_UNKNOWN_INFO_CHOICE
  { name: 'constructed [0]', decode: decodeSyncInfoValue, input: 'a0020400', code: 'SYNC_UNKNOWN_INFO_CHOICE', offset: 0, tag: 0xa0 },
  { name: 'primitive [1]', decode: decodeSyncInfoValue, input: '8100', code: 'SYNC_UNKNOWN_INFO_CHOICE', offset: 0, tag: 0x81 },
  { name: '[4]', decode: decodeSyncInfoValue, input: 'a400', code: 'SYNC_UNKNOWN_INFO_CHOICE', offset: 0, tag: 0xa4 },
  { name: 'a bare SEQUENCE', decode: decodeSyncInfoValue, input: '3000', code: 'SYNC_UNKNOWN_INFO_CHOICE', offset: 0, tag: 0x30 },

  // SYNC_TRAILING_BYTES: offset of the first byte after the value
  { name: 'bytes after a syncRequestValue', decode: decodeSyncRequestValue, input: '30030a01010000', code: 'SYNC_TRAILING_BYTES', offset: 5, tag: 0x00 },
  { name: 'a second syncDoneValue', decode: decodeSyncDoneValue, input: '30003000', code: 'SYNC_TRAILING_BYTES', offset: 2, tag: 0x30 },
  { name: 'bytes after a syncStateValue', decode: decodeSyncStateValue, input: '30150a0101' + U16 + 'ff', code: 'SYNC_TRAILING_BYTES', offset: 23, tag: 0xff },
  { name: 'bytes after a newcookie', decode: decodeSyncInfoValue, input: '800161a100', code: 'SYNC_TRAILING_BYTES', offset: 3, tag: 0xa1 },
  { name: 'bytes after refreshDelete {}', decode: decodeSyncInfoValue, input: 'a10000', code: 'SYNC_TRAILING_BYTES', offset: 2, tag: 0x00 },
]

describe('sync value decode errors: each code, with the offset and tag', () => {
  for (const c of cases) {
    it(`${c.code}: ${c.name}`, () => {
      const e = thrown(() => c.decode(hex(c.input)))
      expect(e).toBeInstanceOf(SyncValueError)
      expect(e).toBeInstanceOf(ProtocolError)
      expect(e.code).toBe(c.code)
      expect(e.offset).toBe(c.offset)
      if (c.tag !== undefined) expect(e.tag).toBe(c.tag)
      // messages are full sentences that say where
      expect(e.message).toMatch(/^[A-Z].*\.$/s)
      expect(e.message).toContain(`offset ${c.offset}`)
    })
  }

  it('lets BER structure errors through unchanged, with their own offsets', () => {
    expect(thrown(() => decodeSyncRequestValue(hex(''))).code).toBe('BER_TRUNCATED')
    expect(thrown(() => decodeSyncInfoValue(hex(''))).code).toBe('BER_TRUNCATED')
    const wrongOuter = thrown(() => decodeSyncRequestValue(hex('31030a0101')))
    expect([wrongOuter.code, wrongOuter.offset, wrongOuter.tag]).toStrictEqual(['BER_UNEXPECTED_TAG', 0, 0x31])
    const past = thrown(() => decodeSyncDoneValue(hex('3005040a61')))
    expect([past.code, past.offset]).toStrictEqual(['BER_LENGTH_PAST_END', 0])
    const inner = thrown(() => decodeSyncDoneValue(hex('3004040a6162')))
    expect([inner.code, inner.offset]).toStrictEqual(['BER_LENGTH_PAST_END', 2])
    const bool = thrown(() => decodeSyncDoneValue(hex('30040102ffff')))
    expect([bool.code, bool.offset]).toStrictEqual(['BER_BAD_BOOLEAN', 2])
    const indefinite = thrown(() => decodeSyncInfoValue(hex('a3803100 0000')))
    expect(indefinite.code).toBe('BER_INDEFINITE_LENGTH')
  })

  it('reports offsets relative to the value even when it is a view into a larger buffer', () => {
    const pdu = hex('ffffffff' + '30030a0101' + 'eeee')
    const view = pdu.subarray(4, 9)
    const e = thrown(() => decodeSyncStateValue(view))
    expect(e.code).toBe('SYNC_MISSING_MEMBER')
    expect(e.offset).toBe(5)
  })
})
