import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from './harness.js'
import type { BenchResult } from './harness.js'

const BIN = fileURLToPath(new URL('../../bin/syncrepl-harness.js', import.meta.url))

/**
 * `syncrepl-harness conform` with no options — the whole catalogue against the in-process
 * reference consumer — as a user runs it: a new process, module loading included, wall clock
 * from spawn to exit (issue target: ≤ 20 s on a 2-core machine). Three runs, median. A run that
 * does not pass the catalogue cannot vouch for a time and fails the group.
 */
export async function conformBenchmarks(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-conform-'))
  try {
    const times: number[] = []
    let cases = 0
    for (let round = 0; round < 3; round++) {
      const report = join(dir, `run${round}.json`)
      const t0 = process.hrtime.bigint()
      const code = await run([BIN, 'conform', '--no-color', '--json-report', report])
      times.push(Number(process.hrtime.bigint() - t0) / 1e9)
      const json = JSON.parse(await readFile(report, 'utf8')) as { cases: Record<string, unknown>; counts: Record<string, number> }
      cases = Object.keys(json.cases).length
      if (code !== 0) throw new Error(`conform exited ${code}: the reference consumer did not pass the catalogue (${JSON.stringify(json.counts)}).`)
    }
    return [
      {
        name: `conform: the whole catalogue (${cases} case instances) against the reference consumer, wall`,
        rate: median(times),
        rounds: times,
        unit: 's',
        digits: 2,
        target: { max: 20, label: '≤ 20 s' },
        note: `node bin/syncrepl-harness.js conform, spawn to exit, 3 runs: ${times.map((t) => t.toFixed(2)).join(', ')} s`,
      },
    ]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function run(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? 1))
  })
}
