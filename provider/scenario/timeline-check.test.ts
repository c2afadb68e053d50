import { describe, expect, it } from 'vitest'
import type { Scenario, Step, Trigger } from '../../scenarios/types.js'
import { checkTimeline } from './timeline-check.js'

const at = { file: 't.yaml', line: 1, column: 1 }
const step = (trigger: Trigger, name?: string, times = 1): Step => ({ source: at, trigger, actions: [], times, ...(name === undefined ? {} : { name }) })
const withTimeline = (timeline: Step[]): Scenario => ({
  source: at,
  meta: { id: 't', title: 't', tags: [] },
  directory: { suffix: 'dc=example,dc=com', ldif: [], serverId: 0, sessionLog: 0 },
  provider: { dialect: 'openldap', knobs: {}, mode: 'engine', seed: 1 },
  timeline,
})

describe('checkTimeline', () => {
  it('accepts chains of after steps, and loops that pause or end', () => {
    expect(() => checkTimeline(withTimeline([step({ on: 'start' }, 'a'), step({ on: 'after', step: 'a', delayMs: 0 }, 'b')]))).not.toThrow()
    expect(() => checkTimeline(withTimeline([step({ on: 'after', step: 'a', delayMs: 10 }, 'a', 0)]))).not.toThrow()
    expect(() => checkTimeline(withTimeline([step({ on: 'after', step: 'a', delayMs: 0 }, 'a', 3)]))).not.toThrow()
  })

  it('refuses duplicate names, unknown steps and endless undelayed loops', () => {
    expect(() => checkTimeline(withTimeline([step({ on: 'start' }, 'a'), step({ on: 'start' }, 'a')]))).toThrow(/Two steps are named "a"/)
    expect(() => checkTimeline(withTimeline([step({ on: 'after', step: 'z', delayMs: 0 })]))).toThrow(/no step has that name/)
    expect(() => checkTimeline(withTimeline([step({ on: 'after', step: 'a', delayMs: 0 }, 'a', 0)]))).toThrow(/would fire forever/)
  })
})
