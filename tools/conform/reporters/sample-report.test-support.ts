/**
 * Sample verdicts for the reporters' tests: one realistic CaseResult per grade, and a report
 * around them whose counts and exit code follow verdict.ts's rules.
 */
import { GRADES, countGrades, isFailing } from '../verdict.js'
import type { CaseResult, ConformanceReport, Finding, Grade, RunRecord, WireRecord } from '../verdict.js'

const UUID_A = '6319a18a-7c9e-4d8b-9a42-1f0c5d2e3b71'
const UUID_B = '0b5e2f3c-1111-4c2d-8e3f-2a4b6c8d0e12'
const UUID_C = 'f00dfeed-2222-4abc-9def-0123456789ab'

function finding(partial: Partial<Finding> & Pick<Finding, 'check'>): Finding {
  return { level: 'MUST', passed: true, grade: 'PASS', expected: ['converged'], observed: 'converged', ...partial }
}

function run(partial: Partial<RunRecord> = {}): RunRecord {
  return {
    name: 'initial', mode: 'refreshOnly', outcome: 'exited', exitCode: 0, signal: null,
    durationMs: 120, stderrTail: '', syncRequests: 1, ...partial,
  }
}

/** A short refreshOnly exchange on connection 1, with a note, as the runner records it. */
export function sampleWire(): WireRecord[] {
  return [
    { n: 1, atMs: 0, connection: 0, direction: 'note', text: 'run initial started' },
    { n: 2, atMs: 3, connection: 1, direction: 'in', messageId: 1, text: 'bindRequest v3 cn=admin', run: 'initial' },
    { n: 3, atMs: 4, connection: 1, direction: 'out', messageId: 1, text: 'bindResponse success', run: 'initial' },
    { n: 4, atMs: 6, connection: 1, direction: 'in', messageId: 2, text: 'searchRequest dc=example,dc=com sub (objectClass=*) syncRequest refreshOnly no cookie', run: 'initial' },
    { n: 5, atMs: 9, connection: 1, direction: 'out', messageId: 2, text: `searchResultEntry cn=a,dc=example,dc=com syncState add ${UUID_A}`, run: 'initial' },
    { n: 6, atMs: 11, connection: 1, direction: 'out', messageId: 2, text: 'searchResultDone success syncDone cookie rid=000,csn=20240101000000.000000Z#000000#000#000000', run: 'initial' },
  ]
}

const FAILED_MUST = finding({
  check: 'converged', passed: false, grade: 'FAIL',
  expected: [`UUID ${UUID_B} deleted after the present phase ended at message 14`, 'or the replica reloaded in full (e-syncRefreshRequired)'],
  observed: `UUID ${UUID_B} still in the replica (a ghost)`,
  why: 'RFC 4533 §3.3.2: entries not named in the present phase are deleted.',
})

const FAILED_SHOULD = finding({
  check: 'request 2 cookie', level: 'SHOULD', passed: false, grade: 'NON-STRICT',
  expected: ['the cookie of message 6'], observed: 'no cookie (a full reload)',
})

const FAILED_MAY = finding({
  check: 'reloadHint', level: 'MAY', passed: false, grade: 'INFO',
  expected: ['reloadHint FALSE'], observed: 'reloadHint TRUE',
})

