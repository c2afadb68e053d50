/**
 * How the runner drives a consumer under test: one `start` per consumer run of a case. The
 * command driver runs any program by the contract (docs/consumer-contract.md); the reference
 * driver runs our consumer in-process, judged by exactly the same rules, only faster.
 */
import type { ReportRead } from '../report-file.js'
import type { SyncMode } from '../verdict.js'

/** What the contract's SYNCREPL_* variables carry, for one run. */
export interface ConsumerRunEnv {
  readonly url: string
  readonly base: string
  readonly scope: 'base' | 'one' | 'sub'
  readonly filter: string
  readonly attributes: readonly string[]
  readonly mode: SyncMode
  readonly reloadHint: boolean
  readonly bindDn: string
  readonly password: string
  readonly stateDir: string
  readonly caseId: string
  readonly run: string
  readonly hooks?: { readonly guid: string; readonly data?: Uint8Array }
}

export interface ConsumerExit {
  readonly exitCode: number | null
  readonly signal: string | null
}

/** One running consumer. */
export interface ConsumerRun {
  /** Settles when the consumer has ended (by itself, or after terminate/kill). Never rejects. */
  readonly exited: Promise<ConsumerExit>
  /** SIGTERM: a persist consumer stops and exits 0 within 5 s. */
  terminate(): void
  /** SIGKILL: no chance to write anything more. */
  kill(): void
  /** The report as the consumer last wrote it. */
  readReport(): Promise<ReportRead>
  /** Resolves when the report may have changed, or after `ms`. */
  nextChange(ms: number): Promise<void>
  /** The last 4 KiB the consumer wrote to stderr. */
  stderrTail(): string
}

export interface ConsumerDriver {
  /** How reports name the consumer under test. */
  readonly name: string
  /** True for a consumer running inside the runner's process (cheap to run many at once). */
  readonly inProcess?: boolean
  start(env: ConsumerRunEnv): ConsumerRun
  /** The case is over: drop what was kept for its state directory. */
  endCase?(stateDir: string): void
}

/** Keeps the last `limit` characters written. */
export class TailBuffer {
  private text = ''
  constructor(private readonly limit = 4096) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit)
  }
  toString(): string {
    return this.text
  }
}
