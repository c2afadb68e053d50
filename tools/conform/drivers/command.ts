/**
 * Runs any consumer program by the command contract (docs/consumer-contract.md): `/bin/sh -c
 * COMMAND` with the SYNCREPL_* variables, in a process group of its own so SIGTERM and SIGKILL
 * reach whatever the command starts (an `npx` wrapper, a Python interpreter, a slapd).
 */
import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { readReportFile, REPORT_FILE } from '../report-file.js'
import { TailBuffer } from './types.js'
import type { ConsumerDriver, ConsumerExit, ConsumerRun, ConsumerRunEnv } from './types.js'

/** How often the report file is looked at while the runner waits for it to change. */
const POLL_MS = 25

export function contractEnvironment(env: ConsumerRunEnv): Record<string, string> {
  const vars: Record<string, string> = {
    SYNCREPL_URL: env.url,
    SYNCREPL_BASE: env.base,
    SYNCREPL_SCOPE: env.scope,
    SYNCREPL_FILTER: env.filter,
    SYNCREPL_ATTRS: env.attributes.join(','),
    SYNCREPL_MODE: env.mode,
    SYNCREPL_RELOAD_HINT: env.reloadHint ? 'true' : 'false',
    SYNCREPL_BIND_DN: env.bindDn,
    SYNCREPL_BIND_PASSWORD: env.password,
    SYNCREPL_STATE_DIR: env.stateDir,
    SYNCREPL_CASE: env.caseId,
    SYNCREPL_RUN: env.run,
  }
  if (env.hooks !== undefined) {
    vars.SYNCREPL_HOOK_GUID = env.hooks.guid
    const data = env.hooks.data ?? new Uint8Array()
    vars.SYNCREPL_HOOK_DATA_HEX = Buffer.from(data).toString('hex')
    const text = Buffer.from(data[data.length - 1] === 0 ? data.subarray(0, -1) : data).toString('utf8')
    vars.SYNCREPL_HOOK_DATA = text
  }
  return vars
}

export class CommandDriver implements ConsumerDriver {
  readonly name: string

  constructor(
    private readonly command: string,
    private readonly cwd: string = process.cwd(),
  ) {
    this.name = command
  }

  start(env: ConsumerRunEnv): ConsumerRun {
    const stderr = new TailBuffer()
    // The runner's own SYNCREPL_* settings (if any) must not leak into the consumer's.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYNCREPL_')))
    // The shell traps SIGTERM with a no-op (reset to the default in its children) so that the
    // group-wide SIGTERM ends the consumer, not the shell: the shell waits for it and exits with
    // its status. Without the trap, dash (which does not exec a lone -c command) dies of the
    // signal and the consumer's exit 0 is lost.
    const child = spawn('/bin/sh', ['-c', `trap : TERM\n${this.command}`], {
      cwd: this.cwd,
      env: { ...inherited, ...contractEnvironment(env) },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => stderr.push(chunk))
    const exited = new Promise<ConsumerExit>((resolve) => {
      child.on('error', (error) => {
        stderr.push(`\n[runner] the command could not be started: ${error.message}\n`)
        resolve({ exitCode: null, signal: null })
      })
      child.on('close', (exitCode, signal) => resolve({ exitCode, signal }))
    })
    let ended = false
    void exited.then(() => (ended = true))
    const signal = (name: NodeJS.Signals): void => {
      if (ended || child.pid === undefined) return
      try {
        process.kill(-child.pid, name)
      } catch {
        // The group is gone already.
      }
    }
    const reportPath = join(env.stateDir, REPORT_FILE)
    return {
      exited,
      terminate: () => signal('SIGTERM'),
      kill: () => signal('SIGKILL'),
      readReport: () => readReportFile(env.stateDir, env.attributes),
      nextChange: async (ms) => {
        const before = await fingerprint(reportPath)
        const deadline = Date.now() + ms
        while (Date.now() < deadline && !ended) {
          await delay(Math.min(POLL_MS, Math.max(1, deadline - Date.now())))
          if ((await fingerprint(reportPath)) !== before) return
        }
      },
      stderrTail: () => stderr.toString(),
    }
  }
}

async function fingerprint(path: string): Promise<string> {
  try {
    const s = await stat(path)
    return `${s.mtimeMs}:${s.size}:${s.ino}`
  } catch {
    return 'none'
  }
}
