/**
 * `npm run bench -- consumer`: our SyncreplConsumer against python-ldap's, each doing a full
 * refreshOnly (RFC 4533 §3.3, no cookie) of the generated directory (100,000 people: 102,003
 * entries, the provider group's data) from slapd 2.5 syncprov, each in its own process so that
 * each peak RSS is one consumer's own. Every run must end holding every entry, or the benchmark
 * fails: timing an incomplete replica would be meaningless. One untimed warm-up run of ours warms
 * slapd's caches for both; the three timed rounds then alternate between the consumers, so that
 * noise on the shared box hits both alike.
 *
 * Targets: ours ≥ 5 × faster (median wall time), and our peak RSS ≤ python-ldap's.
 */
import { BENCH_DATA, generatedEntries } from './bench-data.js'
import { startLoadedSlapd } from './bench-slapd.js'
import type { LoadedSlapd } from './bench-slapd.js'
import { consumerCommand, runConsumer } from './consumer-process.js'
import type { ConsumerBenchConfig, ConsumerKind, ConsumerRun } from './consumer-process.js'
import { formatRate, median, progress } from './harness.js'
import type { BenchResult } from './harness.js'
import { makeTempDir, removeTempDir } from '../process/tracked.js'

const PEOPLE = 100_000
const TIMED_RUNS = 3
/** python-ldap decodes every control with pyasn1; a refresh takes minutes on a slow box. */
const RUN_TIMEOUT_MS = 600_000
const SPEED_TARGET = 5

const LABELS: Record<ConsumerKind, string> = { ours: 'our SyncreplConsumer', 'python-ldap': 'python-ldap 3.4.3 SyncreplConsumer' }

export async function consumerBenchmarks(): Promise<BenchResult[]> {
  const expected = generatedEntries(PEOPLE)
  const dir = makeTempDir('syncrepl-bench-consumer-')
  let slapd: LoadedSlapd | undefined
  try {
    progress('consumer', `loading ${PEOPLE.toLocaleString('en-US')} generated people (${expected.toLocaleString('en-US')} entries) into slapd with slapadd…`)
    slapd = await startLoadedSlapd({ count: PEOPLE, seed: BENCH_DATA.seed, rootPassword: BENCH_DATA.password, dir })
    const config: ConsumerBenchConfig = { url: slapd.url, bindDn: BENCH_DATA.rootDn, password: BENCH_DATA.password, base: BENCH_DATA.base }

    const verified = async (kind: ConsumerKind, what: string): Promise<ConsumerRun> => {
      const run = await runConsumer(kind, config, RUN_TIMEOUT_MS)
      if (run.report.entries !== expected) {
        throw new Error(
          `BENCHMARK FAILED: ${LABELS[kind]} ended its refreshOnly of ${slapd?.url} (${what}) holding ${run.report.entries} entries; ` +
            `slapd serves ${expected} (${PEOPLE} generated people, seed ${BENCH_DATA.seed}). Timing an incomplete refresh would be meaningless.`,
        )
      }
      progress('consumer', `${what} of ${LABELS[kind]}: ${(run.report.wallMs / 1000).toFixed(2)} s, ${run.report.entries.toLocaleString('en-US')} entries, peak RSS ${mib(run.report.vmHwmKiB)} MiB`)
      return run
    }

    await verified('ours', 'warm-up run')
    const runs: Record<ConsumerKind, ConsumerRun[]> = { ours: [], 'python-ldap': [] }
    for (let round = 1; round <= TIMED_RUNS; round++) {
      for (const kind of ['ours', 'python-ldap'] as const) runs[kind].push(await verified(kind, `timed run ${round}/${TIMED_RUNS}`))
    }

    const seconds = (kind: ConsumerKind) => runs[kind].map((r) => r.report.wallMs / 1000)
    const peaks = (kind: ConsumerKind) => runs[kind].map((r) => r.report.vmHwmKiB / 1024)
    const ourTime = median(seconds('ours'))
    const theirTime = median(seconds('python-ldap'))
    const ourPeak = median(peaks('ours'))
    const theirPeak = median(peaks('python-ldap'))
    const entriesText = expected.toLocaleString('en-US')
    const detail = (kind: ConsumerKind) =>
      [
        `$ ${consumerCommand(kind, config)}`,
        `wall time inside the process (connect + bind + sync search to its Done): ${seconds(kind).map((s) => s.toFixed(2)).join(', ')} s; ` +
          `spawn to exit: ${runs[kind].map((r) => (r.spawnToExitMs / 1000).toFixed(2)).join(', ')} s`,
        `peak RSS (VmHWM at the end): ${peaks(kind).map((m) => m.toFixed(1)).join(', ')} MiB; RSS before connecting: ${runs[kind].map((r) => mib(r.report.startRssKiB)).join(', ')} MiB`,
        `every run ended holding ${entriesText} entries (checked after the Done)`,
      ].join('\n')

    return [
      {
        name: `refreshOnly of ${entriesText} entries from slapd 2.5: ${LABELS.ours}, wall time`,
        rate: ourTime,
        rounds: seconds('ours'),
        unit: 's',
        digits: 2,
        note: detail('ours'),
      },
      {
        name: `refreshOnly of ${entriesText} entries from slapd 2.5: ${LABELS['python-ldap']}, wall time`,
        rate: theirTime,
        rounds: seconds('python-ldap'),
        unit: 's',
        digits: 2,
        note:
          detail('python-ldap') +
          `\nslapd: ${slapd.url} (PID ${slapd.pid}; back_mdb + syncprov); data: ${slapd.slapaddCommand.replaceAll(slapd.dir, '<slapd-tmp>').replaceAll(dir, '<tmp>')} in ${(slapd.slapaddMs / 1000).toFixed(1)} s`,
      },
      {
        name: 'consumer speed: python-ldap wall time ÷ ours',
        rate: theirTime / ourTime,
        // Per round: the two runs of one round ran back to back.
        rounds: runs.ours.map((r, i) => (runs['python-ldap'][i]?.report.wallMs ?? Number.NaN) / r.report.wallMs),
        unit: '×',
        digits: 1,
        target: { min: SPEED_TARGET, label: `≥ ${SPEED_TARGET}× faster` },
        note: `median ${theirTime.toFixed(2)} s ÷ median ${ourTime.toFixed(2)} s; range = per-round ratios`,
      },
      {
        name: `consumer peak RSS after the refresh: ${LABELS.ours}`,
        rate: ourPeak,
        rounds: peaks('ours'),
        unit: 'MiB',
        digits: 1,
        target: { max: theirPeak, label: `≤ python-ldap (${formatRate(theirPeak, 1)} MiB)` },
      },
      {
        name: `consumer peak RSS after the refresh: ${LABELS['python-ldap']}`,
        rate: theirPeak,
        rounds: peaks('python-ldap'),
        unit: 'MiB',
        digits: 1,
      },
    ]
  } finally {
    await slapd?.stop()
    removeTempDir(dir)
  }
}

function mib(kib: number): string {
  return (kib / 1024).toFixed(1)
}
