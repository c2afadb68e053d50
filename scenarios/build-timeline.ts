/**
 * The timeline: steps, their triggers and their actions, from the checked tree to
 * scenarios/types.ts. Directory actions are checked against the suffix here (a DN outside the
 * naming context cannot be written); relations between steps are checked in check-timeline.ts.
 */
import * as DN from '../protocol/dn/index.js'
import { buildMessage } from './build-messages.js'
import { buildSessionHooks } from './build-session-hooks.js'
import { attributesOf, durationOf, valuesOf } from './build-values.js'
import { asObject, booleanAt, numberAt, objectAt, soleKey, stringAt } from './checked-tree.js'
import type { CheckedObject } from './checked-tree.js'
import { optional } from './optional-member.js'
import type { ProblemList } from './problem-list.js'
import type { TreePositions } from './tree-positions.js'
import type { Action, FaultAction, FaultKind, ModifyChange, SourceRef, Step, Trigger } from './types.js'

export interface TimelineContext {
  readonly positions: TreePositions
  readonly problems: ProblemList
  /** The directory suffix, when it parsed. */
  readonly suffix: DN.Dn | undefined
  readonly suffixText: string
}

/** A built step with the positions check-timeline.ts reports at. */
export interface StepInfo {
  readonly step: Step
  /** Undefined when the trigger was invalid (the step is then left out of the timeline). */
  readonly trigger: Trigger | undefined
  readonly triggerAt: SourceRef
  readonly nameAt: SourceRef | undefined
  /** Where an `after` trigger names its step. */
  readonly afterAt: SourceRef | undefined
  readonly actions: readonly { readonly action: Action; readonly at: SourceRef }[]
}

const TRIGGER_KEYS = ['time', 'connectionOpened', 'bind', 'syncRequest', 'entrySent', 'refreshDone', 'persistStarted', 'idle', 'after'] as const
const ACTION_KEYS = ['add', 'modify', 'modDn', 'delete', 'generate', 'newcookie', 'refreshRequired', 'restart', 'setKnob', 'setSessionHooks', 'send', 'fault'] as const

export function buildSteps(timeline: readonly unknown[] | undefined, ctx: TimelineContext): StepInfo[] {
  return (timeline ?? []).flatMap((raw, index) => {
    const o = asObject(raw)
    return o === undefined ? [] : [buildStep(o, ctx, ctx.positions.at(timeline, index))]
  })
}

function buildStep(o: CheckedObject, ctx: TimelineContext, source: SourceRef): StepInfo {
  const { positions } = ctx
  const on = o.on
  const trigger = on === undefined ? undefined : buildTrigger(on)
  const afterObject = asObject(asObject(on)?.after)
  const afterAt = afterObject !== undefined ? positions.at(afterObject, 'step') : typeof asObject(on)?.after === 'string' ? positions.at(on, 'after') : undefined
  const actions = buildActions(o.do, positions.at(o, 'do'), ctx)
  const name = stringAt(o, 'name')
  const step: Step = {
    source,
    ...optional('name', name),
    trigger: trigger ?? { on: 'start' },
    actions: actions.map((a) => a.action),
    times: numberAt(o, 'times') ?? 1,
  }
  return { step, trigger, triggerAt: positions.at(o, 'on'), nameAt: name === undefined ? undefined : positions.at(o, 'name'), afterAt, actions }
}

