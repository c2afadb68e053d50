/**
 * A peer process a test waits on (ldapsearch, a python-ldap script): its stdout goes to the caller
 * as it arrives, its stderr is kept for failure messages, and every wait on it is bounded and ends
 * early, with what the process said, when it exits first. Waits are for output or the exit, never
 * for time.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

/** How the process ended, as the 'close' event reports it. */
export interface ProcessExit {
  readonly status: number | null
  readonly signal: NodeJS.Signals | null
}

/** One look at the output so far: what `until` waits for, a reason to give up, or nothing yet. */
export type Probe<T> = { readonly found: T } | { readonly refused: string } | undefined

export interface WatchedProcessOptions {
  /** Names the process in failure messages: "ldapsearch", "python-ldap's consumer". */
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  readonly env?: NodeJS.ProcessEnv
  /** 'pipe' when the test talks to the process on stdin. */
  readonly stdin: 'pipe' | 'ignore'
  /** How stdout reaches `receive`: in chunks as they arrive, or one line at a time. */
  readonly stdout: 'chunks' | 'lines'
  readonly receive: (text: string) => void
  /** The caller's account of stdout so far, for failure messages (stderr is added to it). */
  readonly describeOutput: () => string
}

export class WatchedProcess {
  readonly exited: Promise<ProcessExit>
  private readonly child: ChildProcess
  private readonly options: WatchedProcessOptions
  private errText = ''
  private exitSeen: ProcessExit | undefined
  private readonly listeners = new Set<() => void>()

  constructor(options: WatchedProcessOptions) {
    this.options = options
    this.child = spawn(options.command, [...options.args], { env: options.env, stdio: [options.stdin, 'pipe', 'pipe'] })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.errText += chunk))
    this.child.stdin?.on('error', () => {
      // The process may have exited already (the provider ended the session); its exit says why.
    })
    const receive = (text: string): void => {
      options.receive(text)
      this.wake()
    }
    if (options.stdout === 'lines') createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', receive)
    else this.child.stdout?.setEncoding('utf8').on('data', receive)
    // 'close' follows the end of stdout, so all of stdout has been received once the exit is known.
    this.exited = new Promise((resolve) => {
      this.child.on('close', (status, signal) => {
        this.exitSeen = { status, signal }
        this.wake()
        resolve(this.exitSeen)
      })
    })
  }

  /** The exit, once the process has ended. */
  get exit(): ProcessExit | undefined {
    return this.exitSeen
  }

  get stderr(): string {
    return this.errText
  }

  /** Adds a remark to the stderr part of the transcript (output the caller could not read). */
  remark(text: string): void {
    this.errText += `${text}\n`
  }

  /**
   * Resolves with what `probe` finds, looking again after every piece of output; rejects when the
   * probe refuses, when the process exits first, or after `timeoutMs`.
   */
  until<T>(what: string, probe: () => Probe<T>, timeoutMs: number): Promise<T> {
    const name = this.options.name
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const answer = probe()
        if (answer !== undefined && 'found' in answer) {
          finish()
          resolve(answer.found)
          return true
        }
        const why = answer !== undefined ? answer.refused
          : this.exitSeen !== undefined ? `exited (status ${this.exitSeen.status}, signal ${this.exitSeen.signal})`
            : undefined
        if (why === undefined) return false
        finish()
        reject(new Error(`${name} ${why} before ${what}.\n${this.transcript()}`))
        return true
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`${name} showed no ${what} within ${timeoutMs} ms.\n${this.transcript()}`))
      }, timeoutMs)
      const listener = (): void => void check()
      const finish = (): void => {
        clearTimeout(timer)
        this.listeners.delete(listener)
      }
      if (!check()) this.listeners.add(listener)
    })
  }

  /** The exit, bounded: a process that does not end is killed (by its PID) and reported. */
  async finished(timeoutMs: number): Promise<ProcessExit> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill()
        reject(new Error(`${this.options.name} did not end within ${timeoutMs} ms.\n${this.transcript()}`))
      }, timeoutMs)
    })
    try {
      return await Promise.race([this.exited, late])
    } finally {
      clearTimeout(timer)
    }
  }

  write(text: string): void {
    this.child.stdin?.write(text)
  }

  /** Writes `text` and closes stdin. */
  end(text: string): void {
    this.child.stdin?.end(text)
  }

  /** Sends `signal` to the process (by its PID) unless it has exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.exitSeen === undefined) this.child.kill(signal)
  }

  kill(): void {
    this.signal('SIGKILL')
  }

  /** What the process said: the caller's account of stdout, then stderr. */
  transcript(): string {
    return `${this.options.describeOutput()}\nstderr:\n${this.errText.trim() || '(empty)'}`
  }

  private wake(): void {
    for (const l of [...this.listeners]) l()
  }
}
