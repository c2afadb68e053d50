/**
 * The differential test: our mock provider against a throwaway Debian slapd 2.5.13, family by
 * family of the recorded sessions (test/fixtures/slapd-traces, a-h). Both servers get the same
 * LDIF through ldapadd, the same changes through ldapmodify (the change sequences between
 * searches are those of test/provider/engine-vs-slapd-traces.test.ts, reverse-engineered from the
 * traces) and the same Sync requests through our raw wire client; every step's shape must match
 * (types, states, DNs, syncIdSet contents and batching, refreshDeletes / refreshDone, result
 * codes and texts, cookie shapes, Cancel outcome). As a check on the harness, slapd's live shapes
 * are also held against the recorded traces.
 *
 * Persist families (d2, e, g): after the refresh terminator each change is applied on its own and
 * its persist message awaited. Every change here produces exactly one message on slapd 2.5, so no
 * quiet period is needed (2.5 sends nothing for a delete outside the content, but no family here
 * has one).
 */
import { describe, expect, it } from 'vitest'
import { readTrace, shapeOfTrace, traceUuidNames } from '../provider/trace-shapes.js'
import { csnOf, lastCookie } from '../support/differential.js'
import type { FamilyRecorder, ServerConfig } from '../support/differential.js'
import { expectSameSteps, recordBoth } from '../support/differential-run.js'
import { addChange, deleteChange, modDnChange, replaceChange, TRACE_SUFFIX, userDn } from '../support/trace-dit.js'
import { requirePeers, skipInterop } from './peers.js'

interface Family {
  readonly name: string
  readonly config: ServerConfig
  readonly users: number
  /** The 600-entry traces were recorded without attribute lists. */
  readonly withAttributes?: boolean
  run(r: FamilyRecorder): Promise<void>
}

const text = (s: string) => Buffer.from(s, 'latin1')
const staff = '(employeeType=staff)'

