/**
 * The reference consumer (consumer/) driven in-process, by the same contract as any program:
 * one `start` per run, state kept per SYNCREPL_STATE_DIR between the runs of a case, the exit
 * codes of `syncrepl-harness consume`, SIGTERM as a Cancel, SIGKILL as a dropped socket with
 * nothing more committed. The report is read from the store directly instead of report.json —
 * the judging is identical, the case just does not pay for files and processes.
 */
import { HandshakeError, LdapClientError, LdapResultError, MemoryStore, SyncProtocolError, SyncreplConsumer, wrapCommit } from '../../../consumer/index.js'
import type { ReplicaSnapshot, ReplicaStore, ReplicaTransaction, SessionHooksOptions } from '../../../consumer/index.js'
import { keepAttributes } from '../replica.js'
import type { ComparableEntry, ComparableReplica } from '../replica.js'
import type { ReportRead } from '../report-file.js'
import { TailBuffer } from './types.js'
import type { ConsumerDriver, ConsumerExit, ConsumerRun, ConsumerRunEnv } from './types.js'

/** How long a SIGTERMed run waits for the Cancel's answer before it drops the connection. */
const CANCEL_GRACE_MS = 2000

export interface ReferenceDriverOptions {
  /** Reports name the consumer so. Default `reference (in-process)`. */
  readonly name?: string
  /** A subclass of SyncreplConsumer (the broken variants of the test fixtures are such subclasses). */
  readonly consumerClass?: typeof SyncreplConsumer
  /** The store a run starts from; default a MemoryStore holding the case's last committed state. */
  readonly createStore?: (saved: ReplicaSnapshot | undefined) => ReplicaStore
  /** Reconnect backoff in refreshAndPersist: first wait and cap, ms. Default 50 and 1000. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number }
}

export class ReferenceDriver implements ConsumerDriver {
  readonly name: string
  readonly inProcess = true
  /** Each case's committed state between its runs, by state directory. */
  private readonly saved = new Map<string, ReplicaSnapshot>()

  constructor(private readonly options: ReferenceDriverOptions = {}) {
    this.name = options.name ?? 'reference (in-process)'
  }

  start(env: ConsumerRunEnv): ConsumerRun {
    const inner = this.options.createStore?.(this.saved.get(env.stateDir)) ?? new MemoryStore(initialOf(this.saved.get(env.stateDir)))
    const run = new ReferenceRun(env, new RunStore(inner), this.options)
    let final: ReplicaSnapshot | undefined
    const exited = run.execute().then(async (exit) => {
      final = await inner.load()
      this.saved.set(env.stateDir, final)
      await inner.close().catch(() => undefined)
      return exit
    })
    return {
      exited,
      terminate: () => run.terminate(),
      kill: () => run.kill(),
      readReport: async () => (final === undefined ? run.report() : { kind: 'ok', replica: comparable(final, env.attributes) }),
      nextChange: (ms) => run.nextChange(ms),
      stderrTail: () => run.stderr.toString(),
    }
  }

  endCase(stateDir: string): void {
    this.saved.delete(stateDir)
  }
}

function initialOf(saved: ReplicaSnapshot | undefined): { initial?: ReplicaSnapshot } {
  return saved === undefined ? {} : { initial: saved }
}

class ReferenceRun {
  readonly stderr = new TailBuffer()
  private consumer: SyncreplConsumer | undefined
  private terminated = false
  private waiters = new Set<() => void>()
  private wake: (() => void) | undefined

  constructor(
    private readonly env: ConsumerRunEnv,
    private readonly store: RunStore,
    private readonly options: ReferenceDriverOptions,
  ) {
    store.onCommit = () => this.changed()
  }

