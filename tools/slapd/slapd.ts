/**
 * A throwaway OpenLDAP slapd (Debian's 2.5): generated slapd.conf in a fresh temp dir, back_mdb
 * with the syncprov overlay, listening on 127.0.0.1 only, run in the foreground as a child process
 * tracked by PID (tools/process/tracked.ts: an exit hook kills it and removes its temp dir if the
 * caller does not). Optionally preloaded with `slapadd -q` before the first start — seconds instead
 * of minutes for 100,000 entries. Used by the interop tests and the provider benchmarks.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { join } from 'node:path'
import { isRunning, makeTempDir, removeTempDir, spawnTracked, stopTracked } from '../process/tracked.js'
import type { TrackedChild } from '../process/tracked.js'
import { SlapdError } from './errors.js'
import { DEFAULT_MAX_SIZE, ROOT_DN, ROOT_PASSWORD, slapdConf } from './slapd-conf.js'

export { SlapdError } from './errors.js'
export type { SlapdErrorCode } from './errors.js'
export { DEFAULT_MAX_SIZE, ROOT_DN, ROOT_PASSWORD, SUFFIX } from './slapd-conf.js'

export const SLAPD_BINARY = '/usr/sbin/slapd'
export const SLAPADD_BINARY = '/usr/sbin/slapadd'

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
  /** back_mdb `maxsize` in bytes (the map is sparse). Default 64 MiB; 100,000 generated entries need ~200 MiB. */
  readonly maxSize?: number
  /** An LDIF file loaded with `slapadd -q` before the first start: top-down, no `version:` line, entries under dc=example,dc=com. */
  readonly preloadLdif?: string
  /** The rootdn's password. Default `secret`. */
  readonly rootPassword?: string
}

/** How the database was preloaded, for reports. */
export interface SlapaddRun {
  /** The command as run (paths inside the slapd's temp dir included). */
  readonly command: string
  readonly ms: number
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
  /** Present when `preloadLdif` was given. */
  readonly preload: SlapaddRun | undefined
  /** Stops slapd (SIGTERM: it writes its contextCSN) and restarts it on the same database; the in-memory session log is emptied. */
  restart(): Promise<void>
  /** Stops slapd and removes the temp dir. Idempotent. */
  stop(): Promise<void>
}

/**
 * Starts a slapd with a fresh database under dc=example,dc=com: empty, or `preloadLdif`'s entries.
 *
 * @example
 * const slapd = await startSlapd({ sessionLog: 100 })
 * await loadLdif(slapd.url, ldif)
 * await slapd.stop()
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdServer> {
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE
  if (!Number.isSafeInteger(maxSize) || maxSize <= 0) {
    throw new SlapdError('SLAPD_BAD_OPTION', `maxSize must be a positive whole number of bytes for back_mdb's maxsize; got ${maxSize}.`)
  }
  const rootPassword = options.rootPassword ?? ROOT_PASSWORD
  const timeout = options.startTimeoutMs ?? 10_000
  const dir = makeTempDir('syncrepl-slapd-')
  const config = join(dir, 'slapd.conf')
  let running: Running
  let preload: SlapaddRun | undefined
  try {
    mkdirSync(join(dir, 'db'))
    writeFileSync(config, slapdConf(dir, { ...options, maxSize, rootPassword }))
    if (options.preloadLdif !== undefined) preload = await slapadd(config, options.preloadLdif)
    running = await launch(config, undefined, timeout)
  } catch (error) {
    removeTempDir(dir)
    throw error
  }
  let stopped = false
  return {
    get url() {
      return `ldap://127.0.0.1:${running.port}/`
    },
    get port() {
      return running.port
    },
    rootDn: ROOT_DN,
    rootPassword,
    dir,
    get pid() {
      return isRunning(running.slapd) ? running.slapd.pid : undefined
    },
    preload,
    async restart() {
      if (stopped) throw new SlapdError('SLAPD_STOPPED', `restart() was called on the slapd in ${dir} after stop(); start a new one with startSlapd().`)
      // SIGTERM: slapd shuts down cleanly and writes its contextCSN; SIGKILL only past 10 s.
      await stopTracked(running.slapd)
      running = await launch(config, running.port, timeout)
    },
    async stop() {
      if (stopped) return
      stopped = true
      await stopTracked(running.slapd)
      removeTempDir(dir)
    },
  }
}

/** `slapadd -q` (no consistency checks: the fast path for a well-formed, top-down LDIF) into the empty database. */
async function slapadd(config: string, ldif: string): Promise<SlapaddRun> {
  const args = ['-q', '-f', config, '-l', ldif]
  const command = `${SLAPADD_BINARY} ${args.join(' ')}`
  const started = Date.now()
  const run = spawnChecked(SLAPADD_BINARY, args, 'SLAPADD_FAILED')
  const { code, signal } = await run.exited
  if (code !== 0) {
    throw new SlapdError('SLAPADD_FAILED', `slapadd exited with code ${code} (signal ${signal}) loading ${ldif} (${command}). Its output:\n${run.output() || '(nothing)'}`)
  }
  return { command, ms: Date.now() - started }
}

