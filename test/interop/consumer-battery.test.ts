/**
 * The reference consumer's convergence battery ("Reference consumer", Done when): the same steps
 * against a real slapd 2.5 and against our provider, each with the session log off and on. After
 * every step the consumer's committed replica must equal the provider's content as a plain search
 * of the provider shows it (consumer-convergence.ts), by UUID, DN and user attributes, and its
 * cookie must reach the provider's contextCSN.
 *
 * - refreshOnly: the initial refresh, then every change kind of consumer-battery-dit.ts, each
 *   followed by a resume with the stored cookie through a FileStore reopened from disk.
 * - refreshAndPersist: the same change kinds while persisting; the test waits for the consumer's
 *   cookie event that reaches the provider's new contextCSN (never a sleep), then compares.
 *   Cancel ends the search with 118 (RFC 3909), and a later refreshOnly resume is converged.
 * - a stale cookie with the provider's reloadhint on and the consumer's reloadHint FALSE: 4096
 *   "sync cookie is stale" (RFC 4533 §3.8), then a reload from scratch that converges.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileStore, SyncreplConsumer } from '../../consumer/index.js'
import type { PollOutcome, ReplicaSnapshot, SyncEvent } from '../../consumer/index.js'
import { ldapModify, loadLdif } from '../support/ldap-tools.js'
import { CONTENT_FILTER, SUFFIX, batteryLdif, batterySteps, preloadLdif } from './consumer-battery-dit.js'
import { peersOf, startTarget } from './consumer-battery-targets.js'
import type { Target, TargetSpec } from './consumer-battery-targets.js'
import { cookieLag, providerContent, replicaDifferences } from './consumer-convergence.js'
import type { ProviderContent } from './consumer-convergence.js'
import { requirePeers, skipInterop } from './peers.js'

const TARGETS: readonly TargetSpec[] = [
  { name: 'slapd 2.5, session log off', kind: 'slapd', sessionLog: 0 },
  { name: 'slapd 2.5, session log on', kind: 'slapd', sessionLog: 100 },
  { name: 'our provider, session log off', kind: 'provider', sessionLog: 0 },
  { name: 'our provider, session log on', kind: 'provider', sessionLog: 100 },
]

/** How long a refresh or a persist change may take before the step fails (a bound, not a wait). */
const STEP_BOUND_MS = 10_000

/** One refreshOnly run of a consumer opened on the store in `dir`, as a fresh process would. */
interface Resume {
  readonly outcome: PollOutcome
  readonly replica: ReplicaSnapshot
  readonly events: readonly SyncEvent[]
  /** The cookie the store held before the run (what the request carried). */
  readonly sentCookie: Uint8Array | undefined
}

async function resumeRefreshOnly(target: Target, dir: string): Promise<Resume> {
  const consumer = await SyncreplConsumer.connect({ url: target.url, bindDn: target.root.dn, password: target.root.password, store: await FileStore.open(dir) })
  try {
    const events: SyncEvent[] = []
    consumer.onEvent((e) => events.push(e))
    const sentCookie = consumer.getCookie()
    await consumer.syncSearch({ base: SUFFIX, filter: CONTENT_FILTER, mode: 'refreshOnly' })
    const outcome = await consumer.poll({ timeoutMs: STEP_BOUND_MS })
    return { outcome, replica: await consumer.replica(), events, sentCookie }
  } finally {
    await consumer.close()
  }
}

/** Entries (add / modify state) a refresh sent: fewer than the content holds means it resumed. */
const entriesSent = (events: readonly SyncEvent[]): number => events.filter((e) => e.kind === 'entry' && e.state !== 'present').length

/**
 * A refreshAndPersist consumer polled in the background for the whole persist stage; steps wait
 * for the cookie event that reaches a contextCSN. The poll ends only with Cancel, close or an
 * error, and any such end before the awaited cookie fails the step at once.
 */
class LivePoll {
  readonly ended: Promise<PollOutcome>

