/**
 * Per connection: messageID → running operation, for Cancel (RFC 3909), Abandon (RFC 4511
 * §4.11) and closing. Only searches run long enough to be registered; every other operation is
 * answered synchronously, so a Cancel naming one finds nothing (noSuchOperation), as it would
 * on slapd once that operation has finished.
 */
import type { OperationOutcome, ProviderEvents } from './events.js'

export type OperationKind = 'search' | 'syncSearch'

/**
 * `running` → `cancelling` (a Cancel is being served) → `ended`. Once not running, the producer
 * must not send anything more for it.
 */
export type OperationState = 'running' | 'cancelling' | 'ended'

export class RunningOperation {
  private current: OperationState = 'running'

  constructor(
    readonly messageId: number,
    readonly kind: OperationKind,
    private readonly onStop: () => void,
  ) {}

  get state(): OperationState {
    return this.current
  }

  /** True once cancelled, abandoned, ended or its connection closed: produce nothing more. */
  get stopped(): boolean {
    return this.current !== 'running'
  }

  /** @internal the registry's transitions */
  transition(to: OperationState): void {
    if (this.current === 'ended') return
    const wasRunning = this.current === 'running'
    this.current = to
    if (wasRunning) {
      try {
        this.onStop()
      } catch {
        // A stop hook (the engine's stop) must not keep the connection from tidying up.
      }
    }
  }
}

/** What a Cancel request finds (RFC 3909 §2.3, slapd's cancel.c). */
export type CancelDecision =
  | { readonly kind: 'cancel'; readonly operation: RunningOperation }
  /** Unknown, finished or abandoned: noSuchOperation (119) "message ID not found". */
  | { readonly kind: 'noSuchOperation' }
  /** A Cancel for it is already being served: slapd answers operationsError (1) "message ID already being cancelled". */
  | { readonly kind: 'alreadyCancelling' }

export class OperationRegistry {
  private readonly running = new Map<number, RunningOperation>()

  constructor(
    private readonly connectionId: number,
    private readonly events: ProviderEvents,
  ) {}

  get size(): number {
    return this.running.size
  }

  get(messageId: number): RunningOperation | undefined {
    return this.running.get(messageId)
  }

  /** Registers a long-running operation; `onStop` is called once when it is stopped for any reason. */
  register(messageId: number, kind: OperationKind, onStop: () => void = () => {}): RunningOperation {
    const op = new RunningOperation(messageId, kind, onStop)
    // A client reusing an outstanding messageID breaks RFC 4511 §4.1.1.1; the newer one wins the
    // slot and the older one is stopped, so nothing is left running unreachable.
    const older = this.running.get(messageId)
    if (older !== undefined) this.end(older, 'abandoned', undefined)
    this.running.set(messageId, op)
    return op
  }

  /** The operation sent its final response. */
  finish(op: RunningOperation, resultCode: number): void {
    this.end(op, 'done', resultCode)
  }

  /**
   * Starts a Cancel: on `cancel` the operation is already stopped (it produces nothing more);
   * the caller sends its SearchResultDone canceled (118), then `completeCancel`, then the Cancel
   * response.
   */
  cancel(messageId: number): CancelDecision {
    const op = this.running.get(messageId)
    if (op === undefined) return { kind: 'noSuchOperation' }
    if (op.state === 'cancelling') return { kind: 'alreadyCancelling' }
    op.transition('cancelling')
    return { kind: 'cancel', operation: op }
  }

  completeCancel(op: RunningOperation, resultCode: number): void {
    this.end(op, 'cancelled', resultCode)
  }

  /** Abandon: stop silently. Unknown IDs are ignored (RFC 4511 §4.11). Returns whether one was found. */
  abandon(messageId: number): boolean {
    const op = this.running.get(messageId)
    if (op === undefined || op.state !== 'running') return false
    this.end(op, 'abandoned', undefined)
    return true
  }

  /** The connection closed: stop everything, no timers or listeners left behind. */
  stopAll(): void {
    for (const op of [...this.running.values()]) this.end(op, 'connectionClosed', undefined)
  }

  private end(op: RunningOperation, outcome: OperationOutcome, resultCode: number | undefined): void {
    if (this.running.get(op.messageId) !== op || op.state === 'ended') return
    op.transition('ended')
    this.running.delete(op.messageId)
    this.events.emit({
      type: 'operationEnded',
      connectionId: this.connectionId,
      messageId: op.messageId,
      outcome,
      ...(resultCode === undefined ? {} : { resultCode }),
    })
  }
}
