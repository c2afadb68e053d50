/**
 * One Sync search as the raw wire client sees it: every response message in arrival order, the
 * same messages as the sync engine's `SyncMessage`s (so `shapeOfMessages` can compare a live
 * server with the engine and with recorded slapd sessions), and event-driven waits with
 * timeouts — no sleeps.
 */
import type { LdapMessage } from '../../protocol/index.js'
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_STATE_OID, decodeSyncDoneValue, decodeSyncInfoValue, decodeSyncStateValue } from '../../protocol/sync/index.js'
import type { SyncDoneMessage, SyncMessage } from '../../provider/sync/index.js'
import { HarnessError } from './errors.js'

/** What a wait is waiting for, in words (for the timeout message) and as a test. */
export interface SearchCondition {
  readonly what: string
  test(messages: readonly SyncMessage[]): boolean
}

/** The index just past the refresh stage's end (a done, or refreshDelete/refreshPresent with refreshDone TRUE); -1 while refreshing. */
export function refreshEndIndex(messages: readonly SyncMessage[]): number {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as SyncMessage
    if (m.kind === 'done') return i + 1
    if (m.kind === 'info' && (m.info.kind === 'refreshDelete' || m.info.kind === 'refreshPresent') && m.info.refreshDone) return i + 1
  }
  return -1
}

/** RFC 4533 §3.4: refreshAndPersist's refresh ends with refreshDone TRUE; refreshOnly's with SearchResultDone. */
export const refreshEnded: SearchCondition = {
  what: 'the end of the refresh stage (SearchResultDone, or a refreshDelete / refreshPresent with refreshDone TRUE)',
  test: (messages) => refreshEndIndex(messages) >= 0,
}

/** At least `n` messages after the refresh terminator. */
export function persistMessages(n: number): SearchCondition {
  return {
    what: `${n} persist-stage message(s) after the refresh terminator`,
    test: (messages) => {
      const end = refreshEndIndex(messages)
      return end >= 0 && messages.length - end >= n
    },
  }
}

export const searchDone: SearchCondition = {
  what: 'SearchResultDone',
  test: (messages) => messages.at(-1)?.kind === 'done',
}

interface Waiter {
  readonly condition: SearchCondition
  readonly resolve: (messages: SyncMessage[]) => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout
}

export class SyncSearch {
  /** Every response to this search, decoded, in arrival order. */
  readonly raw: LdapMessage[] = []
  /** The same responses as the sync engine's messages. */
  readonly messages: SyncMessage[] = []
  private failure: Error | undefined
  private readonly waiters = new Set<Waiter>()

  constructor(
    readonly messageId: number,
    readonly requestCookie: Uint8Array | undefined,
    private readonly where: string,
  ) {}

  /** The SearchResultDone, once it arrived. */
  get done(): SyncDoneMessage | undefined {
    const last = this.messages.at(-1)
    return last?.kind === 'done' ? last : undefined
  }

