/**
 * Interop: the "slapd as a consumer" adapter (examples/consumers/slapd) stopped by SIGTERM at any
 * moment of a run, the way the conformance runner stops it (tools/conform/drivers/command.ts: a
 * process group of its own, SIGTERM to the whole group, so slapd gets the signal too). The runner
 * signals a refreshAndPersist run as soon as report.json equals the content and the provider has
 * answered the run's sync search — for a resume with nothing new, while the adapter may still be
 * waiting for its slapd to start. Whenever the signal comes, a persist run stops slapd, writes
 * report.json and exits 0 within 5 s (RFC 4533 §3.4: persist ends when the client says so); a
 * refreshOnly run cut short of its refresh exits 1.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { launchSlapd } from '../../examples/consumers/slapd/slapd-process.js'
import { readSettings } from '../../examples/consumers/slapd/settings.js'
import { consumerConf, slapdPaths } from '../../examples/consumers/slapd/slapd-consumer-conf.js'
import { SYNC_REQUEST_OID } from '../../protocol/sync/index.js'
import { startScenario } from '../../provider/scenario/index.js'
import type { RunningScenario } from '../../provider/scenario/index.js'
import { loadScenarioFile } from '../../scenarios/index.js'
import { CommandDriver } from '../../tools/conform/drivers/command.js'
import type { ConsumerExit, ConsumerRun } from '../../tools/conform/drivers/types.js'
import { diffReplicas, isEmptyDiff, providerContent } from '../../tools/conform/replica.js'
import type { ComparableReplica } from '../../tools/conform/replica.js'
import { requirePeers, skipInterop } from '../interop/peers.js'
import { ADAPTER, cookieText, readReport, REPO } from './slapd-adapter-support.js'

const BASE = 'dc=example,dc=com'
const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname
/** The contract's bound between SIGTERM and the exit of a persist run. */
const EXIT_BOUND_MS = 5000

let cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function provider(): Promise<RunningScenario> {
  const running = await startScenario(await loadScenarioFile(fixture('slapd-small-org.yaml')))
  cleanups.push(() => running.stop())
  return running
}

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slapd-signals-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** One adapter run started exactly as the runner starts it. */
function startRun(running: RunningScenario, dir: string, mode: 'refreshOnly' | 'refreshAndPersist', run: string): ConsumerRun {
  const driver = new CommandDriver(`${process.execPath} --import tsx ${ADAPTER}`, REPO)
  const consumer = driver.start({ url: running.url, base: BASE, scope: 'sub', filter: '(objectClass=*)', attributes: [], mode, reloadHint: false, bindDn: '', password: '', stateDir: dir, caseId: 'test/slapd-adapter-signals', run })
  cleanups.push(async () => {
    consumer.kill()
    await consumer.exited
  })
  return consumer
}

/** Resolves when the provider receives the next Sync Request (slapd runs its syncrepl task as soon as it listens). */
function nextSyncRequest(running: RunningScenario): Promise<void> {
  return new Promise((resolve) => {
    const off = running.events.on('requestReceived', (e) => {
      if (!e.message.controls.some((c) => c.type === SYNC_REQUEST_OID)) return
      off()
      resolve()
    })
  })
}

/** Resolves when the run's slapd has printed its banner (to slapd.log, in a fresh state directory): it is starting, not listening yet. */
async function slapdStarting(dir: string, run: ConsumerRun): Promise<void> {
  const log = join(dir, 'slapd', 'slapd.log')
  let ended = false
  void run.exited.then(() => (ended = true))
  while (!ended) {
    if (existsSync(log) && readFileSync(log, 'utf8').includes('$OpenLDAP:')) return
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  throw new Error(`The adapter exited before its slapd printed anything:\n${run.stderrTail()}`)
}

/** SIGTERM to the run's process group, as the runner sends it; resolves with the exit and how long it took. */
async function terminate(run: ConsumerRun): Promise<{ exit: ConsumerExit; ms: number }> {
  const started = Date.now()
  run.terminate()
  const exit = await run.exited
  return { exit, ms: Date.now() - started }
}

/** PIDs of the processes whose command line names `text` (a state directory): none may outlive a run. */
function processesNaming(text: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name))
    } catch {
      // Gone meanwhile.
    }
  }
  return pids
}

function content(running: RunningScenario): ComparableReplica {
  return providerContent(running.provider.directory, { base: BASE, scope: 'sub', filter: '(objectClass=*)', attributes: [] })
}

