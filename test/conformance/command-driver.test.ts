/**
 * The runner's command path, end to end: catalogue cases run through CommandDriver against
 * `examples/consumers/reference/consumer.sh` (the reference consumer as a separate program under
 * the consumer command contract) grade exactly as the same cases through the in-process
 * ReferenceDriver, and programs that break the contract or the RFC grade FAIL with a finding a
 * person can act on. Works with whatever scenarios/conformance/ holds: it picks the cases it
 * names when they exist (initial-content-exact always does).
 *
 * Every run starts a Node process (about 1.5 s on an idle machine, several times that on a busy
 * one), so the time limits are scaled and only a few cases run.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCatalogue } from '../../tools/conform/catalogue.js'
import type { CaseInstance } from '../../tools/conform/catalogue.js'
import { CommandDriver } from '../../tools/conform/drivers/command.js'
import { ReferenceDriver } from '../../tools/conform/drivers/reference.js'
import { runConformance } from '../../tools/conform/runner.js'
import type { CaseResult, ConformanceReport } from '../../tools/conform/verdict.js'

const CONSUMER = fileURLToPath(new URL('../../examples/consumers/reference/consumer.sh', import.meta.url))
/** Time limits × this: a run's Node start-up is counted against the 5 s and 10 s limits. */
const TIME_SCALE = 4
const TIMEOUT_MS = 300_000

/** Cases worth the command path when present: persist with live changes, a dropped connection, 4096, a SIGKILL. */
const WANTED = [
  'rfc4533/3.3.2/initial-content-exact',
  'rfc4533/3.3.2/kill-mid-refresh-resume',
  'rfc4533/3.4.2/persist-live-writes',
  'rfc4533/3.4.1/dropped-mid-present-phase-reconnect',
  'rfc4533/3.3.1/initial-content-after-refresh-required/ro',
]

const all = await loadCatalogue()
const picked = all.filter((c) => WANTED.some((w) => c.id === w || c.caseId === w))

const work = mkdtempSync(join(tmpdir(), 'command-driver-test-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function describeResult(r: CaseResult): string {
  const runs = r.runs.map((run) => `${run.name}: ${run.outcome} ${run.exitCode ?? run.signal} in ${run.durationMs} ms${run.stderrTail === '' ? '' : ` stderr ${JSON.stringify(run.stderrTail.slice(-400))}`}`)
  return `${r.id} [${r.grade}] ${r.summary}${r.detail === undefined ? '' : ` (${r.detail})`}; ${runs.join('; ')}`
}

function grades(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.id, r.grade]))
}

/** Runs `instances` through a shell command (by the contract). */
function runCommand(command: string, instances: readonly CaseInstance[], keepStateIn?: string): Promise<ConformanceReport> {
  return runConformance(instances, { driver: new CommandDriver(command), jobs: 2, timeScale: TIME_SCALE, ...(keepStateIn === undefined ? {} : { keepStateIn }) })
}

/** A script in the work directory; its path, quoted for /bin/sh. */
function script(name: string, body: string): string {
  const path = join(work, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 })
  return `'${path}'`
}

