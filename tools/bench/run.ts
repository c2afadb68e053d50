/**
 * `npm run bench [-- GROUP…]`: runs the benchmarks and prints a table with the figures of this
 * machine and whether each target is met. Benchmarks are never part of `npm test` (timing in
 * tests makes them flaky); their figures go into closing notes and release notes.
 */
import os from 'node:os'
import { codecBenchmarks } from './codec.js'
import { conformBenchmarks } from './conform.js'
import { consumerBenchmarks } from './consumer.js'
import { renderTable } from './harness.js'
import type { BenchResult } from './harness.js'
import { providerBenchmarks } from './provider.js'
import { startupBenchmarks } from './startup.js'

const GROUPS: Record<string, () => BenchResult[] | Promise<BenchResult[]>> = {
  codec: codecBenchmarks,
  startup: startupBenchmarks,
  provider: providerBenchmarks,
  consumer: consumerBenchmarks,
  conform: conformBenchmarks,
}

async function run(): Promise<number> {
  const wanted = process.argv.slice(2)
  const unknown = wanted.filter((g) => !(g in GROUPS))
  if (unknown.length) {
    process.stderr.write(`Unknown benchmark group(s): ${unknown.join(', ')}. Groups: ${Object.keys(GROUPS).join(', ')}.\n`)
    return 2
  }
  const groups = wanted.length ? wanted : Object.keys(GROUPS)
  process.stdout.write(`syncrepl-harness benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}\n\n`)
  const results: BenchResult[] = []
  const failed: string[] = []
  for (const g of groups) {
    process.stderr.write(`running ${g}…\n`)
    try {
      results.push(...(await (GROUPS[g] as () => BenchResult[] | Promise<BenchResult[]>)()))
    } catch (error) {
      // A benchmark that cannot vouch for its figures fails the run; the other groups still report.
      failed.push(g)
      process.stderr.write(`\nBenchmark group "${g}" FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\n`)
    }
  }
  if (results.length) process.stdout.write(renderTable(results) + '\n')
  if (failed.length) process.stderr.write(`\nFAILED benchmark group(s): ${failed.join(', ')}.\n`)
  return failed.length ? 1 : 0
}

process.exitCode = await run()
