/**
 * `syncrepl-harness consume --contract`: the reference consumer as a program that follows the
 * consumer command contract (docs/consumer-contract.md), so the runner's command path can grade
 * it like any other program and the contract has a worked example. Settings come from the
 * SYNCREPL_* variables; the replica and cookie live in a FileStore under
 * `$SYNCREPL_STATE_DIR/replica/`; report.json and events.jsonl sit beside it.
 *
 * Exit codes are `consume`'s: 0 synchronised (or persist stopped by SIGTERM), 1 a provider error
 * or a lost connection in refreshOnly, 2 a missing or invalid variable, 3 the provider broke
 * RFC 4533, 4 / 5 the session handshake failed (retryable / for good).
 */
import { isAbsolute, join, resolve } from 'node:path'
import { FileStore, HandshakeError, LdapClientError, LdapResultError, StoreError, SyncProtocolError, SyncreplConsumer, wrapCommit } from '../../consumer/index.js'
import type { ReplicaSnapshot, ReplicaStore, ReplicaTransaction, SessionHooksOptions, SyncEvent } from '../../consumer/index.js'
import { formatResponseCode } from '../../protocol/replsession/index.js'
import { CliError } from './cli-error.js'
import { EventLog, ReportWriter } from './consume-contract-files.js'
import { describeHookPayload } from './consume-hooks.js'

/** The FileStore's directory inside SYNCREPL_STATE_DIR. */
export const REPLICA_DIR = 'replica'
/** refreshAndPersist reconnects after this wait, doubling up to the cap (the contract's backoff). */
const BACKOFF_FIRST_MS = 100
const BACKOFF_MAX_MS = 2000
/** Limits for connect, bind, Cancel and the handshake: a run has 10 s, so nothing may wait longer than 5 s. */
const OPERATION_TIMEOUT_MS = 5000
/** After SIGTERM: drop the connection if the Cancelled search has not ended by then… */
const DROP_AFTER_TERM_MS = 2500
/** …and leave regardless by then (the contract: exit within 5 s). Every commit is already durable. */
const LEAVE_AFTER_TERM_MS = 4500

export interface ContractSettings {
  readonly url: string
  readonly base: string
  readonly scope: 'base' | 'one' | 'sub'
  readonly filter: string
  /** Empty: all user attributes. */
  readonly attributes: readonly string[]
  readonly mode: 'refreshOnly' | 'refreshAndPersist'
  readonly reloadHint: boolean
  /** Empty: anonymous. */
  readonly bindDn: string
  readonly password: string
  readonly stateDir: string
  readonly hooks?: { readonly guid: string; readonly data: Uint8Array }
}

/**
 * Reads the contract's variables. The runner always sets every one; SYNCREPL_URL, _BASE, _MODE
 * and _STATE_DIR are required, the others default as the contract's "empty" values do (sub,
 * `(objectClass=*)`, all attributes, reloadHint false, anonymous), so a person can run the
 * program by hand with four variables.
 *
 * @example contractSettings({ SYNCREPL_URL: 'ldap://127.0.0.1:3890', SYNCREPL_BASE: 'dc=example,dc=com', SYNCREPL_MODE: 'refreshOnly', SYNCREPL_STATE_DIR: '/tmp/s' })
 */
