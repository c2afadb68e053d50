/**
 * One `ldapsearch -E '!sync=ro[/cookie]'` or `'!sync=rp[/cookie]'` session (Debian's ldap-utils
 * 2.5.13) against a scenario's provider. ldapsearch flushes what it prints after every message,
 * so its stdout can be waited on while it runs. A persist session has no end of its own: the
 * test ends it by its PID once it has printed everything the provider sent.
 */
import type { ConsumerSpec } from '../../../scenarios/types.js'
import { WatchedProcess } from '../../support/watched-process.js'
import type { ProcessExit } from '../../support/watched-process.js'

/** The example's `consumer` search, as one ldapsearch runs it against `url`. */
export interface LdapsearchOptions extends Pick<ConsumerSpec, 'base' | 'scope' | 'filter' | 'attributes'> {
  readonly url: string
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  readonly cookie?: string
}

export interface LdapsearchExit extends ProcessExit {
  readonly stdout: string
  readonly stderr: string
}

export class LdapsearchSession {
  readonly exited: Promise<LdapsearchExit>
  private readonly process: WatchedProcess
  private out = ''

  constructor(options: LdapsearchOptions) {
    const sync = `!sync=${options.mode === 'refreshOnly' ? 'ro' : 'rp'}${options.cookie === undefined ? '' : `/${options.cookie}`}`
    const args = ['-x', '-H', options.url, '-b', options.base, '-s', options.scope, '-E', sync, options.filter, ...options.attributes]
    this.process = new WatchedProcess({
      name: 'ldapsearch',
      command: 'ldapsearch',
      args,
      // LDAPNOINIT keeps ~/.ldaprc and /etc/ldap/ldap.conf out of the run.
      env: { ...process.env, LDAPNOINIT: '1' },
      stdin: 'ignore',
      stdout: 'chunks',
      receive: (chunk) => (this.out += chunk),
      describeOutput: () => `ldapsearch stdout (last 3000 characters):\n${this.out.slice(-3000) || '(empty)'}`,
    })
    this.exited = this.process.exited.then((exit) => this.withOutput(exit))
  }

  get stdout(): string {
    return this.out
  }

  /** Sync Info messages and entries with a Sync State control printed so far. */
  syncMessagesPrinted(): number {
    return (this.out.match(/^# (SyncState control|SyncInfo Received)/gm) ?? []).length
  }

  /** Resolves once `test(stdout)` holds; rejects when ldapsearch exits first or after `timeoutMs`. */
  until(what: string, test: (stdout: string) => boolean, timeoutMs = 15_000): Promise<void> {
    return this.process.until(what, () => (test(this.out) ? { found: undefined } : undefined), timeoutMs)
  }

  /** Ends a persist session (SIGTERM to its PID). */
  stop(): void {
    this.process.signal('SIGTERM')
  }

  /** The exit, bounded: an ldapsearch that does not end is killed and reported. */
  async finished(timeoutMs = 25_000): Promise<LdapsearchExit> {
    return this.withOutput(await this.process.finished(timeoutMs))
  }

  kill(): void {
    this.process.kill()
  }

  transcript(): string {
    return this.process.transcript()
  }

  private withOutput(exit: ProcessExit): LdapsearchExit {
    return { ...exit, stdout: this.out, stderr: this.process.stderr }
  }
}

/** The last cookie ldapsearch printed (`# cookie: …`), if any. */
export function lastCookie(stdout: string): string | undefined {
  const all = [...stdout.matchAll(/^# cookie: (.*)$/gm)]
  return all.at(-1)?.[1]
}
