import { describe, expect, it } from 'vitest'
import { compareCsn, csnFromDate, parseCsn, type Csn } from './csn.js'
import { compareCsnVectors, mergeCsnVectors } from './csn-vector.js'

const csn = (second: number, sid: number): Csn => parseCsn(csnFromDate(new Date(Date.UTC(2026, 10, 23, 14, 0, second)), { sid }))
const texts = (v: readonly Csn[]): string[] => v.map((c) => c.text)

describe('CSN vectors (per-serverID state)', () => {
  it('merges to the per-serverID maximum, sorted by serverID', () => {
    const stored = [csn(5, 2), csn(2, 1)]
    expect(texts(mergeCsnVectors(stored, [csn(1, 1)]))).toStrictEqual(texts([csn(2, 1), csn(5, 2)]))
    expect(texts(mergeCsnVectors(stored, [csn(9, 1), csn(0, 3)]))).toStrictEqual(texts([csn(9, 1), csn(5, 2), csn(0, 3)]))
    expect(mergeCsnVectors([], [])).toStrictEqual([])
    // a vector naming a serverID twice keeps its newest
    expect(texts(mergeCsnVectors([csn(3, 4), csn(8, 4)], []))).toStrictEqual(texts([csn(8, 4)]))
  })

  it('never goes backwards, whatever order single-CSN persist cookies arrive in', () => {
    let seed = 12345
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    let state: Csn[] = []
    const best = new Map<number, Csn>()
    for (let i = 0; i < 2000; i++) {
      const incoming = csn(rnd(60), rnd(5))
      const before = new Map(state.map((c) => [c.sid, c]))
      state = mergeCsnVectors(state, [incoming])
      for (const c of state) {
        const prev = before.get(c.sid)
        if (prev !== undefined) expect(compareCsn(c.text, prev.text)).toBeGreaterThanOrEqual(0)
      }
      const b = best.get(incoming.sid)
      if (b === undefined || compareCsn(incoming.text, b.text) > 0) best.set(incoming.sid, incoming)
    }
    expect(texts(state)).toStrictEqual(texts([...best.values()].sort((a, b) => a.sid - b.sid)))
  })

  it("compares a cookie's vector with a contextCSN vector serverID by serverID", () => {
    const context = [csn(10, 0), csn(10, 1), csn(10, 2)]
    expect(compareCsnVectors(context, context)).toMatchObject({ equal: true, older: [], newer: [], missing: [], extra: [] })
    const r = compareCsnVectors([csn(9, 0), csn(11, 1), csn(10, 5)], context)
    expect(r.equal).toBe(false)
    expect(r.older).toStrictEqual([0])
    expect(r.newer).toStrictEqual([1])
    expect(r.missing).toStrictEqual([2])
    expect(r.extra).toStrictEqual([5])
    expect(r.perSid.map((s) => [s.sid, s.relation])).toStrictEqual([
      [0, 'older'],
      [1, 'newer'],
      [2, 'missing'],
      [5, 'extra'],
    ])
    expect(r.perSid[0]?.cookie?.text).toBe(csn(9, 0).text)
    expect(r.perSid[0]?.context?.text).toBe(csn(10, 0).text)
    expect(r.perSid[2]?.cookie).toBeUndefined()
    // a consumer with no state at all is missing every serverID
    expect(compareCsnVectors([], context).missing).toStrictEqual([0, 1, 2])
  })
})
