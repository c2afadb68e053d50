import { describe, expect, it } from 'vitest'
import { didYouMean, didYouMeanHint, editDistance } from './did-you-mean.js'

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as 1 each', () => {
    expect(editDistance('suffix', 'suffix')).toBe(0)
    expect(editDistance('sufix', 'suffix')).toBe(1)
    expect(editDistance('pesrist', 'persist')).toBe(1)
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
  })
})

describe('didYouMean', () => {
  const keys = ['suffix', 'ldif', 'generate', 'serverId', 'sessionLog']

  it('suggests the closest plausible key, ignoring case', () => {
    expect(didYouMean('sufix', keys)).toBe('suffix')
    expect(didYouMean('serverID', keys)).toBe('serverId')
    expect(didYouMean('sessionlog', keys)).toBe('sessionLog')
    expect(didYouMean('genrate', keys)).toBe('generate')
  })

  it('stays quiet when nothing is close', () => {
    expect(didYouMean('timeline', keys)).toBeUndefined()
    expect(didYouMean('x', keys)).toBeUndefined()
    expect(didYouMeanHint('zzzz', keys)).toBeUndefined()
    expect(didYouMeanHint('ldf', keys)).toBe('did you mean "ldif"?')
  })
})
