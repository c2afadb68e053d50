/**
 * Drives test/interop/python/syncrepl_consumer.py (python-ldap's SyncreplConsumer with a JSON
 * replica): one process per sync search, its stdout read as JSON lines. Every wait is bounded and
 * ends early, with the process's output, when the script reports an error or exits.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { SYSTEM_PYTHON } from './peers.js'

const SCRIPT = fileURLToPath(new URL('./python/syncrepl_consumer.py', import.meta.url))

/** One line the script prints: one SyncreplConsumer callback, or a step of the script. */
export type ConsumerEvent =
  | { readonly event: 'start'; readonly cookie: string | null }
  | { readonly event: 'entry'; readonly uuid: string; readonly dn: string }
  | { readonly event: 'delete'; readonly uuids: readonly string[] }
  | { readonly event: 'present'; readonly uuids: readonly string[] | null; readonly refreshDeletes: boolean; readonly removed: readonly string[] }
  | { readonly event: 'cookie'; readonly cookie: string }
  | { readonly event: 'refreshDone' }
  | { readonly event: 'searchDone' }
  | { readonly event: 'cancelled' }
  | { readonly event: 'saved'; readonly entries: number }
  | { readonly event: 'error'; readonly type: string; readonly message: string; readonly info: unknown }

/** One entry of the saved replica, keyed by its entryUUID text in `ReplicaState.entries`. */
export interface ReplicaEntry {
  readonly dn: string
  readonly attributes: Readonly<Record<string, readonly string[]>>
  /** Types whose values are stored as base64 (at least one value was not UTF-8). */
  readonly base64: readonly string[]
}

export interface ReplicaState {
  /** The cookie as base64 of its bytes, or null before the first one. */
  readonly cookie: string | null
  readonly entries: Readonly<Record<string, ReplicaEntry>>
}

export interface ConsumerOptions {
  readonly url: string
  readonly bindDn: string
  readonly password: string
  readonly base: string
  /** The JSON state file: read at start when it exists, written at the end. */
  readonly state: string
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  readonly filter?: string
  readonly attrs?: readonly string[]
}

interface Waiter {
  readonly what: string
  readonly test: (event: ConsumerEvent) => boolean
  readonly from: number
  readonly resolve: (index: number) => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout
}

/** A running consumer script. */
export class ConsumerProcess {
  readonly events: ConsumerEvent[] = []
  private readonly child: ChildProcess
  private readonly waiters = new Set<Waiter>()
  private stderr = ''
  private exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>

  constructor(options: ConsumerOptions) {
    const args = [SCRIPT, '--url', options.url, '--binddn', options.bindDn, '--password', options.password,
      '--base', options.base, '--state', options.state, '--mode', options.mode]
    if (options.filter !== undefined) args.push('--filter', options.filter)
    if (options.attrs !== undefined) args.push('--attrs', options.attrs.join(','))
    this.child = spawn(SYSTEM_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk
    })
    const lines = createInterface({ input: this.child.stdout as NodeJS.ReadableStream })
    lines.on('line', (line) => this.onLine(line))
    // 'close' comes after stdout has ended, so every line is in `events` when the exit is seen.
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.exitStatus = { code, signal }
        for (const w of this.waiters) this.fail(w, `the script exited (code ${code}, signal ${signal}) first`)
        resolve({ code, signal })
      })
    })
  }

  private onLine(line: string): void {
    let event: ConsumerEvent
    try {
      event = JSON.parse(line) as ConsumerEvent
    } catch {
      this.stderr += `[unparseable stdout line] ${line}\n`
      return
    }
    this.events.push(event)
    const index = this.events.length - 1
    for (const w of this.waiters) {
      if (index >= w.from && w.test(event)) {
        this.waiters.delete(w)
        clearTimeout(w.timer)
        w.resolve(index)
      } else if (event.event === 'error') {
        this.fail(w, 'the script reported an error first')
      }
    }
  }

  private fail(w: Waiter, why: string): void {
    this.waiters.delete(w)
    clearTimeout(w.timer)
    w.reject(new Error(`While waiting for ${w.what}: ${why}.\n${this.transcript()}`))
  }

  /** What the script said so far (events and stderr), for failure messages. */
  transcript(): string {
    const tail = this.events.slice(-30).map((e) => JSON.stringify(e)).join('\n')
    return `Last events of python-ldap's consumer:\n${tail || '(none)'}\nstderr:\n${this.stderr.trim() || '(empty)'}`
  }

  /**
   * Resolves with the index of the first event at or after `from` that passes `test`; rejects
   * after `timeoutMs`, on an error event, or when the script exits first.
   */
  until(what: string, test: (event: ConsumerEvent) => boolean, from = 0, timeoutMs = 10_000): Promise<number> {
    const found = this.events.findIndex((e, i) => i >= from && test(e))
    if (found >= 0) return Promise.resolve(found)
    if (this.exitStatus !== undefined) {
      return Promise.reject(new Error(`While waiting for ${what}: the script had already exited (code ${this.exitStatus.code}).\n${this.transcript()}`))
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        what,
        test,
        from,
        resolve,
        reject,
        timer: setTimeout(() => this.fail(waiter, `no such event within ${timeoutMs} ms`), timeoutMs),
      }
      this.waiters.add(waiter)
    })
  }

  /** Asks a persist session to end: "stop" on stdin, or SIGTERM. */
  stop(how: 'stdin' | 'SIGTERM'): void {
    if (how === 'stdin') this.child.stdin?.write('stop\n')
    else this.child.kill('SIGTERM')
  }

  /** Waits for the exit and requires status 0 and a saved state; kills the script on timeout. */
  async finished(timeoutMs = 15_000): Promise<ConsumerEvent[]> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL')
        reject(new Error(`python-ldap's consumer did not exit within ${timeoutMs} ms.\n${this.transcript()}`))
      }, timeoutMs)
    })
    try {
      const { code, signal } = await Promise.race([this.exited, timeout])
      if (code !== 0 || !this.events.some((e) => e.event === 'saved')) {
        throw new Error(`python-ldap's consumer failed (exit code ${code}, signal ${signal}).\n${this.transcript()}`)
      }
      return this.events
    } finally {
      clearTimeout(timer)
    }
  }

  /** Ends the script if it still runs (test clean-up after a failure). */
  kill(): void {
    if (this.exitStatus === undefined) this.child.kill('SIGKILL')
  }
}

/** One refreshOnly run to its end; returns the script's events. */
export async function refreshOnce(options: Omit<ConsumerOptions, 'mode'>): Promise<ConsumerEvent[]> {
  const consumer = new ConsumerProcess({ ...options, mode: 'refreshOnly' })
  try {
    return await consumer.finished()
  } finally {
    consumer.kill()
  }
}

export function readReplica(path: string): ReplicaState {
  return JSON.parse(readFileSync(path, 'utf8')) as ReplicaState
}
