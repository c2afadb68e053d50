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
  /** Bound on spawn-to-listening, per attempt. */
  readonly startTimeoutMs?: number
}

const PORT_IN_USE = /errno=98|Address already in use/

/** Starts slapd and resolves once it accepts LDAP connections. @throws SlapdConsumerError SLAPD_CONSUMER_START_FAILED */
export async function launchSlapd(options: LaunchOptions): Promise<ConsumerSlapd> {
  const log = createWriteStream(options.logFile, { flags: 'a' })
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const slapd = spawnSlapd(options, port, log)
      try {
        await waitUntilListening(slapd, options.startTimeoutMs ?? 10_000)
        void slapd.exited.then(() => log.end())
        return slapd
      } catch (error) {
        await slapd.stop(1000)
        if (attempt >= 5 || !PORT_IN_USE.test(slapd.tail())) throw error
      }
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
  const killOnExit = (): void => signal(pid, 'SIGKILL')
  process.on('exit', killOnExit)
  const stop = async (graceMs = 4000): Promise<SlapdExit> => {
    if (!running) return exited
    signal(pid, 'SIGTERM')
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)))
    const outcome = await Promise.race([exited, late])
    clearTimeout(timer)
    if (outcome === 'late') signal(pid, 'SIGKILL')
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

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // Already gone (ESRCH).
  }
}

/** Ready = an LDAP connection succeeds while our slapd is alive (a foreign listener cannot count: slapd would have failed to bind). */
async function waitUntilListening(slapd: ConsumerSlapd, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let backoff = 5
  for (;;) {
    if (!slapd.running) {
      throw new SlapdConsumerError('SLAPD_CONSUMER_START_FAILED', `slapd exited during start-up (${slapd.url}). Its output:\n${slapd.tail() || '(nothing)'}`)
    }
    try {
      const client = await LdapClient.connect(slapd.url, { timeoutMs: 1000 })
      await client.unbind()
      if (slapd.running) return
      continue
    } catch {
      // Not listening yet.
    }
    if (Date.now() >= deadline) {
      throw new SlapdConsumerError('SLAPD_CONSUMER_START_FAILED', `slapd (PID ${slapd.pid}) did not accept connections on ${slapd.url} within ${timeoutMs} ms. Its output so far:\n${slapd.tail() || '(nothing)'}`)
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, backoff)), slapd.exited])
    backoff = Math.min(backoff * 2, 100)
  }
}
