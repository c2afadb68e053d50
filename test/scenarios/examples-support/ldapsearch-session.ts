/**
 * One `ldapsearch -E '!sync=ro[/cookie]'` or `'!sync=rp[/cookie]'` session (Debian's ldap-utils
 * 2.5.13) against a scenario's provider. ldapsearch flushes what it prints after every message,
 * so its stdout can be waited on while it runs. A persist session has no end of its own: the
 * test ends it by its PID once it has printed everything the provider sent.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'

export interface LdapsearchOptions {
  readonly url: string
  readonly base: string
  readonly scope: 'base' | 'one' | 'sub'
  readonly filter: string
  readonly attributes: readonly string[]
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  readonly cookie?: string
}

export interface LdapsearchExit {
  readonly status: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export class LdapsearchSession {
  readonly exited: Promise<LdapsearchExit>
  private readonly child: ChildProcess
  private out = ''
  private err = ''
  private done = false
  private readonly listeners = new Set<() => void>()

  constructor(options: LdapsearchOptions) {
    const sync = `!sync=${options.mode === 'refreshOnly' ? 'ro' : 'rp'}${options.cookie === undefined ? '' : `/${options.cookie}`}`
    const args = ['-x', '-H', options.url, '-b', options.base, '-s', options.scope, '-E', sync, options.filter, ...options.attributes]
    // LDAPNOINIT keeps ~/.ldaprc and /etc/ldap/ldap.conf out of the run.
    this.child = spawn('ldapsearch', args, { env: { ...process.env, LDAPNOINIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk
      this.wake()
    })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.err += chunk))
    this.exited = new Promise((resolve) => {
      this.child.on('close', (status, signal) => {
        this.done = true
        this.wake()
        resolve({ status, signal, stdout: this.out, stderr: this.err })
      })
    })
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
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (test(this.out)) {
          finish()
          resolve()
          return true
        }
        if (this.done) {
          finish()
          reject(new Error(`ldapsearch exited before ${what}.\n${this.transcript()}`))
          return true
        }
        return false
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`ldapsearch showed no ${what} within ${timeoutMs} ms.\n${this.transcript()}`))
      }, timeoutMs)
      const listener = (): void => void check()
      const finish = (): void => {
        clearTimeout(timer)
        this.listeners.delete(listener)
      }
      if (!check()) this.listeners.add(listener)
    })
  }

  /** Ends a persist session (SIGTERM to its PID). */
  stop(): void {
    if (!this.done) this.child.kill('SIGTERM')
  }

  /** The exit, bounded: an ldapsearch that does not end is killed and reported. */
  async finished(timeoutMs = 25_000): Promise<LdapsearchExit> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill()
        reject(new Error(`ldapsearch did not end within ${timeoutMs} ms.\n${this.transcript()}`))
      }, timeoutMs)
    })
    try {
      return await Promise.race([this.exited, late])
    } finally {
      clearTimeout(timer)
    }
  }

  kill(): void {
    if (!this.done) this.child.kill('SIGKILL')
  }

  transcript(): string {
    return `ldapsearch stdout (last 3000 characters):\n${this.out.slice(-3000) || '(empty)'}\nstderr:\n${this.err.trim() || '(empty)'}`
  }

  private wake(): void {
    for (const l of [...this.listeners]) l()
  }
}

/** The last cookie ldapsearch printed (`# cookie: …`), if any. */
export function lastCookie(stdout: string): string | undefined {
  const all = [...stdout.matchAll(/^# cookie: (.*)$/gm)]
  return all.at(-1)?.[1]
}