export function contractSettings(env: NodeJS.ProcessEnv): ContractSettings {
  const required = ['SYNCREPL_URL', 'SYNCREPL_BASE', 'SYNCREPL_MODE', 'SYNCREPL_STATE_DIR'] as const
  const missing = required.filter((name) => env[name] === undefined || env[name] === '')
  if (missing.length > 0) {
    throw new CliError(`consume --contract needs ${missing.join(', ')} in the environment (docs/consumer-contract.md lists the variables the runner sets).`, 2)
  }
  const url = env.SYNCREPL_URL as string
  if (!/^ldaps?:\/\//i.test(url)) throw new CliError(`SYNCREPL_URL is ${JSON.stringify(url)}; it must be ldap://host:port or ldaps://host:port.`, 2)
  const scope = env.SYNCREPL_SCOPE || 'sub'
  if (scope !== 'base' && scope !== 'one' && scope !== 'sub') throw new CliError(`SYNCREPL_SCOPE is ${JSON.stringify(scope)}; it must be base, one or sub.`, 2)
  const mode = env.SYNCREPL_MODE
  if (mode !== 'refreshOnly' && mode !== 'refreshAndPersist') throw new CliError(`SYNCREPL_MODE is ${JSON.stringify(mode)}; it must be refreshOnly or refreshAndPersist.`, 2)
  const reloadHint = env.SYNCREPL_RELOAD_HINT || 'false'
  if (reloadHint !== 'true' && reloadHint !== 'false') throw new CliError(`SYNCREPL_RELOAD_HINT is ${JSON.stringify(reloadHint)}; it must be true or false.`, 2)
  const stateDir = env.SYNCREPL_STATE_DIR as string
  const hooks = hookSettings(env)
  return {
    url,
    base: env.SYNCREPL_BASE as string,
    scope,
    filter: env.SYNCREPL_FILTER || '(objectClass=*)',
    attributes: (env.SYNCREPL_ATTRS ?? '').split(',').map((a) => a.trim()).filter((a) => a !== ''),
    mode,
    reloadHint: reloadHint === 'true',
    bindDn: env.SYNCREPL_BIND_DN ?? '',
    password: env.SYNCREPL_BIND_PASSWORD ?? '',
    stateDir: isAbsolute(stateDir) ? stateDir : resolve(stateDir),
    ...(hooks === undefined ? {} : { hooks }),
  }
}

/** SYNCREPL_HOOK_GUID turns the handshake on; the data is SYNCREPL_HOOK_DATA_HEX (exact octets), else SYNCREPL_HOOK_DATA. */
function hookSettings(env: NodeJS.ProcessEnv): ContractSettings['hooks'] {
  const guid = env.SYNCREPL_HOOK_GUID
  if (guid === undefined || guid === '') return undefined
  const hex = env.SYNCREPL_HOOK_DATA_HEX
  if (hex !== undefined) {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new CliError(`SYNCREPL_HOOK_DATA_HEX must be pairs of hex digits, not ${JSON.stringify(hex)}.`, 2)
    return { guid, data: Uint8Array.from(Buffer.from(hex, 'hex')) }
  }
  const text = env.SYNCREPL_HOOK_DATA
  if (text === undefined) throw new CliError('SYNCREPL_HOOK_GUID is set without SYNCREPL_HOOK_DATA_HEX or SYNCREPL_HOOK_DATA: a session-hook payload is a GUID and data.', 2)
  return { guid, data: Uint8Array.from(Buffer.from(text, 'utf8')) }
}

/** Runs the contract program; `flags` are the other `consume` options given, which --contract refuses. */
export async function runConsumeContract(flags: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (flags.length > 0) {
    throw new CliError(`--contract reads every setting from the SYNCREPL_* variables; drop ${flags.map((f) => `--${f}`).join(', ')}.`, 2)
  }
  const settings = contractSettings(env)
  let file: FileStore
  try {
    file = await FileStore.open(join(settings.stateDir, REPLICA_DIR))
  } catch (error) {
    note(`cannot open the replica store in ${join(settings.stateDir, REPLICA_DIR)}: ${messageOf(error)}`)
    return 1
  }
  const run = new ContractRun(settings, file)
  let watchdog: NodeJS.Timeout | undefined
  const onSignal = (): void => {
    run.terminate()
    watchdog ??= setTimeout(() => {
      note(`still not stopped ${LEAVE_AFTER_TERM_MS} ms after SIGTERM; leaving (every commit is already on disk)`)
      process.exit(settings.mode === 'refreshAndPersist' ? 0 : 1)
    }, LEAVE_AFTER_TERM_MS).unref()
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  try {
    return await run.execute()
  } finally {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    clearTimeout(watchdog)
  }
}

class ContractRun {
  private readonly store: SharedStore
  private readonly report: ReportWriter
  private readonly events: EventLog
  private consumer: SyncreplConsumer | undefined
  private terminated = false
  private wake: (() => void) | undefined
  private dropTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly settings: ContractSettings,
    private readonly file: FileStore,
  ) {
    const writeFailed = (what: string) => (error: Error) => note(`could not write ${what}: ${error.message}`)
    this.store = new SharedStore(file, () => this.report.changed())
    this.report = new ReportWriter(settings.stateDir, () => file.load(), writeFailed('report.json'))
    this.events = new EventLog(settings.stateDir, writeFailed('events.jsonl'))
  }

  async execute(): Promise<number> {
    let code: number
    try {
      code = this.settings.mode === 'refreshOnly' ? await this.refreshOnly() : await this.persist()
    } finally {
      clearTimeout(this.dropTimer)
    }
    // At exit, whatever happened: the report of the last commit (the contract's "and at exit").
    try {
      await this.report.flush()
    } catch (error) {
      note(`could not write report.json: ${messageOf(error)}`)
      if (code === 0) code = 1
    }
    await this.events.close()
    await this.file.close().catch(() => undefined)
    return code
  }

  /** SIGTERM: Cancel the search (RFC 3909); its Done 118 ends the poll. Dropped if that takes too long. */
  terminate(): void {
    if (this.terminated) return
    this.terminated = true
    this.wake?.()
    const consumer = this.consumer
    void consumer?.cancel().catch(() => consumer.client.destroy())
    this.dropTimer = setTimeout(() => this.consumer?.client.destroy(), DROP_AFTER_TERM_MS)
  }

  private async refreshOnly(): Promise<number> {
    let consumer: SyncreplConsumer | undefined
    try {
      consumer = await this.connect()
      if (this.terminated) return 1
      await this.search(consumer)
      // One sync operation; a 4096 is answered inside poll() by searching again (RFC 4533 §3.8).
      const outcome = await consumer.poll()
      if (outcome.kind === 'done' && outcome.resultCode !== 0) {
        note(`the sync ended with result ${outcome.resultCode}${outcome.diagnosticMessage === '' ? '' : ` (${outcome.diagnosticMessage})`}`)
        return 1
      }
      return 0
    } catch (error) {
      return this.failure(error).code
    } finally {
      this.consumer = undefined
      await consumer?.close().catch(() => undefined)
    }
  }

  /**
   * Runs until SIGTERM. A dropped connection, or a persist search the provider ends, is followed
   * by a new connection after a backoff (100 ms doubling to 2 s, back to 100 ms after a session
   * that reached the persist stage), resuming from the stored cookie. A protocol violation and
   * a handshake refused for good end the program: reconnecting cannot help.
   */
  private async persist(): Promise<number> {
    let wait = BACKOFF_FIRST_MS
    while (!this.terminated) {
      let consumer: SyncreplConsumer | undefined
      let persisting = false
      try {
        consumer = await this.connect()
        consumer.onEvent((e) => (persisting ||= e.kind === 'refreshDone'))
        if (this.terminated) return 0
        await this.search(consumer)
        if (this.terminated) return 0
        const outcome = await consumer.poll()
        if (this.terminated) return 0
        const result = outcome.kind === 'done' ? `result ${outcome.resultCode}${outcome.diagnosticMessage === '' ? '' : ` (${outcome.diagnosticMessage})`}` : outcome.kind
        note(`the persist search ended before SIGTERM (${result})`)
      } catch (error) {
        if (this.terminated) return 0
        const failure = this.failure(error)
        if (!failure.retry) return failure.code
      } finally {
        this.consumer = undefined
        await consumer?.close().catch(() => undefined)
      }
      if (this.terminated) break
      if (persisting) wait = BACKOFF_FIRST_MS
      note(`reconnecting in ${wait} ms, resuming from the stored cookie`)
      await this.sleep(wait)
      wait = Math.min(wait * 2, BACKOFF_MAX_MS)
    }
    return 0
  }

  private async connect(): Promise<SyncreplConsumer> {
    const s = this.settings
    const sessionHooks: SessionHooksOptions | undefined = s.hooks === undefined ? undefined : { guid: s.hooks.guid, data: s.hooks.data, handshakeTimeoutMs: OPERATION_TIMEOUT_MS }
    const consumer = await SyncreplConsumer.connect({
      url: s.url,
      store: this.store,
      timeoutMs: OPERATION_TIMEOUT_MS,
      ...(s.bindDn === '' ? {} : { bindDn: s.bindDn, password: s.password }),
      ...(sessionHooks === undefined ? {} : { sessionHooks }),
    })
    this.consumer = consumer
    consumer.onEvent((e) => this.onEvent(e))
    return consumer
  }

  private search(consumer: SyncreplConsumer): Promise<number> {
    const s = this.settings
    return consumer.syncSearch({
      base: s.base,
      scope: s.scope,
      filter: s.filter,
      mode: s.mode,
      reloadHint: s.reloadHint,
      ...(s.attributes.length === 0 ? {} : { attrs: s.attributes }),
    })
  }

  private onEvent(e: SyncEvent): void {
    this.events.record(e)
    // The commit that ends a refresh is what the runner waits for: report it at once.
    if (e.kind === 'refreshDone') this.report.changed(true)
    if (e.kind === 'handshakeAccepted') note(`handshake: READY; provider payload ${describeHookPayload(e.providerGuid, e.providerData)}`)
    if (e.kind === 'refreshRequired') note(`e-syncRefreshRequired (4096)${e.diagnosticMessage === '' ? '' : ` "${e.diagnosticMessage}"`}: searching again ${e.cookie === undefined ? 'without a cookie' : 'with the Done cookie'}`)
  }

  /** `consume`'s exit code for an error, said on stderr; `retry`: a persist session may reconnect after it. */
  private failure(error: unknown): { code: number; retry: boolean } {
    if (error instanceof HandshakeError) {
      const code = error.code === undefined ? '' : `, ${error.codeName ?? 'code'} ${formatResponseCode(error.code)}`
      note(`session handshake failed (${error.reason}, phase ${error.phase}${code}, retry ${error.retry}): ${error.message}`)
      return { code: error.retryable ? 4 : 5, retry: error.retryable }
    }
    if (error instanceof SyncProtocolError) {
      note(`the provider broke RFC 4533 (${error.code}): ${error.message}`)
      return { code: 3, retry: false }
    }
    if (error instanceof LdapResultError || error instanceof LdapClientError) {
      note(error.message)
      return { code: 1, retry: true }
    }
    // A store that cannot write, or a bug: reconnecting would only repeat it.
    note(error instanceof StoreError ? error.message : `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return { code: 1, retry: false }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    })
  }
}

/**
 * The FileStore as each connection's consumer sees it: closing a consumer leaves it open (a
 * persist run reconnects with the same replica), and every commit schedules a report.
 */
class SharedStore implements ReplicaStore {
  constructor(
    private readonly inner: ReplicaStore,
    private readonly onCommit: () => void,
  ) {}

  load(): Promise<ReplicaSnapshot> {
    return this.inner.load()
  }

  async begin(): Promise<ReplicaTransaction> {
    const tx = await this.inner.begin()
    return wrapCommit(tx, async (cookie, commit) => {
      await commit(cookie)
      this.onCommit()
    })
  }

  async close(): Promise<void> {}
}

function note(text: string): void {
  process.stderr.write(`syncrepl-harness: ${text}\n`)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
