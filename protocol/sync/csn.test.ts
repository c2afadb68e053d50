import { describe, expect, it } from 'vitest'
import { compareCsn, csnDate, csnFromDate, formatCsn, isValidCsn, parseCsn } from './csn.js'
import { thrown } from './sync-oracle.test-support.js'

const A = '20240115093012.345678Z#000000#001#000000'

describe('OpenLDAP CSN (YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#mmmmmm)', () => {
  it('parses the fields of the 40-character form', () => {
    const c = parseCsn('20261123142450.416101Z#00000a#fff#00002b')
    expect(c).toStrictEqual({
      kind: 'csn',
      text: '20261123142450.416101Z#00000a#fff#00002b',
      time: '20261123142450.416101Z',
      count: 10,
      sid: 0xfff,
      mod: 0x2b,
      legacy: false,
    })
    expect(parseCsn(new Uint8Array(Buffer.from(A))).text).toBe(A)
  })

  it("normalizes like slapd: serverID and mod hex lowercased, the counter kept as written", () => {
    const c = parseCsn('20240115093012.345678Z#0000AB#01F#00000C')
    expect(c.text).toBe('20240115093012.345678Z#0000AB#01f#00000c')
    expect([c.count, c.sid, c.mod]).toStrictEqual([0xab, 0x1f, 0x0c])
  })

  it('accepts the OpenLDAP 2.2/2.3 form and rewrites it as slapd does', () => {
    const c = parseCsn('20040101120000Z#000001#0A#00000F')
    expect(c.legacy).toBe(true)
    expect(c.text).toBe('20040101120000.000000Z#000001#00a#00000f')
    expect(c.time).toBe('20040101120000.000000Z')
    expect([c.count, c.sid, c.mod]).toStrictEqual([1, 10, 15])
  })

  it('rejects malformed CSNs with SYNC_BAD_CSN and the offset of the first bad character', () => {
    const bad: [string, number][] = [
      ['garbage', 0],
      ['', 0],
      ['2024011509301.2345678Z#000000#001#000000', 13], // '.' one place early
      ['20240115093012.345678#000000#001#000000', 21], // no Z
      ['20240115093012.345678Z#00000g#001#000000', 28],
      ['20240115093012.345678Z#000000#0001#000000', 33], // 4-digit serverID
      ['20240115093012.345678Z#000000#01#000000', 32], // 2-digit serverID with microseconds
      ['20040101120000Z#000001#00A#00000F', 25], // 3-digit serverID in the legacy form
      [A + '0', 40],
      [A.slice(0, 39), 39],
      ['20241315093012.345678Z#000000#001#000000', 4], // month 13
      ['20240015093012.345678Z#000000#001#000000', 4],
      ['20240230093012.345678Z#000000#001#000000', 6], // 30 February
      ['20230229093012.345678Z#000000#001#000000', 6], // 2023 is no leap year
      ['19000229093012.345678Z#000000#001#000000', 6], // nor 1900
      ['20240100093012.345678Z#000000#001#000000', 6],
      ['20240115243012.345678Z#000000#001#000000', 8],
      ['20240115096012.345678Z#000000#001#000000', 10],
      ['20240115093061.345678Z#000000#001#000000', 12],
      ['20240115093012.345678Z#000000#001#000000;', 40],
    ]
    for (const [text, offset] of bad) {
      const e = thrown(() => parseCsn(text))
      expect(e.code, text).toBe('SYNC_BAD_CSN')
      expect(e.offset, text).toBe(offset)
      expect(e.message).toContain('YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#mmmmmm')
      expect(isValidCsn(text)).toBe(false)
    }
  })

  it('accepts real calendar edge cases: leap days, the leap second', () => {
    for (const t of ['20240229000000.000000Z', '20000229000000.000000Z', '20161231235960.999999Z', '99991231235959.999999Z', '00000101000000.000000Z']) {
      expect(isValidCsn(`${t}#000000#000#000000`), t).toBe(true)
    }
  })

  it('orders CSNs like slapd: shorter first, then byte by byte', () => {
    const older = '20240115093012.345677Z#ffffff#fff#ffffff'
    expect(compareCsn(older, A)).toBe(-1)
    expect(compareCsn(A, older)).toBe(1)
    expect(compareCsn(A, A)).toBe(0)
    expect(compareCsn('20240115093012.345678Z#000001#000#000000', '20240115093012.345678Z#000000#fff#000000')).toBe(1)
    // length wins over content, as slapd's ber_bvcmp does
    expect(compareCsn('9', '10')).toBe(-1)
    expect(compareCsn(new Uint8Array(Buffer.from(A)), A)).toBe(0)
  })

  it('formats CSNs from fields and from a Date, and reads the time back', () => {
    expect(formatCsn({ time: '20240115093012.345678Z', count: 0, sid: 1, mod: 0 })).toBe(A)
    expect(formatCsn({ time: '20240115093012.345678Z', count: 0xabcdef, sid: 0xfff, mod: 1 })).toBe('20240115093012.345678Z#abcdef#fff#000001')
    const d = new Date(Date.UTC(2024, 0, 15, 9, 30, 12, 345))
    expect(csnFromDate(d, { sid: 1, microseconds: 678 })).toBe(A)
    expect(csnFromDate(d)).toBe('20240115093012.345000Z#000000#000#000000')
    expect(csnFromDate(d, { count: 2, sid: 0x10, mod: 3 })).toBe('20240115093012.345000Z#000002#010#000003')
    const back = csnDate(parseCsn(A))
    expect(back.date.getTime()).toBe(d.getTime())
    expect(back.microseconds).toBe(678)
    expect(csnDate(parseCsn('00500101000000.000001Z#000000#000#000000')).date.getUTCFullYear()).toBe(50)
    for (const c of [parseCsn(A), parseCsn('20261123142450.416101Z#00000a#fff#00002b')]) {
      expect(formatCsn(c)).toBe(c.text)
    }
  })

  it('refuses fields out of range (SYNC_BAD_CSN)', () => {
    const base = { time: '20240115093012.345678Z', count: 0, sid: 0, mod: 0 }
    expect(thrown(() => formatCsn({ ...base, sid: 0x1000 })).code).toBe('SYNC_BAD_CSN')
    expect(thrown(() => formatCsn({ ...base, sid: -1 })).code).toBe('SYNC_BAD_CSN')
    expect(thrown(() => formatCsn({ ...base, count: 0x1000000 })).code).toBe('SYNC_BAD_CSN')
    expect(thrown(() => formatCsn({ ...base, mod: 1.5 })).code).toBe('SYNC_BAD_CSN')
    expect(thrown(() => formatCsn({ ...base, time: '20241315093012.345678Z' })).code).toBe('SYNC_BAD_CSN')
    expect(thrown(() => formatCsn({ ...base, time: '20240115093012Z' })).code).toBe('SYNC_BAD_CSN')
    expect(thrown(() => csnFromDate(new Date(0), { microseconds: 1000 })).code).toBe('SYNC_BAD_CSN')
    expect(thrown(() => csnFromDate(new Date(NaN))).code).toBe('SYNC_BAD_CSN')
  })
})