  /** Resolves with all messages so far once `condition` holds; rejects on timeout, on an early end, or if the connection fails. */
  until(condition: SearchCondition, timeoutMs = 10_000): Promise<SyncMessage[]> {
    if (condition.test(this.messages)) return Promise.resolve([...this.messages])
    const blocked = this.blocked(condition)
    if (blocked) return Promise.reject(blocked)
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        condition,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          reject(new HarnessError('WIRE_TIMEOUT', `Waited ${timeoutMs} ms for ${condition.what} on search ${this.messageId} at ${this.where}; ${this.summary()}`))
        }, timeoutMs),
      }
      this.waiters.add(waiter)
    })
  }

  /** Called by the client for each response with this search's message ID. */
  receive(message: LdapMessage): void {
    this.raw.push(message)
    try {
      this.messages.push(toSyncMessage(message))
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)))
      return
    }
    this.settle()
  }

  /** Called by the client when the connection fails; pending waits reject with `error`. */
  fail(error: Error): void {
    this.failure ??= error
    this.settle()
  }

  private settle(): void {
    for (const w of [...this.waiters]) {
      if (w.condition.test(this.messages)) {
        this.finish(w)
        w.resolve([...this.messages])
        continue
      }
      const blocked = this.blocked(w.condition)
      if (blocked) {
        this.finish(w)
        w.reject(blocked)
      }
    }
  }

  private finish(w: Waiter): void {
    clearTimeout(w.timer)
    this.waiters.delete(w)
  }

  /** Why a condition can no longer come true, if it cannot. */
  private blocked(condition: SearchCondition): Error | undefined {
    if (this.failure) return this.failure
    if (this.done) {
      return new HarnessError('WIRE_BAD_RESPONSE', `Search ${this.messageId} at ${this.where} ended before ${condition.what}; ${this.summary()}`)
    }
    return undefined
  }

  /** What has been received, for error messages. */
  summary(): string {
    if (this.messages.length === 0) return 'nothing was received.'
    const kinds = this.messages.map((m) => (m.kind === 'entry' ? `entry(${m.state})` : m.kind === 'info' ? `info(${m.info.kind})` : `done(${m.resultCode})`))
    return `received ${this.messages.length} message(s): ${kinds.join(', ')}.`
  }
}

/**
 * A Sync search response as the engine's SyncMessage: SearchResultEntry + Sync State control →
 * entry; IntermediateResponse with a Sync Info value → info; SearchResultDone (+ Sync Done) →
 * done. Anything else is a protocol fault for a Sync search (RFC 4533 §2.3-§2.5).
 */
export function toSyncMessage(message: LdapMessage): SyncMessage {
  const { op, controls } = message
  switch (op.kind) {
    case 'searchResultEntry': {
      const states = controls.filter((c) => c.type === SYNC_STATE_OID)
      const control = states[0]
      if (states.length !== 1 || control?.value === undefined) {
        throw new HarnessError('WIRE_BAD_RESPONSE', `The SearchResultEntry for "${op.objectName}" carries ${states.length} Sync State controls with ${control?.value ? 'a' : 'no'} value; RFC 4533 §2.3 requires exactly one.`)
      }
      const state = decodeSyncStateValue(control.value).value
      return {
        kind: 'entry',
        state: state.state,
        dn: op.objectName,
        attributes: op.attributes,
        uuid: state.entryUUID,
        ...(state.cookie === undefined ? {} : { cookie: state.cookie }),
      }
    }
    case 'intermediateResponse': {
      if (op.responseName !== SYNC_INFO_OID || op.responseValue === undefined) {
        throw new HarnessError('WIRE_BAD_RESPONSE', `An IntermediateResponse named ${op.responseName ?? '(none)'} arrived during a Sync search; RFC 4533 §2.5 sends Sync Info as ${SYNC_INFO_OID} with a value.`)
      }
      return { kind: 'info', info: decodeSyncInfoValue(op.responseValue).value }
    }
    case 'searchResultDone': {
      const done = controls.find((c) => c.type === SYNC_DONE_OID)
      return {
        kind: 'done',
        resultCode: op.resultCode,
        diagnosticMessage: op.diagnosticMessage,
        ...(op.matchedDN ? { matchedDN: op.matchedDN } : {}),
        ...(done === undefined ? {} : { syncDone: decodeSyncDoneValue(done.value ?? new Uint8Array(0)).value }),
      }
    }
    default:
      throw new HarnessError('WIRE_BAD_RESPONSE', `A ${op.kind} arrived with the message ID of a Sync search; only entries, Sync Info intermediate responses and SearchResultDone belong there.`)
  }
}

/** The last cookie the server handed out in `messages` (Done, refresh terminator, newcookie, or a persist entry's). */
export function lastCookie(messages: readonly SyncMessage[]): Uint8Array | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as SyncMessage
    if (m.kind === 'done' && m.syncDone?.cookie) return m.syncDone.cookie
    if (m.kind === 'info' && m.info.kind !== 'syncIdSet' && m.info.cookie) return m.info.cookie
    if (m.kind === 'entry' && m.cookie) return m.cookie
  }
  return undefined
}
