/**
 * Whole Sync sessions the way the trace recorder ran them: a fresh connection, a simple bind
 * (message ID 1), one Sync search (message ID 2). Plus the UUID → DN book-keeping that turns a
 * live session into a trace-comparable shape (test/provider/trace-shapes.ts).
 */
import { formatSyncUuid } from '../../protocol/sync/index.js'
import type { SyncMessage } from '../../provider/sync/index.js'
import type { ExtendedResponse } from '../../protocol/index.js'
import { ROOT_IDENTITY } from './ldap-tools.js'
import type { BindIdentity } from './ldap-tools.js'
import { refreshEnded, searchDone } from './sync-search.js'
import type { SyncSearch } from './sync-search.js'
import { WireClient } from './wire-client.js'
import type { Arrival, SyncSearchOptions } from './wire-client.js'

export type SessionOptions = Omit<SyncSearchOptions, 'mode'>

/** Connects and binds (message ID 1). */
export async function connectAndBind(url: string, bind: BindIdentity = ROOT_IDENTITY): Promise<WireClient> {
  const client = await WireClient.connect(url)
  try {
    await client.bind(bind.dn, bind.password)
  } catch (error) {
    await client.close()
    throw error
  }
  return client
}

/** A refreshOnly session to its SearchResultDone; returns every message. */
export async function refreshOnly(url: string, options: SessionOptions = {}, timeoutMs = 15_000): Promise<SyncMessage[]> {
  const client = await connectAndBind(url)
  try {
    return await client.search({ ...options, mode: 'refreshOnly' }).until(searchDone, timeoutMs)
  } finally {
    await client.close()
  }
}

/** A refreshAndPersist session whose refresh stage has ended; the caller drives the persist stage and ends it. */
export interface PersistSession {
  readonly client: WireClient
  readonly search: SyncSearch
  /** Cancels the search and reports how it ended; then closes the connection. */
  cancel(): Promise<CancelOutcome>
}

export interface CancelOutcome {
  /** The search's last message (slapd: SearchResultDone 118 without Sync Done). */
  readonly searchEnd: SyncMessage | undefined
  readonly cancelResponse: ExtendedResponse
  /** The order of the two answers, e.g. ['searchResultDone', 'extendedResponse']. */
  readonly order: Array<Arrival['kind']>
}

export async function openPersist(url: string, options: SessionOptions = {}, timeoutMs = 15_000): Promise<PersistSession> {
  const client = await connectAndBind(url)
  const search = client.search({ ...options, mode: 'refreshAndPersist' })
  try {
    await search.until(refreshEnded, timeoutMs)
  } catch (error) {
    await client.close()
    throw error
  }
  return {
    client,
    search,
    async cancel() {
      const before = client.arrivals.length
      try {
        const cancelResponse = await client.cancel(search)
        // slapd answers the search first; if a server answers the Cancel first, wait for the search's end too.
        if (!search.done) await search.until(searchDone, 5_000).catch(() => undefined)
        const order = client.arrivals.slice(before).filter((a) => a.kind === 'searchResultDone' || a.kind === 'extendedResponse').map((a) => a.kind)
        return { searchEnd: search.done, cancelResponse, order }
      } finally {
        await client.close()
      }
    },
  }
}

/**
 * uuid (canonical text) → the first DN it was seen with on one server, as trace-shapes.ts wants.
 * Learned from every entry message and from snapshots (a full refreshOnly search) taken before
 * changes, so that syncIdSets naming UUIDs the session never showed can still be read.
 */
export class UuidNames {
  readonly map = new Map<string, string>()

  learn(messages: readonly SyncMessage[]): void {
    for (const m of messages) {
      if (m.kind !== 'entry') continue
      const uuid = formatSyncUuid(m.uuid)
      if (!this.map.has(uuid)) this.map.set(uuid, m.dn)
    }
  }

  async snapshot(url: string): Promise<void> {
    this.learn(await refreshOnly(url, { attributes: ['1.1'] }))
  }
}