function buildTrigger(on: unknown): Trigger | undefined {
  if (typeof on === 'string') return { on } as Trigger
  const o = asObject(on)
  const key = soleKey(o, TRIGGER_KEYS)
  if (key === undefined) return undefined
  const value = o?.[key]
  const options = asObject(value)
  const connection = optional('connection', numberAt(options, 'connection'))
  switch (key) {
    case 'time': {
      const afterMs = durationOf(value)
      return afterMs === undefined ? undefined : { on: 'time', afterMs }
    }
    case 'connectionOpened':
    case 'bind':
    case 'refreshDone':
    case 'persistStarted':
      return { on: key, ...connection }
    case 'syncRequest':
      return {
        on: 'syncRequest',
        ...connection,
        ...optional('nth', numberAt(options, 'nth')),
        ...optional('mode', stringAt(options, 'mode') as 'refreshOnly' | 'refreshAndPersist' | undefined),
        ...optional('cookie', stringAt(options, 'cookie') as 'absent' | 'present' | 'any' | undefined),
        ...optional('reloadHint', booleanAt(options, 'reloadHint')),
      }
    case 'entrySent': {
      const count = typeof value === 'number' ? value : numberAt(options, 'count')
      return count === undefined ? undefined : { on: 'entrySent', count, ...connection }
    }
    case 'idle': {
      const forMs = durationOf(options === undefined ? value : options.for)
      return forMs === undefined ? undefined : { on: 'idle', forMs, ...connection }
    }
    case 'after': {
      const step = typeof value === 'string' ? value : stringAt(options, 'step')
      const delayMs = options === undefined || options.delay === undefined ? 0 : durationOf(options.delay)
      return step === undefined || delayMs === undefined ? undefined : { on: 'after', step, delayMs }
    }
    default: {
      const unreachable: never = key
      throw new Error(`Unhandled trigger ${String(unreachable)}.`)
    }
  }
}

function buildActions(raw: unknown, at: SourceRef, ctx: TimelineContext): { action: Action; at: SourceRef }[] {
  if (!Array.isArray(raw)) return raw === undefined ? [] : buildAction(raw, at, ctx)
  return raw.flatMap((item, i) => (item === undefined ? [] : buildAction(item, ctx.positions.at(raw, i), ctx)))
}

function buildAction(raw: unknown, source: SourceRef, ctx: TimelineContext): { action: Action; at: SourceRef }[] {
  const one = (action: Action | undefined): { action: Action; at: SourceRef }[] => (action === undefined ? [] : [{ action, at: source }])
  if (raw === 'newcookie' || raw === 'restart') return one({ do: raw, source })
  if (raw === 'refreshRequired') return one({ do: raw, source, withDoneCookie: false })
  const o = asObject(raw)
  const key = soleKey(o, ACTION_KEYS)
  if (o === undefined || key === undefined) return []
  const { positions } = ctx
  const value = o[key]
  const v = asObject(value)
  const dnAt = (container: unknown, k: string): SourceRef => positions.at(container, k)
  switch (key) {
    case 'add': {
      const dn = stringAt(v, 'dn')
      if (dn === undefined || !inSuffix(dn, dnAt(v, 'dn'), ctx)) return []
      return one({ do: 'add', source, dn, attributes: attributesOf(v?.attributes, positions) })
    }
    case 'modify': {
      const dn = stringAt(v, 'dn')
      if (dn === undefined || v === undefined || !inSuffix(dn, dnAt(v, 'dn'), ctx)) return []
      return one({ do: 'modify', source, dn, changes: modifyChanges(v, positions) })
    }
    case 'modDn': {
      const dn = stringAt(v, 'dn')
      const newRdn = stringAt(v, 'newRdn')
      const newSuperior = stringAt(v, 'newSuperior')
      if (dn === undefined || newRdn === undefined || !inSuffix(dn, dnAt(v, 'dn'), ctx)) return []
      if (newSuperior !== undefined && !inSuffix(newSuperior, dnAt(v, 'newSuperior'), ctx)) return []
      return one({ do: 'modDn', source, dn, newRdn, deleteOldRdn: booleanAt(v, 'deleteOldRdn') ?? true, ...optional('newSuperior', newSuperior) })
    }
    case 'delete': {
      const dn = typeof value === 'string' ? value : undefined
      if (dn === undefined || !inSuffix(dn, dnAt(o, 'delete'), ctx)) return []
      return one({ do: 'delete', source, dn })
    }
    case 'generate': {
      const count = numberAt(v, 'count')
      const parent = stringAt(v, 'parent')
      if (count === undefined || (parent !== undefined && !inSuffix(parent, dnAt(v, 'parent'), ctx))) return []
      const seed = v?.seed
      return one({ do: 'generate', source, count, seed: typeof seed === 'number' || typeof seed === 'string' ? seed : 1, ...optional('parent', parent) })
    }
    case 'newcookie':
    case 'restart':
      return one({ do: key, source })
    case 'refreshRequired':
      return one({ do: 'refreshRequired', source, withDoneCookie: booleanAt(v, 'withDoneCookie') ?? false })
    case 'setKnob':
      return Object.entries(v ?? {}).map(([knob, knobValue]) => ({
        action: { do: 'setKnob', source: positions.keyAt(v, knob), knob, value: knobValue as boolean | number | string },
        at: positions.keyAt(v, knob),
      }))
    case 'setSessionHooks':
      return one(v === undefined ? undefined : { do: 'setSessionHooks', source, hooks: buildSessionHooks(v, ctx) ?? {} })
    case 'send': {
      const message = buildMessage(v, positions)
      return one(message === undefined ? undefined : { do: 'send', source, message })
    }
    case 'fault':
      return one(buildFault(value, source, positions.at(o, 'fault'), ctx))
    default: {
      const unreachable: never = key
      throw new Error(`Unhandled action ${String(unreachable)}.`)
    }
  }
}

