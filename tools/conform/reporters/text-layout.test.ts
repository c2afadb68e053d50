import { describe, expect, it } from 'vitest'
import { firstLine, formatDuration, padEnd, truncate } from './text-layout.js'

describe('text layout', () => {
  it('truncates by code points and marks the cut', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef')
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(truncate('\u{1f600}\u{1f600}\u{1f600}', 2)).toBe('\u{1f600}…')
    expect(truncate('abc', 1)).toBe('…')
  })

  it('takes the first line, marking that more follow', () => {
    expect(firstLine('one\ntwo')).toBe('one …')
    expect(firstLine('one\n')).toBe('one')
  })

  it('pads without cutting and formats durations as people read them', () => {
    expect(padEnd('ab', 4)).toBe('ab  ')
    expect(padEnd('abcdef', 4)).toBe('abcdef')
    expect([312, 4200, 123_000, -1].map(formatDuration)).toEqual(['312 ms', '4.2 s', '2 min 03 s', '? ms'])
  })
})
