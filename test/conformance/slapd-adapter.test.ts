/**
 * Interop: the "slapd as a consumer" adapter (examples/consumers/slapd) — OpenLDAP slapd 2.5's
 * own syncrepl consumer behind the consumer command contract — run directly against our mock
 * provider, as the conformance runner will run it: refreshOnly initial content (RFC 4533 §3.3.1),
 * a resume from slapd's stored cookie after changes (§3.3.2), live changes in refreshAndPersist
 * (§3.4) and a clean SIGTERM, a 4096 that slapd retries by itself (§3.8), and a protocol
 * violation slapd refuses (§3.3, rfc4533.md §3.9). Reports are read with the runner's reader and
 * compared with the provider's content by the runner's comparison.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startScenario } from '../../provider/scenario/index.js'
import type { RunningScenario } from '../../provider/scenario/index.js'
import { loadScenarioFile } from '../../scenarios/index.js'
import { diffReplicas, providerContent } from '../../tools/conform/replica.js'
import type { ComparableReplica } from '../../tools/conform/replica.js'
import { requirePeers, skipInterop } from '../interop/peers.js'
import { cookieText, readReport, recordSyncRequestCookies, startAdapter, waitForReport } from './slapd-adapter-support.js'

const BASE = 'dc=example,dc=com'
const PEOPLE = `ou=people,${BASE}`
const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname

let cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function provider(name: string): Promise<RunningScenario> {
  const running = await startScenario(await loadScenarioFile(fixture(name)))
  cleanups.push(() => running.stop())
  return running
}

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slapd-adapter-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The provider's content for the adapter's search (whole subtree, all user attributes). */
function content(running: RunningScenario): ComparableReplica {
  return providerContent(running.provider.directory, { base: BASE, scope: 'sub', filter: '(objectClass=*)', attributes: [] })
}

/** The report equals the content: same UUIDs, same DNs, same user attributes (the runner's rules). */
function expectConverged(running: RunningScenario, report: ComparableReplica): void {
  const want = content(running)
  expect([...report.entries.keys()].sort()).toEqual([...want.entries.keys()].sort())
  for (const [uuid, entry] of want.entries) expect(report.entries.get(uuid)?.dn.toLowerCase()).toBe(entry.dn.toLowerCase())
  expect(diffReplicas(want, report)).toEqual({ missing: [], unexpected: [], changed: [], matching: want.entries.size })
}

/** The cookie slapd builds from the provider's contextCSN: `rid=001,csn=<vector>`. */
function expectedCookie(running: RunningScenario): string {
  return `rid=001,csn=${running.provider.directory.contextCsnVector().join(';')}`
}

/** Converged at some point: the report has every UUID of the content and the same attributes. */
function converged(running: RunningScenario): (r: ComparableReplica) => boolean {
  return (r) => {
    const d = diffReplicas(content(running), r)
    return d.missing.length === 0 && d.unexpected.length === 0 && d.changed.length === 0
  }
}