function modifyChanges(v: CheckedObject, positions: TreePositions): ModifyChange[] {
  const changes: ModifyChange[] = []
  // Object keys keep the file's order, so changes apply in the order they were written.
  for (const operation of Object.keys(v)) {
    if (operation !== 'add' && operation !== 'delete' && operation !== 'replace') continue
    const attributes = objectAt(v, operation)
    if (operation !== 'delete') {
      for (const [attribute, values] of Object.entries(attributesOf(attributes, positions))) changes.push({ operation, attribute, values })
      continue
    }
    for (const [attribute, values] of Object.entries(attributes ?? {})) {
      changes.push({ operation, attribute, values: valuesOf(attributes as CheckedObject, attribute, values, positions) })
    }
  }
  return changes
}

/** Which fault options go with which fault kinds, and which are required there. */
const FAULT_OPTIONS: Readonly<Record<'for' | 'bytes' | 'messageId', { readonly kinds: readonly FaultKind[]; readonly requiredBy: readonly FaultKind[] }>> = {
  for: { kinds: ['delay'], requiredBy: ['delay'] },
  bytes: { kinds: ['truncate', 'garbage'], requiredBy: ['garbage'] },
  messageId: { kinds: ['wrongMessageId'], requiredBy: [] },
}

function buildFault(value: unknown, source: SourceRef, at: SourceRef, ctx: TimelineContext): FaultAction | undefined {
  const o = asObject(value)
  const kind = (typeof value === 'string' ? value : stringAt(o, 'kind')) as FaultKind | undefined
  if (kind === undefined) return undefined
  let ok = true
  for (const [option, rule] of Object.entries(FAULT_OPTIONS) as ['for' | 'bytes' | 'messageId', (typeof FAULT_OPTIONS)['for']][]) {
    const given = o !== undefined && ctx.positions.written(o, option)
    if (given && !rule.kinds.includes(kind)) {
      ok = false
      ctx.problems.add('SCENARIO_ACTION', ctx.positions.keyAt(o, option),
        `The fault option "${option}" applies only to ${rule.kinds.join(' and ')} faults, not to ${kind}.`)
    } else if (!given && rule.requiredBy.includes(kind)) {
      ok = false
      ctx.problems.add('SCENARIO_ACTION', o === undefined ? at : ctx.positions.of(o), `A ${kind} fault needs "${option}".`,
        option === 'for' ? 'write { kind: delay, for: 2s }' : `write { kind: ${kind}, ${option}: … }`)
    }
  }
  if (!ok) return undefined
  return {
    do: 'fault',
    source,
    fault: kind,
    ...optional('ms', o?.for === undefined ? undefined : durationOf(o.for)),
    ...optional('bytes', numberAt(o, 'bytes')),
    ...optional('messageId', numberAt(o, 'messageId')),
    ...optional('probability', numberAt(o, 'probability')),
  }
}

/** A directory action's DN must lie in the naming context (or be the suffix itself). */
function inSuffix(dn: string, at: SourceRef, ctx: TimelineContext): boolean {
  if (ctx.suffix === undefined) return true
  if (DN.isDescendantOf(dn, ctx.suffix, { orSelf: true })) return true
  ctx.problems.add('SCENARIO_DN', at, `The DN "${dn}" is outside the directory suffix ${ctx.suffixText}; the provider holds nothing else.`)
  return false
}
