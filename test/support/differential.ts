/**
 * Drives one server (a throwaway slapd or our mock provider) through a family of the recorded
 * slapd sessions and records the shape of every step, so that two servers' recordings can be
 * compared step by step. Writes go through Debian's ldapmodify; every search is its own
 * connection (bind = message 1, search = message 2), as the trace recorder did it.
 */
import { createProvider } from '../../provider/index.js'
import type { SyncMessage } from '../../provider/sync/index.js'
import { shapeOfMessages } from '../provider/trace-shapes.js'
import { HarnessError, isHarnessError } from './errors.js'
import { ldapModify, loadLdif } from './ldap-tools.js'
import { ROOT_PASSWORD, SlapdError, startSlapd } from '../../tools/slapd/slapd.js'
import { lastCookie } from './sync-search.js'
import { UuidNames, openPersist, refreshOnly } from './sync-session.js'
import type { SessionOptions } from './sync-session.js'
import { traceDitLdif } from './trace-dit.js'
import type { ChangeRecord } from './trace-dit.js'

/** What a family needs of a server. */
export interface SyncServer {
  readonly kind: 'slapd' | 'provider'
  readonly url: string
  /** slapd: stop and start on the same database; provider: what that does to it (the in-memory session log is emptied). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface ServerConfig {
  /** syncprov-sessionlog size; 0 = none. */
  readonly sessionLog: number
  /** syncprov-reloadhint TRUE / the engine's `reloadHint` knob. */
  readonly reloadHint?: boolean
  /** olcServerID; default 0. */
  readonly serverId?: number
}

export async function startRealSlapd(config: ServerConfig): Promise<SyncServer> {
  const slapd = await startSlapd({ sessionLog: config.sessionLog || false, reloadHint: config.reloadHint ?? false, serverId: config.serverId ?? 0 })
  return {
    kind: 'slapd',
    get url() {
      return slapd.url
    },
    restart: () => slapd.restart(),
    stop: () => slapd.stop(),
  }
}

export async function startOurProvider(config: ServerConfig): Promise<SyncServer> {
  const provider = await createProvider({
    password: ROOT_PASSWORD,
    sessionLog: config.sessionLog,
    serverId: config.serverId ?? 0,
    ...(config.reloadHint ? { sync: { dialect: { reloadHint: true } } } : {}),
  })
  return {
    kind: 'provider',
    url: provider.url,
    restart: async () => provider.directory.sessionLog.clear(),
    stop: () => provider.close(),
  }
}

/** One recorded step: its name, the trace it corresponds to (if any), and its shape. */
export interface Step {
  readonly name: string
  readonly trace?: string
  readonly shape: string[]
}

export interface PersistChange {
  readonly change: ChangeRecord
  /** Persist messages slapd 2.5 sends for it to this search (rfc4533.md §3.5). */
  readonly messages: number
}

/** How long to wait for one change's persist message before recording its absence. */
const PERSIST_WAIT_MS = 3_000
/**
 * For a change slapd 2.5 answers with nothing (a delete outside the content, rfc4533.md §3.1):
 * how long to watch for an unexpected message. Nothing can be awaited there, so this bounded
 * quiet period is the only wait in this file that is a time span rather than an event.
 */
const QUIET_MS = 300

export class FamilyRecorder {
  readonly steps: Step[] = []
  readonly names = new UuidNames()
  /** Set when a step failed; later steps of the family are skipped (their input would be meaningless). */
  failure: string | undefined

  constructor(
    readonly server: SyncServer,
    private readonly withAttributes = true,
  ) {}

  /** Loads the traces' DIT (`users` people) or the given LDIF with ldapadd, and learns every UUID. */
  async load(data: number | string): Promise<void> {
    await this.guard('load', undefined, async () => {
      await loadLdif(this.server.url, typeof data === 'number' ? traceDitLdif(data) : data)
      await this.names.snapshot(this.server.url)
      return []
    }, false)
  }

  /**
   * Applies changes with ldapmodify, one invocation each, in order. UUIDs are learned first (a
   * deleted entry must stay nameable in later syncIdSets) and after each add (an entry added and
   * deleted in one batch still shows up in slapd's session log).
   */
  async apply(...changes: ChangeRecord[]): Promise<void> {
    await this.guard(`apply ${changes.map((c) => c.label).join('; ')}`, undefined, async () => {
      await this.names.snapshot(this.server.url)
      for (const c of changes) {
        await ldapModify(this.server.url, c.ldif)
        if (c.kind === 'add') await this.names.snapshot(this.server.url)
      }
      return []
    }, false)
  }

  async restart(): Promise<void> {
    await this.guard('restart', undefined, async () => {
      await this.server.restart()
      return []
    }, false)
  }

  /** A refreshOnly session; records its shape and returns its messages. */
  async refreshOnly(name: string, trace: string | undefined, options: SessionOptions = {}): Promise<SyncMessage[]> {
    let messages: SyncMessage[] = []
    await this.guard(name, trace, async () => {
      messages = await refreshOnly(this.server.url, options)
      this.names.learn(messages)
      return shapeOfMessages(messages, this.names.map, options.cookie, this.withAttributes)
    })
    return messages
  }