/** A case graded `grade`, with findings, runs and diff that would give that grade. */
export function sampleCase(grade: Grade, overrides: Partial<CaseResult> = {}): CaseResult {
  const slug = grade.toLowerCase()
  const base: CaseResult = {
    id: `rfc4533/3.3.2/sample-${slug}/ro`,
    caseId: `rfc4533/3.3.2/sample-${slug}`,
    title: `Sample case graded ${grade}`,
    spec: 'rfc4533',
    section: '3.3.2',
    level: 'MUST',
    requirement: 'The client MUST delete entries not named in the present phase.',
    tags: ['present-phase'],
    mode: 'refreshOnly',
    dialect: 'openldap',
    file: `rfc4533/3.3.2/sample-${slug}.yaml`,
    grade,
    summary: 'all 2 checks passed',
    findings: [finding({ check: 'converged' }), finding({ check: 'run initial exit' })],
    runs: [run()],
    wire: sampleWire(),
    diff: { missing: [], unexpected: [], changed: [], matching: 3 },
    durationMs: 312,
  }
  const byGrade: Partial<Record<Grade, Partial<CaseResult>>> = {
    FAIL: {
      summary: `converged: UUID ${UUID_B} still in the replica (a ghost)`,
      findings: [finding({ check: 'run initial exit' }), FAILED_SHOULD, FAILED_MUST],
      diff: {
        missing: [{ uuid: UUID_C, dn: 'cn=c,dc=example,dc=com' }],
        unexpected: [{ uuid: UUID_B, dn: 'cn=ghost,dc=example,dc=com' }],
        changed: [{ uuid: UUID_A, dn: 'cn=a,dc=example,dc=com', consumerDn: 'cn=old-a,dc=example,dc=com',
          attributes: [{ name: 'description', missing: ['new value'], unexpected: ['stale value'] }] }],
        matching: 2,
      },
      runs: [run({ exitCode: 1, stderrTail: 'sync failed: entry cn=ghost left behind\n' })],
    },
    'NON-STRICT': {
      section: '3.5', id: 'rfc4533/3.5/sample-non-strict/rp', caseId: 'rfc4533/3.5/sample-non-strict', level: 'SHOULD',
      mode: 'refreshAndPersist',
      requirement: 'The client SHOULD send the most recent cookie it received.',
      summary: 'request 2 cookie: no cookie (a full reload)', findings: [finding({ check: 'converged' }), FAILED_SHOULD],
    },
    INFO: {
      section: '3.5', id: 'rfc4533/3.5/sample-info/ro', caseId: 'rfc4533/3.5/sample-info', level: 'MAY',
      requirement: 'The client MAY set reloadHint.', summary: 'reloadHint: reloadHint TRUE',
      findings: [finding({ check: 'converged' }), FAILED_MAY],
    },
    TIMEOUT: {
      summary: 'run initial exit: still running after 10 s', diff: undefined,
      findings: [finding({ check: 'run initial exit', passed: false, grade: 'TIMEOUT', expected: ['exits within 10 s'], observed: 'still running after 10 s; killed' })],
      runs: [run({ outcome: 'timeout', exitCode: null, signal: 'SIGKILL', durationMs: 10_000 })],
      durationMs: 10_050,
    },
    UNSUPPORTED: {
      spec: '389ds-hooks', section: '2', id: '389ds-hooks/2/sample-unsupported/ro', caseId: '389ds-hooks/2/sample-unsupported',
      summary: 'the consumer does not implement 389-DS session hooks', detail: 'feature sessionHooks not declared by the consumer',
      findings: [], runs: [run({ outcome: 'notStarted', exitCode: null, durationMs: 0, syncRequests: 0 })], wire: [], diff: undefined, durationMs: 1,
    },
    ERROR: {
      summary: 'the provider could not start', detail: 'listen EADDRINUSE 127.0.0.1:0 (harness fault)',
      findings: [], runs: [], wire: [], diff: undefined, durationMs: 5,
      deviation: '389-DS sends refreshDeletes FALSE here',
    },
  }
  return { ...base, ...byGrade[grade], ...overrides }
}

/** One case per grade, in GRADES order. */
export function sampleCasesOfEveryGrade(): CaseResult[] {
  return GRADES.map((g) => sampleCase(g))
}

export function sampleReport(results: readonly CaseResult[] = sampleCasesOfEveryGrade(), options: { strict?: boolean } = {}): ConformanceReport {
  const strict = options.strict ?? false
  return {
    tool: { name: 'syncrepl-harness', version: '0.1.0' },
    consumer: 'reference (in-process)',
    startedAt: '2025-01-02T03:04:05.678Z',
    durationMs: 12_345,
    strict,
    results,
    counts: countGrades(results),
    exitCode: results.some((r) => isFailing(r.grade, strict)) ? 1 : 0,
  }
}

/** Text that attacks every markup the reporters write. */
export const HOSTILE_TEXT = `a <b> & "c" 'd' </script><script>alert(1)</script> \u001b[31mred\u001b[0m \u0000nul`
