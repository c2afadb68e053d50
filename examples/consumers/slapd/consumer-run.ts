/**
 * One run of the "slapd as a consumer" adapter (docs/consumer-contract.md): a throwaway slapd 2.5
 * whose `syncrepl` directive points at the provider under test replicates into a database kept
 * in `$SYNCREPL_STATE_DIR/slapd`, and report.json is slapcat's view of that database.
 *
 * refreshOnly: wait until slapd's one refresh is over (refresh-watch.ts), stop slapd, report,
 * exit 0 — or 1 when slapd's syncrepl reported an error (sync-log.ts).
 * refreshAndPersist: report whenever slapd logs syncrepl activity, until SIGTERM; then stop
 * slapd, report once more, exit 0.
 *
 * Exit codes: 0 success; 1 the sync failed (provider error, protocol violation as slapd judged
 * it, slapd died, the refresh never ended); 2 the adapter could not do its job (bad
 * environment, slapd would not start, slapcat failed).
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SlapdConsumerError } from './errors.js'
import { waitForRefreshEnd } from './refresh-watch.js'
import { reportFromLdif, reportText, slapcat, writeReport } from './replica-report.js'
import { readSettings } from './settings.js'
import type { ConsumerSettings } from './settings.js'
import { consumerConf, slapdPaths } from './slapd-consumer-conf.js'
import type { SlapdPaths } from './slapd-consumer-conf.js'
import { launchSlapd } from './slapd-process.js'
import type { ConsumerSlapd, Launch } from './slapd-process.js'
import { logText, SyncLog } from './sync-log.js'

/** A refresh that has not ended by then will not end: report what slapd holds and give up. */
export const REFRESH_LIMIT_MS = 5 * 60 * 1000
/** Lines come in bursts (one message = several lines): read the database once per burst. */
const REPORT_DEBOUNCE_MS = 25
/** back-mdb's data file in the database directory. */
const MDB_DATA_FILE = 'data.mdb'
/** SIGTERM to slapd, then SIGKILL: persist runs must be gone within the contract's 5 s. */
const STOP_GRACE_MS = 3000

export type Say = (text: string) => void

/** Runs one consumer run; resolves with the exit code. Never rejects. */
export async function runSlapdConsumer(env: NodeJS.ProcessEnv, say: Say, terminated: Promise<NodeJS.Signals>): Promise<number> {
  let settings: ConsumerSettings
  try {
    settings = readSettings(env)
  } catch (error) {
    say(messageOf(error))
    return 2
  }
  const paths = slapdPaths(settings.stateDir)
  const reports = new ReportWriter(paths, settings, say)
  const syncLog = new SyncLog()
  let onActivity = (): void => undefined
  let launch: Launch
  try {
    mkdirSync(paths.db, { recursive: true })
    // Rewritten every run: the provider's URL may differ between runs; the database stays.
    writeFileSync(paths.conf, consumerConf(paths, settings))
    appendFileSync(paths.log, `\n# ${new Date().toISOString()} run "${settings.run}" (${settings.mode}) against ${settings.url}\n`)
    launch = await launchSlapd({
      conf: paths.conf,
      logFile: paths.log,
      onLine: (line) => {
        if (syncLog.push(line)) say(`slapd: ${logText(line)}`)
        onActivity()
      },
      abort: terminated,
      stopGraceMs: STOP_GRACE_MS,
    })
  } catch (error) {
    say(messageOf(error))
    return 2
  }
  if (launch.kind === 'aborted') return await signalledDuringStartUp(settings, reports, say)
  const slapd = launch.slapd
  try {
    if (settings.mode === 'refreshOnly') return await refreshOnly(slapd, syncLog, reports, say, terminated)
    onActivity = () => reports.request()
    return await refreshAndPersist(slapd, reports, say, terminated)
  } catch (error) {
    say(messageOf(error))
    return error instanceof SlapdConsumerError && error.code === 'SLAPD_CONSUMER_SLAPCAT_FAILED' ? 2 : 1
  } finally {
    await slapd.stop(STOP_GRACE_MS)
  }
}

/**
 * The signal came while slapd was starting (slapd is stopped by now, or never ran): report what
 * its database holds — what this run's refresh had stored, or the previous run's state. A persist
 * run ends as SIGTERM asks (exit 0); a refreshOnly run was cut short of its refresh (exit 1).
 */
