/**
 * The consumer's side of the examples that play slapd 2.5 (the `openldap` dialect), one plan per
 * file; each verdict is what the file's comment block says a consumer ends with.
 */
import { expect } from 'vitest'
import type { ExamplePlan } from './plan-types.js'
import {
  countPrinted, errorOf, eventsOf, everyMode, expectConverged, expectGhosts, expectLdapsearchEnds, expectPythonStatuses,
  ordinaryEnds, printed, replicaCookie, smallOrg, syncInfosOn,
} from './verdicts.js'

const initialContentGhosts: ExamplePlan = {
  file: 'initial-content-ghosts.yaml',
  sessions: everyMode({}, { forgetCookie: true }),
  mustFire: ['deleted-while-cookieless'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0])
    // The trap: refreshDeletes TRUE after initial content deletes nothing in python-ldap.
    expectGhosts(run, [smallOrg(0x05), smallOrg(0x11)])
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ordinaryEnds(run, 2))
    expect(countPrinted(run, 2, /^# SyncState control, UUID .* added$/)).toBe(16)
  },
}

const presentPhaseSyncIdSet: ExamplePlan = {
  file: 'present-phase-syncidset.yaml',
  sessions: everyMode({}, {}),
  mustFire: ['offline-changes'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0])
    expectConverged(run)
    // 17 UUIDs in batches of 5, then the two changed entries as adds.
    const batches = syncInfosOn(run, 2).filter((i) => i.kind === 'syncIdSet').map((i) => (i.kind === 'syncIdSet' ? i.syncUUIDs.length : 0))
    expect(batches).toEqual([5, 5, 5, 2])
    const removed = eventsOf(run, 2).flatMap((e) => (e.event === 'present' ? e.removed : []))
    expect(removed.sort()).toEqual([smallOrg(0x05), smallOrg(0x11)])
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ordinaryEnds(run, 2))
    expect(countPrinted(run, 2, /^# SyncInfo Received: ID Set$/)).toBe(4)
  },
}

const deletePhaseSessionLog: ExamplePlan = {
  file: 'delete-phase-session-log.yaml',
  sessions: everyMode({}, {}),
  mustFire: ['open-the-log', 'offline-changes'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0])
    expectConverged(run)
    // One delete per vanished UUID: dokafor, managers, and uid=tmp, which the consumer never had.
    const deletes = eventsOf(run, 2).filter((e) => e.event === 'delete')
    expect(deletes).toHaveLength(3)
    expect(deletes.flatMap((e) => (e.event === 'delete' ? e.uuids : []))).toEqual(expect.arrayContaining([smallOrg(0x07), smallOrg(0x12)]))
    // The last cookie is the refresh's end, not a per-UUID `delcsn` cookie.
    expect(replicaCookie(run)).not.toContain('delcsn')
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ordinaryEnds(run, 2))
    expect(countPrinted(run, 2, /^# SyncInfo Received: ID Set$/)).toBe(3)
  },
}

const persistLiveChanges: ExamplePlan = {
  file: 'persist-live-changes.yaml',
  sessions: everyMode({ stopAfter: ['live-changes'] }),
  mustFire: ['live-changes'],
  python: (run) => {
    expectPythonStatuses(run, [0])
    expectConverged(run)
    expect(eventsOf(run, 1).at(-2)).toEqual({ event: 'cancelled' })
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ['stopped'])
    const out = printed(run, 1)
    for (const state of ['added', 'modified', 'deleted']) expect(out).toMatch(new RegExp(`^# SyncState control, UUID .* ${state}$`, 'm'))
    expect(out).toMatch(/^dn: uid=hkim2,ou=people,dc=example,dc=com$/m)
    expect(out).toMatch(/^dn: uid=irossi,ou=groups,dc=example,dc=com$/m)
  },
}

const persistFilterScope: ExamplePlan = {
  file: 'persist-filter-scope.yaml',
  sessions: everyMode({ stopAfter: ['filter-changes'] }),
  mustFire: ['filter-changes'],
  python: (run) => {
    expectPythonStatuses(run, [0])
    expectConverged(run)
    expect(Object.keys(run.replica.entries).sort()).toEqual([smallOrg(0x05), smallOrg(0x06), smallOrg(0x07), smallOrg(0x08), smallOrg(0x0d)])
    // Two writes outside the content; only the modify (not the delete) got a newcookie.
    const newcookies = syncInfosOn(run, 1).filter((i) => i.kind === 'newcookie')
    expect(newcookies).toHaveLength(1)
    const last = newcookies[0]
    expect(replicaCookie(run)).toBe(last?.kind === 'newcookie' ? Buffer.from(last.cookie).toString('latin1') : undefined)
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ['stopped'])
    expect(countPrinted(run, 1, /^# SyncInfo Received: new cookie$/)).toBe(1)
  },
}

const staleCookie: ExamplePlan = {
  file: 'stale-cookie-refresh-required.yaml',
  sessions: everyMode({}, { reloadOn4096: true }),
  mustFire: ['rewrite-everything'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0])
    expect(eventsOf(run, 2).filter((e) => e.event === 'refreshRequired')).toHaveLength(1)
    expectConverged(run)
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, [run.mode === 'refreshOnly' ? 'ok' : 'stopped', 'ok'])
    // 4096 & 0xff is 0: ldapsearch's exit status hides the result, its output does not.
    expect(printed(run, 2)).toMatch(/^result: 4096 Content Sync Refresh Required\ntext: sync cookie is stale$/m)
  },
}

