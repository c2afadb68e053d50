/**
 * The interop harness itself, against Debian's slapd 2.5.13: a throwaway slapd starts, takes the
 * traces' DIT through ldapadd, and the raw wire client's refreshOnly sessions have exactly the
 * shapes recorded in test/fixtures/slapd-traces (a: initial content, b: up-to-date cookie).
 * If this fails, the differential tests in this folder cannot be trusted.
 */
import { existsSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { readTrace, shapeOfMessages, shapeOfTrace, traceUuidNames } from '../provider/trace-shapes.js'
import { ldapModify, loadLdif } from '../support/ldap-tools.js'
import { startSlapd } from '../../tools/slapd/slapd.js'
import type { SlapdServer } from '../../tools/slapd/slapd.js'
import { lastCookie, persistMessages } from '../support/sync-search.js'
import { UuidNames, openPersist, refreshOnly } from '../support/sync-session.js'
import { replaceChange, traceDitLdif, userDn } from '../support/trace-dit.js'
import { requirePeers, skipInterop } from './peers.js'

const traceShape = (name: string) => shapeOfTrace(readTrace(name), traceUuidNames())

describe.skipIf(skipInterop('slapd', 'ldapsearch'))('interop harness against a throwaway slapd 2.5', () => {
  const started: SlapdServer[] = []
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()))
  })

  it('starts slapd, loads the traces\' DIT, and reproduces trace (a) and, with its cookie, trace (b)', async () => {
    requirePeers('slapd', 'ldapsearch')
    const slapd = await startSlapd()
    started.push(slapd)
    expect(slapd.url).toMatch(/^ldap:\/\/127\.0\.0\.1:\d+\/$/)
    expect(slapd.pid).toBeGreaterThan(0)
    await loadLdif(slapd.url, traceDitLdif(5))

    const names = new UuidNames()
    const a = await refreshOnly(slapd.url)
    names.learn(a)
    expect(shapeOfMessages(a, names.map, undefined)).toEqual(traceShape('a-refreshonly-initial'))

    const cookie = lastCookie(a)
    expect(cookie && Buffer.from(cookie).toString('latin1')).toMatch(/^rid=000,csn=\d{14}\.\d{6}Z#000000#000#000000$/)
    const b = await refreshOnly(slapd.url, { cookie })
    expect(shapeOfMessages(b, names.map, cookie)).toEqual(traceShape('b-refreshonly-nochange'))

    const dir = slapd.dir
    await slapd.stop()
    expect(slapd.pid).toBeUndefined()
    expect(existsSync(dir)).toBe(false)
    await slapd.stop() // idempotent
  })

  it('serves refreshAndPersist: the refresh terminator, a live change, Cancel → 118 then the Cancel response', async () => {
    requirePeers('slapd', 'ldapsearch')
    const slapd = await startSlapd({ sessionLog: 100 })
    started.push(slapd)
    await loadLdif(slapd.url, traceDitLdif(2))
    const session = await openPersist(slapd.url)
    await ldapModify(slapd.url, replaceChange(userDn(1), 'description', 'changed').ldif)
    const messages = await session.search.until(persistMessages(1))
    const live = messages.at(-1)
    expect(live).toMatchObject({ kind: 'entry', state: 'modify', dn: userDn(1) })
    const outcome = await session.cancel()
    expect(outcome.searchEnd).toEqual({ kind: 'done', resultCode: 118, diagnosticMessage: '' })
    expect(outcome.cancelResponse.resultCode).toBe(0)
    expect(outcome.order).toEqual(['searchResultDone', 'extendedResponse'])
  })

  it('restart() keeps the database and the URL working, and empties the session log (trace c2 relies on it)', async () => {
    requirePeers('slapd', 'ldapsearch')
    const slapd = await startSlapd({ sessionLog: 100 })
    started.push(slapd)
    await loadLdif(slapd.url, traceDitLdif(3))
    const names = new UuidNames()
    const first = await refreshOnly(slapd.url)
    names.learn(first)
    const cookie = lastCookie(first)
    await ldapModify(slapd.url, replaceChange(userDn(2), 'description', 'changed').ldif)
    const pid = slapd.pid
    await slapd.restart()
    expect(slapd.pid).not.toBe(pid)
    const after = await refreshOnly(slapd.url, { cookie })
    // Empty session log → present phase: one syncIdSet of everything, then the changed entry.
    expect(shapeOfMessages(after, names.map, cookie, false)).toEqual([
      `INFO syncIdSet refreshDeletes=false cookie=(absent) [dc=example,dc=com | ou=people,dc=example,dc=com | ${userDn(1)} | ${userDn(2)} | ${userDn(3)}]`,
      `ENTRY add ${userDn(2)} cookie=(absent)`,
      'DONE 0 syncDone(cookie=rid=000,csn=CTX refreshDeletes=false)',
    ])
  })

  it('passes its options to slapd: serverID shows in cookies, a bad value fails start-up with slapd\'s own words', async () => {
    requirePeers('slapd', 'ldapsearch')
    await expect(startSlapd({ sessionLog: -5 })).rejects.toMatchObject({ code: 'SLAPD_START_FAILED', message: expect.stringMatching(/sessionlog size -5 is negative/) })
    const slapd = await startSlapd({ serverId: 7, checkpoint: { ops: 1, minutes: 1 }, reloadHint: true, sessionLog: 10 })
    started.push(slapd)
    await loadLdif(slapd.url, traceDitLdif(1))
    const cookie = lastCookie(await refreshOnly(slapd.url))
    expect(cookie && Buffer.from(cookie).toString('latin1')).toMatch(/^rid=000,sid=007,csn=\d{14}\.\d{6}Z#000000#007#000000$/)
    // syncprov-reloadhint TRUE: a stale cookie without the client's reloadHint gets 4096 (trace f9).
    const stale = await refreshOnly(slapd.url, { cookie: Buffer.from('rid=000,csn=20000101000000.000000Z#000000#007#000000') })
    expect(stale).toEqual([{ kind: 'done', resultCode: 4096, diagnosticMessage: 'sync cookie is stale' }])
  })

  it('reports a failing ldapmodify with its stderr', async () => {
    requirePeers('slapd', 'ldapsearch')
    const slapd = await startSlapd()
    started.push(slapd)
    await expect(ldapModify(slapd.url, replaceChange(userDn(9), 'description', 'x').ldif)).rejects.toMatchObject({
      code: 'LDAP_TOOL_FAILED',
      message: expect.stringMatching(/No such object/),
    })
  })
})
