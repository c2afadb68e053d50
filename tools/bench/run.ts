/**
 * `npm run bench [-- GROUP…]`: runs the benchmarks and prints a table with the figures of this
 * machine and whether each target is met. Benchmarks are never part of `npm test` (timing in
 * tests makes them flaky); their figures go into closing notes and release notes.
 */
import os from 'node:os'
import { codecBenchmarks } from './codec.js'
import { renderTable } from './harness.js'
import type { BenchResult } from './harness.js'

const GROUPS: Record<string, () => BenchResult[] | Promise<BenchResult[]>> = {
  codec: codecBenchmarks,
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
  for (const g of groups) {
    process.stderr.write(`running ${g}…\n`)
    results.push(...(await (GROUPS[g] as () => BenchResult[] | Promise<BenchResult[]>)()))
  }
  process.stdout.write(renderTable(results) + '\n')
  return 0
}

process.exitCode = await run()
