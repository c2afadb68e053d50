/**
 * Drives one sync operation of the engine on one connection: pulls the refresh messages and
 * sends them in batches (waiting for the socket between batches, so a stalled consumer stalls
 * the refresh), then, for refreshAndPersist, sends persist messages as the engine pushes them,
 * in order, through the same backpressure.
 *
 * Cancel, Abandon and close stop the engine's operation through the registry; the producer checks
 * `stopped` before every message and sends nothing more (the Cancel handler writes the 118).
 *
 * With scenario hooks (session.ts ServerHooks) the search is shown to them before the engine
 * starts and after every message; in script mode the engine never starts.
 */
import { ResultCode } from '../../protocol/index.js'
import type { SyncMessage, SyncOperation, SyncPhase, SyncSearchRequest } from '../sync/types.js'
import { BatchWriter } from './batch-writer.js'
import { writeSyncMessage } from './encode-sync.js'
import type { RunningOperation } from './operations.js'
import type { Session, SyncSearchHandle } from './session.js'

export async function runSyncSearch(session: Session, request: SyncSearchRequest): Promise<void> {
  const messageId = request.messageId
  const hooks = session.config.hooks
  let sync: SyncOperation | undefined
  const op = session.operations.register(messageId, 'syncSearch', () => sync?.stop())
  const search: SyncSearchHandle = { session, request, operation: op }
  hooks?.syncSearchStarted?.(search)
  // Script mode: the scenario's steps alone answer; the operation stays registered so that
  // Cancel, Abandon and close still find it.
  if (op.stopped || hooks?.scripted === true) return
  try {
    sync = session.config.engine.start(request)
  } catch (error) {
    const result = internalError(error)
    session.reply(messageId, 'searchDone', result)
    session.operations.finish(op, result.resultCode)
    return
  }
  const batch = new BatchWriter(session.connection)
  const report = reporter(session, search, batch)
  try {
    const refresh = sync.refresh()
    for (;;) {
      if (op.stopped) return
      const next = refresh.next()
      if (next.done === true) break
      const message = next.value
      writeSyncMessage(batch.writer, messageId, message)
      if (message.kind === 'done') {
        batch.handOff()
        session.sentSync(messageId, message, 'refresh')
        session.operations.finish(op, message.resultCode)
        hooks?.syncMessageSent?.(search, message, 'refresh', () => batch.handOff())
        await batch.flush()
        return
      }
      report(message, 'refresh')
      await batch.maybeFlush()
    }
    await batch.flush()
    if (op.stopped) return
    if (!sync.persisting) {
      // The engine's contract ends a refresh with `done` or enters persist; anything else would
      // leave the client waiting forever, so it is answered rather than trusted.
      fail(session, op, new Error('the sync engine ended the refresh without a SearchResultDone and without entering the persist stage'))
      return
    }
    if (sync.unanswered !== true) hooks?.syncPersistStarted?.(search)
    if (op.stopped) return
    const pump = new PersistPump(session, search, sync)
    sync.onPersist((message) => pump.push(message))
  } catch (error) {
    batch.discard()
    fail(session, op, error)
  }
}

/** Reports a sent message as an event and to the hooks (which may hand the batch off first). */
function reporter(session: Session, search: SyncSearchHandle, batch: BatchWriter): (message: SyncMessage, phase: SyncPhase) => void {
  const hooks = session.config.hooks
  const messageId = search.request.messageId
  const handOff = (): void => batch.handOff()
  return (message, phase) => {
    session.sentSync(messageId, message, phase)
    hooks?.syncMessageSent?.(search, message, phase, handOff)
  }
}

/**
 * Persist messages arrive synchronously from directory changes; they are queued per operation
 * and written in order, each batch waiting for the socket. The queue holds typed messages, not
 * bytes, so a stalled consumer costs what slapd's per-psearch queue costs.
 */
class PersistPump {
  private readonly queue: SyncMessage[] = []
  private pumping = false
  private readonly batch: BatchWriter
  private readonly op: RunningOperation
  private readonly report: (message: SyncMessage, phase: SyncPhase) => void

  constructor(
    private readonly session: Session,
    private readonly search: SyncSearchHandle,
    private readonly sync: SyncOperation,
  ) {
    this.batch = new BatchWriter(session.connection)
    this.op = search.operation
    this.report = reporter(session, search, this.batch)
  }

  push(message: SyncMessage): void {
    if (this.op.stopped) return
    this.queue.push(message)
    if (!this.pumping) void this.pump()
  }

  private async pump(): Promise<void> {
    this.pumping = true
    const messageId = this.op.messageId
    try {
      while (this.queue.length > 0) {
        if (this.op.stopped) {
          this.queue.length = 0
          return
        }
        const message = this.queue.shift() as SyncMessage
        writeSyncMessage(this.batch.writer, messageId, message)
        if (message.kind === 'done') {
          // e.g. the base went away: 4096 ends the operation (rfc4533.md §3.8 (e)).
          this.queue.length = 0
          this.batch.handOff()
          this.session.sentSync(messageId, message, 'persist')
          this.session.operations.finish(this.op, message.resultCode)
          this.sync.stop()
          this.session.config.hooks?.syncMessageSent?.(this.search, message, 'persist', () => this.batch.handOff())
          await this.batch.flush()
          return
        }
        this.report(message, 'persist')
        if (this.queue.length === 0 || this.batch.full) await this.batch.flush()
      }
    } catch (error) {
      this.batch.discard()
      this.queue.length = 0
      fail(this.session, this.op, error)
    } finally {
      this.pumping = false
    }
  }
}

function internalError(error: unknown): { resultCode: number; diagnosticMessage: string } {
  return { resultCode: ResultCode.other, diagnosticMessage: `The mock provider failed internally: ${error instanceof Error ? error.message : String(error)}` }
}

/** The engine or the encoder threw: end the operation with `other` rather than leave it hanging. */
function fail(session: Session, op: RunningOperation, error: unknown): void {
  if (op.stopped) return
  const result = internalError(error)
  session.notice(`Sync operation ${op.messageId} failed: ${result.diagnosticMessage}`)
  session.reply(op.messageId, 'searchDone', result)
  session.operations.finish(op, result.resultCode)
}
