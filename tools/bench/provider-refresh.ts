/**
 * Benchmark 1: a full refreshOnly (RFC 4533 §3.3, no cookie) of the generated directory to
 * OpenLDAP's ldapsearch, our provider against slapd 2.5 syncprov serving the same entries, in the
 * same run. Each server gets one counting run (the output is read and every entry counted: a
 * server that sends less fails the benchmark), one warm-up run, then three timed runs; the timed
 * runs alternate between the servers so that noise on the shared box hits both alike.
 * Target: our median time ≤ slapd's, i.e. our entries/s ≥ slapd's.
 */
import { BENCH_DATA, generatedEntries } from './bench-data.js'
import { startLoadedSlapd } from './bench-slapd.js'
import type { LoadedSlapd } from './bench-slapd.js'
import { makeTempDir, removeTempDir } from '../process/tracked.js'
import { readCpuSeconds } from './child-processes.js'
import { formatRate, median, progress } from './harness.js'
import type { BenchResult } from './harness.js'
import { countLdapsearch, ldapsearchCommand, timeLdapsearch } from './ldapsearch.js'
import type { LdapsearchTarget } from './ldapsearch.js'
import { startProviderProcess } from './provider-process.js'
import type { ProviderProcess } from './provider-process.js'

const TIMED_RUNS = 3
const RUN_TIMEOUT_MS = 120_000

interface Server {
  readonly label: string
  readonly pid: number
  readonly target: LdapsearchTarget
  warmup: number
  readonly times: number[]
  /** The server process's CPU seconds (user + system) during each timed run. */
  readonly cpu: number[]
}

export async function refreshAgainstSlapd(people: number): Promise<BenchResult[]> {
  const expected = generatedEntries(people)
  const dir = makeTempDir('syncrepl-bench-ldif-')
  let provider: ProviderProcess | undefined
  let slapd: LoadedSlapd | undefined
  try {
    progress('provider', `loading ${people.toLocaleString('en-US')} generated people into our provider (child process) and, meanwhile, into slapd with slapadd…`)
    // Both load at once (the box has two cores); neither load is what this benchmark measures.
    const [ours, theirs] = await Promise.allSettled([
      startProviderProcess({ count: people, seed: BENCH_DATA.seed, password: BENCH_DATA.password }, 180_000),
      startLoadedSlapd({ count: people, seed: BENCH_DATA.seed, rootPassword: BENCH_DATA.password, dir }),
    ])
    if (ours.status === 'fulfilled') provider = ours.value
    if (theirs.status === 'fulfilled') slapd = theirs.value
    if (ours.status === 'rejected') throw ours.reason
    if (theirs.status === 'rejected') throw theirs.reason
    if (provider === undefined || slapd === undefined) throw new Error('unreachable: both servers settled as fulfilled')
    if (provider.entries !== expected) {
      throw new Error(`Our provider loaded ${provider.entries} entries; the generator makes ${expected} for ${people} people (seed ${BENCH_DATA.seed}).`)
    }

    const target = (url: string): LdapsearchTarget => ({ url, bindDn: BENCH_DATA.rootDn, password: BENCH_DATA.password, base: BENCH_DATA.base })
    const servers: Server[] = [
      { label: 'our provider', pid: provider.pid, target: target(provider.url), warmup: 0, times: [], cpu: [] },
      { label: 'slapd 2.5 syncprov', pid: slapd.pid, target: target(slapd.url), warmup: 0, times: [], cpu: [] },
    ]
    const counts: string[] = []
    for (const server of servers) {
      progress('provider', `counting the entries ldapsearch receives from ${server.label} (${server.target.url})…`)
      const count = await countLdapsearch(server.target, RUN_TIMEOUT_MS)
      if (count.dnLines !== expected || count.numEntries !== expected || expected < 100_000) {
        throw new Error(
          `BENCHMARK FAILED: ldapsearch against ${server.label} (${server.target.url}) printed ${count.dnLines} "dn:" lines and "# numEntries: ${count.numEntries ?? '(missing)'}"; ` +
            `the full refresh must return all ${expected} entries (at least 100,000). Timing an incomplete refresh would be meaningless.`,
        )
      }
      counts.push(`${server.label}: ${count.dnLines.toLocaleString('en-US')} dn: lines, # numEntries: ${count.numEntries.toLocaleString('en-US')}`)
    }
    for (const server of servers) {
      progress('provider', `warm-up refresh from ${server.label}…`)
      server.warmup = await timeLdapsearch(server.target, RUN_TIMEOUT_MS)
    }
    for (let run = 1; run <= TIMED_RUNS; run++) {
      for (const server of servers) {
        const cpuBefore = readCpuSeconds(server.pid)
        const seconds = await timeLdapsearch(server.target, RUN_TIMEOUT_MS)
        server.times.push(seconds)
        server.cpu.push(readCpuSeconds(server.pid) - cpuBefore)
        progress('provider', `timed refresh ${run}/${TIMED_RUNS} from ${server.label}: ${seconds.toFixed(2)} s wall, server CPU ${(server.cpu.at(-1) ?? 0).toFixed(2)} s`)
      }
    }

    const [mine, slapds] = servers as [Server, Server]
    const slapdRate = expected / median(slapds.times)
    const ratio = median(mine.times) / median(slapds.times)
    const timing = (s: Server) =>
      `wall time, spawn to exit: warm-up ${s.warmup.toFixed(2)} s; runs ${s.times.map((t) => t.toFixed(2)).join(', ')} s; median ${median(s.times).toFixed(2)} s\n` +
      `server process CPU (user + system, /proc/${s.pid}/stat) per timed run: ${s.cpu.map((t) => t.toFixed(2)).join(', ')} s; median ${median(s.cpu).toFixed(2)} s`
    const name = (s: Server) => `refreshOnly of ${expected.toLocaleString('en-US')} entries to ldapsearch: ${s.label}`
    return [
      {
        name: name(mine),
        rate: expected / median(mine.times),
        rounds: mine.times.map((t) => expected / t),
        unit: 'entries/s',
        target: { min: slapdRate, label: `≥ slapd (${formatRate(slapdRate)}/s), i.e. time ≤ slapd's` },
        note: [
          `$ ${ldapsearchCommand(mine.target)}`,
          timing(mine),
          `our median wall time is ${ratio.toFixed(2)} × slapd's; our median server CPU ${(median(mine.cpu) / median(slapds.cpu)).toFixed(2)} × slapd's`,
          `entries counted in one extra run: ${counts.join('; ')}`,
          `provider: ${provider.command} (PID ${provider.pid}); loaded ${provider.entries.toLocaleString('en-US')} entries in ${(provider.loadMs / 1000).toFixed(1)} s (while slapadd ran)`,
        ].join('\n'),
      },
      {
        name: name(slapds),
        rate: slapdRate,
        rounds: slapds.times.map((t) => expected / t),
        unit: 'entries/s',
        note: [
          `$ ${ldapsearchCommand(slapds.target)}`,
          timing(slapds),
          `slapd: /usr/sbin/slapd -d none -f <slapd-tmp>/slapd.conf -h ${slapds.target.url}/ (PID ${slapd.pid}; back_mdb + syncprov, default log level); ` +
            `data: ${slapd.slapaddCommand.replaceAll(slapd.dir, '<slapd-tmp>').replaceAll(dir, '<tmp>')} in ${(slapd.slapaddMs / 1000).toFixed(1)} s`,
        ].join('\n'),
      },
    ]
  } finally {
    await Promise.allSettled([provider?.stop(), slapd?.stop()])
    removeTempDir(dir)
  }
}
