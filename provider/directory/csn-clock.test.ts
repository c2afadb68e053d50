import { describe, expect, it } from 'vitest'
import { compareCsn, isValidCsn, parseCsn } from '../../protocol/sync/csn.js'
import { CsnClock, sidOfCsn, timestampOfCsn } from './csn-clock.js'
import { DirectoryError } from './errors.js'

const CSN_FORM = /^\d{14}\.\d{6}Z#[0-9a-f]{6}#[0-9a-f]{3}#000000$/

describe('CsnClock (RFC 4533 digest §3.3 CSN format)', () => {
  it('writes the clock time with microseconds, the counter, the serverID and mod 000000', () => {
    const clock = new CsnClock(() => new Date(Date.UTC(2024, 0, 15, 9, 30, 12, 345)))
    expect(clock.next(1)).toBe('20240115093012.345000Z#000000#001#000000')
    expect(clock.next(0xabc)).toBe('20240115093012.345000Z#000001#abc#000000')
  })

  it('stays strictly increasing when the clock stands still (the counter goes up)', () => {
    const clock = new CsnClock(() => new Date(Date.UTC(2024, 0, 1)))
    const csns = Array.from({ length: 300 }, () => clock.next(0))
    for (let i = 1; i < csns.length; i++) expect(compareCsn(csns[i - 1]!, csns[i]!)).toBe(-1)
    expect(csns[299]).toBe('20240101000000.000000Z#00012b#000#000000')
    for (const csn of csns) {
      expect(csn).toMatch(CSN_FORM)
      expect(isValidCsn(csn)).toBe(true)
    }
  })

  it('stays strictly increasing when the clock goes backwards, keeping the last time', () => {
    let ms = Date.UTC(2024, 5, 1, 12, 0, 0, 500)
    const clock = new CsnClock(() => new Date(ms))
    const a = clock.next(2)
    ms -= 60_000
    const b = clock.next(2)
    ms -= 1
    const c = clock.next(2)
    ms += 120_001
    const d = clock.next(2)
    expect([a, b, c]).toEqual([
      '20240601120000.500000Z#000000#002#000000',
      '20240601120000.500000Z#000001#002#000000',
      '20240601120000.500000Z#000002#002#000000',
    ])
    expect(d).toBe('20240601120100.500000Z#000000#002#000000')
    expect(compareCsn(c, d)).toBe(-1)
  })

  it('resets the counter when time moves forward', () => {
    let ms = 0
    const clock = new CsnClock(() => new Date(ms))
    clock.next(0)
    clock.next(0)
    ms = 1
    expect(clock.next(0)).toBe('19700101000000.001000Z#000000#000#000000')
  })

  it('refuses a serverID outside 0..4095 and an invalid Date', () => {
    const clock = new CsnClock(() => new Date(0))
    expect(() => clock.next(4096)).toThrow(DirectoryError)
    expect(() => clock.next(-1)).toThrow(/0\.\.4095/)
    expect(() => new CsnClock(() => new Date(Number.NaN)).next(0)).toThrow(/invalid Date/)
  })

  it('derives the GeneralizedTime and the serverID from a CSN', () => {
    const csn = '20240115093012.345678Z#000000#01f#000000'
    expect(timestampOfCsn(csn)).toBe('20240115093012Z')
    expect(sidOfCsn(csn)).toBe(31)
    expect(parseCsn(csn).sid).toBe(31)
  })
})
