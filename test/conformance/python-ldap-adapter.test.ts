/**
 * The python-ldap example adapter (examples/consumers/python-ldap/consumer.py) run directly by
 * the consumer contract (docs/consumer-contract.md), the way `syncrepl-harness conform` runs
 * it: SYNCREPL_* variables, one process per run, a state directory kept between the runs of a
 * case, report.json judged against the provider's content and the Sync Requests judged on the
 * wire. Covers a refreshOnly initial run and a resume with the stored cookie (RFC 4533 §3.3,
 * §3.5), refreshAndPersist with live changes and SIGTERM (§3.4), and a reconnect that resumes
 * from the stored cookie after the provider dropped the connection.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { DN, SYNC_REQUEST_OID, decodeSyncRequestValue } from '../../protocol/index.js'
import type { Directory } from '../../provider/index.js'
import { startScenario } from '../../provider/scenario/index.js'
import type { RunningScenario } from '../../provider/scenario/index.js'
import type { SyncMessage } from '../../provider/sync/types.js'
import { loadScenarioFile } from '../../scenarios/index.js'
import { SYSTEM_PYTHON, requirePeers, skipInterop } from '../interop/peers.js'
import { WatchedProcess } from '../support/watched-process.js'

const ADAPTER = fileURLToPath(new URL('../../examples/consumers/python-ldap/consumer.py', import.meta.url))
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const PERSIST_LIVE_CHANGES = fileURLToPath(new URL('../../scenarios/examples/persist-live-changes.yaml', import.meta.url))

/** A refreshOnly run ends on its own; bounded so a hung adapter fails the test with its stderr. */
const RUN_BOUND_MS = 15_000
/** How long a persist replica may take to show a change. */
const CONVERGE_BOUND_MS = 10_000
/** The contract: exit within 5 s of SIGTERM. */
const EXIT_AFTER_TERM_MS = 5_000

type Mode = 'refreshOnly' | 'refreshAndPersist'
type ReportValue = string | { readonly base64: string }
interface ReportEntry {
  readonly uuid: string
  readonly dn: string
  readonly attributes: Readonly<Record<string, readonly ReportValue[]>>
}
interface Report {
  readonly cookie: string | null
  readonly entries: readonly ReportEntry[]
}

/** A Sync Request as the provider received it. */
interface SeenRequest {
  readonly connectionId: number
  readonly mode: string
  readonly cookie: Buffer | undefined
}

const tmp = mkdtempSync(join(tmpdir(), 'python-ldap-adapter-'))
let stateCount = 0
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A provider playing `file`, with the Sync Requests it receives and the last cookie it sent per connection. */
async function provider(file: string): Promise<{ running: RunningScenario; requests: SeenRequest[]; lastCookieSent: Map<number, Buffer> }> {
  const running = await startScenario(await loadScenarioFile(file))
  cleanups.push(() => running.stop())
  const requests: SeenRequest[] = []
  const lastCookieSent = new Map<number, Buffer>()
  running.events.on('requestReceived', (e) => {
    if (e.message.op.kind !== 'searchRequest') return
    const control = e.message.controls.find((c) => c.type === SYNC_REQUEST_OID)
    if (control?.value === undefined) return
    const value = decodeSyncRequestValue(control.value).value
    requests.push({ connectionId: e.connectionId, mode: String(value.mode), cookie: value.cookie === undefined ? undefined : Buffer.from(value.cookie) })
  })
  running.events.on('messageSent', (e) => {
    const cookie = e.sync === undefined ? undefined : cookieOf(e.sync)
    if (cookie !== undefined) lastCookieSent.set(e.connectionId, Buffer.from(cookie))
  })
  return { running, requests, lastCookieSent }
}

function cookieOf(message: SyncMessage): Uint8Array | undefined {
  switch (message.kind) {
    case 'entry':
      return message.cookie
    case 'info':
      return message.info.cookie
    case 'done':
      return message.syncDone?.cookie
  }
}

function newStateDir(): string {
  const dir = join(tmp, `state-${++stateCount}`)
  // The runner creates the directory, empty, when the case starts.
  mkdirSync(dir)
  return dir
}

/** One run of the adapter with the contract's environment. */
function startAdapter(running: RunningScenario, mode: Mode, stateDir: string, run: string): WatchedProcess {
  const bind = running.scenario.provider.bind
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYNCREPL_')))
  const adapter = new WatchedProcess({
    name: "the python-ldap adapter",
    command: SYSTEM_PYTHON,
    args: [ADAPTER],
    env: {
      ...inherited,
      SYNCREPL_URL: running.url,
      SYNCREPL_BASE: running.scenario.directory.suffix,
      SYNCREPL_SCOPE: 'sub',
      SYNCREPL_FILTER: '(objectClass=*)',
      SYNCREPL_ATTRS: '',
      SYNCREPL_MODE: mode,
      SYNCREPL_RELOAD_HINT: 'false',
      SYNCREPL_BIND_DN: bind?.dn ?? '',
      SYNCREPL_BIND_PASSWORD: bind?.password ?? '',
      SYNCREPL_STATE_DIR: stateDir,
      SYNCREPL_CASE: `test/${running.scenario.meta.id}`,
      SYNCREPL_RUN: run,
    },
    stdin: 'ignore',
    stdout: 'chunks',
    receive: () => undefined,
    describeOutput: () => `report.json:\n${readReportText(stateDir) ?? '(none)'}`,
  })
  cleanups.push(async () => adapter.kill())
  return adapter
}

