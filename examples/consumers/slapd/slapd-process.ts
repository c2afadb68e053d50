/**
 * The consumer slapd as a child process: `slapd -d sync` in the foreground (so its syncrepl log
 * comes on stderr, line by line), on 127.0.0.1 and a free port, stopped by PID with SIGTERM —
 * slapd then finishes the operation in hand and closes its database cleanly — and SIGKILL only
 * past a grace period or when this process exits without having stopped it.
 *
 * tools/process/tracked.ts is not used on purpose: its SIGTERM hook SIGKILLs every tracked child
 * at once, and this adapter must stop slapd gently when the runner sends SIGTERM.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { LdapClient } from '../../../consumer/client/index.js'
import { freePort, SLAPD_BINARY } from '../../../tools/slapd/slapd.js'
import { SlapdConsumerError } from './errors.js'
import { listensOn } from './port-owner.js'

export interface SlapdExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface ConsumerSlapd {
  readonly pid: number
  readonly url: string
  /** Settles once slapd has exited and every line of its output has been delivered. */
  readonly exited: Promise<SlapdExit>
  readonly running: boolean
  /** SIGTERM by PID; SIGKILL if it still runs after `graceMs`. Resolves like `exited`. */
  stop(graceMs?: number): Promise<SlapdExit>
  /** The last 4 KiB of its output, for error messages. */
  tail(): string
}

export interface LaunchOptions {
  readonly conf: string
  /** Every line slapd prints is appended here too. */
  readonly logFile: string
  /** Called for each line of output, prefix included, in order. */
  readonly onLine: (line: string) => void
  /**
   * Settles when the run must end (the runner's SIGTERM): start-up is given up, slapd is stopped
   * and `launchSlapd` resolves `{ kind: 'aborted' }`. The runner may signal while slapd starts —
   * slapd's syncrepl task runs as soon as it listens, so the provider can answer its search before
   * we have seen slapd ready.
   */
  readonly abort: Promise<unknown>
  /** Bound on spawn-to-listening, per attempt. */
  readonly startTimeoutMs?: number
  /** SIGTERM-to-SIGKILL grace when slapd is stopped during start-up. */
  readonly stopGraceMs?: number
}

export type Launch = { readonly kind: 'ready'; readonly slapd: ConsumerSlapd } | { readonly kind: 'aborted' }

/**
 * slapd could not listen on the port it was given: bind() failed (errno=98), or, both slapds
 * having set SO_REUSEADDR, listen() failed, which slapd 2.5 reports as "listener initialization
 * failed". Another free port is tried.
 */
const CANNOT_LISTEN = /errno=98|Address already in use|listener initialization failed/
const START_ATTEMPTS = 5
/**
 * slapd ended during start-up as signalled processes end (exit 0 after a shutdown request, or
 * killed by the signal before it installed its handlers): the runner's SIGTERM reaches slapd and
 * this process at the same moment, and slapd's exit may be seen first. Wait this long for ours.
 */
const OWN_SIGNAL_WAIT_MS = 2000

/**
 * Starts slapd and resolves once it listens on its port, or with 'aborted' when `abort` settled
 * first (slapd is then stopped). @throws SlapdConsumerError SLAPD_CONSUMER_START_FAILED
 */
export async function launchSlapd(options: LaunchOptions): Promise<Launch> {
  let aborted = false
  void options.abort.then(() => (aborted = true))
  const log = createWriteStream(options.logFile, { flags: 'a' })
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      if (aborted) {
        log.end()
        return { kind: 'aborted' }
      }
      const slapd = spawnSlapd(options, port, log)
      const started = await startUp(slapd, port, options, () => aborted)
      if (started === 'ready') {
        void slapd.exited.then(() => log.end())
        return { kind: 'ready', slapd }
      }
      await slapd.stop(started === 'aborted' ? (options.stopGraceMs ?? 3000) : 1000)
      if (started === 'aborted') {
        log.end()
        return { kind: 'aborted' }
      }
      if (attempt >= START_ATTEMPTS || !started.cannotListen) throw started.error
    }
  } catch (error) {
    log.end()
    throw error
  }
}