const FAMILIES: readonly Family[] = [
  {
    name: '(a) initial, (b) up-to-date cookie, (c) session log, (c2) after a restart',
    config: { sessionLog: 100 },
    users: 5,
    async run(r) {
      const a = await r.refreshOnly('a', 'a-refreshonly-initial')
      const cookie = lastCookie(a)
      await r.refreshOnly('b', 'b-refreshonly-nochange', { cookie })
      await r.apply(deleteChange(userDn(5)), replaceChange(userDn(2), 'description', 'changed'))
      await r.refreshOnly('c', 'c-refreshonly-sessionlog', { cookie })
      await r.restart()
      await r.refreshOnly('c2', 'c2-refreshonly-sessionlog-after-restart', { cookie })
    },
  },
  {
    name: '(d) present phase without a session log, refreshOnly and (d2) refreshAndPersist',
    config: { sessionLog: 0 },
    users: 5,
    async run(r) {
      const cookie = lastCookie(await r.refreshOnly('d0', 'd0-refreshonly-initial'))
      await r.apply(deleteChange(userDn(5)), replaceChange(userDn(2), 'description', 'changed'))
      await r.refreshOnly('d', 'd-refreshonly-presentphase', { cookie })
      await r.persist('d2', 'd2-persist-presentphase', { cookie }, [])
    },
  },
  {
    name: '(e) refreshAndPersist with live add / modify / rename / delete / move, (e2) resume, (e3) resume after offline changes',
    config: { sessionLog: 100 },
    users: 5,
    async run(r) {
      const user6: ReadonlyArray<readonly [string, string]> = [
        ['objectClass', 'inetOrgPerson'],
        ['uid', 'user000006'],
        ['cn', 'User 000006'],
        ['sn', 'Surname000006'],
        ['employeeType', 'staff'],
        ['description', 'added during persist'],
      ]
      const e = await r.persist('e', 'e-persist-live-changes', {}, [
        { change: addChange(userDn(6), user6), messages: 1 },
        { change: replaceChange(userDn(1), 'description', 'changed'), messages: 1 },
        { change: modDnChange(userDn(2), 'uid=user000002b'), messages: 1 },
        { change: deleteChange(userDn(3)), messages: 1 },
        { change: addChange(`ou=moved,${TRACE_SUFFIX}`, [['objectClass', 'organizationalUnit'], ['ou', 'moved']]), messages: 1 },
        { change: modDnChange(userDn(4), 'uid=user000004', `ou=moved,${TRACE_SUFFIX}`), messages: 1 },
      ])
      const cookie = lastCookie(e)
      await r.persist('e2', 'e2-persist-resume-nochange', { cookie }, [])
      await r.apply(replaceChange(userDn(1), 'description', 'changed offline'), deleteChange(userDn(6)))
      await r.persist('e3', 'e3-persist-resume-after-offline-changes', { cookie }, [])
    },
  },
  {
    name: '(f) bad cookies: future CSN, garbage, rid mismatch, no rid, unknown sid, ancient CSN, not a cookie, rid out of range',
    config: { sessionLog: 0 },
    users: 5,
    async run(r) {
      const csn = csnOf(await r.refreshOnly('f0', 'f0-refreshonly-initial'))
      // The server is one change ahead of the cookie.
      await r.apply(replaceChange(userDn(1), 'description', 'changed'))
      const cases: Array<[string, string]> = [
        ['f1-cookie-future-csn', 'rid=000,csn=29991231235959.999999Z#000000#000#000000'],
        ['f2-cookie-garbage-csn', 'rid=000,csn=garbage'],
        ['f3-cookie-rid-mismatch', `rid=123,csn=${csn}`],
        ['f4-cookie-no-rid', `csn=${csn}`],
        ['f5-cookie-unknown-sid', `rid=000,csn=${csn.replace('#000#', '#005#')}`],
        ['f6-cookie-ancient-csn', 'rid=000,csn=20000101000000.000000Z#000000#000#000000'],
        ['f7-cookie-not-a-cookie', 'hello'],
        ['f8-cookie-rid-out-of-range', `rid=4096,csn=${csn}`],
      ]
      for (const [trace, cookie] of cases) await r.refreshOnly(trace.slice(0, trace.indexOf('-')), trace, { cookie: text(cookie) })
    },
  },
  {
    name: '(f9, f10) syncprov-reloadhint TRUE: a stale cookie gets 4096, unless the client set reloadHint',
    config: { sessionLog: 0, reloadHint: true },
    users: 5,
    async run(r) {
      const ancient = text('rid=000,csn=20000101000000.000000Z#000000#000#000000')
      await r.refreshOnly('f9', 'f9-reloadhint-ancient-csn', { cookie: ancient })
      await r.refreshOnly('f10', 'f10-reloadhint-ancient-csn-with-reloadHint', { cookie: ancient, reloadHint: true })
    },
  },
  {
    name: '(g) a filter: leaving and entering it in persist, newcookie for writes outside it, (g2) session log, (g3) present phase',
    config: { sessionLog: 100 },
    users: 5,
    async run(r) {
      const cookie = lastCookie(await r.refreshOnly('g0', 'g0-filter-refreshonly-initial', { filter: staff }))
      await r.persist('g', 'g-filter-persist', { filter: staff }, [
        { change: replaceChange(userDn(1), 'employeeType', 'contractor'), messages: 1 },
        { change: replaceChange(userDn(2), 'description', 'changed'), messages: 1 },
        { change: replaceChange(userDn(4), 'employeeType', 'staff'), messages: 1 },
        { change: replaceChange(userDn(3), 'description', 'changed'), messages: 1 },
      ])
      await r.refreshOnly('g2', 'g2-filter-refreshonly-sessionlog', { cookie, filter: staff })
      await r.restart()
      await r.refreshOnly('g3', 'g3-filter-refreshonly-presentphase', { cookie, filter: staff })
    },
  },
  {
    name: '(h) 600 entries: present syncIdSets batched 256 + 256 + 90, then the changed entry',
    config: { sessionLog: 0 },
    users: 600,
    withAttributes: false,
    async run(r) {
      const cookie = lastCookie(await r.refreshOnly('h0', 'h0-refreshonly-initial-600'))
      await r.apply(replaceChange(userDn(300), 'description', 'changed'))
      const h = await r.refreshOnly('h', 'h-refreshonly-presentphase-600', { cookie })
      const sizes = h.flatMap((m) => (m.kind === 'info' && m.info.kind === 'syncIdSet' ? [m.info.syncUUIDs.length] : []))
      r.steps.push({ name: 'h: syncIdSet sizes', shape: [sizes.join(' + ')] })
    },
  },
]

const traceNames = traceUuidNames()

describe.skipIf(skipInterop('slapd', 'ldapsearch'))('our provider against a live slapd 2.5, trace family by family', () => {
  for (const family of FAMILIES) {
    it(family.name, async () => {
      requirePeers('slapd', 'ldapsearch')
      const { slapd, ours } = await recordBoth({ ...family, data: family.users })
      const withAttributes = family.withAttributes ?? true
      // The harness reproduces the recording: live slapd has the recorded shapes.
      for (const step of slapd.steps) {
        if (step.trace) expect.soft(step.shape, `slapd, step ${step.name}, against trace ${step.trace}`).toEqual(shapeOfTrace(readTrace(step.trace), traceNames, withAttributes))
      }
      // The differential: our provider, step by step, against slapd.
      expectSameSteps(slapd, ours)
    })
  }
})
