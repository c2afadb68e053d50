/**
 * The provider's typed event stream: what the conformance runner and tests judge a consumer by.
 * Every event is a plain object with a `type` literal; nothing here is string-typed `emit('x')`.
 *
 * Two ways to consume it: listeners (`on`, `onAny`, synchronous, called in emission order) and
 * async iterators (`stream()`, buffered from the moment they are created). `waitFor` resolves with
 * the first matching event, which is how tests wait for a state instead of sleeping.
 */
import type { LdapMessage, ProtocolError } from '../../protocol/index.js'
import type { SourceRef } from '../../scenarios/types.js'
import type { HandshakeRecord, HandshakeViolation } from '../handshake/types.js'
import type { SyncMessage, SyncPhase } from '../sync/types.js'

interface EventBase {
  /** Milliseconds since the epoch, from the provider's clock. */
  readonly time: number
  readonly connectionId: number
}

export interface ConnectionOpenedEvent extends EventBase {
  readonly type: 'connectionOpened'
  readonly remoteAddress: string
  readonly remotePort: number
  /** True for an ldaps listener (StartTLS later reports `tlsStarted`). */
  readonly tls: boolean
}

export type CloseReason =
  /** The client closed or reset the connection. */
  | 'client'
  /** The client sent an UnbindRequest. */
  | 'unbind'
  /** The client sent bytes that are not LDAP (see the protocolViolation event before it). */
  | 'protocolViolation'
  /** The provider is shutting down (`close()`). */
  | 'providerClosed'
  /** A socket or TLS error. */
  | 'error'
  /** A scenario's wire fault closed (FIN) or reset (RST) it, or cut a PDU short (provider/scenario). */
  | 'fault'
  /** A scenario's `restart` action dropped every connection. */
  | 'restart'

export interface ConnectionClosedEvent extends EventBase {
  readonly type: 'connectionClosed'
  readonly reason: CloseReason
  /** The error behind `error` (or the TLS failure), as a sentence. */
  readonly detail?: string
}

export interface RequestReceivedEvent extends EventBase {
  readonly type: 'requestReceived'
  readonly messageId: number
  /** The request as our codec decoded it (control values are exact bytes). */
  readonly message: LdapMessage
  /** The whole LDAPMessage as received (a view; copy it to keep it past the event). */
  readonly bytes: Uint8Array
}

export interface MessageSentEvent extends EventBase {
  readonly type: 'messageSent'
  readonly messageId: number
  /** For a sync operation's messages: the engine's message, exactly as encoded. */
  readonly sync?: SyncMessage
  /** For a sync operation's messages: refresh or persist stage. */
  readonly phase?: SyncPhase
  /** A one-line description, e.g. `SearchResultDone canceled (118)`. */
  readonly description: string
  /** Script mode's messages: the octets as written (one PDU, several, or anything at all for `raw`). */
  readonly bytes?: Uint8Array
}

export interface ProtocolViolationEvent extends EventBase {
  readonly type: 'protocolViolation'
  /** The codec's stable code, e.g. `BER_LENGTH_TOO_LARGE`, or `LDAP_UNEXPECTED_PDU` for a response PDU sent by a client. */
  readonly code: string
  readonly error: ProtocolError | Error
}

export type OperationOutcome = 'done' | 'cancelled' | 'abandoned' | 'connectionClosed'

export interface OperationEndedEvent extends EventBase {
  readonly type: 'operationEnded'
  readonly messageId: number
  readonly outcome: OperationOutcome
  /** The SearchResultDone result code, when one was sent. */
  readonly resultCode?: number
}

export interface BackpressureEvent extends EventBase {
  readonly type: 'backpressure'
  /** `stalled`: the socket refused more and senders now wait; `resumed`: it drained. */
  readonly state: 'stalled' | 'resumed'
  /** Bytes queued in the socket at that moment (`socket.writableLength`). */
  readonly writableLength: number
}

export interface TlsStartedEvent extends EventBase {
  readonly type: 'tlsStarted'
  readonly protocol: string | null
}