function spawnSlapd(options: LaunchOptions, port: number, log: WriteStream): ConsumerSlapd {
  const url = `ldap://127.0.0.1:${port}/`
  let child: ChildProcess
  try {
    // -d sync: stay in the foreground and log syncrepl's progress (LDAP_DEBUG_SYNC) to stderr.
    child = spawn(SLAPD_BINARY, ['-d', 'sync', '-f', options.conf, '-h', url], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    throw new SlapdConsumerError('SLAPD_CONSUMER_START_FAILED', `${SLAPD_BINARY} could not be started (is Debian's slapd package installed?): ${String(error)}`, { cause: error })
  }
  const pid = child.pid
  if (pid === undefined) {
    child.on('error', () => undefined)
    throw new SlapdConsumerError('SLAPD_CONSUMER_START_FAILED', `${SLAPD_BINARY} could not be started: the operating system gave it no process ID (is Debian's slapd package installed?).`)
  }
  let tail = ''
  let partial = ''
  const deliver = (text: string): void => {
    tail = (tail + text).slice(-4096)
    const lines = (partial + text).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) options.onLine(line)
  }
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    log.write(chunk)
    deliver(chunk)
  })
  let running = true
  // 'close' comes after 'exit' and after stderr has ended: every line has been delivered.
  const exited = new Promise<SlapdExit>((resolve) => {
    child.once('close', (code, signal) => {
      running = false
      if (partial !== '') options.onLine(partial)
      partial = ''
      process.off('exit', killOnExit)
      resolve({ code, signal })
    })
    child.once('error', (error) => {
      deliver(`\n${String(error)}\n`)
    })
  })
  // Last resort: this process is exiting and slapd still runs (an uncaught error, a forced exit).
  const killOnExit = (): void => signal(child, 'SIGKILL')
  process.on('exit', killOnExit)
  const stop = async (graceMs = 4000): Promise<SlapdExit> => {
    if (!running) return exited
    signal(child, 'SIGTERM')
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)))
    const outcome = await Promise.race([exited, late])
    clearTimeout(timer)
    if (outcome === 'late') signal(child, 'SIGKILL')
    return exited
  }
  return {
    pid,
    url,
    exited,
    get running() {
      return running
    },
    stop,
    tail: () => tail.trim(),
  }
}

/**
 * By PID, through the child's handle: Node sends nothing once it has reaped the process, so a
 * PID the system has handed to another process meanwhile is never signalled.
 */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    child.kill(name)
  } catch {
    // Already gone (ESRCH).
  }
}

type StartUp = 'ready' | 'aborted' | { readonly error: SlapdConsumerError; readonly cannotListen: boolean }

/**
 * Ready = our slapd holds the listening socket on its port (port-owner.ts): a connection that
 * succeeds may have reached another run's slapd on the same port, and ours would then fail in
 * listen() a moment later.
 */
async function startUp(slapd: ConsumerSlapd, port: number, options: LaunchOptions, aborted: () => boolean): Promise<StartUp> {
  const timeoutMs = options.startTimeoutMs ?? 10_000
  const deadline = Date.now() + timeoutMs
  let backoff = 5
  for (;;) {
    if (aborted()) return 'aborted'
    if (!slapd.running) {
      const exit = await slapd.exited
      if (exit.code === 0 || exit.signal !== null) {
        let timer: NodeJS.Timeout | undefined
        await Promise.race([options.abort, new Promise((resolve) => (timer = setTimeout(resolve, OWN_SIGNAL_WAIT_MS)))])
        clearTimeout(timer)
      }
      if (aborted()) return 'aborted'
      const error = new SlapdConsumerError(
        'SLAPD_CONSUMER_START_FAILED',
        `slapd exited during start-up on ${slapd.url} (exit code ${exit.code}, signal ${exit.signal}). Its output:\n${slapd.tail() || '(nothing)'}`,
      )
      return { error, cannotListen: CANNOT_LISTEN.test(slapd.tail()) }
    }
    const mine = (await listensOn(slapd.pid, port)) ?? (await answers(slapd))
    if (mine && slapd.running) return 'ready'
    if (Date.now() >= deadline) {
      const error = new SlapdConsumerError(
        'SLAPD_CONSUMER_START_FAILED',
        `slapd (PID ${slapd.pid}) did not listen on ${slapd.url} within ${timeoutMs} ms. Its output so far:\n${slapd.tail() || '(nothing)'}`,
      )
      return { error, cannotListen: false }
    }
    let timer: NodeJS.Timeout | undefined
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, backoff))), slapd.exited, options.abort])
    clearTimeout(timer)
    backoff = Math.min(backoff * 2, 100)
  }
}

/** Where /proc cannot tell who listens: an LDAP connection that succeeds while slapd runs. */
async function answers(slapd: ConsumerSlapd): Promise<boolean> {
  try {
    const client = await LdapClient.connect(slapd.url, { timeoutMs: 1000 })
    await client.unbind()
    return true
  } catch {
    return false
  }
}
