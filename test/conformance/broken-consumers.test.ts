/**
 * The catalogue catches real bugs: every deliberately broken variant of the reference consumer
 * (test/conformance/broken-consumers) must grade FAIL in at least one case — NON-STRICT for a bug
 * that only costs a reload — where the unmodified reference consumer does better, and the
 * reference consumer itself gets no FAIL, ERROR or TIMEOUT. The test works with whatever
 * scenarios/conformance/ holds and prints which cases caught each variant; where we are sure
 * which cases must catch one, it says so by tag.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { loadCatalogue } from '../../tools/conform/catalogue.js'
import { ReferenceDriver } from '../../tools/conform/drivers/reference.js'
import { runConformance } from '../../tools/conform/runner.js'
import { worse } from '../../tools/conform/verdict.js'
import type { CaseResult, ConformanceReport, Grade } from '../../tools/conform/verdict.js'
import { BROKEN_CONSUMERS } from './broken-consumers/index.js'
import type { BrokenConsumer } from './broken-consumers/index.js'

const cases = await loadCatalogue()

/** Cases at once per catalogue run; the variants run side by side. */
const JOBS = 10
/** A broken persist consumer costs a case its 5 s convergence wait; the catalogue is run whole. */
const RUN_TIMEOUT_MS = 600_000

/**
 * Tags of cases that must catch a variant whenever the catalogue holds such cases: at least one
 * case carrying every listed tag catches the variant. Only where such a case cannot pass without
 * the rule the variant breaks.
 */
const EXPECTED_CATCHERS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  'skip-present-deletion': [['present-phase']],
  'delete-after-incomplete-phase': [['present-phase', 'fault']],
  'commit-cookie-mid-phase': [['cookie', 'fault']],
  'store-empty-cookie': [['up-to-date', 'cookie']],
  'key-by-dn': [['rename']],
  'ignore-syncidset-deletes': [['session-log']],
  'ignore-4096': [['refresh-required']],
  'ignore-renames': [['moddn']],
}

/** Grades that say the case saw the variant misbehave at the level it must be caught at. */
const CATCHING: Readonly<Record<BrokenConsumer['caughtAs'], readonly Grade[]>> = {
  FAIL: ['FAIL'],
  'NON-STRICT': ['FAIL', 'NON-STRICT'],
}

let referenceRun: Promise<ConformanceReport> | undefined
/** The unmodified reference consumer, alone (so that load cannot cost it a TIMEOUT). */
function runReference(): Promise<ConformanceReport> {
  referenceRun ??= runConformance(cases, { driver: new ReferenceDriver(), jobs: JOBS })
  return referenceRun
}

let variantRuns: Promise<Map<string, ConformanceReport>> | undefined
/** Every variant against the whole catalogue, once, in parallel, after the reference run. */
function runVariants(): Promise<Map<string, ConformanceReport>> {
  variantRuns ??= runReference().then(async () => {
    const pairs = await Promise.all(BROKEN_CONSUMERS.map(async (v) => [v.name, await runConformance(cases, { driver: v.driver(), jobs: JOBS })] as const))
    return new Map(pairs)
  })
  return variantRuns
}

/**
 * The variant's results that catch it: graded at its `caughtAs` level and worse than the reference
 * consumer on the same case instance (a case still failing the reference proves nothing).
 */
async function catchersOf(variant: BrokenConsumer): Promise<{ catching: CaseResult[]; others: CaseResult[] }> {
  const reference = new Map((await runReference()).results.map((r) => [r.id, r.grade]))
  const results = (await runVariants()).get(variant.name)?.results ?? []
  const catches = (r: CaseResult): boolean => {
    const ref = reference.get(r.id) ?? 'ERROR'
    return CATCHING[variant.caughtAs].includes(r.grade) && worse(r.grade, ref) === r.grade && r.grade !== ref
  }
  return {
    catching: results.filter(catches),
    others: results.filter((r) => !catches(r) && r.grade !== 'PASS' && r.grade !== 'UNSUPPORTED'),
  }
}

const caughtBy = new Map<string, { catching: readonly CaseResult[]; others: readonly CaseResult[] }>()

function describeResult(r: CaseResult): string {
  return `${r.id} [${r.grade}] ${r.summary}`
}

function list(results: readonly CaseResult[]): string {
  return results.map((r) => `${r.id} (${r.grade})`).join(', ')
}

describe(`the conformance catalogue (${cases.length} case instances)`, () => {
  it('the reference consumer gets no FAIL, ERROR or TIMEOUT', { timeout: RUN_TIMEOUT_MS }, async () => {
    const report = await runReference()
    expect(report.results).toHaveLength(cases.length)
    const bad = report.results.filter((r) => r.grade === 'FAIL' || r.grade === 'ERROR' || r.grade === 'TIMEOUT')
    expect(bad.map(describeResult)).toEqual([])
  })

  describe.each(BROKEN_CONSUMERS.map((v) => [v.name, v] as const))('broken:%s', (name, variant) => {
    it(`is graded ${variant.caughtAs} by at least one case the reference passes`, { timeout: RUN_TIMEOUT_MS }, async () => {
      expect((await runVariants()).get(name)?.consumer).toBe(`broken:${name}`)
      const found = await catchersOf(variant)
      caughtBy.set(name, found)
      expect(found.catching.length, `no case of the catalogue caught broken:${name} (${variant.mimics})`).toBeGreaterThan(0)
    })

    for (const tags of EXPECTED_CATCHERS[name] ?? []) {
      it(`is caught by a case tagged ${tags.join(' + ')} (when the catalogue has one)`, { timeout: RUN_TIMEOUT_MS }, async () => {
        const tagged = cases.filter((c) => tags.every((t) => c.scenario.meta.tags.includes(t)))
        if (tagged.length === 0) {
          console.warn(`broken:${name}: the catalogue has no case tagged ${tags.join(' + ')} yet; nothing to check`)
          return
        }
        const { catching, others } = await catchersOf(variant)
        const taggedResults = others.filter((r) => tags.every((t) => r.tags.includes(t)))
        expect(catching.filter((r) => tags.every((t) => r.tags.includes(t))).map((r) => r.id), `cases tagged ${tags.join(' + ')} that did not catch it: ${taggedResults.map(describeResult).join('; ') || 'none flagged anything'}`).not.toEqual([])
      })
    }
  })

  afterAll(() => {
    const lines = BROKEN_CONSUMERS.map((v) => {
      const found = caughtBy.get(v.name)
      if (found === undefined) return `broken:${v.name}: not run`
      const line = found.catching.length === 0 ? `broken:${v.name}: NOT CAUGHT` : `broken:${v.name}: caught by ${list(found.catching)}`
      return found.others.length === 0 ? line : `${line}; also flagged by ${list(found.others)}`
    })
    console.info(`Broken consumers against the catalogue:\n${lines.join('\n')}`)
  })
})