function readReportText(stateDir: string): string | undefined {
  try {
    return readFileSync(join(stateDir, 'report.json'), 'utf8')
  } catch {
    return undefined
  }
}

function readReport(stateDir: string): Report {
  const text = readReportText(stateDir)
  if (text === undefined) throw new Error(`The adapter wrote no report.json in ${stateDir}.`)
  return JSON.parse(text) as Report
}

async function refreshOnce(running: RunningScenario, stateDir: string, run: string): Promise<Report> {
  const adapter = startAdapter(running, 'refreshOnly', stateDir, run)
  const exit = await adapter.finished(RUN_BOUND_MS)
  expect(exit, adapter.transcript()).toEqual({ status: 0, signal: null })
  return readReport(stateDir)
}

/** Entry → `uuid` → `{ dn, attributes }` with DNs normalised and values as sorted hex, the way the runner compares. */
type Comparable = Record<string, { dn: string; attributes: Record<string, string[]> }>

function comparableReport(report: Report): Comparable {
  const out: Comparable = {}
  for (const e of report.entries) {
    const attributes: Record<string, string[]> = {}
    for (const [name, values] of Object.entries(e.attributes)) {
      attributes[name.toLowerCase()] = values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v.base64, 'base64')).toString('hex')).sort()
    }
    out[e.uuid] = { dn: DN.format(DN.parse(e.dn)), attributes }
  }
  return out
}

function comparableContent(directory: Directory): Comparable {
  const out: Comparable = {}
  for (const entry of directory.entries()) {
    const attributes: Record<string, string[]> = {}
    for (const a of entry.attributes) {
      attributes[a.type.toLowerCase()] = a.values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v)).toString('hex')).sort()
    }
    out[entry.uuid] = { dn: DN.format(entry.dn), attributes }
  }
  return out
}

/**
 * Waits until report.json equals the provider's content (and `also` holds); re-reads the file
 * until then. Ends early with the adapter's stderr when it exits, and fails at the bound.
 */
async function converged(adapter: WatchedProcess, stateDir: string, directory: Directory, what: string, also: () => boolean = () => true): Promise<Report> {
  const deadline = Date.now() + CONVERGE_BOUND_MS
  let last = '(no report.json yet)'
  for (;;) {
    const text = readReportText(stateDir)
    if (text !== undefined) {
      const report = JSON.parse(text) as Report
      const got = comparableReport(report)
      const want = comparableContent(directory)
      if (also() && JSON.stringify(sorted(got)) === JSON.stringify(sorted(want))) return report
      last = text
    }
    if (adapter.exit !== undefined) throw new Error(`The adapter exited before ${what}.\n${adapter.transcript()}`)
    if (Date.now() > deadline) throw new Error(`report.json did not show ${what} within ${CONVERGE_BOUND_MS} ms; last report:\n${last}\n${adapter.transcript()}`)
    // The runner polls the file the same way (tools/conform/drivers/command.ts): a condition, not a timing.
    await delay(25)
  }
}

const sorted = (c: Comparable): [string, Comparable[string]][] => Object.entries(c).sort(([a], [b]) => a.localeCompare(b))

async function terminate(adapter: WatchedProcess): Promise<number> {
  const sent = Date.now()
  adapter.signal('SIGTERM')
  const exit = await adapter.finished(EXIT_AFTER_TERM_MS + 5_000)
  const took = Date.now() - sent
  expect(exit, adapter.transcript()).toEqual({ status: 0, signal: null })
  return took
}

