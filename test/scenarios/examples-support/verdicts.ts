/**
 * The assertions the example plans are made of: a python-ldap replica compared with the
 * provider's content (all differences at once, as sentences), how each session ended, and what
 * ldapsearch printed.
 */
import { expect } from 'vitest'
import type { SyncInfoValue } from '../../../protocol/index.js'
import { replicaDifferences } from '../../interop/replica-comparison.js'
import type { LdapsearchRun, PythonRun, SessionPlan, SyncMode } from './plan-types.js'
import type { PythonEvent } from './python-session.js'

/** The entryUUID of the NNth entry of fixtures/samples/small-org.ldif (1 = the suffix). */
export function smallOrg(n: number): string {
  return `5a010000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

/** The same sessions in every mode. */
export function everyMode(...sessions: SessionPlan[]): (mode: SyncMode) => readonly SessionPlan[] {
  return () => sessions
}

/** python-ldap's final replica is exactly the provider's content. */
export function expectConverged(run: PythonRun): void {
  expect(replicaDifferences(run.replica, run.content), `python-ldap's replica (${run.mode}) differs from the provider's content`).toEqual([])
}

/** The replica holds the provider's content plus exactly these entries (by UUID), which the provider no longer has. */
export function expectGhosts(run: PythonRun, ghosts: readonly string[]): void {
  const diffs = replicaDifferences(run.replica, run.content)
  const expected = ghosts.map((uuid) => `${uuid} (${run.replica.entries[uuid]?.dn ?? '?'}) is in the replica but not in the provider's content.`)
  expect(diffs.sort(), `python-ldap's replica (${run.mode}) should differ only by the ghosts ${ghosts.join(', ')}`).toEqual(expected.sort())
}

/** The replica holds exactly these entries (by UUID), each as the provider holds it now. */
export function expectReplicaExactly(run: PythonRun, uuids: readonly string[]): void {
  expect(Object.keys(run.replica.entries).sort(), `the UUIDs in python-ldap's replica (${run.mode})`).toEqual([...uuids].sort())
  const kept = new Map([...run.content].filter(([uuid]) => uuids.includes(uuid)))
  const missing = replicaDifferences(run.replica, kept)
  expect(missing, `the entries python-ldap kept (${run.mode}) are as the provider holds them`).toEqual([])
}

/** Exit status of each python session: 0 ended normally, 2 ended in an error. */
export function expectPythonStatuses(run: PythonRun, statuses: readonly number[]): void {
  expect(run.sessions.map((s) => s.exit.status), `exit status of each python-ldap session (${run.mode})`).toEqual(statuses)
}

/** The events of the Nth session (1-based). */
export function eventsOf(run: PythonRun, session: number): readonly PythonEvent[] {
  const s = run.sessions[session - 1]
  if (s === undefined) throw new Error(`The run has ${run.sessions.length} sessions, not ${session}.`)
  return s.events
}

/** The error a session ended with, if any. */
export function errorOf(run: PythonRun, session: number): Extract<PythonEvent, { event: 'error' }> | undefined {
  return eventsOf(run, session).find((e): e is Extract<PythonEvent, { event: 'error' }> => e.event === 'error')
}

/** The cookie python-ldap's application keeps, as text. */
export function replicaCookie(run: PythonRun): string | undefined {
  return run.replica.cookie === null ? undefined : Buffer.from(run.replica.cookie, 'base64').toString('latin1')
}

/** The Sync Info values the provider's engine sent on one connection, in order. */
export function syncInfosOn(run: PythonRun | LdapsearchRun, connectionId: number): SyncInfoValue[] {
  return run.sent.flatMap((e) => (e.connectionId === connectionId && e.sync?.kind === 'info' ? [e.sync.info] : []))
}

/**
 * How each ldapsearch session ended: `ok` (exit 0, nothing on stderr), `stopped` (the test ended
 * a persist session, SIGTERM), or `failed` (a non-zero exit: the connection or the data broke).
 */
export function expectLdapsearchEnds(run: LdapsearchRun, ends: readonly ('ok' | 'stopped' | 'failed')[]): void {
  const seen = run.sessions.map((s) => {
    if (s.signal === 'SIGTERM') return 'stopped'
    if (s.status === 0 && s.stderr === '') return 'ok'
    return s.status !== 0 && s.status !== null ? 'failed' : `status ${s.status}, signal ${s.signal}, stderr ${JSON.stringify(s.stderr)}`
  })
  expect(seen, `how each ldapsearch session ended (${run.mode})`).toEqual(ends)
}

/** ldapsearch's ordinary ends for this mode: refreshOnly sessions end themselves, persist ones are stopped. */
export function ordinaryEnds(run: LdapsearchRun, sessions: number): ('ok' | 'stopped')[] {
  return Array.from({ length: sessions }, () => (run.mode === 'refreshOnly' ? 'ok' : 'stopped'))
}

/** What the Nth ldapsearch session printed. */
export function printed(run: LdapsearchRun, session: number): string {
  const s = run.sessions[session - 1]
  if (s === undefined) throw new Error(`The run has ${run.sessions.length} ldapsearch sessions, not ${session}.`)
  return s.stdout
}

/** How often `pattern` occurs in what the Nth ldapsearch session printed. */
export function countPrinted(run: LdapsearchRun, session: number, pattern: RegExp): number {
  return (printed(run, session).match(new RegExp(pattern.source, 'gm')) ?? []).length
}
