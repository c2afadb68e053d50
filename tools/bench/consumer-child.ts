/**
 * Our side of `npm run bench -- consumer`, in a process of its own so that its peak RSS is the
 * consumer's alone: `node --import tsx tools/bench/consumer-child.ts CONFIG`. One full refreshOnly
 * sync (RFC 4533 §3.3, no cookie) into the default in-memory store, then one line of JSON on
 * stdout, the same fields as tools/bench/python/syncrepl_bench.py prints.
 *
 * wallMs runs from before connect (TCP + bind) until poll() returns the search's Done; the
 * replica is counted and /proc/self/status read after that. The runner checks the count.
 */
import { readFileSync } from 'node:fs'
import { SyncreplConsumer } from '../../consumer/index.js'
import type { ConsumerBenchConfig, ConsumerBenchReport } from './consumer-process.js'

/** A `Vm…: N kB` line of /proc/self/status, in KiB (Linux). */
function statusKiB(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))
  if (match === null) throw new Error(`/proc/self/status has no ${field} line; this benchmark needs Linux's /proc.`)
  return Number(match[1])
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as ConsumerBenchConfig
  const startRssKiB = statusKiB('VmRSS')
  const started = performance.now()
  const consumer = await SyncreplConsumer.connect({ url: config.url, bindDn: config.bindDn, password: config.password })
  try {
    await consumer.syncSearch({ base: config.base, scope: 'sub', mode: 'refreshOnly' })
    const outcome = await consumer.poll({ all: true })
    const wallMs = performance.now() - started
    if (outcome.kind !== 'done' || outcome.resultCode !== 0) {
      throw new Error(`The refreshOnly sync search ended with ${JSON.stringify(outcome)}; a full refresh must end with a Done of result code 0 (success).`)
    }
    const entries = (await consumer.replica()).entries.size
    const report: ConsumerBenchReport = { wallMs, entries, vmHwmKiB: statusKiB('VmHWM'), startRssKiB, resultOk: true }
    process.stdout.write(JSON.stringify(report) + '\n')
  } finally {
    await consumer.close()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