describe.skipIf(skipInterop('python-ldap'))('the python-ldap example adapter, by the consumer contract', () => {
  it('refreshOnly: the initial run reports exactly the content; the resume sends the stored cookie and reflects the changes', async () => {
    requirePeers('python-ldap')
    const { running, requests, lastCookieSent } = await provider(fixture('python-ldap-refresh.yaml'))
    const directory = running.provider.directory
    const stateDir = newStateDir()

    const first = await refreshOnce(running, stateDir, 'initial')
    expect(requests).toEqual([{ connectionId: 1, mode: 'refreshOnly', cookie: undefined }])
    expect(comparableReport(first)).toEqual(comparableContent(directory))
    // Binary values travel as {"base64": ...}, text as strings (docs/consumer-contract.md "report.json").
    const bjensen = first.entries.find((e) => e.dn.startsWith('uid=bjensen,'))
    expect(bjensen?.attributes.jpegPhoto?.[0]).toEqual({ base64: expect.any(String) })
    expect(bjensen?.attributes.cn).toEqual(['Barbara Jensen'])
    expect(first.cookie).not.toBeNull()
    const cookie = Buffer.from(first.cookie ?? '', 'base64')
    expect(cookie.length).toBeGreaterThan(0)
    expect(cookie).toEqual(lastCookieSent.get(1))

    // Changes while the consumer is away: a modify, a delete (no session log: slapd's present
    // phase, RFC 4533 §3.3.1) and an add.
    const removed = directory.getByDn('uid=jdoe,ou=people,dc=example,dc=com')?.uuid
    directory.apply({ kind: 'modify', dn: 'uid=bjensen,ou=people,dc=example,dc=com', modifications: [{ operation: 'replace', type: 'description', values: ['changed between runs'] }] })
    directory.apply({ kind: 'delete', dn: 'uid=jdoe,ou=people,dc=example,dc=com' })
    directory.apply({ kind: 'add', dn: 'uid=new,ou=people,dc=example,dc=com', attributes: { objectClass: ['top', 'account'], uid: 'new' } })

    const second = await refreshOnce(running, stateDir, 'resume')
    expect(requests).toHaveLength(2)
    expect(requests[1]).toEqual({ connectionId: 2, mode: 'refreshOnly', cookie })
    expect(comparableReport(second)).toEqual(comparableContent(directory))
    expect(second.entries.map((e) => e.uuid)).not.toContain(removed)
    expect(second.entries.find((e) => e.dn.startsWith('uid=bjensen,'))?.attributes.description).toEqual(['changed between runs'])
  })

  it('refreshAndPersist: live changes reach report.json, and SIGTERM ends the run with exit 0 within 5 s', async () => {
    requirePeers('python-ldap')
    const { running, requests } = await provider(PERSIST_LIVE_CHANGES)
    const directory = running.provider.directory
    const stateDir = newStateDir()
    const adapter = startAdapter(running, 'refreshAndPersist', stateDir, 'persist')

    // The scenario's persistStarted step adds, modifies, renames, moves and deletes.
    const stepFired = (): boolean => running.log.some((f) => f.name === 'live-changes')
    await converged(adapter, stateDir, directory, 'the scenario\'s live changes', stepFired)
    expect(directory.getByDn('uid=lmartin,ou=people,dc=example,dc=com')).toBeUndefined()

    // And one add and one delete made by the test itself, in the persist stage.
    const gone = directory.getByDn('uid=ajohnson,ou=people,dc=example,dc=com')?.uuid
    directory.apply({ kind: 'add', dn: 'uid=late,ou=people,dc=example,dc=com', attributes: { objectClass: ['top', 'account'], uid: 'late' } })
    directory.apply({ kind: 'delete', dn: 'uid=ajohnson,ou=people,dc=example,dc=com' })
    const final = await converged(adapter, stateDir, directory, 'the add and delete')
    expect(final.entries.map((e) => e.uuid)).not.toContain(gone)
    expect(final.entries.some((e) => e.dn.startsWith('uid=late,'))).toBe(true)

    expect(await terminate(adapter)).toBeLessThan(EXIT_AFTER_TERM_MS)
    expect(requests).toEqual([{ connectionId: 1, mode: 'refreshAndPersist', cookie: undefined }])
    // The report written at exit still holds the converged replica.
    expect(comparableReport(readReport(stateDir))).toEqual(comparableContent(directory))
  })

  it('refreshAndPersist: after the provider drops the connection it reconnects and resumes from the stored cookie', async () => {
    requirePeers('python-ldap')
    const { running, requests, lastCookieSent } = await provider(fixture('python-ldap-persist-drop.yaml'))
    const directory = running.provider.directory
    const stateDir = newStateDir()
    const adapter = startAdapter(running, 'refreshAndPersist', stateDir, 'persist')

    const awayChanges = (): boolean => running.log.some((f) => f.name === 'change-while-away')
    const report = await converged(adapter, stateDir, directory, 'the changes made while it was away', () => awayChanges() && requests.length >= 2)
    expect(report.entries.find((e) => e.dn.startsWith('uid=bjensen,'))?.attributes.description).toEqual(['changed while away'])
    expect(report.entries.some((e) => e.dn.startsWith('uid=tbase64,'))).toBe(false)

    // The second session's Sync Request carries the cookie of the first session's refreshDelete.
    expect(requests).toHaveLength(2)
    expect(requests[0]).toEqual({ connectionId: 1, mode: 'refreshAndPersist', cookie: undefined })
    expect(requests[1]?.connectionId).toBe(2)
    expect(requests[1]?.mode).toBe('refreshAndPersist')
    expect(requests[1]?.cookie).toEqual(lastCookieSent.get(1))
    expect(requests[1]?.cookie?.length).toBeGreaterThan(0)

    expect(await terminate(adapter)).toBeLessThan(EXIT_AFTER_TERM_MS)
  })
})