describe('CommandDriver with examples/consumers/reference/consumer.sh', () => {
  it('picks cases that exist: initial-content-exact in both modes at least', () => {
    expect(picked.map((c) => c.id)).toEqual(expect.arrayContaining(['rfc4533/3.3.2/initial-content-exact/ro', 'rfc4533/3.3.2/initial-content-exact/rp']))
  })

  it('grades every picked case PASS, the same as the in-process ReferenceDriver', { timeout: TIMEOUT_MS }, async () => {
    const state = join(work, 'state')
    mkdirSync(state)
    const command = await runCommand(CONSUMER, picked, state)
    const reference = await runConformance(picked, { driver: new ReferenceDriver(), jobs: 2 })
    expect(command.results.filter((r) => r.grade !== 'PASS').map(describeResult)).toEqual([])
    expect(grades(command)).toEqual(grades(reference))
    expect(command.consumer).toBe(CONSUMER)

    // The program kept its own store and the optional events log beside the report.
    const dir = join(state, readdirSync(state).find((d) => d.includes('initial-content-exact_ro')) ?? 'missing')
    expect(readdirSync(dir).sort()).toEqual(['events.jsonl', 'replica', 'report.json'])
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { cookie: string | null; entries: { uuid: string }[] }
    expect(report.cookie).toEqual(expect.any(String))
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; uuid?: string })
    expect(events.filter((e) => e.event === 'entry').map((e) => e.uuid).sort()).toEqual(report.entries.map((e) => e.uuid).sort())
    expect(events.at(-1)).toEqual({ event: 'refreshDone' })
  })

  it('grades cases of its own the same as the ReferenceDriver: a kill mid-refresh, a handshake accepted, one refused for good', { timeout: TIMEOUT_MS }, async () => {
    const catalogue = join(work, 'own-catalogue')
    for (const [file, text] of Object.entries(OWN_CASES)) {
      mkdirSync(join(catalogue, file, '..'), { recursive: true })
      writeFileSync(join(catalogue, file), text)
    }
    const instances = await loadCatalogue(catalogue)
    const command = await runCommand(CONSUMER, instances)
    const reference = await runConformance(instances, { driver: new ReferenceDriver(), jobs: 2 })
    expect(command.results.filter((r) => r.grade !== 'PASS').map(describeResult)).toEqual([])
    expect(grades(command)).toEqual(grades(reference))
    const byId = (id: string): CaseResult | undefined => command.results.find((r) => r.id === id)
    expect(byId('rfc4533/3.3.1/kill-mid-refresh')?.runs.map((r) => r.outcome)).toEqual(['killed', 'exited'])
    // `consume`'s exit codes: 5 for a handshake refused for good (0x0C disabled), as in-process.
    expect(byId('389ds-hooks/5.6/hooks-disabled')?.runs.map((r) => r.exitCode)).toEqual([5])
    expect(reference.results.find((r) => r.id === '389ds-hooks/5.6/hooks-disabled')?.runs.map((r) => r.exitCode)).toEqual([5])
    expect(byId('389ds-hooks/5.3/hooks-ready/rp')?.runs.map((r) => [r.outcome, r.exitCode])).toEqual([['terminated', 0]])
  })
})

/** Cases the catalogue may not have (yet), for paths of the contract program worth proving. */
const OWN_CASES: Readonly<Record<string, string>> = {
  '3.3.1/kill-mid-refresh.yaml': `
id: kill-mid-refresh
title: A consumer killed in the middle of its first refresh resumes from its last commit
rfcSection: "3.3.1"
tags: [kill]
directory:
  generate: { count: 2000, seed: 7 }
consumer:
  modes: [refreshOnly]
conformance:
  level: MUST
  requirement: Nothing of an interrupted refresh is kept half-applied; the next run converges.
  runs:
    - name: initial
      kill: { afterEntries: 50 }
    - name: resume
`,
  '5.3/hooks-ready.yaml': `
id: hooks-ready
title: The handshake payload from SYNCREPL_HOOK_* is sent, READY, then the sync on that connection
rfcSection: "5.3"
tags: [handshake]
directory:
  ldif: ${fileURLToPath(new URL('../../fixtures/samples/small-org.ldif', import.meta.url))}
provider:
  sessionHooks:
    recv:
      expectGuid: 2D562D8B-2F30-4447-AF76-2B721D1D5F6A
      onGuidMismatch: reject
      codec: cstring
      accept: { minVersion: "4.10" }
consumer:
  modes: [refreshOnly, refreshAndPersist]
conformance:
  spec: 389ds-hooks
  level: MUST
  requirement: The consumer sends the payload it is given and syncs after READY.
  features: [handshake]
  hooks: { guid: 2D562D8B-2F30-4447-AF76-2B721D1D5F6A, data: { hex: "342e313200" } }
  checks:
    - handshake: { starts: { min: 1, max: 1 }, noViolation: true, guid: 2D562D8B-2F30-4447-AF76-2B721D1D5F6A }
`,
  '5.6/hooks-disabled.yaml': `
id: hooks-disabled
title: A handshake refused for good (0x0C) ends the consumer without a sync search
rfcSection: "5.6"
tags: [handshake]
directory:
  ldif: ${fileURLToPath(new URL('../../fixtures/samples/small-org.ldif', import.meta.url))}
provider:
  sessionHooks: { forceCode: disabled }
consumer:
  modes: [refreshOnly]
conformance:
  spec: 389ds-hooks
  level: MUST
  requirement: After 0x0C the consumer sends no sync search and reports failure.
  features: [handshake]
  hooks: { guid: 2D562D8B-2F30-4447-AF76-2B721D1D5F6A, data: { hex: "342e313200" } }
  runs:
    - { name: initial, exit: failure }
  checks:
    - converged: false
    - syncRequests: { max: 0 }
    - handshake: { starts: { min: 1 }, noViolation: true }
`,
}