/** Something worth knowing that is not a protocol event, e.g. a request ldapjs could not route. */
export interface NoticeEvent extends EventBase {
  readonly type: 'notice'
  readonly message: string
}

/** A scenario step fired (provider/scenario): its actions run right after this event. */
export interface ScenarioStepEvent extends EventBase {
  readonly type: 'scenarioStep'
  /** The step's position in the timeline, 0-based. */
  readonly step: number
  readonly name?: string
  readonly source: SourceRef
  /** What fired it, e.g. `entrySent 3 on connection 1`. */
  readonly trigger: string
  /** 1 the first time this step fires, then 2, 3… */
  readonly firing: number
  /** The sync search (or bind) that triggered it, if any; connectionId is 0 without a connection. */
  readonly messageId?: number
}

/**
 * An action of a scenario step failed (a modify of a missing DN, a send with nothing to send
 * to…). The provider carries on with the step's next action.
 */
export interface ScenarioErrorEvent extends EventBase {
  readonly type: 'scenarioError'
  readonly step: number
  readonly name?: string
  /** Where the failing action is written. */
  readonly source: SourceRef
  /** Where its step is written. */
  readonly stepSource: SourceRef
  /** The action's `do`, e.g. `modify`. */
  readonly action: string
  /** A stable code, e.g. `SCENARIO_ACTION_FAILED`. */
  readonly code: string
  readonly error: Error
}

/**
 * A session-hook Start or End exchange was answered (or given up on: hang, disconnect) —
 * 389ds-session-hooks.md §5.5; `provider.handshakes` keeps the same records.
 */
export interface HandshakeEvent extends EventBase {
  readonly type: 'handshake'
  readonly record: HandshakeRecord
}

/** A sync search was refused (53) for want of an accepted handshake: a violation by the consumer (§5.4). */
export interface HandshakeViolationEvent extends EventBase {
  readonly type: 'handshakeViolation'
  readonly violation: HandshakeViolation
}

export type ProviderEvent =
  | ConnectionOpenedEvent
  | ConnectionClosedEvent
  | RequestReceivedEvent
  | MessageSentEvent
  | ProtocolViolationEvent
  | OperationEndedEvent
  | BackpressureEvent
  | TlsStartedEvent
  | NoticeEvent
  | ScenarioStepEvent
  | ScenarioErrorEvent
  | HandshakeEvent
  | HandshakeViolationEvent

export type ProviderEventType = ProviderEvent['type']
export type EventOfType<T extends ProviderEventType> = Extract<ProviderEvent, { type: T }>
/** An event as emitted, before the stream stamps `time`. */
export type EventInput = WithoutTime<ProviderEvent>
type WithoutTime<E> = E extends ProviderEvent ? Omit<E, 'time'> : never

type Listener = (event: ProviderEvent) => void

/**
 * The per-provider event hub.
 *
 * @example
 * provider.events.on('operationEnded', (e) => console.log(e.messageId, e.outcome))
 * for await (const e of provider.events.stream()) if (e.type === 'connectionClosed') break
 * await provider.events.waitFor('backpressure', (e) => e.state === 'stalled')
 */
export class ProviderEvents {
  private readonly byType = new Map<ProviderEventType, Set<Listener>>()
  private readonly any = new Set<Listener>()
  private readonly streams = new Set<EventQueue>()
  private readonly endListeners = new Set<() => void>()
  private ended = false

  /**
   * @param now the clock for `time` (the provider passes its own clock)
   * @param onListenerError what to do when a listener throws; default: a process warning. The
   *   other listeners run either way.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly onListenerError: (error: unknown, event: ProviderEvent) => void = warnListenerError,
  ) {}

  /** Listens to one event type; returns the function that stops listening. */
  on<T extends ProviderEventType>(type: T, listener: (event: EventOfType<T>) => void): () => void {
    let set = this.byType.get(type)
    if (set === undefined) {
      set = new Set()
      this.byType.set(type, set)
    }
    const l = listener as Listener
    set.add(l)
    return () => set.delete(l)
  }

  /** Listens to every event; returns the function that stops listening. */
  onAny(listener: (event: ProviderEvent) => void): () => void {
    this.any.add(listener)
    return () => this.any.delete(listener)
  }

