/**
 * The consumer's side of the examples that play the other dialects (389ds, apacheds,
 * strict-rfc) and script mode. Where python-ldap is known to get an example wrong, the verdict
 * requires exactly the documented wrong result: that is the example's point.
 */
import { expect } from 'vitest'
import type { ExamplePlan } from './plan-types.js'
import {
  countPrinted, eventsOf, everyMode, expectConverged, expectGhosts, expectLdapsearchEnds, expectPythonStatuses,
  expectReplicaExactly, ordinaryEnds, printed, replicaCookie, smallOrg, syncInfosOn,
} from './verdicts.js'

const ds389RefreshDeletesFalse: ExamplePlan = {
  file: '389ds-refresh-deletes-false.yaml',
  sessions: everyMode({}, {}),
  mustFire: ['offline-changes'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0])
    // The trap: Done refreshDeletes FALSE after no present phase removes every unchanged entry.
    expectReplicaExactly(run, [smallOrg(0x04)])
    expect(run.content.size).toBe(17)
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ordinaryEnds(run, 2))
    expect(printed(run, 2)).toMatch(/^# SyncDone control refreshDeletes=0$/m)
    expect(countPrinted(run, 2, /^# SyncState control, UUID .* added$/)).toBe(1)
  },
}

const ds389DroppedDelete: ExamplePlan = {
  file: '389ds-dropped-delete.yaml',
  sessions: everyMode({}, { stopAfter: ['delete-51'] }),
  mustFire: ['add-51', 'delete-51'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0])
    // 51 deletes, one syncIdSet of 50: the 51st never reaches any consumer.
    const deleteSets = syncInfosOn(run, 2).filter((i) => i.kind === 'syncIdSet')
    expect(deleteSets.map((i) => (i.kind === 'syncIdSet' ? [i.refreshDeletes, i.syncUUIDs.length] : []))).toEqual([[true, 50]])
    const ghost = Object.entries(run.replica.entries).find(([, e]) => e.dn === 'uid=t51,ou=people,dc=example,dc=com')
    expect(ghost, 'uid=t51 is still in the replica').toBeDefined()
    expectGhosts(run, [ghost?.[0] ?? ''])
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ['stopped', 'stopped'])
    expect(countPrinted(run, 2, /^# SyncInfo Received: ID Set$/)).toBe(1)
  },
}

const apachedsNoPhaseMarkers: ExamplePlan = {
  file: 'apacheds-no-phase-markers.yaml',
  sessions: everyMode({ stopAfter: ['live-changes'] }),
  mustFire: ['live-changes'],
  persistMarker: { python: 'cookie', ldapsearch: /^# SyncInfo Received: new cookie$/m },
  python: (run) => {
    expectPythonStatuses(run, [0])
    expectConverged(run)
    // What python-ldap gets wrong here: its application never hears that the refresh ended.
    expect(eventsOf(run, 1).filter((e) => e.event === 'refreshDone')).toEqual([])
    expect(syncInfosOn(run, 1).map((i) => i.kind)).toEqual(['newcookie'])
    // The cookie kept is the last persist message's (the delete's), in ApacheDS's rid=1 form.
    const lastEntry = run.sent.filter((e) => e.connectionId === 1 && e.sync?.kind === 'entry').at(-1)?.sync
    const lastCookie = lastEntry?.kind === 'entry' && lastEntry.cookie !== undefined ? Buffer.from(lastEntry.cookie).toString('latin1') : undefined
    expect(lastEntry?.kind === 'entry' ? lastEntry.state : undefined).toBe('delete')
    expect(replicaCookie(run)).toBe(lastCookie)
    expect(lastCookie).toMatch(/^rid=1,csn=/)
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ['stopped'])
    expect(printed(run, 1)).not.toMatch(/refresh done/)
  },
}

