/**
 * Scenario objects built in code for the runtime tests (the loader is tested on its own): the
 * defaults a loaded file would get, and step / action helpers that give every node a SourceRef
 * naming its position, so reported errors can be checked against it.
 */
import type { Action, ProviderSpec, Scenario, Step, Trigger } from '../../../../scenarios/types.js'
import type { SourceRef } from '../../../../scenarios/types.js'

export const FILE = 'runtime-test.yaml'

export function at(line: number, column = 1): SourceRef {
  return { file: FILE, line, column }
}

export interface ScenarioInput {
  readonly timeline: readonly Step[]
  readonly provider?: Partial<ProviderSpec>
  readonly generate?: { readonly count: number; readonly seed: number | string; readonly groups?: number }
  readonly sessionLog?: number
  readonly ldif?: readonly string[]
}

/** A scenario with the loader's defaults: dc=example,dc=com, 3 generated people, engine mode, seed 1. */
export function scenario(input: ScenarioInput): Scenario {
  return {
    source: at(1),
    meta: { id: 'runtime-test', title: 'runtime test', tags: [] },
    directory: {
      suffix: 'dc=example,dc=com',
      ldif: input.ldif ?? [],
      ...(input.ldif !== undefined && input.generate === undefined ? {} : { generate: input.generate ?? { count: 3, seed: 'runtime', groups: 0 } }),
      serverId: 0,
      sessionLog: input.sessionLog ?? 0,
    },
    provider: { dialect: 'openldap', knobs: {}, mode: 'engine', seed: 1, ...input.provider },
    timeline: input.timeline,
  }
}

let nextLine = 10

/** A step at a fresh line; actions are given their own lines after it. */
export function step(trigger: Trigger, actions: readonly DistributiveOmit<Action, 'source'>[], options: { name?: string; times?: number } = {}): Step {
  const line = nextLine
  nextLine += actions.length + 2
  return {
    source: at(line),
    ...(options.name === undefined ? {} : { name: options.name }),
    trigger,
    actions: actions.map((a, i) => ({ ...a, source: at(line + 1 + i, 5) }) as Action),
    times: options.times ?? 1,
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A fixed clock, so CSNs (and with them cookies) are the same on every run. */
export function fixedClock(): () => Date {
  const t = new Date('2024-05-01T12:00:00Z')
  return () => t
}