describe.skipIf(skipInterop('slapd'))('slapd as a consumer (examples/consumers/slapd)', () => {
  it('refreshOnly: the initial content, then a resume from the stored cookie that picks up an add, a modify and a delete', async () => {
    requirePeers('slapd')
    const running = await provider('slapd-small-org.yaml')
    const cookies = recordSyncRequestCookies(running.events)
    const dir = stateDir()

    const first = startAdapter({ url: running.url, stateDir: dir, mode: 'refreshOnly', run: 'initial' })
    expect(await first.exited, first.stderr()).toEqual({ code: 0, signal: null })
    const initial = await readReport(dir)
    expectConverged(running, initial)
    expect(initial.entries.size).toBe(18)
    expect(cookieText(initial)).toBe(expectedCookie(running))
    expect(cookies).toEqual(['rid=001']) // slapd's first request: its rid, no CSN yet

    const title = { kind: 'modify', dn: `uid=ajohnson,${PEOPLE}`, modifications: [{ operation: 'replace', type: 'title', values: ['Chair'] }] } as const
    running.provider.directory.apply(title)
    running.provider.directory.apply({ kind: 'delete', dn: `uid=lmartin,${PEOPLE}` })
    running.provider.directory.apply({ kind: 'add', dn: `uid=mnew,${PEOPLE}`, attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'mnew', cn: 'Mia New', sn: 'New' } })

    const second = startAdapter({ url: running.url, stateDir: dir, mode: 'refreshOnly', run: 'resume' })
    expect(await second.exited, second.stderr()).toEqual({ code: 0, signal: null })
    const resumed = await readReport(dir)
    expectConverged(running, resumed)
    expect([...resumed.entries.values()].map((e) => e.dn)).toContain(`uid=mnew,${PEOPLE}`)
    expect([...resumed.entries.values()].some((e) => e.dn.startsWith('uid=lmartin,'))).toBe(false)
    expect(cookieText(resumed)).toBe(expectedCookie(running))
    // The resume sent the cookie the first run stored (no session log: a present phase answered it).
    expect(cookies.slice(1)).toEqual([cookieText(initial)])
  })

  it('refreshAndPersist: live changes reach report.json; SIGTERM stops slapd and exits 0 within 5 s', async () => {
    requirePeers('slapd')
    const running = await provider('slapd-small-org.yaml')
    let persistMessages = 0
    running.events.on('messageSent', (e) => {
      if (e.phase === 'persist') persistMessages++
    })
    const dir = stateDir()
    const run = startAdapter({ url: running.url, stateDir: dir, mode: 'refreshAndPersist', run: 'persist' })
    cleanups.push(async () => {
      run.terminate()
      await run.exited
    })
    // The refresh is over once slapd has stored the provider's contextCSN as its cookie.
    await waitForReport(run, dir, 'the initial content and cookie', (r) => converged(running)(r) && cookieText(r) === expectedCookie(running))

    running.provider.directory.apply({ kind: 'modify', dn: `uid=bchen,${PEOPLE}`, modifications: [{ operation: 'replace', type: 'title', values: ['Live Title'] }] })
    running.provider.directory.apply({ kind: 'modDN', dn: `uid=hkim,${PEOPLE}`, newRdn: 'uid=hkim2', deleteOldRdn: true })
    running.provider.directory.apply({ kind: 'delete', dn: `uid=klarsen,${PEOPLE}` })
    const live = await waitForReport(run, dir, 'the live changes', (r) => converged(running)(r) && cookieText(r) === expectedCookie(running))
    expect(persistMessages).toBeGreaterThanOrEqual(3) // they came in the persist stage (§3.4)
    expect([...live.entries.values()].map((e) => e.dn)).toContain(`uid=hkim2,${PEOPLE}`)

    const stopping = Date.now()
    run.terminate()
    expect(await run.exited, run.stderr()).toEqual({ code: 0, signal: null })
    expect(Date.now() - stopping).toBeLessThan(5000)
    // slapd removes its pid file on a clean shutdown.
    expect(existsSync(join(dir, 'slapd', 'slapd.pid'))).toBe(false)
    const final = await readReport(dir)
    expectConverged(running, final)
    expect(cookieText(final)).toBe(expectedCookie(running))
  })

  it('refreshOnly: after a 4096 slapd retries at once and the run still succeeds', async () => {
    requirePeers('slapd')
    const running = await provider('slapd-refresh-required.yaml')
    const cookies = recordSyncRequestCookies(running.events)
    const dir = stateDir()
    const run = startAdapter({ url: running.url, stateDir: dir, mode: 'refreshOnly', run: 'initial' })
    expect(await run.exited, run.stderr()).toEqual({ code: 0, signal: null })
    const report = await readReport(dir)
    expectConverged(running, report)
    expect(cookieText(report)).toBe(expectedCookie(running))
    // The 4096, the immediate retry with the same cookie, then (slapd 2.5.13) one more refresh
    // with the new cookie on the same connection.
    expect(cookies.slice(0, 2)).toEqual(['rid=001', 'rid=001'])
    expect(run.stderr()).toContain('(4096)')
  })

  it('refreshOnly: an entry without a Sync State control ends the session; the adapter exits non-zero and reports no cookie', async () => {
    requirePeers('slapd')
    const running = await provider('slapd-missing-state-control.yaml')
    const dir = stateDir()
    const run = startAdapter({ url: running.url, stateDir: dir, mode: 'refreshOnly', run: 'initial' })
    const exit = await run.exited
    expect(exit.code, run.stderr()).toBe(1)
    expect(run.stderr()).toContain('got search entry without Sync State control (ou=people,dc=example,dc=com)')
    const report = await readReport(dir)
    expect(report.cookie).toBeNull()
    // slapd commits each entry as it arrives: the one good entry before the violation stays.
    expect([...report.entries.values()].map((e) => e.dn)).toEqual([BASE])
  })
})