const apachedsJournalReplay: ExamplePlan = {
  file: 'apacheds-journal-replay.yaml',
  sessions: everyMode({}, {}),
  mustFire: ['offline-changes'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0])
    // The replay mentions jwilliams (add), uid=kl (modify) and lmartin (delete); the Done's
    // refreshDeletes FALSE then removes everything else.
    expectReplicaExactly(run, [smallOrg(0x0d), smallOrg(0x0e)])
    expect(run.replica.entries[smallOrg(0x0e)]?.dn).toBe('uid=kl,ou=people,dc=example,dc=com')
    expect(run.content.size).toBe(17)
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ordinaryEnds(run, 2))
    const out = printed(run, 2)
    for (const state of ['added', 'modified', 'deleted']) expect(countPrinted(run, 2, new RegExp(`^# SyncState control, UUID .* ${state}$`))).toBe(1)
    expect(out).toMatch(/^# SyncDone control refreshDeletes=0$/m)
  },
}

const strictRfc: ExamplePlan = {
  file: 'strict-rfc.yaml',
  sessions: everyMode({}, {}, {}),
  mustFire: ['offline-changes'],
  python: (run) => {
    expectPythonStatuses(run, [0, 0, 0])
    expectConverged(run)
    // The present phase came as entries (no syncIdSet at all); the third session sent nothing
    // but the end of an empty delete phase, with the cookie.
    expect(syncInfosOn(run, 2).filter((i) => i.kind === 'syncIdSet')).toEqual([])
    const third = eventsOf(run, 3)
    expect(third.filter((e) => e.event === 'entry' || e.event === 'delete')).toEqual([])
    expect(third.filter((e) => e.event === 'present' && e.uuids === null)).toEqual([{ event: 'present', uuids: null, refreshDeletes: true, removed: [] }])
    expect(third.some((e) => e.event === 'cookie')).toBe(true)
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ordinaryEnds(run, 3))
    expect(countPrinted(run, 2, /^# SyncState control, UUID .* present$/)).toBe(17)
    if (run.mode === 'refreshOnly') {
      expect(printed(run, 1)).toMatch(/^# SyncDone control refreshDeletes=0$/m)
      expect(printed(run, 3)).toMatch(/^# SyncDone control refreshDeletes=1\n# cookie: /m)
    }
  },
}

const scriptBrokenSequence: ExamplePlan = {
  file: 'script-broken-sequence.yaml',
  sessions: everyMode({ endsByItself: true }),
  mustFire: ['broken-session'],
  python: (run) => {
    // python-ldap accepts all three violations without an error.
    expectPythonStatuses(run, [0])
    const events = eventsOf(run, 1)
    expect(events.filter((e) => e.event === 'entry').map((e) => (e.event === 'entry' ? e.dn : ''))).toEqual(['uid=alpha,ou=people,dc=example,dc=com'])
    expect(events.filter((e) => e.event === 'refreshDone')).toHaveLength(2)
    expect(events.filter((e) => e.event === 'error')).toEqual([])
    expect(Object.keys(run.replica.entries)).toEqual(['0a1fa000-0000-4000-8000-000000000001'])
    expect(replicaCookie(run)).toBe('final')
  },
  ldapsearch: (run) => {
    expectLdapsearchEnds(run, ['ok'])
    const out = printed(run, 1)
    expect(countPrinted(run, 1, /^# refresh done, switching to persist stage$/)).toBe(2)
    expect(out).toMatch(/^# SyncState control, UUID \(UUID malformed\) added$/m)
    // libldap 2.5 reads an explicit criticality FALSE (01 01 00) as TRUE.
    expect(out).toMatch(/^control: 1\.3\.6\.1\.4\.1\.4203\.1\.9\.1\.2 true /m)
    expect(out).toMatch(/^# numEntries: 3$/m)
  },
}

export const DIALECT_PLANS: readonly ExamplePlan[] = [
  ds389RefreshDeletesFalse, ds389DroppedDelete, apachedsNoPhaseMarkers, apachedsJournalReplay, strictRfc, scriptBrokenSequence,
]
