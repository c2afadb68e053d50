/**
 * Child processes and temp dirs that must not outlive the Node process that made them: the bench
 * runner's servers and ldapsearch runs, and every throwaway slapd (tools/slapd). Each is
 * registered by PID; callers stop their own in `finally` blocks, and an exit hook kills (SIGKILL,
 * by PID) whatever is still registered and removes the temp dirs when the process ends for any
 * reason, including Ctrl-C or a test runner's SIGTERM.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const liveChildren = new Map<number, ChildProcess>()
const liveDirs = new Set<string>()
let hooksInstalled = false

function killEverything(): void {
  for (const pid of liveChildren.keys()) signal(pid, 'SIGKILL')
  liveChildren.clear()
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true })
  liveDirs.clear()
}

function installExitHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on('exit', killEverything)
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(name, () => {
      killEverything()
      // Re-raise only if nobody else handles the signal, so that its default action (exit) still
      // happens; a host that listens for it (a test runner) keeps deciding what it means.
      if (process.listenerCount(name) === 0) process.kill(process.pid, name)
    })
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // Already gone (ESRCH): nothing to stop.
  }
}

/** A child process we started, with a promise of its end. */
export interface TrackedChild {
  readonly child: ChildProcess
  readonly pid: number
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** The last 8 KiB of its stderr (when piped), trimmed, for error messages. */
  output(): string
}

/** Spawns a process and registers it by PID until it exits. Throws if it could not be started. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): TrackedChild {
  installExitHooks()
  const child = spawn(command, args, options)
  const pid = child.pid
  if (pid === undefined) {
    // spawn reports ENOENT and the like asynchronously; without a PID nothing runs.
    child.on('error', () => undefined)
    throw new Error(`Could not start ${command}: the operating system gave it no process ID (is it installed and executable?).`)
  }
  liveChildren.set(pid, child)
  let output = ''
  // Only stderr: a caller that pipes stdout reads it itself (it can be a whole directory's LDIF).
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8192)
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, sig) => {
      liveChildren.delete(pid)
      resolve({ code, signal: sig })
    })
    child.once('error', (error) => {
      output += `\n${String(error)}`
      liveChildren.delete(pid)
      resolve({ code: null, signal: null })
    })
  })
  return { child, pid, exited, output: () => output.trim() }
}

/** True while the process has not exited (as far as Node has seen). */
export function isRunning(tracked: TrackedChild): boolean {
  return liveChildren.has(tracked.pid)
}

/** SIGTERM by PID, SIGKILL if it is still running after `graceMs`; resolves once it has exited. */
export async function stopTracked(tracked: TrackedChild, graceMs = 10_000): Promise<void> {
  if (!liveChildren.has(tracked.pid)) {
    await tracked.exited
    return
  }
  signal(tracked.pid, 'SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const lingering = new Promise<'lingering'>((resolve) => {
    timer = setTimeout(() => resolve('lingering'), graceMs)
  })
  const outcome = await Promise.race([tracked.exited.then(() => 'exited' as const), lingering])
  clearTimeout(timer)
  if (outcome === 'lingering') {
    signal(tracked.pid, 'SIGKILL')
    await tracked.exited
  }
}

/** A fresh temp dir, removed by `removeTempDir` or at the latest when the process exits. */
export function makeTempDir(prefix: string): string {
  installExitHooks()
  const dir = mkdtempSync(join(tmpdir(), prefix))
  liveDirs.add(dir)
  return dir
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  liveDirs.delete(dir)
}
