import { describe, expect, it } from 'vitest'
import { DirectoryError } from './errors.js'
import { SessionLog, sessionLogRecord } from './session-log.js'
import type { ChangeKind } from './types.js'

const csn = (n: number, sid = 0): string => `20240101000000.000000Z#${n.toString(16).padStart(6, '0')}#${sid.toString(16).padStart(3, '0')}#000000`
const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const record = (n: number, kind: ChangeKind = 'modify', sid = 0) => sessionLogRecord(kind, csn(n, sid), uuid(n), new Uint8Array(16))

describe('SessionLog (slapd syncprov-sessionlog)', () => {
  it('keeps nothing with size 0', () => {
    const log = new SessionLog(0)
    log.record(record(1))
    expect(log.length).toBe(0)
    expect(log.records()).toEqual([])
    expect(log.oldestCsn()).toBeUndefined()
    expect(log.coverageCsn(0)).toBeUndefined()
    expect(log.since(csn(0))).toEqual([])
  })

  it('keeps the most recent records in a ring and drops the oldest on overflow', () => {
    const log = new SessionLog(3)
    for (let n = 1; n <= 5; n++) log.record(record(n, n === 2 ? 'delete' : 'modify'))
    expect(log.length).toBe(3)
    expect(log.records().map((r) => r.uuid)).toEqual([uuid(3), uuid(4), uuid(5)])
    expect(log.oldestCsn()).toBe(csn(3))
    // slapd's sl_mincsn: the CSN of the newest record dropped.
    expect(log.coverageCsn(0)).toBe(csn(2))
  })

  it('reports the first record as coverage before anything is dropped, as slapd initializes sl_mincsn', () => {
    const log = new SessionLog(10)
    log.record(record(4, 'add'))
    log.record(record(5, 'delete'))
    expect(log.coverageCsn(0)).toBe(csn(4))
    expect(log.coverageCsn(1)).toBeUndefined()
  })

  it('returns the records strictly newer than a CSN, in CSN order, with kind, sid and uuid', () => {
    const log = new SessionLog(10)
    log.record(record(1, 'add'))
    log.record(record(2, 'modify', 3))
    log.record(record(3, 'modDN'))
    log.record(record(4, 'delete'))
    const newer = log.since(csn(2, 3))
    expect(newer.map((r) => [r.kind, r.csn, r.uuid])).toEqual([
      ['modDN', csn(3), uuid(3)],
      ['delete', csn(4), uuid(4)],
    ])
    expect(log.since(csn(0)).map((r) => r.sid)).toEqual([0, 3, 0, 0])
    expect(log.since(csn(4))).toEqual([])
  })

  it('forgets everything on clear(), as a provider restart does', () => {
    const log = new SessionLog(2)
    for (let n = 1; n <= 3; n++) log.record(record(n))
    log.clear()
    expect(log.length).toBe(0)
    expect(log.records()).toEqual([])
    expect(log.oldestCsn()).toBeUndefined()
    expect(log.coverageCsn(0)).toBeUndefined()
    log.record(record(9))
    expect(log.records().map((r) => r.csn)).toEqual([csn(9)])
    expect(log.coverageCsn(0)).toBe(csn(9))
  })

  it('refuses a negative or fractional size', () => {
    expect(() => new SessionLog(-1)).toThrow(DirectoryError)
    expect(() => new SessionLog(1.5)).toThrow(/whole number/)
  })

  it('hands out frozen records', () => {
    expect(Object.isFrozen(record(1))).toBe(true)
  })
})