async function signalledDuringStartUp(settings: ConsumerSettings, reports: ReportWriter, say: Say): Promise<number> {
  try {
    await reports.write()
  } catch (error) {
    say(messageOf(error))
    return 2
  }
  if (settings.mode === 'refreshAndPersist') return 0
  say("Stopped by a signal while slapd was starting, before its refresh ended; report.json holds what its database had.")
  return 1
}

async function refreshOnly(slapd: ConsumerSlapd, syncLog: SyncLog, reports: ReportWriter, say: Say, terminated: Promise<NodeJS.Signals>): Promise<number> {
  const ended = await waitForRefreshEnd({
    url: slapd.url,
    abort: Promise.race([terminated, slapd.exited]),
    settled: () => syncLog.outcome.kind !== 'pending',
    timeoutMs: REFRESH_LIMIT_MS,
  })
  const diedBefore = !slapd.running
  // Stopped before reading: every log line is in, and slapd has closed its database.
  const exit = await slapd.stop(STOP_GRACE_MS)
  await reports.write()
  if (ended === 'timeout') {
    say(`slapd's refresh did not end within ${REFRESH_LIMIT_MS / 1000} s; report.json holds what its database had.`)
    return 1
  }
  if (ended === 'aborted') {
    if (diedBefore) say(`slapd exited on its own before its refresh ended (exit code ${exit.code}, signal ${exit.signal}). Its last output:\n${slapd.tail()}`)
    else say('Stopped by a signal before slapd\'s refresh ended; report.json holds what its database had.')
    return 1
  }
  const outcome = syncLog.outcome
  switch (outcome.kind) {
    case 'done':
      return 0
    case 'failed':
      say(outcome.reason)
      return 1
    case 'pending':
      say(`slapd's syncrepl stopped without a result (${syncLog.attempts} refresh attempt(s) logged); see ${'`'}slapd/slapd.log${'`'} in the state directory.`)
      return 1
    default: {
      const never: never = outcome
      return never
    }
  }
}

async function refreshAndPersist(slapd: ConsumerSlapd, reports: ReportWriter, say: Say, terminated: Promise<NodeJS.Signals>): Promise<number> {
  // What slapd holds before this run's refresh (its stored state), then every change.
  reports.request()
  const why = await Promise.race([terminated.then(() => 'signal' as const), slapd.exited.then(() => 'exited' as const)])
  const exit = await slapd.stop(STOP_GRACE_MS)
  await reports.idle()
  await reports.write()
  if (why === 'signal') return 0
  // The runner signals the whole process group: slapd may have ended (code 0) before our handler ran.
  if (exit.code === 0) return 0
  say(`slapd exited on its own during the persist stage (exit code ${exit.code}, signal ${exit.signal}). Its last output:\n${slapd.tail()}`)
  return 1
}

/** Serialises slapcat reads: one in flight at a time, one more if activity came in meanwhile. */
class ReportWriter {
  private lastText: string | undefined
  private pending = false
  private loop: Promise<void> | undefined

  constructor(
    private readonly paths: SlapdPaths,
    private readonly settings: ConsumerSettings,
    private readonly say: Say,
  ) {}

  /** Something may have changed: read the database soon. */
  request(): void {
    this.pending = true
    this.loop ??= this.drain().finally(() => (this.loop = undefined))
  }

  /** Resolves when no read is in flight or pending. */
  async idle(): Promise<void> {
    while (this.loop !== undefined) await this.loop
  }

  /** Reads the database now and writes report.json if it differs from the last one written. */
  async write(): Promise<void> {
    // slapd creates the database file when it first opens it; a run stopped before that has
    // nothing replicated and no cookie (and slapcat, which opens the database read-only, would fail).
    const ldif = existsSync(join(this.paths.db, MDB_DATA_FILE)) ? await slapcat(this.paths.conf, this.settings.base) : new Uint8Array()
    const text = reportText(reportFromLdif(ldif))
    if (text === this.lastText) return
    await writeReport(this.settings.stateDir, text)
    this.lastText = text
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      await new Promise((resolve) => setTimeout(resolve, REPORT_DEBOUNCE_MS))
      this.pending = false
      try {
        await this.write()
      } catch (error) {
        this.say(messageOf(error))
      }
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof SlapdConsumerError) return `${error.code}: ${error.message}`
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}
