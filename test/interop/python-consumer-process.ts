/**
 * Drives test/interop/python/syncrepl_consumer.py (python-ldap's SyncreplConsumer with a JSON
 * replica): one process per sync search, its stdout read as JSON lines. Every wait is bounded and
 * ends early, with the process's output, when the script reports an error or exits.
 */
import { fileURLToPath } from 'node:url'
import { ReplicaScript } from '../support/python-replica.js'
import type { ReplicaEvent } from '../support/python-replica.js'

const SCRIPT = fileURLToPath(new URL('./python/syncrepl_consumer.py', import.meta.url))

/** One line the script prints: one SyncreplConsumer callback, or a step of the script. */
export type ConsumerEvent =
  | ReplicaEvent
  | { readonly event: 'error'; readonly type: string; readonly message: string; readonly info: unknown }

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

/** A running consumer script. */
export class ConsumerProcess extends ReplicaScript<ConsumerEvent> {
  constructor(options: ConsumerOptions) {
    const args = ['--url', options.url, '--binddn', options.bindDn, '--password', options.password,
      '--base', options.base, '--state', options.state, '--mode', options.mode]
    if (options.filter !== undefined) args.push('--filter', options.filter)
    if (options.attrs !== undefined) args.push('--attrs', options.attrs.join(','))
    super("python-ldap's consumer", SCRIPT, args)
  }

  /**
   * Resolves with the index of the first event at or after `from` that passes `test`; rejects
   * after `timeoutMs`, on an error event that arrives while waiting, or when the script exits first.
   */
  until(what: string, test: (event: ConsumerEvent) => boolean, from = 0, timeoutMs = 10_000): Promise<number> {
    const arrivals = this.events.length
    return this.process.until<number>(what, () => {
      const found = this.events.findIndex((e, i) => i >= from && test(e))
      if (found >= 0) return { found }
      if (this.events.some((e, i) => i >= arrivals && e.event === 'error')) return { refused: 'reported an error' }
      return undefined
    }, timeoutMs)
  }

  /** Asks a persist session to end: "stop" on stdin, or SIGTERM. */
  stop(how: 'stdin' | 'SIGTERM'): void {
    if (how === 'stdin') this.process.write('stop\n')
    else this.process.signal('SIGTERM')
  }

  /** Waits for the exit and requires status 0 and a saved state; kills the script on timeout. */
  async finished(timeoutMs = 15_000): Promise<ConsumerEvent[]> {
    const { status, signal } = await this.process.finished(timeoutMs)
    if (status !== 0 || !this.events.some((e) => e.event === 'saved')) {
      throw new Error(`python-ldap's consumer failed (exit code ${status}, signal ${signal}).\n${this.transcript()}`)
    }
    return this.events
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
