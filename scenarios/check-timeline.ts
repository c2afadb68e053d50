/**
 * Checks between steps, and between steps and the rest of the scenario, that no single value
 * shows: unique step names, `after` triggers that name a step and do not wait in a circle,
 * triggers the consumer's modes can never produce, and `send` actions with nothing to send on.
 */
import type { StepInfo } from './build-timeline.js'
import { didYouMeanHint } from './did-you-mean.js'
import type { ProblemList } from './problem-list.js'
import type { SendAction, SourceRef, Trigger } from './types.js'

type SyncMode = 'refreshOnly' | 'refreshAndPersist'

/**
 * What a trigger fires within: a sync search (so search-bound messages have a message ID to
 * use), only a connection, or nothing (start, time: there is no triggering connection).
 */
type Binding = 'search' | 'connection' | 'none'

const SEARCH_TRIGGERS: ReadonlySet<Trigger['on']> = new Set(['syncRequest', 'entrySent', 'refreshDone', 'persistStarted'])
const CONNECTION_TRIGGERS: ReadonlySet<Trigger['on']> = new Set(['connectionOpened', 'bind', 'idle'])

export function checkTimeline(steps: readonly StepInfo[], modes: readonly SyncMode[] | undefined, problems: ProblemList): void {
  const byName = new Map<string, StepInfo>()
  for (const info of steps) {
    const name = info.step.name
    if (name === undefined || info.nameAt === undefined) continue
    const first = byName.get(name)
    if (first === undefined) {
      byName.set(name, info)
    } else {
      problems.add('SCENARIO_DUPLICATE_STEP', info.nameAt, `Two steps are named "${name}"; step names must be unique, because \`after\` triggers refer to them.`,
        `the first is at line ${first.nameAt?.line ?? first.step.source.line}`)
    }
  }
  const impossible = new Set<StepInfo>()
  for (const info of steps) {
    if (!checkAfter(info, byName, problems) || !checkModes(info, modes, problems)) impossible.add(info)
  }
  reportCycles(steps, byName, problems).forEach((s) => impossible.add(s))
  for (const info of steps) {
    if (impossible.has(info) || info.trigger === undefined) continue
    const binding = bindingOf(info, byName, new Set())
    for (const { action, at } of info.actions) {
      if (action.do === 'send') checkSend(action, binding, info.trigger, at, problems)
    }
  }
}

function checkAfter(info: StepInfo, byName: ReadonlyMap<string, StepInfo>, problems: ProblemList): boolean {
  const trigger = info.trigger
  if (trigger?.on !== 'after') return true
  const at = info.afterAt ?? info.triggerAt
  if (trigger.step === info.step.name) {
    problems.add('SCENARIO_TRIGGER', at, `The step "${trigger.step}" waits for itself, so it can never fire.`)
    return false
  }
  if (!byName.has(trigger.step)) {
    const names = [...byName.keys()]
    problems.add('SCENARIO_TRIGGER', at,
      `The trigger waits for the step "${trigger.step}", but no step has that name${names.length === 0 ? ' (no step has a name)' : `; the named steps are ${names.join(', ')}`}.`,
      didYouMeanHint(trigger.step, names))
    return false
  }
  return true
}

function checkModes(info: StepInfo, modes: readonly SyncMode[] | undefined, problems: ProblemList): boolean {
  const trigger = info.trigger
  if (modes === undefined || trigger === undefined) return true
  const only = modes.join(' and ')
  if (trigger.on === 'persistStarted' && !modes.includes('refreshAndPersist')) {
    problems.add('SCENARIO_TRIGGER', info.triggerAt,
      `persistStarted can never fire: the consumer runs only ${only}, and only refreshAndPersist has a persist stage (RFC 4533 §3.4).`,
      'add refreshAndPersist to consumer.modes, or trigger on refreshDone')
    return false
  }
  if (trigger.on === 'syncRequest' && trigger.mode !== undefined && !modes.includes(trigger.mode)) {
    problems.add('SCENARIO_TRIGGER', info.triggerAt,
      `This trigger waits for a ${trigger.mode} sync request, but the consumer runs only ${only}.`,
      `add ${trigger.mode} to consumer.modes, or drop the trigger's mode`)
    return false
  }
  return true
}

/** `after` chains that come back to where they started never fire; report each circle once. */
function reportCycles(steps: readonly StepInfo[], byName: ReadonlyMap<string, StepInfo>, problems: ProblemList): Set<StepInfo> {
  const reported = new Set<StepInfo>()
  for (const start of steps) {
    if (reported.has(start)) continue
    const chain: StepInfo[] = []
    let current: StepInfo | undefined = start
    while (current !== undefined && current.trigger?.on === 'after' && !chain.includes(current)) {
      chain.push(current)
      current = byName.get(current.trigger.step)
    }
    if (current !== start || chain.length < 2) continue
    chain.forEach((s) => reported.add(s))
    const names = chain.map((s) => s.step.name ?? '?')
    problems.add('SCENARIO_TRIGGER', start.afterAt ?? start.triggerAt,
      `The steps ${[...names, names[0]].join(' → ')} each wait for the next, in a circle, so none of them can ever fire.`)
  }
  return reported
}

function bindingOf(info: StepInfo, byName: ReadonlyMap<string, StepInfo>, seen: Set<StepInfo>): Binding {
  const trigger = info.trigger
  if (trigger === undefined) return 'none'
  if (SEARCH_TRIGGERS.has(trigger.on)) return 'search'
  if (CONNECTION_TRIGGERS.has(trigger.on)) return 'connection'
  if (trigger.on !== 'after') return 'none'
  // An `after` step fires in the context of the step it waits for.
  const target = byName.get(trigger.step)
  if (target === undefined || seen.has(info)) return 'none'
  seen.add(info)
  return bindingOf(target, byName, seen)
}

function checkSend(action: SendAction, binding: Binding, trigger: Trigger, at: SourceRef, problems: ProblemList): void {
  const message = action.message
  const needsSearch = (message.kind === 'entry' || message.kind === 'syncInfo' || message.kind === 'done') && message.messageId === undefined
  const describe = trigger.on === 'after' ? `the step it waits for fires` : `${trigger.on} fires`
  if (needsSearch && binding !== 'search') {
    problems.add('SCENARIO_ACTION', at,
      `This ${message.kind} message belongs to a sync search, but ${describe} outside any sync search, so there is no search to send it on.`,
      'trigger the step on syncRequest, entrySent, refreshDone or persistStarted, or give the message a messageId')
  } else if (binding === 'none') {
    problems.add('SCENARIO_ACTION', at,
      `A send action needs a connection to write on, but ${describe} on no particular connection.`,
      'trigger the step on a connection event such as connectionOpened, bind or syncRequest')
  }
}
