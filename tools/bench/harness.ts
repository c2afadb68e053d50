/**
 * A small, dependency-free benchmark harness: each benchmark runs for a fixed wall time after a
 * warm-up, several rounds, and reports the median rate. Figures are printed, never asserted in
 * tests (timing assertions make tests flaky); a benchmark may state a target, and the report
 * says whether this machine met it.
 */
export interface BenchResult {
  name: string
  /** Operations per second (median of the rounds). */
  rate: number
  unit: string
  /** Every round's rate, for judging noise. */
  rounds: number[]
  target?: { min: number; label: string }
  note?: string
}

export interface RateOptions {
  /** Wall time per round in milliseconds. */
  roundMs?: number
  rounds?: number
  warmupMs?: number
  /** Operations per inner batch (timer is read once per batch). */
  batch?: number
}

/** Measures how many times per second `op` runs. */
export function measureRate(op: () => void, options: RateOptions = {}): number[] {
  const roundMs = options.roundMs ?? 1000
  const rounds = options.rounds ?? 5
  const warmupMs = options.warmupMs ?? 500
  const batch = options.batch ?? 1000
  runFor(op, warmupMs, batch)
  const rates: number[] = []
  for (let r = 0; r < rounds; r++) rates.push(runFor(op, roundMs, batch))
  return rates
}

function runFor(op: () => void, ms: number, batch: number): number {
  const start = process.hrtime.bigint()
  const limit = BigInt(ms) * 1_000_000n
  let count = 0
  let elapsed = 0n
  do {
    for (let i = 0; i < batch; i++) op()
    count += batch
    elapsed = process.hrtime.bigint() - start
  } while (elapsed < limit)
  return count / (Number(elapsed) / 1e9)
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

export function formatRate(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Renders results as an aligned table with the target verdict per row. */
export function renderTable(results: BenchResult[]): string {
  const rows = results.map((r) => {
    const verdict = r.target === undefined ? '' : r.rate >= r.target.min ? 'meets target' : 'BELOW TARGET'
    const spread = `${formatRate(Math.min(...r.rounds))}–${formatRate(Math.max(...r.rounds))}`
    return [r.name, `${formatRate(r.rate)} ${r.unit}`, spread, r.target?.label ?? '', verdict]
  })
  const header = ['benchmark', 'median', 'range of rounds', 'target', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)))
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}
