/**
 * One sync session of test/scenarios/python/example_consumer.py (an application on python-ldap's
 * SyncreplConsumer, replica in a JSON file): spawned with Debian's /usr/bin/python3, its stdout
 * read as JSON lines. Waits are for its lines or its exit, each bounded, never for time.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { SYSTEM_PYTHON } from '../../interop/peers.js'

const SCRIPT = fileURLToPath(new URL('../python/example_consumer.py', import.meta.url))

/** One line of the script: a SyncreplConsumer callback or a step of the application. */
export type PythonEvent =
  | { readonly event: 'start'; readonly cookie: string | null }
  | { readonly event: 'entry'; readonly uuid: string; readonly dn: string }
  | { readonly event: 'delete'; readonly uuids: readonly string[] }
  | { readonly event: 'present'; readonly uuids: readonly string[] | null; readonly refreshDeletes: boolean; readonly removed: readonly string[] }
  | { readonly event: 'cookie'; readonly cookie: string }
  | { readonly event: 'refreshDone' }
  | { readonly event: 'searchDone' }
  | { readonly event: 'cancelled' }
  | { readonly event: 'refreshRequired' }
  | { readonly event: 'saved'; readonly entries: number }
  | { readonly event: 'error'; readonly type: string; readonly message: string; readonly result: number | null }

export interface PythonSessionOptions {
  readonly url: string
  readonly base: string
  readonly scope: 'base' | 'one' | 'sub'
  readonly filter: string
  readonly attributes: readonly string[]
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  /** The JSON replica, shared by the sessions of one run. */
  readonly state: string
  readonly forgetCookie: boolean
  readonly reloadOn4096: boolean
}

/** How the script ended: 0 = the session ended normally, 2 = it ended in an error (an `error` line says which). */
export interface PythonExit {
  readonly status: number | null
  readonly signal: NodeJS.Signals | null
}

export class PythonSession {
  readonly events: PythonEvent[] = []
  readonly exited: Promise<PythonExit>
  private readonly child: ChildProcess
  private stderr = ''
  private exit: PythonExit | undefined
  private readonly listeners = new Set<() => void>()

  constructor(options: PythonSessionOptions) {
    const args = [SCRIPT, '--url', options.url, '--base', options.base, '--scope', options.scope, '--filter', options.filter,
      '--state', options.state, '--mode', options.mode]
    if (options.attributes.length > 0) args.push('--attrs', options.attributes.join(','))
    if (options.forgetCookie) args.push('--forget-cookie')
    if (options.reloadOn4096) args.push('--reload-on-4096')
    this.child = spawn(SYSTEM_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk))
    this.child.stdin?.on('error', () => {
      // The script may have exited already (the provider ended the session); its exit says why.
    })
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as PythonEvent)
      } catch {
        this.stderr += `[not JSON] ${line}\n`
      }
      this.wake()
    })
    // 'close' follows the end of stdout, so every line is in `events` once the exit is known.
    this.exited = new Promise((resolve) => {
      this.child.on('close', (status, signal) => {
        this.exit = { status, signal }
        this.wake()
        resolve(this.exit)
      })
    })
  }

  /** Resolves once an event passes `test`; rejects if the script exits first or after `timeoutMs`. */
  until(what: string, test: (e: PythonEvent) => boolean, timeoutMs = 15_000): Promise<PythonEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(test)
        if (found !== undefined) {
          finish()
          resolve(found)
          return true
        }
        if (this.exit !== undefined) {
          finish()
          reject(new Error(`python-ldap's session exited (status ${this.exit.status}) before ${what}.\n${this.transcript()}`))
          return true
        }
        return false
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`python-ldap's session showed no ${what} within ${timeoutMs} ms.\n${this.transcript()}`))
      }, timeoutMs)
      const listener = (): void => void check()
      const finish = (): void => {
        clearTimeout(timer)
        this.listeners.delete(listener)
      }
      if (!check()) this.listeners.add(listener)
    })
  }

  /** Ends a persist session the RFC 3909 way: the script cancels its search and saves. */
  stop(): void {
    this.child.stdin?.end('stop\n')
  }

  /** The exit, bounded: a script that does not end is killed (by its PID) and reported. */
  async finished(timeoutMs = 25_000): Promise<PythonExit> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill()
        reject(new Error(`python-ldap's session did not end within ${timeoutMs} ms.\n${this.transcript()}`))
      }, timeoutMs)
    })
    try {
      return await Promise.race([this.exited, late])
    } finally {
      clearTimeout(timer)
    }
  }

  kill(): void {
    if (this.exit === undefined) this.child.kill('SIGKILL')
  }

  /** The last lines and stderr, for failure messages. */
  transcript(): string {
    const tail = this.events.slice(-25).map((e) => JSON.stringify(e)).join('\n')
    return `Last lines of the python-ldap session:\n${tail || '(none)'}\nstderr:\n${this.stderr.trim() || '(empty)'}`
  }

  private wake(): void {
    for (const l of [...this.listeners]) l()
  }
}
