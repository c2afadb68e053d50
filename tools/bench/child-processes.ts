/**
 * Every process and temp dir a benchmark starts is registered here, so that none outlives the
 * run: the benchmarks stop their own children by PID in `finally` blocks, and an exit hook kills
 * (SIGKILL, by PID) whatever is still registered and removes the temp dirs when the runner ends
 * for any reason, including Ctrl-C.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
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
      process.exit(128 + (name === 'SIGHUP' ? 1 : name === 'SIGINT' ? 2 : 15))
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
  /** The last 8 KiB of its stderr (and stdout when piped), for error messages. */
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
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8192)
  }
  child.stderr?.on('data', keep)
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

/** A fresh temp dir, removed by `removeTempDir` or at the latest when the runner exits. */
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

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS, Linux). */
export function readVmRss(pid: number): number {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch (error) {
    throw new Error(`Could not read /proc/${pid}/status to measure the RSS of process ${pid} (${String(error)}); this benchmark needs Linux's /proc and a running process.`)
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)
  if (match === null) throw new Error(`/proc/${pid}/status has no VmRSS line; is process ${pid} a zombie?`)
  return Number(match[1]) * 1024
}

/**
 * CPU time a process has used so far (user + system, all threads), in seconds, from
 * /proc/<pid>/stat. Less sensitive to a busy machine than wall time, so it helps to judge noise.
 */
export function readCpuSeconds(pid: number): number {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch (error) {
    throw new Error(`Could not read /proc/${pid}/stat to measure the CPU time of process ${pid} (${String(error)}).`)
  }
  // proc(5): the command name is in parentheses and may itself hold spaces or ')'; utime and
  // stime are fields 14 and 15, i.e. the 12th and 13th after the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  if (!Number.isFinite(ticks)) throw new Error(`/proc/${pid}/stat has no readable utime/stime: ${stat.slice(0, 200)}`)
  // USER_HZ is 100 on every Linux architecture Node runs on (sysconf(_SC_CLK_TCK)).
  return ticks / 100
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Rejects with `message` after `ms`, unless `promise` settles first. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
