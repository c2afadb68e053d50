/**
 * When is slapd's refreshOnly session over? The log alone cannot say: after the
 * `LDAP_RES_SEARCH_RESULT` line slapd still deletes the entries the present phase did not name
 * and stores the new contextCSN (syncrepl.c do_syncrep2), and it prints nothing when that is
 * done. Stopping slapd in between would be wrong: the delete loop gives up at shutdown while the
 * cookie would still be stored.
 *
 * The monitor database tells: `cn=Consumer 001,cn=Database 1,cn=Databases,cn=Monitor` shows
 * `olmSRConnection` empty once the session's connection is gone (si_ld is freed at the very end
 * of do_syncrep2), and `olmSRNextConnect` the time slapd rescheduled the task for. With a
 * one-day poll interval and a one-hour retry (slapd-consumer-conf.ts), "not connected and the
 * next connection far away" means the session is over and slapd will not start another one
 * during this run; after a 4096 slapd reschedules at once, which does not look like the end.
 *
 * Two gaps make the monitor alone insufficient, so the log must agree (`settled`): slapd
 * reschedules a task for its next run *before* the task starts (daemon.c), so between the start
 * of a run and its connection the monitor shows "not connected, next run in a day"; and the
 * log line that tells a 4096 from a success may still sit in the pipe when the monitor answer
 * is read. Hence: the log must show a result, and both must hold on two polls in a row.
 */
import { LdapClient } from '../../../consumer/client/index.js'
import { FAR_AWAY_MS, RID } from './slapd-consumer-conf.js'

export interface ConsumerStatus {
  /** slapd holds a connection to the provider. */
  readonly connected: boolean
  /** When slapd will connect next; undefined when nothing is scheduled (or unknown). */
  readonly nextConnect: Date | undefined
  /** `olmSRSyncPhase`: Refresh, Persist… */
  readonly phase: string | undefined
}

/** Reads the syncrepl monitor entry anonymously (the default ACL lets anyone read cn=Monitor); undefined until slapd has created it. */
export async function readConsumerStatus(client: LdapClient): Promise<ConsumerStatus | undefined> {
  const search = client.search({
    baseObject: 'cn=Monitor',
    filter: `(cn=Consumer ${String(RID).padStart(3, '0')})`,
    attributes: ['olmSRConnection', 'olmSRNextConnect', 'olmSRSyncPhase'],
    timeoutMs: 5000,
  })
  let status: ConsumerStatus | undefined
  for await (const item of search) {
    if (item.kind !== 'entry') continue
    const value = (name: string): string | undefined => {
      const a = item.entry.attributes.find((x) => x.type.toLowerCase() === name.toLowerCase())
      const v = a?.vals[0]
      return v === undefined ? undefined : Buffer.from(v).toString('utf8')
    }
    status = { connected: (value('olmSRConnection') ?? '') !== '', nextConnect: generalizedTime(value('olmSRNextConnect')), phase: value('olmSRSyncPhase') }
  }
  return status
}

/** True when the status says the session is over and no other one comes during this run. */
export function refreshIsOver(status: ConsumerStatus | undefined, now: Date): boolean {
  if (status === undefined || status.connected || status.nextConnect === undefined) return false
  return status.nextConnect.getTime() - now.getTime() >= FAR_AWAY_MS
}

/** `20261124203944Z` → Date; slapd shows `00000101000000Z` when nothing is scheduled. */
export function generalizedTime(text: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '')
  if (!m || m[1] === '0000') return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s))
}

export interface WaitOptions {
  readonly url: string
  /** Resolves when waiting is pointless (slapd exited, SIGTERM): the wait then ends with 'aborted'. */
  readonly abort: Promise<unknown>
  /** True when slapd's log shows the latest attempt ended (sync-log.ts: outcome not pending). */
  readonly settled: () => boolean
  readonly timeoutMs: number
  readonly pollMs?: number
}

/** Polls the monitor until the refresh is over ('over'), `abort` settles ('aborted'), or the time is up ('timeout'). */
export async function waitForRefreshEnd(options: WaitOptions): Promise<'over' | 'aborted' | 'timeout'> {
  let aborted = false
  void options.abort.then(() => (aborted = true))
  const deadline = Date.now() + options.timeoutMs
  const pollMs = options.pollMs ?? 20
  let client: LdapClient | undefined
  let seenOver = false
  try {
    while (!aborted) {
      if (Date.now() >= deadline) return 'timeout'
      try {
        client ??= await LdapClient.connect(options.url, { timeoutMs: 5000 })
        const over = refreshIsOver(await readConsumerStatus(client), new Date()) && options.settled()
        // The second sighting in a row counts: by then every line slapd wrote before it answered is read.
        if (over && seenOver) return 'over'
        seenOver = over
      } catch {
        seenOver = false
        // slapd going away, or a transient failure: reconnect on the next round.
        client?.close().catch(() => undefined)
        client = undefined
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, pollMs)), options.abort])
    }
    return 'aborted'
  } finally {
    await client?.close().catch(() => undefined)
  }
}
