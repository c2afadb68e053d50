/**
 * Every example in scenarios/examples/ works as it says:
 * - it lints clean;
 * - it plays against python-ldap's SyncreplConsumer (test/scenarios/python/example_consumer.py)
 *   and against `ldapsearch -E sync=ro|rp` in every mode its `consumer.modes` lists, with no
 *   failed scenario action, no protocol violation, every step the example relies on fired, and a
 *   provider that still answers a plain search afterwards;
 * - python-ldap's final replica is what the example's comment says: the provider's content where
 *   python-ldap gets it right, exactly the documented wrong result where it does not.
 *
 * Each run starts its own provider, so the runs go concurrently.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lintFiles, loadScenarioFile } from '../../scenarios/index.js'
import type { Scenario } from '../../scenarios/types.js'
import { requirePeers, skipInterop } from '../interop/peers.js'
import type { ExamplePlan } from './examples-support/plan-types.js'
import { DIALECT_PLANS } from './examples-support/plans-dialects.js'
import { HANDSHAKE_PLANS } from './examples-support/plans-handshake.js'
import { OPENLDAP_PLANS } from './examples-support/plans-openldap.js'
import { consumerOf, runLdapsearch, runPython } from './examples-support/run-example.js'
import type { RunEvidence } from './examples-support/run-example.js'

const EXAMPLES = fileURLToPath(new URL('../../scenarios/examples/', import.meta.url))
const PLANS: readonly ExamplePlan[] = [...OPENLDAP_PLANS, ...DIALECT_PLANS, ...HANDSHAKE_PLANS]
const FILES = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).sort()
// Loaded before the tests are defined, so that each example gets a test for exactly its modes.
const SCENARIOS = new Map<string, Scenario>(await Promise.all(FILES.map(async (f) => [f, await loadScenarioFile(join(EXAMPLES, f))] as const)))

/** What every run must show, whatever the consumer made of the example. */
function expectHealthyRun(plan: ExamplePlan, evidence: RunEvidence): void {
  expect(evidence.errors.map((e) => `${e.code} at line ${e.source.line}: ${e.error.message}`), 'failed scenario actions').toEqual([])
  expect(evidence.violations.map((e) => `${e.code}: ${e.error.message}`), 'protocol violations the provider saw').toEqual([])
  expect(plan.mustFire.filter((name) => !evidence.fired.includes(name)), `steps that did not fire (fired: ${evidence.fired.join(', ')})`).toEqual([])
  expect(evidence.health, 'a fresh plain search of the suffix').toEqual({ resultCode: 0, entries: evidence.health.expected, expected: evidence.health.expected })
}

describe('scenarios/examples', () => {
  it('has at least 12 examples, each with a plan here, each starting with the schema line and a comment block', async () => {
    expect(FILES.length).toBeGreaterThanOrEqual(12)
    expect(PLANS.map((p) => p.file).sort()).toEqual(FILES)
    for (const file of FILES) {
      const text = readFileSync(join(EXAMPLES, file), 'utf8')
      expect(text.startsWith('# yaml-language-server: $schema=../schema.json\n#\n# '), `${file} starts with the schema line and a comment`).toBe(true)
      expect(text, `${file} says what a correct consumer ends with`).toMatch(/^# What a correct consumer ends with:/m)
    }
    const docs = readFileSync(fileURLToPath(new URL('../../docs/scenarios.md', import.meta.url)), 'utf8')
    expect(FILES.filter((file) => !docs.includes(`| \`${file}\` |`)), 'examples missing from docs/scenarios.md "Examples"').toEqual([])
    // Every named step is one the example relies on: the plan requires each to fire.
    for (const plan of PLANS) {
      const named = (SCENARIOS.get(plan.file)?.timeline ?? []).flatMap((step) => (step.name === undefined ? [] : [step.name]))
      expect([...plan.mustFire].sort(), `${plan.file}: the steps that must fire`).toEqual(named.sort())
    }
  })

  it('every example lints clean', async () => {
    const report = await lintFiles([EXAMPLES])
    expect(report.files.map((f) => f.file.slice(EXAMPLES.length)).sort()).toEqual(FILES)
    expect(report.files.flatMap((f) => f.problems.map((p) => `${f.file}:${p.line}:${p.column} ${p.message}`))).toEqual([])
  })
})

describe.skipIf(skipInterop('python-ldap', 'ldapsearch'))('scenarios/examples against python-ldap and ldapsearch', { concurrent: true }, () => {
  for (const plan of PLANS) {
    const scenario = SCENARIOS.get(plan.file)
    if (scenario === undefined) continue // the first test above reports the missing file
    describe(plan.file, () => {
      for (const mode of consumerOf(scenario).modes) {
        it(`python-ldap, ${mode}`, async () => {
          requirePeers('python-ldap')
          const { run, evidence } = await runPython(plan, scenario, mode)
          expectHealthyRun(plan, evidence)
          plan.python(run)
        })
        it(`ldapsearch, ${mode}`, async () => {
          requirePeers('ldapsearch')
          const { run, evidence } = await runLdapsearch(plan, scenario, mode)
          expectHealthyRun(plan, evidence)
          plan.ldapsearch(run)
        })
      }
    })
  }
})
