import { describe, expect, it } from 'vitest'
import { describeTrigger, matches } from './triggers.js'
import type { ProtocolEvent } from './triggers.js'

const request = (over: Partial<Extract<ProtocolEvent, { on: 'syncRequest' }>> = {}): ProtocolEvent =>
  ({ on: 'syncRequest', connection: 1, nth: 1, mode: 'refreshOnly', cookie: false, reloadHint: false, ...over })

describe('matches', () => {
  it('needs the same kind of event, and the connection when the trigger names one', () => {
    expect(matches({ on: 'bind' }, { on: 'bind', connection: 3 })).toBe(true)
    expect(matches({ on: 'bind', connection: 2 }, { on: 'bind', connection: 3 })).toBe(false)
    expect(matches({ on: 'bind' }, { on: 'connectionOpened', connection: 3 })).toBe(false)
    expect(matches({ on: 'start' }, { on: 'start' })).toBe(true)
  })

  it('entrySent fires at exactly the Nth entry', () => {
    expect(matches({ on: 'entrySent', count: 2 }, { on: 'entrySent', connection: 1, count: 1 })).toBe(false)
    expect(matches({ on: 'entrySent', count: 2 }, { on: 'entrySent', connection: 1, count: 2 })).toBe(true)
    expect(matches({ on: 'entrySent', count: 2 }, { on: 'entrySent', connection: 1, count: 3 })).toBe(false)
  })

  it('syncRequest filters on nth, mode, cookie and reloadHint', () => {
    expect(matches({ on: 'syncRequest' }, request())).toBe(true)
    expect(matches({ on: 'syncRequest', nth: 2 }, request({ nth: 2 }))).toBe(true)
    expect(matches({ on: 'syncRequest', nth: 2 }, request())).toBe(false)
    expect(matches({ on: 'syncRequest', mode: 'refreshAndPersist' }, request())).toBe(false)
    expect(matches({ on: 'syncRequest', cookie: 'present' }, request())).toBe(false)
    expect(matches({ on: 'syncRequest', cookie: 'absent' }, request())).toBe(true)
    expect(matches({ on: 'syncRequest', cookie: 'absent' }, request({ cookie: true }))).toBe(false)
    expect(matches({ on: 'syncRequest', cookie: 'any' }, request({ cookie: true }))).toBe(true)
    expect(matches({ on: 'syncRequest', reloadHint: false }, request({ reloadHint: true }))).toBe(false)
  })
})

describe('describeTrigger', () => {
  it('says what fires a step in a few words', () => {
    expect(describeTrigger({ on: 'entrySent', count: 3, connection: 1 })).toBe('entrySent 3 on connection 1')
    expect(describeTrigger({ on: 'syncRequest', nth: 2, mode: 'refreshOnly', cookie: 'present' })).toBe('syncRequest #2 refreshOnly cookie present')
    expect(describeTrigger({ on: 'after', step: 'cut', delayMs: 0 })).toBe('after "cut"')
    expect(describeTrigger({ on: 'after', step: 'cut', delayMs: 50 })).toBe('after "cut" + 50 ms')
    expect(describeTrigger({ on: 'idle', forMs: 200 })).toBe('idle 200 ms')
  })
})