describe('CommandDriver with programs that break the contract or the RFC', () => {
  const exact = all.filter((c) => c.id === 'rfc4533/3.3.2/initial-content-exact/ro')

  it('a report with one entry left out grades FAIL, naming the missing UUID and the message that sent it', { timeout: TIMEOUT_MS }, async () => {
    // The real consumer, then one entry dropped from its report: what a consumer that loses an entry reports.
    const drop = `const f = process.env.SYNCREPL_STATE_DIR + '/report.json'; const r = JSON.parse(require('fs').readFileSync(f, 'utf8')); const gone = r.entries.pop(); require('fs').writeFileSync(f, JSON.stringify(r)); console.error('dropped ' + gone.uuid)`
    const command = script('drop-one.sh', `'${CONSUMER}' || exit $?\nexec node -e "${drop}"`)
    const [result] = (await runCommand(command, exact)).results
    expect(result?.grade, result === undefined ? '' : describeResult(result)).toBe('FAIL')
    const dropped = /dropped (\S+)/.exec(result?.runs[0]?.stderrTail ?? '')?.[1]
    const converged = result?.findings.find((f) => f.check === 'converged')
    expect(converged).toMatchObject({ passed: false, grade: 'FAIL', level: 'MUST' })
    expect(converged?.observed).toMatch(new RegExp(`^UUID ${dropped} \\(.+\\) is missing; the provider sent it at message \\d+$`))
    expect(result?.summary).toBe(`converged: ${converged?.observed}`)
    expect(result?.diff?.missing.map((m) => m.uuid)).toEqual([dropped])
  })

  it('`exit 1` grades FAIL on the exit and on the replica', { timeout: TIMEOUT_MS }, async () => {
    const [result] = (await runCommand('echo "no sync today" >&2; exit 1', exact)).results
    expect(result?.grade).toBe('FAIL')
    expect(result?.findings.find((f) => f.check === 'run initial exit')).toMatchObject({ passed: false, expected: ['exit 0 (the sync succeeded)'], observed: 'exit 1' })
    expect(result?.findings.find((f) => f.check === 'converged')?.observed).toMatch(/is missing/)
    expect(result?.runs[0]?.stderrTail).toBe('no sync today\n')
    expect(result?.runs[0]?.syncRequests).toBe(0)
  })

  it('a report.json that is not JSON, or exit 0 without one, is a contract finding', { timeout: TIMEOUT_MS }, async () => {
    const [garbled] = (await runCommand('echo "{not json" > "$SYNCREPL_STATE_DIR/report.json"', exact)).results
    expect(garbled?.grade).toBe('FAIL')
    expect(garbled?.findings.find((f) => f.check === 'run initial report.json')?.observed).toMatch(/^report\.json is not JSON: /)
    const [silent] = (await runCommand('true', exact)).results
    expect(silent?.findings.find((f) => f.check === 'run initial report.json')).toMatchObject({ passed: false, observed: 'the run ended with exit 0 but wrote no report.json' })
  })
})
