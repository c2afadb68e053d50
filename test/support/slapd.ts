/**
 * A throwaway OpenLDAP slapd (Debian's 2.5.13) for interop tests: generated slapd.conf in a fresh
 * temp dir, back_mdb with the syncprov overlay, listening on 127.0.0.1 only, run in the
 * foreground as a child process we track by PID. Never touches the packaged service or
 * /etc/ldap/slapd.d. An exit hook kills every slapd still running when the test process ends.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HarnessError } from './errors.js'

export const SLAPD_BINARY = '/usr/sbin/slapd'
export const SLAPD_MODULES = '/usr/lib/ldap'
export const SLAPD_SCHEMAS = '/etc/ldap/schema'
export const SUFFIX = 'dc=example,dc=com'
export const ROOT_DN = `cn=admin,${SUFFIX}`
export const ROOT_PASSWORD = 'secret'

export interface SlapdOptions {
  /** `syncprov-sessionlog <size>`; false or 0 = no session log (the default). */
  readonly sessionLog?: number | false
  /** `syncprov-reloadhint TRUE`. Default false. */
  readonly reloadHint?: boolean
  /** `syncprov-checkpoint <ops> <minutes>`. Default: none (contextCSN written at shutdown). */
  readonly checkpoint?: { readonly ops: number; readonly minutes: number }
  /** Global `serverID` (olcServerID), 0..4095. Default 0: no `sid=` in cookies, sid 000 in CSNs. */
  readonly serverId?: number
  /** Bound on start-up (spawn to accepting connections), per attempt. Default 10 s. */
  readonly startTimeoutMs?: number
}

export interface SlapdServer {
  /** `ldap://127.0.0.1:PORT/`; may change after `restart()` if the old port was taken meanwhile. */
  readonly url: string
  readonly port: number
  readonly rootDn: string
  readonly rootPassword: string
  /** The temp dir holding slapd.conf and the database. */
  readonly dir: string
  /** The running slapd's PID (undefined once stopped). */
  readonly pid: number | undefined
  /** Stops slapd (SIGTERM: it writes its contextCSN) and restarts it on the same database; the in-memory session log is emptied. */
  restart(): Promise<void>
  /** Stops slapd and removes the temp dir. Idempotent. */
  stop(): Promise<void>
}

/** Every slapd we started and every temp dir we made, for the exit hook. */
const liveChildren = new Set<ChildProcess>()
const liveDirs = new Set<string>()
let hooksInstalled = false

function killEverything(): void {
  for (const child of liveChildren) child.kill('SIGKILL')
  liveChildren.clear()
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true })
  liveDirs.clear()
}

/** No slapd may outlive the test process: kill ours on exit and on the usual termination signals. */
function installExitHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on('exit', killEverything)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killEverything()
      // Re-raise only if nobody else handles the signal, so its default action (exit) still happens.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
}

/**
 * Starts a slapd with a fresh, empty database under dc=example,dc=com.
 *
 * @example
 * const slapd = await startSlapd({ sessionLog: 100 })
 * await loadLdif(slapd.url, ldif)
 * await slapd.stop()
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdServer> {
  installExitHooks()
  const dir = mkdtempSync(join(tmpdir(), 'syncrepl-slapd-'))
  liveDirs.add(dir)
  mkdirSync(join(dir, 'db'))
  const config = join(dir, 'slapd.conf')
  writeFileSync(config, slapdConf(dir, options))
  const timeout = options.startTimeoutMs ?? 10_000
  let running: Running
  try {
    running = await launch(config, undefined, timeout)
  } catch (error) {
    liveDirs.delete(dir)
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  let stopped = false
  const server: SlapdServer = {
    get url() {
      return `ldap://127.0.0.1:${running.port}/`
    },
    get port() {
      return running.port
    },
    rootDn: ROOT_DN,
    rootPassword: ROOT_PASSWORD,
    dir,
    get pid() {
      return running.child.exitCode === null && running.child.signalCode === null ? running.child.pid : undefined
    },
    async restart() {
      if (stopped) throw new HarnessError('SLAPD_STOPPED', `restart() was called on the slapd in ${dir} after stop(); start a new one with startSlapd().`)
      await terminate(running)
      running = await launch(config, running.port, timeout)
    },
    async stop() {
      if (stopped) return
      stopped = true
      await terminate(running)
      liveDirs.delete(dir)
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return server
}

function slapdConf(dir: string, options: SlapdOptions): string {
  const lines = [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SLAPD_SCHEMAS}/${s}.schema`),
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    `modulepath ${SLAPD_MODULES}`,
    'moduleload back_mdb',
    'moduleload syncprov',
  ]
  if (options.serverId) lines.push(`serverID ${options.serverId}`)
  lines.push(
    'database mdb',
    // A small map: the DIT is tiny, and a sparse 64 MiB file costs nothing.
    'maxsize 67108864',
    `suffix "${SUFFIX}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ROOT_PASSWORD}`,
    `directory ${join(dir, 'db')}`,
    'index objectClass eq',
    // slapo-syncprov(5) recommends these indexes; the present phase searches on entryCSN.
    'index entryCSN,entryUUID eq',
    // rfc4533.md §3.7: refresh entries count against limits; lift them for the sync identity.
    `limits dn.exact="${ROOT_DN}" size=unlimited time=unlimited`,
    'overlay syncprov',
  )
  if (options.checkpoint) lines.push(`syncprov-checkpoint ${options.checkpoint.ops} ${options.checkpoint.minutes}`)
  if (options.sessionLog) lines.push(`syncprov-sessionlog ${options.sessionLog}`)
  if (options.reloadHint) lines.push('syncprov-reloadhint TRUE')
  return `${lines.join('\n')}\n`
}

interface Running {
  readonly child: ChildProcess
  readonly port: number
  readonly exited: Promise<void>
  readonly output: () => string
}

const PORT_IN_USE = /errno=98|Address already in use/

/**
 * Spawns slapd and resolves once it accepts TCP connections. `preferredPort` (a restart) is
 * tried first; a port taken in the meantime (EADDRINUSE) is retried with a fresh free one.
 */