  /** Whether anybody would see an event of this type (lets hot paths skip building it). */
  wants(type: ProviderEventType): boolean {
    return this.any.size > 0 || this.streams.size > 0 || (this.byType.get(type)?.size ?? 0) > 0
  }

  /** Stamps and delivers an event. A listener that throws is reported once as a process warning and kept. */
  emit(input: EventInput): void {
    const event = { ...input, time: this.now() } as ProviderEvent
    const typed = this.byType.get(event.type)
    if (typed !== undefined) for (const l of [...typed]) this.call(l, event)
    for (const l of [...this.any]) this.call(l, event)
    for (const q of this.streams) q.push(event)
  }

  /**
   * An async iterator of every event from now on, until the provider closes (or the loop
   * breaks). Events are buffered while the consumer is busy.
   */
  stream(): AsyncIterableIterator<ProviderEvent> {
    const queue = new EventQueue(() => this.streams.delete(queue))
    if (this.ended) queue.end()
    else this.streams.add(queue)
    return queue
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ProviderEvent> {
    return this.stream()
  }

  /**
   * Resolves with the first event of `type` (from now on) that satisfies `predicate`. Rejects
   * with `signal`'s reason when aborted, and when the provider closes first.
   */
  waitFor<T extends ProviderEventType>(type: T, predicate: (event: EventOfType<T>) => boolean = () => true, signal?: AbortSignal): Promise<EventOfType<T>> {
    return new Promise((resolve, reject) => {
      if (this.ended) {
        reject(new Error(`The provider is closed, so no ${type} event can arrive any more.`))
        return
      }
      const cleanup = (): void => {
        off()
        offEnd()
        signal?.removeEventListener('abort', onAbort)
      }
      const off = this.on(type, (event) => {
        if (!predicate(event)) return
        cleanup()
        resolve(event)
      })
      const offEnd = this.onEnd(() => {
        cleanup()
        reject(new Error(`The provider closed before the awaited ${type} event arrived.`))
      })
      const onAbort = (): void => {
        cleanup()
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  private onEnd(listener: () => void): () => void {
    this.endListeners.add(listener)
    return () => this.endListeners.delete(listener)
  }

  /** Ends every stream and pending `waitFor` (the provider calls this once it has closed). */
  end(): void {
    if (this.ended) return
    this.ended = true
    for (const q of this.streams) q.end()
    this.streams.clear()
    for (const l of [...this.endListeners]) l()
    this.endListeners.clear()
  }

  private call(listener: Listener, event: ProviderEvent): void {
    try {
      listener(event)
    } catch (error) {
      try {
        this.onListenerError(error, event)
      } catch {
        // The error hook failed too; the provider must carry on regardless.
      }
    }
  }
}

function warnListenerError(error: unknown, event: ProviderEvent): void {
  process.emitWarning(`A provider event listener threw while handling a ${event.type} event; the provider carries on. ${String(error)}`)
}

/** One async iterator's buffer. */
class EventQueue implements AsyncIterableIterator<ProviderEvent> {
  private readonly buffered: ProviderEvent[] = []
  private waiting: ((r: IteratorResult<ProviderEvent>) => void) | undefined
  private done = false

  constructor(private readonly detach: () => void) {}

  push(event: ProviderEvent): void {
    if (this.done) return
    const w = this.waiting
    if (w !== undefined) {
      this.waiting = undefined
      w({ value: event, done: false })
    } else {
      this.buffered.push(event)
    }
  }

  end(): void {
    this.done = true
    const w = this.waiting
    this.waiting = undefined
    w?.({ value: undefined, done: true })
  }

  next(): Promise<IteratorResult<ProviderEvent>> {
    const event = this.buffered.shift()
    if (event !== undefined) return Promise.resolve({ value: event, done: false })
    if (this.done) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => {
      this.waiting = resolve
    })
  }

  return(): Promise<IteratorResult<ProviderEvent>> {
    this.detach()
    this.buffered.length = 0
    this.end()
    return Promise.resolve({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ProviderEvent> {
    return this
  }
}
