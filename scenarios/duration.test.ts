import { describe, expect, it } from 'vitest'
import { MAX_DURATION_MS, parseDuration } from './duration.js'

describe('parseDuration', () => {
  it('reads ms, s and m, with decimals, exactly', () => {
    expect(parseDuration('250ms')).toEqual({ ok: true, value: 250 })
    expect(parseDuration('2s')).toEqual({ ok: true, value: 2000 })
    expect(parseDuration('1.5s')).toEqual({ ok: true, value: 1500 })
    expect(parseDuration('1.001s')).toEqual({ ok: true, value: 1001 })
    expect(parseDuration('0.5m')).toEqual({ ok: true, value: 30_000 })
    expect(parseDuration('0ms')).toEqual({ ok: true, value: 0 })
  })

  it('refuses other units, signs, spaces and fractions of a millisecond', () => {
    for (const bad of ['2', '2 s', '-1s', '1h', '1.s', '.5s', 's', '1e3ms', '2S']) {
      expect(parseDuration(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/is not a duration/) })
    }
    expect(parseDuration('0.5ms')).toMatchObject({ ok: false, error: expect.stringMatching(/not a whole number of milliseconds/) })
    expect(parseDuration('1.0001s')).toMatchObject({ ok: false, error: expect.stringMatching(/not a whole number of milliseconds/) })
  })

  it('refuses what no timer can wait', () => {
    expect(parseDuration(`${MAX_DURATION_MS}ms`)).toEqual({ ok: true, value: MAX_DURATION_MS })
    expect(parseDuration(`${MAX_DURATION_MS + 1}ms`)).toMatchObject({ ok: false, error: expect.stringMatching(/longer than the longest timer/) })
  })
})