interface Running {
  readonly slapd: TrackedChild
  readonly port: number
}

const PORT_IN_USE = /errno=98|Address already in use/

/**
 * Spawns slapd and resolves once it accepts TCP connections. `preferredPort` (a restart) is
 * tried first; a port taken in the meantime (EADDRINUSE) is retried with a fresh free one.
 */
async function launch(config: string, preferredPort: number | undefined, timeoutMs: number): Promise<Running> {
  let port = preferredPort ?? (await freePort())
  for (let attempt = 1; ; attempt++) {
    // -d none: stay in the foreground and print only what slapd logs unconditionally (errors).
    const slapd = spawnChecked(SLAPD_BINARY, ['-d', 'none', '-f', config, '-h', `ldap://127.0.0.1:${port}/`], 'SLAPD_START_FAILED')
    try {
      await waitUntilListening(slapd, port, timeoutMs)
      return { slapd, port }
    } catch (error) {
      await stopTracked(slapd)
      if (!(error instanceof PortInUse) || attempt >= 5) throw error instanceof PortInUse ? error.failure : error
      port = await freePort()
    }
  }
}

class PortInUse extends Error {
  constructor(readonly failure: SlapdError) {
    super(failure.message)
  }
}

/** spawnTracked with stderr kept for messages; a binary that cannot be started is a SlapdError. */
function spawnChecked(binary: string, args: readonly string[], code: 'SLAPADD_FAILED' | 'SLAPD_START_FAILED'): TrackedChild {
  try {
    return spawnTracked(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    throw new SlapdError(code, `${binary} could not be started (is Debian's slapd package installed?): ${String(error)}`, { cause: error })
  }
}

/** Readiness = a TCP connect that succeeds while our child is alive; retried with short backoff. */
async function waitUntilListening(slapd: TrackedChild, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
  void slapd.exited.then((result) => {
    exit = result
  })
  let backoff = 5
  for (;;) {
    if (exit) {
      const text = slapd.output()
      const failure = new SlapdError(
        'SLAPD_START_FAILED',
        `slapd exited during start-up on port ${port} (exit code ${exit.code}, signal ${exit.signal}). Its output:\n${text || '(nothing)'}`,
      )
      throw PORT_IN_USE.test(text) ? new PortInUse(failure) : failure
    }
    if (await canConnect(port)) {
      // Give a pending exit event its chance: a foreign listener on our port must not count.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (!exit) return
      continue
    }
    if (Date.now() >= deadline) {
      throw new SlapdError(
        'SLAPD_START_TIMEOUT',
        `slapd (PID ${slapd.pid}) did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms. Its output so far:\n${slapd.output() || '(nothing)'}`,
      )
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, backoff)), slapd.exited])
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