  /**
   * A refreshAndPersist session: waits for the refresh terminator, applies `changes` one by one
   * and waits for each one's persist message(s), then Cancels. Records the session's shape (up
   * to the Cancel), which changes got no persist message in time, and how the Cancel ended.
   */
  async persist(name: string, trace: string | undefined, options: SessionOptions, changes: readonly PersistChange[]): Promise<SyncMessage[]> {
    let messages: SyncMessage[] = []
    const extra: Step[] = []
    if (changes.length > 0) await this.guard(`${name}: snapshot`, undefined, async () => (await this.names.snapshot(this.server.url), []), false)
    await this.guard(name, trace, async () => {
      const session = await openPersist(this.server.url, options)
      const { search } = session
      // Persist-stage messages so far; a SearchResultDone (e.g. 4096) ends the wait instead.
      const updates = (m: readonly SyncMessage[]) => m.filter((x) => x.kind !== 'done').length
      const notes: string[] = []
      try {
        for (const { change, messages: expected } of changes) {
          const before = updates(search.messages)
          await ldapModify(this.server.url, change.ldif)
          if (expected === 0) {
            const unexpected = { what: `no persist message for "${change.label}"`, test: (m: readonly SyncMessage[]) => updates(m) > before }
            await search.until(unexpected, QUIET_MS).then(
              () => notes.push(`a persist message arrived for "${change.label}", where slapd 2.5 is expected to send none`),
              (error: unknown) => {
                if (!isHarnessError(error, 'WIRE_TIMEOUT') && !search.done) throw error
              },
            )
            continue
          }
          const want = { what: `${expected} persist message(s) for "${change.label}"`, test: (m: readonly SyncMessage[]) => updates(m) >= before + expected || search.done !== undefined }
          await search.until(want, PERSIST_WAIT_MS).catch((error: unknown) => {
            if (!isHarnessError(error, 'WIRE_TIMEOUT')) throw error
            notes.push(`no persist message within ${PERSIST_WAIT_MS} ms after "${change.label}"`)
          })
        }
      } catch (error) {
        await session.client.close()
        throw error
      }
      const outcome = await session.cancel()
      // RFC 4533 §3.7: a Cancel ends the search with canceled (118). That answer belongs to the
      // Cancel step; any other end (4096 "search base has changed"…) came first and is part of the session.
      const endedByCancel = outcome.searchEnd?.kind === 'done' && outcome.searchEnd.resultCode === 118
      messages = endedByCancel ? search.messages.slice(0, -1) : [...search.messages]
      this.names.learn(messages)
      const cancelled = endedByCancel && outcome.searchEnd ? shapeOfMessages([outcome.searchEnd], this.names.map, undefined)[0] : 'no (the search had already ended)'
      extra.push({ name: `${name}: changes with a missing or unexpected persist message`, shape: notes })
      extra.push({
        name: `${name}: Cancel`,
        shape: [
          `search ended by the Cancel: ${cancelled}`,
          `Cancel response: ${outcome.cancelResponse.resultCode}${outcome.cancelResponse.diagnosticMessage ? ` "${outcome.cancelResponse.diagnosticMessage}"` : ''}`,
          ...(endedByCancel ? [`order: ${outcome.order.join(', ')}`] : []),
        ],
      })
      return shapeOfMessages(messages, this.names.map, options.cookie, this.withAttributes)
    })
    this.steps.push(...extra)
    return messages
  }

  /** Runs a step; a failure becomes the step's shape (so the comparison shows it) and ends the family. */
  private async guard(name: string, trace: string | undefined, run: () => Promise<string[]>, record = true): Promise<void> {
    if (this.failure !== undefined) {
      this.steps.push({ name, shape: [`skipped: an earlier step failed (${this.failure})`] })
      return
    }
    try {
      // A UUID no snapshot could name differs between servers by nature; only its being unknown is comparable.
      const shape = (await run()).map((line) => line.replace(/unknown [0-9a-f-]{36}/g, 'unknown UUID'))
      if (record) this.steps.push({ name, ...(trace === undefined ? {} : { trace }), shape })
    } catch (error) {
      // A slapd restart() that fails is a SlapdError; keep its code too.
      const code = error instanceof HarnessError || error instanceof SlapdError ? error.code : 'ERROR'
      this.failure = `${name}: ${code}`
      const text = (error instanceof Error ? error.message : String(error)).replace(/ldap:\/\/127\.0\.0\.1:\d+\/?/g, '<server>')
      this.steps.push({ name, ...(trace === undefined ? {} : { trace }), shape: [`failed: ${code}: ${text}`] })
    }
  }
}

/** The CSN of the last cookie handed out (a placeholder if there is none, so the family can go on and show it). */
export function csnOf(messages: readonly SyncMessage[]): string {
  const cookie = lastCookie(messages)
  return (cookie && /csn=([^,;]+)/.exec(Buffer.from(cookie).toString('latin1'))?.[1]) || '(no cookie CSN)'
}

export { lastCookie }
