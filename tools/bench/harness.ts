/**
 * A small, dependency-free benchmark harness: each benchmark runs for a fixed wall time after a
 * warm-up, several rounds, and reports the median rate. Figures are printed, never asserted in
 * tests (timing assertions make tests flaky); a benchmark may state a target, and the report
 * says whether this machine met it.
 */
export interface BenchResult {
  name: string
  /** The figure: operations per second (median of the rounds), or a size, a time … per `unit`. */
  rate: number
  unit: string
  /** Every round's figure, for judging noise. */
  rounds: number[]
  target?: BenchTarget
  /** Printed under the table: the command that was measured, the raw figures, caveats. */
  note?: string
  /** Decimal places for the figures in the table. Default 0. */
  digits?: number
}

/**
 * What the figure must be for the target to be met; every bound given must hold. Rates are
 * higher-is-better (`min`); memory and times are lower-is-better (`max`, or `below` for a strict
 * bound).
 */
export interface BenchTarget {
  min?: number
  max?: number
  below?: number
  label: string
}

export function meetsTarget(figure: number, target: BenchTarget): boolean {
  if (target.min !== undefined && !(figure >= target.min)) return false
  if (target.max !== undefined && !(figure <= target.max)) return false
  if (target.below !== undefined && !(figure < target.below)) return false
  return true
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

export function formatRate(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** Renders results as an aligned table with the target verdict per row, then the rows' notes. */
export function renderTable(results: BenchResult[]): string {
  const rows = results.map((r) => {
    const verdict = r.target === undefined ? '' : meetsTarget(r.rate, r.target) ? 'meets target' : 'MISSES TARGET'
    const spread = `${formatRate(Math.min(...r.rounds), r.digits)}–${formatRate(Math.max(...r.rounds), r.digits)}`
    return [r.name, `${formatRate(r.rate, r.digits)} ${r.unit}`, spread, r.target?.label ?? '', verdict]
  })
  const header = ['benchmark', 'median', 'range of rounds', 'target', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)))
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd()
  const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]
  const notes = results.filter((r) => r.note !== undefined).map((r) => `${r.name}\n${indent(r.note as string)}`)
  return notes.length ? [...table, '', ...notes].join('\n') : table.join('\n')
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
}

/** A progress line on stderr (the table goes to stdout), for groups that take minutes. */
export function progress(group: string, text: string): void {
  process.stderr.write(`  ${group}: ${text}\n`)
}
