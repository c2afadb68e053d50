import { describe, expect, it } from 'vitest'
import { meetsTarget, renderTable } from './harness.js'

describe('meetsTarget', () => {
  it('treats min as at-least, max as at-most and below as strictly-less', () => {
    expect(meetsTarget(10, { min: 10, label: '' })).toBe(true)
    expect(meetsTarget(9.9, { min: 10, label: '' })).toBe(false)
    expect(meetsTarget(1536, { max: 1536, label: '' })).toBe(true)
    expect(meetsTarget(1537, { max: 1536, label: '' })).toBe(false)
    expect(meetsTarget(15.9, { below: 16, label: '' })).toBe(true)
    expect(meetsTarget(16, { below: 16, label: '' })).toBe(false)
  })

  it('requires every bound given, and never meets a target with NaN', () => {
    expect(meetsTarget(5, { min: 1, max: 4, label: '' })).toBe(false)
    expect(meetsTarget(Number.NaN, { min: 0, label: '' })).toBe(false)
    expect(meetsTarget(Number.NaN, { max: 1, label: '' })).toBe(false)
  })
})

describe('renderTable', () => {
  it('prints each verdict, the figures with the requested decimals, and the notes under the table', () => {
    const text = renderTable([
      { name: 'fast', rate: 2000, rounds: [1900, 2100], unit: 'ops/s', target: { min: 1000, label: '≥ 1,000/s' } },
      { name: 'rss', rate: 17.25, rounds: [17.25], unit: 'MiB', digits: 1, target: { below: 16, label: '< 16 MiB' }, note: '$ some command\nsecond line' },
    ])
    const lines = text.split('\n')
    expect(lines[2]).toMatch(/^fast\s+2,000 ops\/s\s+1,900–2,100\s+≥ 1,000\/s\s+meets target$/)
    expect(lines[3]).toMatch(/^rss\s+17\.3 MiB\s+17\.3–17\.3\s+< 16 MiB\s+MISSES TARGET$/)
    expect(lines.slice(4)).toEqual(['', 'rss', '    $ some command', '    second line'])
  })
})
