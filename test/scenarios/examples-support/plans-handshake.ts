/**
 * The consumer's side of the session-hook handshake examples (scenarios/examples/handshake-*.yaml,
 * 389ds-session-hooks.md §5.7). python-ldap and ldapsearch do not perform the handshake: where
 * the provider requires it, the documented observation is exactly one refusal — unwillingToPerform
 * (53) "replication session handshake required (2.16.840.1.113730.3.5.12)", no entry, no cookie —
 * and one violation in the provider's handshake log; where it is not required, they sync as usual.
 * Our own consumer plays the same files in test/integration/handshake-examples.test.ts.
 */
import { expect } from 'vitest'
import type { RunningScenario } from '../../../provider/scenario/index.js'
import type { ExamplePlan, LdapsearchRun, PythonRun } from './plan-types.js'
import { errorOf, everyMode, expectConverged, expectLdapsearchEnds, expectPythonStatuses, ordinaryEnds } from './verdicts.js'

const REQUIRED = 'replication session handshake required (2.16.840.1.113730.3.5.12)'

/** One violation on connection 1, no Start or End, and the 53 the only result the sync search got. */
function expectOneViolation(run: PythonRun | LdapsearchRun, running: RunningScenario): void {
  const log = running.provider.handshakes
  expect(log.violations.map((v) => [v.connectionId, v.state, v.required, v.base]), `handshake violations (${run.mode})`).toEqual([[1, 'none', true, 'dc=example,dc=com']])
  expect(log.records, 'Start / End exchanges: the client sent none').toEqual([])
  const onSearch = run.sent.filter((e) => e.connectionId === 1 && e.description !== 'BindResponse success (0)')
  expect(onSearch.map((e) => e.description), 'what the sync search got').toEqual([`SearchResultDone unwillingToPerform (53): ${REQUIRED}`])
}

/** An example whose provider requires the handshake: python-ldap and ldapsearch are refused with 53. */
function refusedWithout(file: string): ExamplePlan {
  return {
    file,
    sessions: everyMode({ endsByItself: true }),
    mustFire: [],
    python: (run) => {
      expectPythonStatuses(run, [2])
      expect(errorOf(run, 1), 'the error python-ldap raised').toMatchObject({ result: 53 })
      expect(errorOf(run, 1)?.message).toContain(REQUIRED)
      expect(run.replica.entries, 'python-ldap applied nothing').toEqual({})
      expect(run.replica.cookie, 'python-ldap kept no cookie').toBeNull()
      expectOneViolation(run, run.running)
    },
    ldapsearch: (run) => {
      expectLdapsearchEnds(run, ['failed'])
      expect(run.sessions[0]?.status, "ldapsearch's exit status is the result code").toBe(53)
      // ldapsearch prints the result after the (empty) search: `result: 53 …` and the message as `text:`.
      expect(run.sessions[0]?.stdout).toMatch(/^result: 53 Server is unwilling to perform$/m)
      expect(run.sessions[0]?.stdout).toContain(`text: ${REQUIRED}`)
      expect(run.sessions[0]?.stdout).not.toMatch(/^# (SyncState control|SyncInfo Received|cookie)/m)
      expectOneViolation(run, run.running)
    },
  }
}

/** `advertise: false, required: false`: the handshake is invisible and optional, so they sync as usual. */
const notAdvertised: ExamplePlan = {
  file: 'handshake-not-advertised.yaml',
  sessions: everyMode({}),
  mustFire: [],
  python: (run) => {
    expectPythonStatuses(run, [0])
    expectConverged(run)
    expect(run.running.provider.handshakes.records).toEqual([])
    expect(run.running.provider.handshakes.violations).toEqual([])
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ordinaryEnds(run, 1))
    expect(run.sessions[0]?.stdout).toMatch(/^# SyncState control, UUID .* added$/m)
    expect(run.running.provider.handshakes.violations).toEqual([])
  },
}

export const HANDSHAKE_PLANS: readonly ExamplePlan[] = [
  refusedWithout('handshake-ready.yaml'),
  refusedWithout('handshake-version-backoff.yaml'),
  refusedWithout('handshake-schema-total-disabled.yaml'),
  refusedWithout('handshake-reply-veto-guid.yaml'),
  notAdvertised,
  refusedWithout('handshake-malformed.yaml'),
  refusedWithout('handshake-slow-answer.yaml'),
  refusedWithout('handshake-required-skipped.yaml'),
  refusedWithout('handshake-post-refusal.yaml'),
  refusedWithout('handshake-disconnect-after-backoff.yaml'),
]
