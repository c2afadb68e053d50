/**
 * The checks a timeline needs before it can be played, whoever built the Scenario object (the
 * loader checks the same and more; a hand-built scenario in a test is checked here): step names
 * are unique, every `after` names a step, and no chain of undelayed `after` steps can fire
 * forever within one turn of the event loop.
 */
import type { Scenario, Step } from '../../scenarios/types.js'
import { ScenarioRuntimeError } from './errors.js'

/** @throws ScenarioRuntimeError SCENARIO_TIMELINE */
export function checkTimeline(scenario: Scenario): void {
  const byName = new Map<string, Step>()
  for (const step of scenario.timeline) {
    if (step.name === undefined) continue
    if (byName.has(step.name)) throw new ScenarioRuntimeError('SCENARIO_TIMELINE', `Two steps are named "${step.name}"; step names must be unique.`, step.source)
    byName.set(step.name, step)
  }
  for (const step of scenario.timeline) {
    const t = step.trigger
    if (t.on === 'after' && !byName.has(t.step)) {
      throw new ScenarioRuntimeError('SCENARIO_TIMELINE', `This step fires after "${t.step}", but no step has that name.`, step.source)
    }
  }
  for (const step of scenario.timeline) {
    const loop = undelayedLoop(step, byName)
    if (loop !== undefined && loop.some((s) => s.times === 0)) {
      throw new ScenarioRuntimeError('SCENARIO_TIMELINE',
        `The steps ${loop.map((s) => `"${s.name ?? '?'}"`).join(' → ')} follow each other with no delay and one of them has times 0, so they would fire forever without the provider ever getting a turn; give one a delayMs or a times limit.`,
        step.source)
    }
  }
}

/** The cycle of `after … delayMs 0` steps that leads back to `start`, if there is one. */
function undelayedLoop(start: Step, byName: ReadonlyMap<string, Step>): Step[] | undefined {
  const path: Step[] = []
  let current: Step | undefined = start
  while (current !== undefined) {
    const t: Step['trigger'] = current.trigger
    if (t.on !== 'after' || t.delayMs > 0) return undefined
    path.push(current)
    const previous = byName.get(t.step)
    if (previous === start) return path.reverse()
    if (previous === undefined || path.includes(previous)) return undefined
    current = previous
  }
  return undefined
}
