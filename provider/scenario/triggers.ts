/**
 * Which protocol events a step's trigger matches, as pure functions of the event (the timeline
 * keeps the counters). `time`, `idle` and `after` are timer-driven and matched by the timeline.
 */
import type { Trigger } from '../../scenarios/types.js'

/** Something that happened on the provider that a trigger may be waiting for. */
export type ProtocolEvent =
  | { readonly on: 'start' }
  | { readonly on: 'connectionOpened'; readonly connection: number }
  | { readonly on: 'bind'; readonly connection: number }
  | {
      readonly on: 'syncRequest'
      readonly connection: number
      /** 1-based, per provider run. */
      readonly nth: number
      readonly mode: 'refreshOnly' | 'refreshAndPersist'
      readonly cookie: boolean
      readonly reloadHint: boolean
    }
  /** `count` entries have now been sent on one sync search. */
  | { readonly on: 'entrySent'; readonly connection: number; readonly count: number }
  | { readonly on: 'refreshDone'; readonly connection: number }
  | { readonly on: 'persistStarted'; readonly connection: number }

/** Whether `trigger` fires for `event`. */
export function matches(trigger: Trigger, event: ProtocolEvent): boolean {
  if (trigger.on !== event.on) return false
  if (event.on === 'start') return true
  const t = trigger as Trigger & { readonly connection?: number }
  if (t.connection !== undefined && t.connection !== event.connection) return false
  switch (event.on) {
    case 'connectionOpened':
    case 'bind':
    case 'refreshDone':
    case 'persistStarted':
      return true
    case 'entrySent':
      return (trigger as Extract<Trigger, { on: 'entrySent' }>).count === event.count
    case 'syncRequest': {
      const s = trigger as Extract<Trigger, { on: 'syncRequest' }>
      if (s.nth !== undefined && s.nth !== event.nth) return false
      if (s.mode !== undefined && s.mode !== event.mode) return false
      if (s.cookie === 'absent' && event.cookie) return false
      if (s.cookie === 'present' && !event.cookie) return false
      if (s.reloadHint !== undefined && s.reloadHint !== event.reloadHint) return false
      return true
    }
    default: {
      const never: never = event
      throw new Error(`Unknown protocol event ${JSON.stringify(never)}.`)
    }
  }
}

/** The trigger in a few words, for logs: `entrySent 3 on connection 1`. */
export function describeTrigger(trigger: Trigger): string {
  const on = (c: number | undefined): string => (c === undefined ? '' : ` on connection ${c}`)
  switch (trigger.on) {
    case 'start':
      return 'start'
    case 'time':
      return `time ${trigger.afterMs} ms`
    case 'connectionOpened':
      return `connectionOpened${on(trigger.connection)}`
    case 'bind':
      return `bind${on(trigger.connection)}`
    case 'syncRequest': {
      const parts = [
        trigger.nth === undefined ? undefined : `#${trigger.nth}`,
        trigger.mode,
        trigger.cookie === undefined || trigger.cookie === 'any' ? undefined : `cookie ${trigger.cookie}`,
        trigger.reloadHint === undefined ? undefined : `reloadHint ${String(trigger.reloadHint)}`,
      ].filter((p) => p !== undefined)
      return `syncRequest${parts.length === 0 ? '' : ` ${parts.join(' ')}`}${on(trigger.connection)}`
    }
    case 'entrySent':
      return `entrySent ${trigger.count}${on(trigger.connection)}`
    case 'refreshDone':
      return `refreshDone${on(trigger.connection)}`
    case 'persistStarted':
      return `persistStarted${on(trigger.connection)}`
    case 'idle':
      return `idle ${trigger.forMs} ms${on(trigger.connection)}`
    case 'after':
      return `after "${trigger.step}"${trigger.delayMs > 0 ? ` + ${trigger.delayMs} ms` : ''}`
    default: {
      const never: never = trigger
      throw new Error(`Unknown trigger ${JSON.stringify(never)}.`)
    }
  }
}