describe.skipIf(skipInterop('slapd'))('slapd adapter: SIGTERM at any moment (examples/consumers/slapd)', () => {
  it('launchSlapd: an abort while slapd starts stops it and resolves "aborted"', async () => {
    requirePeers('slapd')
    const dir = stateDir()
    const paths = slapdPaths(dir)
    mkdirSync(paths.db, { recursive: true })
    // A provider nobody listens on: start-up does not depend on it.
    const settings = readSettings({ SYNCREPL_URL: 'ldap://127.0.0.1:9/', SYNCREPL_BASE: BASE, SYNCREPL_SCOPE: 'sub', SYNCREPL_FILTER: '(objectClass=*)', SYNCREPL_ATTRS: '', SYNCREPL_MODE: 'refreshAndPersist', SYNCREPL_STATE_DIR: dir })
    writeFileSync(paths.conf, consumerConf(paths, settings))
    let abort = (): void => undefined
    const aborted = new Promise<void>((resolve) => (abort = resolve))
    // The first line slapd prints (its version banner) comes long before it listens.
    const launch = await launchSlapd({ conf: paths.conf, logFile: paths.log, onLine: () => abort(), abort: aborted })
    if (launch.kind === 'ready') cleanups.push(async () => void (await launch.slapd.stop()))
    expect(launch.kind).toBe('aborted')
    expect(processesNaming(paths.conf)).toEqual([])
  })

  it('refreshAndPersist: SIGTERM the moment each run sends its sync search (initial, then a resume with nothing new) exits 0 with a report, slapd stopped', async () => {
    requirePeers('slapd')
    const running = await provider()
    const dir = stateDir()

    for (const name of ['initial', 'resume']) {
      const searched = nextSyncRequest(running)
      const run = startRun(running, dir, 'refreshAndPersist', name)
      await searched
      const { exit, ms } = await terminate(run)
      expect(exit, `${name}: ${run.stderrTail()}`).toEqual({ exitCode: 0, signal: null })
      expect(ms).toBeLessThan(EXIT_BOUND_MS)
      expect(run.stderrTail()).not.toMatch(/SLAPD_CONSUMER_(START|SLAPCAT)_FAILED/)
      expect(processesNaming(dir)).toEqual([])
      await readReport(dir) // readable, whatever slapd had stored by then
    }

    // A third run, signalled only once its report is current, converges from what they stored.
    const searched = nextSyncRequest(running)
    const last = startRun(running, dir, 'refreshAndPersist', 'settle')
    await searched
    const deadline = Date.now() + 20_000
    for (;;) {
      const report = await readReport(dir)
      if (isEmptyDiff(diffReplicas(content(running), report)) && cookieText(report) !== null) break
      if (Date.now() > deadline) throw new Error(`The third run did not converge:\n${last.stderrTail()}`)
      await last.nextChange(250)
    }
    const { exit } = await terminate(last)
    expect(exit, last.stderrTail()).toEqual({ exitCode: 0, signal: null })
  })

  it('refreshAndPersist: SIGTERM while slapd is starting exits 0 with a report, slapd stopped', async () => {
    requirePeers('slapd')
    const running = await provider()
    const dir = stateDir()
    const run = startRun(running, dir, 'refreshAndPersist', 'initial')
    await slapdStarting(dir, run)
    const { exit, ms } = await terminate(run)
    expect(exit, run.stderrTail()).toEqual({ exitCode: 0, signal: null })
    expect(ms).toBeLessThan(EXIT_BOUND_MS)
    expect(processesNaming(dir)).toEqual([])
    const report = await readReport(dir)
    // Whatever slapd stored before it stopped, and nothing it did not store.
    expect(diffReplicas(content(running), report).unexpected).toEqual([])
  })

  it('refreshOnly: SIGTERM while slapd is starting exits 1 (the refresh did not happen) with a report, slapd stopped', async () => {
    requirePeers('slapd')
    const running = await provider()
    const dir = stateDir()
    const run = startRun(running, dir, 'refreshOnly', 'initial')
    await slapdStarting(dir, run)
    const { exit } = await terminate(run)
    expect(exit, run.stderrTail()).toEqual({ exitCode: 1, signal: null })
    expect(run.stderrTail()).toMatch(/Stopped by a signal (while slapd was starting|before slapd's refresh ended)/)
    expect(processesNaming(dir)).toEqual([])
    await readReport(dir)
  })
})
