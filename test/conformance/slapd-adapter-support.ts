/**
 * Runs the "slapd as a consumer" adapter (examples/consumers/slapd/consumer.ts) the way the
 * conformance runner will: a child process with the contract's SYNCREPL_* variables, judged by
 * its exit and by `$SYNCREPL_STATE_DIR/report.json`, read with the runner's own reader.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { decodeSyncRequestValue } from '../../protocol/index.js'
import { SYNC_REQUEST_OID } from '../../protocol/sync/index.js'
import type { ProviderEvents } from '../../provider/server/events.js'
import { readReportFile } from '../../tools/conform/report-file.js'
import type { ComparableReplica } from '../../tools/conform/replica.js'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const ADAPTER = fileURLToPath(new URL('../../examples/consumers/slapd/consumer.ts', import.meta.url))

export interface AdapterExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface AdapterRun {
  readonly exited: Promise<AdapterExit>
  /** SIGTERM to the adapter's own process (by PID). */
  terminate(): void
  /** What it wrote on stderr so far. */
  stderr(): string
}

export interface ContractVars {
  readonly url: string
  readonly stateDir: string
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  readonly run: string
  readonly base?: string
}

/** Starts one adapter run (`node --import tsx consumer.ts`, cwd = the repository). */
export function startAdapter(vars: ContractVars): AdapterRun {
  // Our own SYNCREPL_* settings (if any) must not leak into the run, as the runner does.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYNCREPL_')))
  const child = spawn(process.execPath, ['--import', 'tsx', ADAPTER], {
    cwd: REPO,
    env: {
      ...inherited,
      SYNCREPL_URL: vars.url,
      SYNCREPL_BASE: vars.base ?? 'dc=example,dc=com',
      SYNCREPL_SCOPE: 'sub',
      SYNCREPL_FILTER: '(objectClass=*)',
      SYNCREPL_ATTRS: '',
      SYNCREPL_MODE: vars.mode,
      SYNCREPL_RELOAD_HINT: 'false',
      SYNCREPL_BIND_DN: '',
      SYNCREPL_BIND_PASSWORD: '',
      SYNCREPL_STATE_DIR: vars.stateDir,
      SYNCREPL_CASE: 'test/slapd-adapter',
      SYNCREPL_RUN: vars.run,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = new Promise<AdapterExit>((resolve) => {
    child.once('error', (error) => {
      err += `\n${String(error)}`
      resolve({ code: null, signal: null })
    })
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  return {
    exited,
    terminate: () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    },
    stderr: () => err,
  }
}

/** The report as the runner reads it; a missing or broken report fails the test with the reader's message. */
export async function readReport(stateDir: string): Promise<ComparableReplica> {
  const read = await readReportFile(stateDir, [])
  if (read.kind === 'ok') return read.replica
  throw new Error(read.kind === 'none' ? `report.json is missing in ${stateDir}.` : read.message)
}

/**
 * Looks at report.json every 25 ms until `accept` holds, the adapter exits, or `timeoutMs` passes;
 * the last two fail with what the report held and the adapter's stderr.
 */
export async function waitForReport(run: AdapterRun, stateDir: string, what: string, accept: (r: ComparableReplica) => boolean, timeoutMs = 20_000): Promise<ComparableReplica> {
  let exit: AdapterExit | undefined
  void run.exited.then((e) => (exit = e))
  const deadline = Date.now() + timeoutMs
  let last: ComparableReplica | string = 'no report yet'
  for (;;) {
    try {
      last = await readReport(stateDir)
      if (accept(last)) return last
    } catch (error) {
      last = (error as Error).message
    }
    const why = exit !== undefined ? `the adapter exited (${JSON.stringify(exit)})` : Date.now() >= deadline ? `${timeoutMs} ms passed` : undefined
    if (why !== undefined) {
      const held = typeof last === 'string' ? last : `${last.entries.size} entries, cookie ${cookieText(last)}`
      throw new Error(`Waiting for ${what}: ${why}. report.json held ${held}. Adapter stderr:\n${run.stderr()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export function cookieText(replica: ComparableReplica): string | null {
  return replica.cookie === null ? null : Buffer.from(replica.cookie).toString('utf8')
}

/** The cookie of every Sync Request the provider receives from now on (null: none in the control). */
export function recordSyncRequestCookies(events: ProviderEvents): (string | null)[] {
  const cookies: (string | null)[] = []
  events.on('requestReceived', (e) => {
    const control = e.message.controls.find((c) => c.type === SYNC_REQUEST_OID)
    if (control?.value === undefined) return
    const cookie = decodeSyncRequestValue(control.value).value.cookie
    cookies.push(cookie === undefined ? null : Buffer.from(cookie).toString('utf8'))
  })
  return cookies
}