  constructor(private readonly consumer: SyncreplConsumer) {
    this.ended = consumer.poll()
    this.ended.catch(() => {}) // observed by cookieReaching and by the test's final await
  }

  cookieReaching(contextCsns: readonly string[], step: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false
      const finish = (error?: Error) => {
        if (settled) return
        settled = true
        stop()
        clearTimeout(timer)
        if (error) reject(error)
        else resolve()
      }
      const stop = this.consumer.onEvent((e) => e.kind === 'cookie' && cookieLag(e.cookie, contextCsns) === undefined && finish())
      const timer = setTimeout(() => {
        const lag = cookieLag(this.consumer.getCookie(), contextCsns)
        finish(new Error(`After "${step}" no persist message brought the consumer to the provider's state within ${STEP_BOUND_MS} ms: ${lag}`))
      }, STEP_BOUND_MS)
      this.ended.then(
        (outcome) => finish(new Error(`The persist search ended (${JSON.stringify(outcome)}) while waiting for "${step}" to arrive.`)),
        (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
      )
      if (cookieLag(this.consumer.getCookie(), contextCsns) === undefined) finish()
    })
  }
}

for (const spec of TARGETS) {
  describe.skipIf(skipInterop(...peersOf(spec.kind)))(`the reference consumer against ${spec.name}`, () => {
    let target: Target
    let dir: string
    beforeAll(async () => {
      requirePeers(...peersOf(spec.kind))
      dir = mkdtempSync(join(tmpdir(), 'syncrepl-battery-'))
      target = await startTarget(spec.kind, { sessionLog: spec.sessionLog })
      await loadLdif(target.url, batteryLdif(['ro', 'rp']), target.root)
    })
    afterAll(async () => {
      await target?.stop()
      if (dir) rmSync(dir, { recursive: true, force: true })
    })

    const content = (t: Target = target): Promise<ProviderContent> => providerContent({ url: t.url, bind: t.root, base: SUFFIX, filter: CONTENT_FILTER })

    async function expectConverged(step: string, replica: ReplicaSnapshot, t: Target = target): Promise<ProviderContent> {
      const truth = await content(t)
      expect(replicaDifferences(replica, truth), `${spec.name}: the replica after "${step}"`).toEqual([])
      return truth
    }

    it('refreshOnly: converges after the initial refresh and after every change kind, resuming from the file store', async () => {
      const initial = await resumeRefreshOnly(target, dir)
      expect(initial.outcome).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '' })
      const truth = await expectConverged('the initial refresh', initial.replica)
      expect(entriesSent(initial.events)).toBe(truth.entries.size)
      for (const step of batterySteps('ro')) {
        await ldapModify(target.url, step.ldif, target.root)
        const run = await resumeRefreshOnly(target, dir)
        expect(run.sentCookie, `${spec.name}: the cookie stored before "${step.name}"`).toBeDefined()
        expect(run.outcome, `${spec.name}: the resume after "${step.name}"`).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '' })
        const now = await expectConverged(step.name, run.replica)
        // Incremental, not a reload: the resume sent only what changed; with the session log on
        // the deletions came from the log, with it off from a present list (RFC 4533 §3.3.2).
        expect(entriesSent(run.events), `${spec.name}: entries sent by the resume after "${step.name}"`).toBeLessThan(now.entries.size)
        const presentList = run.events.some((e) => e.kind === 'present' && e.uuids !== null)
        expect(presentList, `${spec.name}: a present list in the resume after "${step.name}"`).toBe(spec.sessionLog === 0)
      }
    })

    it('refreshAndPersist: every change kind arrives live and the replica converges; Cancel ends it with 118', async () => {
      const consumer = await SyncreplConsumer.connect({ url: target.url, bindDn: target.root.dn, password: target.root.password, store: await FileStore.open(dir) })
      try {
        await consumer.syncSearch({ base: SUFFIX, filter: CONTENT_FILTER, mode: 'refreshAndPersist' })
        expect(await consumer.poll({ all: false, timeoutMs: STEP_BOUND_MS })).toEqual({ kind: 'refreshDone' })
        await expectConverged('the refresh stage of refreshAndPersist', await consumer.replica())
        const live = new LivePoll(consumer)
        for (const step of batterySteps('rp')) {
          const seen: SyncEvent[] = []
          const stop = consumer.onEvent((e) => seen.push(e))
          await ldapModify(target.url, step.ldif, target.root)
          const truth = await content()
          await live.cookieReaching(truth.contextCsns, step.name)
          stop()
          // Arrived live: persist messages changed the replica, no new search was sent.
          expect(seen.filter((e) => e.kind === 'entry' || e.kind === 'delete').length, `${spec.name}: persist messages for "${step.name}"`).toBeGreaterThan(0)
          expect(seen.filter((e) => e.kind === 'refreshDone' || e.kind === 'refreshRequired'), `${spec.name}: "${step.name}" restarted the search`).toEqual([])
          expect(replicaDifferences(await consumer.replica(), truth), `${spec.name}: the replica after "${step.name}" (persist)`).toEqual([])
        }
        await consumer.cancel()
        // RFC 3909: the cancelled search ends with canceled (118), without a diagnostic from either.
        expect(await live.ended).toEqual({ kind: 'done', resultCode: 118, diagnosticMessage: '' })
      } finally {
        await consumer.close()
      }
      // What the persist stage committed is a cookie the provider resumes from with nothing to send.
      const after = await resumeRefreshOnly(target, dir)
      expect(after.outcome).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '' })
      expect(entriesSent(after.events)).toBe(0)
      await expectConverged('a refreshOnly resume after Cancel', after.replica)
    })

    it('a stale cookie with reloadhint on: 4096 "sync cookie is stale", then a reload from scratch that converges', async () => {
      // Initial data from 2020 (preloadLdif), a small session log or none, then every entry
      // rewritten: more changes than the log holds, and no entry left in the cookie's second.
      const stale = await startTarget(spec.kind, { sessionLog: spec.sessionLog > 0 ? 2 : 0, reloadHint: true, preloadLdif: preloadLdif(['st']) })
      const staleDir = mkdtempSync(join(tmpdir(), 'syncrepl-battery-stale-'))
      try {
        const first = await resumeRefreshOnly(stale, staleDir)
        expect(first.outcome).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '' })
        await expectConverged('the initial refresh (stale-cookie target)', first.replica, stale)
        const everything = await providerContent({ url: stale.url, bind: stale.root, base: SUFFIX, filter: '(objectClass=*)' })
        expect(everything.entries.size).toBeGreaterThan(2)
        const rewrite = [...everything.entries.values()].map((e) => `dn: ${e.dn}\nchangetype: modify\nreplace: description\ndescription: rewritten\n-\n`)
        await ldapModify(stale.url, rewrite.join('\n'), stale.root)
        const run = await resumeRefreshOnly(stale, staleDir) // the consumer's reloadHint is FALSE
        expect(run.sentCookie).toBeDefined()
        // slapd (trace f9) and our provider: 4096 without a Sync Done control, so no cookie to retry with.
        expect(run.events.filter((e) => e.kind === 'refreshRequired')).toEqual([{ kind: 'refreshRequired', cookie: undefined, diagnosticMessage: 'sync cookie is stale' }])
        expect(run.outcome).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '' })
        const truth = await expectConverged('the reload after 4096', run.replica, stale)
        // The retry carried no cookie (RFC 4533 §3.8): the whole content came again.
        const afterRetry = run.events.slice(run.events.findIndex((e) => e.kind === 'refreshRequired'))
        expect(entriesSent(afterRetry)).toBe(truth.entries.size)
      } finally {
        await stale.stop()
        rmSync(staleDir, { recursive: true, force: true })
      }
    })
  })
}
