/**
 * Runs one consumer of `npm run bench -- consumer` in its own process — ours
 * (consumer-child.ts under `node --import tsx`) or python-ldap's (python/syncrepl_bench.py under
 * Debian's /usr/bin/python3) — tracked by PID, and reads the one JSON line it prints.
 */
import { fileURLToPath } from 'node:url'
import { spawnTracked, stopTracked } from '../process/tracked.js'
import { withTimeout } from './child-processes.js'

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** python-ldap 3.4.3 is importable from Debian's python only (not from pyenv's python3 on PATH). */
export const SYSTEM_PYTHON = '/usr/bin/python3'

export interface ConsumerBenchConfig {
  readonly url: string
  readonly bindDn: string
  readonly password: string
  readonly base: string
}

/** What both consumer scripts print, as one JSON line on stdout. */
export interface ConsumerBenchReport {
  /** Connect + bind + sync search until its Done, measured inside the process. */
  readonly wallMs: number
  /** Entries in the replica after the Done. */
  readonly entries: number
  /** Peak resident set size of the process (/proc/self/status VmHWM), read at the end. */
  readonly vmHwmKiB: number
  /** VmRSS before connecting: the runtime's own share of the peak. */
  readonly startRssKiB: number
  readonly resultOk: true
}

export type ConsumerKind = 'ours' | 'python-ldap'

export interface ConsumerRun {
  readonly report: ConsumerBenchReport
  /** Spawn to exit as the runner saw it: runtime start-up and module loading included. */
  readonly spawnToExitMs: number
}

function commandOf(kind: ConsumerKind, config: ConsumerBenchConfig): { command: string; args: string[] } {
  switch (kind) {
    case 'ours':
      return { command: process.execPath, args: ['--import', 'tsx', 'tools/bench/consumer-child.ts', JSON.stringify(config)] }
    case 'python-ldap':
      return { command: SYSTEM_PYTHON, args: ['tools/bench/python/syncrepl_bench.py', JSON.stringify(config)] }
    default: {
      const never: never = kind
      throw new Error(`Unknown consumer kind ${String(never)}.`)
    }
  }
}

/** The command line for the report, with the password masked. */
export function consumerCommand(kind: ConsumerKind, config: ConsumerBenchConfig): string {
  const { command, args } = commandOf(kind, config)
  const shown = kind === 'ours' ? 'node' : command
  return `${shown} ${args.slice(0, -1).join(' ')} '${JSON.stringify({ ...config, password: '…' })}'`
}

/** One run; fails with the process's stderr unless it exits 0 and prints a well-formed report. */
export async function runConsumer(kind: ConsumerKind, config: ConsumerBenchConfig, timeoutMs: number): Promise<ConsumerRun> {
  const { command, args } = commandOf(kind, config)
  const started = process.hrtime.bigint()
  const run = spawnTracked(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  run.child.stdout?.setEncoding('utf8')
  run.child.stdout?.on('data', (chunk: string) => {
    stdout += chunk
  })
  const stdoutDone = new Promise<void>((resolve) => run.child.stdout?.once('close', () => resolve()))
  let exit: { code: number | null; signal: NodeJS.Signals | null }
  try {
    exit = await withTimeout(run.exited, timeoutMs, `The ${kind} consumer (PID ${run.pid}) did not finish its refresh within ${timeoutMs / 1000} s.`)
  } catch (error) {
    await stopTracked(run, 2_000)
    throw error
  }
  await stdoutDone
  const spawnToExitMs = Number(process.hrtime.bigint() - started) / 1e6
  if (exit.code !== 0) {
    throw new Error(`The ${kind} consumer (PID ${run.pid}) exited with code ${exit.code} (signal ${exit.signal}). Its stderr:\n${run.output() || '(nothing)'}`)
  }
  return { report: parseReport(kind, stdout), spawnToExitMs }
}

function parseReport(kind: ConsumerKind, stdout: string): ConsumerBenchReport {
  const line = stdout.trim().split('\n').at(-1) ?? ''
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    throw new Error(`The ${kind} consumer printed no JSON report; its stdout ended with: ${JSON.stringify(stdout.slice(-500))}`)
  }
  const r = parsed as Partial<Record<keyof ConsumerBenchReport, unknown>>
  const numeric = (['wallMs', 'entries', 'vmHwmKiB', 'startRssKiB'] as const).every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]))
  if (!numeric || r.resultOk !== true) {
    throw new Error(`The ${kind} consumer's report ${line} lacks a number in wallMs, entries, vmHwmKiB or startRssKiB, or resultOk: true.`)
  }
  return parsed as ConsumerBenchReport
}
