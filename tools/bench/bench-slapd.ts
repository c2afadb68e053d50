/**
 * A throwaway OpenLDAP slapd (Debian's 2.5) serving a large generated directory, for the provider
 * benchmarks. Unlike the interop tests' slapd (test/support/slapd.ts: an empty 64 MiB database
 * filled with ldapadd), the data goes in with `slapadd -q` before slapd starts — seconds instead
 * of minutes for 100,000 entries — into a back_mdb map big enough for it. Generated slapd.conf in
 * the caller's temp dir, syncprov overlay, 127.0.0.1 on a free port, the slapd process tracked by
 * PID (child-processes.ts) and stopped by the caller.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { join } from 'node:path'
import { generateLdif } from '../../fixtures/index.js'
import type { Seed } from '../../fixtures/index.js'
import { sleep, spawnTracked, stopTracked } from './child-processes.js'
import type { TrackedChild } from './child-processes.js'

export const SLAPD = '/usr/sbin/slapd'
export const SLAPADD = '/usr/sbin/slapadd'
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `/etc/ldap/schema/${s}.schema`)
const MODULES = '/usr/lib/ldap'
const SUFFIX = 'dc=example,dc=com'
export const SLAPD_ROOT_DN = `cn=admin,${SUFFIX}`

export interface LoadedSlapd {
  /** `ldap://127.0.0.1:PORT` */
  readonly url: string
  readonly pid: number
  /** The slapadd command as run, for the report. */
  readonly slapaddCommand: string
  readonly slapaddMs: number
  /** SIGTERM by PID (SIGKILL after 10 s); resolves once slapd has exited. */
  stop(): Promise<void>
}

export interface SlapdLoadOptions {
  /** Generated people (the generator adds the suffix, two OUs and one group per 50 people). */
  readonly count: number
  readonly seed: Seed
  readonly rootPassword: string
  /** The caller's temp dir (it removes it). */
  readonly dir: string
}

/** Writes the generated LDIF, slapadds it into a fresh back_mdb database, then starts slapd on it. */
export async function startLoadedSlapd(options: SlapdLoadOptions): Promise<LoadedSlapd> {
  const { dir } = options
  const db = join(dir, 'db')
  mkdirSync(db)
  const config = join(dir, 'slapd.conf')
  writeFileSync(config, slapdConf(dir, db, options.rootPassword))
  const ldif = join(dir, 'data.ldif')
  writeGeneratedLdif(ldif, options)

  // -q: no consistency checks (the data is the generator's, loaded top-down) — the fast path.
  const slapaddArgs = ['-q', '-f', config, '-l', ldif]
  const started = Date.now()
  const slapadd = spawnTracked(SLAPADD, slapaddArgs, { stdio: ['ignore', 'ignore', 'pipe'] })
  const added = await slapadd.exited
  if (added.code !== 0) {
    throw new Error(`slapadd exited with code ${added.code} (signal ${added.signal}) loading ${ldif}. Its output:\n${slapadd.output() || '(nothing)'}`)
  }
  const slapaddMs = Date.now() - started

  let slapd: TrackedChild | undefined
  let port = 0
  for (let attempt = 1; slapd === undefined; attempt++) {
    port = await freePort()
    try {
      slapd = await launch(config, port)
    } catch (error) {
      // Another process may have taken the port between freePort() and slapd's bind.
      if (!(error instanceof PortTaken) || attempt >= 3) throw error
    }
  }
  const running = slapd
  return {
    url: `ldap://127.0.0.1:${port}`,
    pid: running.pid,
    slapaddCommand: `${SLAPADD} ${slapaddArgs.join(' ')}`,
    slapaddMs,
    stop: () => stopTracked(running),
  }
}

function slapdConf(dir: string, db: string, rootPassword: string): string {
  return [
    ...SCHEMAS.map((s) => `include ${s}`),
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    `modulepath ${MODULES}`,
    'moduleload back_mdb',
    'moduleload syncprov',
    'database mdb',
    // 100,000 generated entries take ~200 MiB in mdb; the map is sparse, so 4 GiB costs nothing.
    'maxsize 4294967296',
    `suffix "${SUFFIX}"`,
    `rootdn "${SLAPD_ROOT_DN}"`,
    `rootpw ${rootPassword}`,
    `directory ${db}`,
    'index objectClass eq',
    // slapo-syncprov(5) recommends these indexes.
    'index entryCSN,entryUUID eq',
    'overlay syncprov',
    '',
  ].join('\n')
}

/**
 * The generator's LDIF without the `version: 1` line: slapadd 2.5 reads the blank line after it
 * as an entry without a DN and stops ("str2entry: entry -1 has no dn").
 */
function writeGeneratedLdif(path: string, options: SlapdLoadOptions): void {
  const fd = openSync(path, 'w')
  try {
    let pending = ''
    for (const chunk of generateLdif({ count: options.count, seed: options.seed, suffix: SUFFIX, version: false })) {
      pending += chunk
      if (pending.length >= 1 << 20) {
        writeSync(fd, pending)
        pending = ''
      }
    }
    writeSync(fd, pending)
  } finally {
    closeSync(fd)
  }
}

class PortTaken extends Error {}

/** Starts slapd in the foreground (`-d none`: only unconditional messages) and waits until it accepts connections. */
async function launch(config: string, port: number): Promise<TrackedChild> {
  const slapd = spawnTracked(SLAPD, ['-d', 'none', '-f', config, '-h', `ldap://127.0.0.1:${port}/`], { stdio: ['ignore', 'ignore', 'pipe'] })
  let exited = false
  void slapd.exited.then(() => {
    exited = true
  })
  const deadline = Date.now() + 30_000
  for (;;) {
    if (exited) {
      const output = slapd.output()
      const message = `slapd exited during start-up on port ${port}. Its output:\n${output || '(nothing)'}`
      throw /errno=98|Address already in use/.test(output) ? new PortTaken(message) : new Error(message)
    }
    if (await canConnect(port)) {
      // A pending exit event gets its turn: a foreign listener on our port must not count.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (!exited) return slapd
      continue
    }
    if (Date.now() >= deadline) {
      await stopTracked(slapd)
      throw new Error(`slapd (PID ${slapd.pid}) did not accept connections on 127.0.0.1:${port} within 30 s. Its output:\n${slapd.output() || '(nothing)'}`)
    }
    await sleep(50)
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
function freePort(): Promise<number> {
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