async function launch(config: string, preferredPort: number | undefined, timeoutMs: number): Promise<Running> {
  let port = preferredPort ?? (await freePort())
  for (let attempt = 1; ; attempt++) {
    const running = spawnSlapd(config, port)
    try {
      await waitUntilListening(running, timeoutMs)
      return running
    } catch (error) {
      await terminate(running)
      if (!(error instanceof PortInUse) || attempt >= 5) throw error instanceof PortInUse ? error.failure : error
      port = await freePort()
    }
  }
}

class PortInUse extends Error {
  constructor(readonly failure: HarnessError) {
    super(failure.message)
  }
}

function spawnSlapd(config: string, port: number): Running {
  // -d none: stay in the foreground and print only what slapd logs unconditionally (errors).
  const child = spawn(SLAPD_BINARY, ['-d', 'none', '-f', config, '-h', `ldap://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'pipe'] })
  liveChildren.add(child)
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8192)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      liveChildren.delete(child)
      resolve()
    })
    child.once('error', (error) => {
      output += `\n${String(error)}`
      liveChildren.delete(child)
      resolve()
    })
  })
  return { child, port, exited, output: () => output }
}

/** Readiness = a TCP connect that succeeds while our child is alive; retried with short backoff. */
async function waitUntilListening(running: Running, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exited = false
  void running.exited.then(() => {
    exited = true
  })
  let backoff = 5
  for (;;) {
    if (exited) {
      const text = running.output().trim()
      const failure = new HarnessError(
        'SLAPD_START_FAILED',
        `slapd exited during start-up on port ${running.port} (exit code ${running.child.exitCode}, signal ${running.child.signalCode}). Its output:\n${text || '(nothing)'}`,
      )
      throw PORT_IN_USE.test(text) ? new PortInUse(failure) : failure
    }
    if (await canConnect(running.port)) {
      // Give a pending exit event its chance: a foreign listener on our port must not count.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (!exited) return
      continue
    }
    if (Date.now() >= deadline) {
      throw new HarnessError(
        'SLAPD_START_TIMEOUT',
        `slapd (PID ${running.child.pid}) did not accept connections on 127.0.0.1:${running.port} within ${timeoutMs} ms. Its output so far:\n${running.output().trim() || '(nothing)'}`,
      )
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, backoff)), running.exited])
    backoff = Math.min(backoff * 2, 100)
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

/** A port the kernel just handed out (bound on port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** SIGTERM (slapd shuts down cleanly and writes its contextCSN), SIGKILL if it lingers past 10 s. */
async function terminate(running: Running): Promise<void> {
  const { child } = running
  if (child.exitCode !== null || child.signalCode !== null || !liveChildren.has(child)) {
    await running.exited
    return
  }
  child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const lingering = new Promise<'lingering'>((resolve) => {
    timer = setTimeout(() => resolve('lingering'), 10_000)
  })
  const outcome = await Promise.race([running.exited.then(() => 'exited' as const), lingering])
  clearTimeout(timer)
  if (outcome === 'lingering') {
    child.kill('SIGKILL')
    await running.exited
  }
}