  async execute(): Promise<ConsumerExit> {
    try {
      const code = this.env.mode === 'refreshOnly' ? await this.refreshOnly() : await this.persist()
      return { exitCode: this.store.killed ? null : code, signal: this.store.killed ? 'SIGKILL' : null }
    } catch (error) {
      if (this.store.killed) return { exitCode: null, signal: 'SIGKILL' }
      this.stderr.push(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      return { exitCode: 70, signal: null }
    } finally {
      this.changed()
    }
  }

  terminate(): void {
    this.terminated = true
    this.wake?.()
    const consumer = this.consumer
    void consumer?.cancel().catch(() => consumer.client.destroy())
    // A provider that never answers the Cancel must not keep us past the contract's 5 s.
    if (consumer !== undefined) setTimeout(() => consumer.client.destroy(), CANCEL_GRACE_MS).unref()
  }

  kill(): void {
    this.store.killed = true
    this.terminated = true
    this.wake?.()
    this.consumer?.client.destroy()
  }

  async report(): Promise<ReportRead> {
    const snapshot = await this.store.inner.load().catch(() => undefined)
    if (snapshot === undefined) return { kind: 'none' }
    return { kind: 'ok', replica: comparable(snapshot, this.env.attributes) }
  }

  nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const waiters = this.waiters
      function done(): void {
        clearTimeout(timer)
        waiters.delete(done)
        resolve()
      }
      waiters.add(done)
    })
  }

  private changed(): void {
    for (const w of [...this.waiters]) w()
  }

  private async connect(): Promise<SyncreplConsumer> {
    const Consumer = this.options.consumerClass ?? SyncreplConsumer
    const hooks: SessionHooksOptions | undefined =
      this.env.hooks === undefined ? undefined : { guid: this.env.hooks.guid, data: this.env.hooks.data ?? new Uint8Array(), handshakeTimeoutMs: 5000 }
    const consumer = await Consumer.connect({
      url: this.env.url,
      store: this.store,
      timeoutMs: 5000,
      ...(this.env.bindDn === '' ? {} : { bindDn: this.env.bindDn, password: this.env.password }),
      ...(hooks === undefined ? {} : { sessionHooks: hooks }),
    })
    this.consumer = consumer
    if (this.terminated) consumer.client.destroy()
    return consumer
  }

  private search(consumer: SyncreplConsumer): Promise<number> {
    return consumer.syncSearch({
      base: this.env.base,
      scope: this.env.scope,
      filter: this.env.filter,
      mode: this.env.mode,
      reloadHint: this.env.reloadHint,
      ...(this.env.attributes.length === 0 ? {} : { attrs: this.env.attributes }),
    })
  }

  private async refreshOnly(): Promise<number> {
    let consumer: SyncreplConsumer | undefined
    try {
      consumer = await this.connect()
      await this.search(consumer)
      const outcome = await consumer.poll()
      return outcome.kind === 'done' && outcome.resultCode !== 0 ? this.failed(`the sync ended with result ${outcome.resultCode} ${outcome.diagnosticMessage}`) : 0
    } catch (error) {
      return this.exitCodeOf(error)
    } finally {
      await consumer?.close().catch(() => undefined)
    }
  }

  /** Runs until terminated; reconnects with backoff after a drop (docs/consumer-contract.md). */
  private async persist(): Promise<number> {
    const backoff = this.options.backoff ?? { initialMs: 50, maxMs: 1000 }
    let wait = backoff.initialMs
    while (!this.terminated) {
      let consumer: SyncreplConsumer | undefined
      try {
        consumer = await this.connect()
        await this.search(consumer)
        const outcome = await consumer.poll()
        if (this.terminated) return 0
        if (outcome.kind === 'done') this.stderr.push(`the persist search ended (result ${outcome.resultCode} ${outcome.diagnosticMessage}); reconnecting\n`)
        wait = backoff.initialMs
      } catch (error) {
        if (this.terminated) return 0
        const code = this.exitCodeOf(error)
        if (code === 3 || code === 5) return code // a protocol violation or a fatal handshake: retrying cannot help
      } finally {
        await consumer?.close().catch(() => undefined)
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wait = Math.min(wait * 2, backoff.maxMs)
    }
    return 0
  }

  private failed(message: string): number {
    this.stderr.push(message + '\n')
    return 1
  }

  /** The exit codes of `syncrepl-harness consume` (docs/consumer.md). */
  private exitCodeOf(error: unknown): number {
    const message = error instanceof Error ? error.message : String(error)
    this.stderr.push(message + '\n')
    if (error instanceof HandshakeError) return error.retryable ? 4 : 5
    if (error instanceof SyncProtocolError) return 3
    if (error instanceof LdapResultError || error instanceof LdapClientError) return 1
    return 1
  }
}

/**
 * The store a run writes through: closing a consumer does not close it (a persist run reconnects
 * with the same replica), and after a kill nothing more is committed.
 */
class RunStore implements ReplicaStore {
  killed = false
  onCommit: () => void = () => undefined

  constructor(readonly inner: ReplicaStore) {}

  load(): Promise<ReplicaSnapshot> {
    return this.inner.load()
  }

  async begin(): Promise<ReplicaTransaction> {
    if (this.killed) throw new Error('The consumer was killed.')
    const tx = await this.inner.begin()
    return wrapCommit(tx, async (cookie, commit) => {
      if (this.killed) {
        tx.rollback()
        throw new Error('The consumer was killed before this commit.')
      }
      await commit(cookie)
      this.onCommit()
    })
  }

  async close(): Promise<void> {}
}

function comparable(snapshot: ReplicaSnapshot, requested: readonly string[]): ComparableReplica {
  const entries = new Map<string, ComparableEntry>()
  for (const e of snapshot.entries.values()) {
    const attributes = new Map<string, readonly Uint8Array[]>()
    for (const [name, values] of e.attributes) attributes.set(name.toLowerCase(), [...(attributes.get(name.toLowerCase()) ?? []), ...values])
    entries.set(e.uuid, { uuid: e.uuid, dn: e.dn, attributes: keepAttributes(attributes, requested) })
  }
  return { cookie: snapshot.cookie === undefined ? null : snapshot.cookie, entries }
}
