/**
 * The sync engine a scenario runs: the dialect preset with the scenario's knob overrides, and a
 * `setKnob` action that changes a knob while the provider runs. A sync search takes its knobs
 * when it starts (the engine's operations keep theirs), so a changed knob applies to the sync
 * searches that start afterwards, as a changed slapd configuration would.
 */
import { isKnobName, knobKind } from '../../scenarios/knobs.js'
import type { DialectName } from '../../scenarios/types.js'
import type { Directory } from '../directory/index.js'
import type { SyncEngineLike } from '../server/session.js'
import type { DialectKnobs } from '../sync/dialect.js'
import { SyncEngine } from '../sync/engine.js'
import type { SyncOperation, SyncSearchRequest } from '../sync/types.js'

export type KnobValue = boolean | number | string

export class ScenarioSyncEngine implements SyncEngineLike {
  private engine: SyncEngine
  private overrides: Readonly<Record<string, KnobValue>>

  /** @throws Error (SyncEngineError or a knob error) for an unknown preset, knob or value. */
  constructor(
    private readonly directory: Directory,
    private readonly preset: DialectName,
    knobs: Readonly<Record<string, KnobValue>>,
  ) {
    for (const [name, value] of Object.entries(knobs)) checkKnob(name, value)
    this.overrides = { ...knobs }
    this.engine = this.build(this.overrides)
  }

  /** The knobs sync searches starting now get. */
  get knobs(): DialectKnobs {
    return this.engine.knobs
  }

  start(request: SyncSearchRequest): SyncOperation {
    return this.engine.start(request)
  }

  /**
   * Changes one knob for the sync searches that start from now on. A refused value leaves the
   * knobs as they were. (A fresh engine is built: ApacheDS-style replica ids start again at 1.)
   *
   * @throws Error naming the knob and what it takes.
   */
  setKnob(name: string, value: KnobValue): void {
    checkKnob(name, value)
    const overrides = { ...this.overrides, [name]: value }
    this.engine = this.build(overrides)
    this.overrides = overrides
  }

  private build(overrides: Readonly<Record<string, KnobValue>>): SyncEngine {
    return new SyncEngine(this.directory, { preset: this.preset, dialect: overrides as Partial<DialectKnobs> })
  }
}

function checkKnob(name: string, value: KnobValue): void {
  if (!isKnobName(name)) throw new Error(`There is no dialect knob named ${JSON.stringify(name)} (provider/sync/dialect.ts lists them).`)
  const kind = knobKind(name)
  const ok = kind === 'boolean' ? typeof value === 'boolean' : kind === 'integer' ? Number.isSafeInteger(value) : kind === 'number' ? typeof value === 'number' : typeof value === 'string'
  if (!ok) throw new Error(`The dialect knob ${name} takes ${kind === 'integer' ? 'a whole number' : `a ${kind}`}, not ${JSON.stringify(value)}.`)
}