const newcookieOnDemand: ExamplePlan = {
  file: 'newcookie-on-demand.yaml',
  sessions: everyMode({ stopAfter: ['silent-delete-then-newcookie'] }, {}),
  mustFire: ['silent-delete-then-newcookie'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0])
    expectConverged(run)
    const sent = syncInfosOn(run, 1).filter((i) => i.kind === 'newcookie')
    expect(sent).toHaveLength(1)
    const fresh = sent[0]?.kind === 'newcookie' ? Buffer.from(sent[0].cookie).toString('latin1') : ''
    expect(replicaCookie(run)).toBe(fresh)
    // With that cookie the second session is up to date: no entry at all.
    expect(eventsOf(run, 2).filter((e) => e.event === 'entry')).toEqual([])
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ['stopped', 'stopped'])
    expect(countPrinted(run, 1, /^# SyncInfo Received: new cookie$/)).toBe(1)
    expect(countPrinted(run, 2, /^# SyncState control/)).toBe(0)
  },
}

const providerRestart: ExamplePlan = {
  file: 'provider-restart-persist.yaml',
  sessions: everyMode({ endsByItself: true }, { stopAfter: ['change-after-restart'] }),
  mustFire: ['open-the-log', 'change-before-restart', 'restart', 'change-after-restart'],
  python: (run) => {
    expectPythonStatuses(run, [2, 0])
    expect(errorOf(run, 1)?.type).toBe('SERVER_DOWN')
    // The session log was emptied: the reconnect got a present phase, not a delete phase.
    expect(syncInfosOn(run, 2).map((i) => i.kind)).toEqual(['syncIdSet', 'refreshPresent'])
    expectConverged(run)
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ['failed', 'stopped'])
    expect(run.sessions[0]?.stderr).toMatch(/Can't contact LDAP server/)
  },
}

const truncatedPresentPhase: ExamplePlan = {
  file: 'truncated-present-phase.yaml',
  sessions: everyMode({}, { endsByItself: true }, {}),
  mustFire: ['offline-changes', 'cut'],
  python: (run) => {
    expectPythonStatuses(run, [0, 2, 0])
    expect(errorOf(run, 2)?.type).toBe('SERVER_DOWN')
    // Nothing was deleted and no cookie was stored in the interrupted session.
    const second = eventsOf(run, 2)
    expect(second.filter((e) => e.event === 'delete' || e.event === 'cookie' || (e.event === 'present' && e.removed.length > 0))).toEqual([])
    expect(second.filter((e) => e.event === 'present' && e.uuids !== null)).toHaveLength(6)
    expect(second.at(-1)).toEqual({ event: 'saved', entries: 18 })
    expectConverged(run)
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, [run.mode === 'refreshOnly' ? 'ok' : 'stopped', 'failed', run.mode === 'refreshOnly' ? 'ok' : 'stopped'])
    expect(countPrinted(run, 2, /^# SyncState control, UUID .* present$/)).toBe(6)
  },
}

const wireFaults: ExamplePlan = {
  file: 'wire-faults.yaml',
  sessions: everyMode({ endsByItself: true }, {}),
  mustFire: ['slow-start', 'twice', 'misaddressed', 'noise'],
  python: (run) => {
    // Seed 7: the duplicate happened, the wrong message ID was skipped.
    expect(run.notices.filter((n) => / skipped /.test(n))).toEqual(['scenario fault wrongMessageId skipped (probability 0.5)'])
    expectPythonStatuses(run, [2, 0])
    expect(errorOf(run, 1)?.type).toBe('SERVER_DOWN')
    expect(eventsOf(run, 1).filter((e) => e.event === 'cookie')).toEqual([])
    expectConverged(run)
  },
  ldapsearch: (run) => {
    expect(run.notices.filter((n) => / skipped /.test(n))).toEqual(['scenario fault wrongMessageId skipped (probability 0.5)'])
    expectLdapsearchEnds(run, ['failed', run.mode === 'refreshOnly' ? 'ok' : 'stopped'])
  },
}

export const OPENLDAP_PLANS: readonly ExamplePlan[] = [
  initialContentGhosts, presentPhaseSyncIdSet, deletePhaseSessionLog, persistLiveChanges, persistFilterScope, staleCookie,
  newcookieOnDemand, providerRestart, truncatedPresentPhase, wireFaults,
]
