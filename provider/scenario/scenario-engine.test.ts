import { describe, expect, it } from 'vitest'
import { Directory } from '../directory/index.js'
import { ScenarioSyncEngine } from './scenario-engine.js'

describe('ScenarioSyncEngine', () => {
  const directory = new Directory()

  it('starts from the preset with the scenario overrides', () => {
    const engine = new ScenarioSyncEngine(directory, '389ds', { deleteBatchSize: 7 })
    expect(engine.knobs).toMatchObject({ name: '389ds', deleteBatchSize: 7, cookieStyle: '389ds' })
  })

  it('refuses unknown knobs and values of the wrong kind', () => {
    expect(() => new ScenarioSyncEngine(directory, 'openldap', { nope: 1 })).toThrow(/no dialect knob named "nope"/)
    expect(() => new ScenarioSyncEngine(directory, 'openldap', { reloadHint: 'yes' })).toThrow(/reloadHint takes a boolean/)
  })

  it('setKnob changes the knobs for later searches; a refused value changes nothing', () => {
    const engine = new ScenarioSyncEngine(directory, 'openldap', {})
    engine.setKnob('reloadHint', true)
    expect(engine.knobs.reloadHint).toBe(true)
    expect(() => engine.setKnob('presentBatchSize', 0)).toThrow(/at least 1/)
    expect(engine.knobs.presentBatchSize).toBe(256)
    expect(engine.knobs.reloadHint).toBe(true)
  })
})
