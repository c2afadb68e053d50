/**
 * One sync session of test/scenarios/python/example_consumer.py (an application on python-ldap's
 * SyncreplConsumer, replica in a JSON file): spawned with Debian's /usr/bin/python3, its stdout
 * read as JSON lines. Waits are for its lines or its exit, each bounded, never for time.
 */
import { fileURLToPath } from 'node:url'
import type { ConsumerSpec } from '../../../scenarios/types.js'
import { ReplicaScript } from '../../support/python-replica.js'
import type { ReplicaEvent } from '../../support/python-replica.js'
import type { ProcessExit } from '../../support/watched-process.js'

const SCRIPT = fileURLToPath(new URL('../python/example_consumer.py', import.meta.url))

/** One line of the script: a SyncreplConsumer callback or a step of the application. */
export type PythonEvent =
  | ReplicaEvent
  | { readonly event: 'refreshRequired' }
  | { readonly event: 'error'; readonly type: string; readonly message: string; readonly result: number | null }

/** The example's `consumer` search, as one session of the script runs it against `url`. */
export interface PythonSessionOptions extends Pick<ConsumerSpec, 'base' | 'scope' | 'filter' | 'attributes'> {
  readonly url: string
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  /** The JSON replica, shared by the sessions of one run. */
  readonly state: string
  readonly forgetCookie: boolean
  readonly reloadOn4096: boolean
}

/** How the script ended: 0 = the session ended normally, 2 = it ended in an error (an `error` line says which). */
export type PythonExit = ProcessExit

export class PythonSession extends ReplicaScript<PythonEvent> {
  constructor(options: PythonSessionOptions) {
    const args = ['--url', options.url, '--base', options.base, '--scope', options.scope, '--filter', options.filter,
      '--state', options.state, '--mode', options.mode]
    if (options.attributes.length > 0) args.push('--attrs', options.attributes.join(','))
    if (options.forgetCookie) args.push('--forget-cookie')
    if (options.reloadOn4096) args.push('--reload-on-4096')
    super("python-ldap's session", SCRIPT, args)
  }

  /** Resolves once an event passes `test`; rejects if the script exits first or after `timeoutMs`. */
  until(what: string, test: (e: PythonEvent) => boolean, timeoutMs = 15_000): Promise<PythonEvent> {
    return this.process.until(what, () => {
      const found = this.events.find(test)
      return found === undefined ? undefined : { found }
    }, timeoutMs)
  }

  /** Ends a persist session the RFC 3909 way: the script cancels its search and saves. */
  stop(): void {
    this.process.end('stop\n')
  }

  /** The exit, bounded: a script that does not end is killed (by its PID) and reported. */
  finished(timeoutMs = 25_000): Promise<PythonExit> {
    return this.process.finished(timeoutMs)
  }
}
