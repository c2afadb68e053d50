/**
 * The provider benchmarks' slapd: the shared throwaway launcher (tools/slapd/slapd.ts) serving a
 * large generated directory. What is bench-specific lives here: the generated LDIF, written into
 * the caller's temp dir, and a back_mdb map big enough for it; the launcher loads it with
 * `slapadd -q` before slapd starts — seconds instead of minutes for 100,000 entries.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { generateLdif } from '../../fixtures/index.js'
import type { Seed } from '../../fixtures/index.js'
import { startSlapd, SUFFIX } from '../slapd/slapd.js'

/** 100,000 generated entries take ~200 MiB in mdb; the map is sparse, so 4 GiB costs nothing. */
const BENCH_MAX_SIZE = 4 * 1024 * 1024 * 1024

export interface LoadedSlapd {
  /** `ldap://127.0.0.1:PORT` */
  readonly url: string
  readonly pid: number
  /** The temp dir holding slapd.conf and the database (the launcher's; removed by stop()). */
  readonly dir: string
  /** The slapadd command as run, for the report. */
  readonly slapaddCommand: string
  readonly slapaddMs: number
  /** SIGTERM by PID (SIGKILL after 10 s); resolves once slapd has exited and its temp dir is gone. */
  stop(): Promise<void>
}

export interface SlapdLoadOptions {
  /** Generated people (the generator adds the suffix, two OUs and one group per 50 people). */
  readonly count: number
  readonly seed: Seed
  readonly rootPassword: string
  /** The caller's temp dir, for the generated LDIF (the caller removes it). */
  readonly dir: string
}

/** Writes the generated LDIF, then starts a slapd preloaded with it. */
export async function startLoadedSlapd(options: SlapdLoadOptions): Promise<LoadedSlapd> {
  const ldif = join(options.dir, 'data.ldif')
  writeGeneratedLdif(ldif, options)
  const slapd = await startSlapd({ maxSize: BENCH_MAX_SIZE, preloadLdif: ldif, rootPassword: options.rootPassword, startTimeoutMs: 30_000 })
  const { pid, preload } = slapd
  if (pid === undefined || preload === undefined) {
    await slapd.stop()
    throw new Error(`The slapd in ${slapd.dir} reported no PID or no slapadd run right after starting; the launcher did not do what the benchmark needs.`)
  }
  return {
    url: `ldap://127.0.0.1:${slapd.port}`,
    pid,
    dir: slapd.dir,
    slapaddCommand: preload.command,
    slapaddMs: preload.ms,
    stop: () => slapd.stop(),
  }
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
