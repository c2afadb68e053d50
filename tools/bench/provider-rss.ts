/**
 * Benchmarks 2 and 3: the provider's memory. The provider runs in its own process
 * (provider-child.ts) so that its RSS is its own.
 *
 * 2. RSS after loading 1,000,000 generated people (`process.memoryUsage().rss` in the child
 *    after createProvider() and a forced GC). Target ≤ 1.5 GiB.
 * 3. RSS while a consumer stops reading mid-refresh: a raw TCP consumer binds, starts a
 *    refreshOnly Sync search of 100,000 people, stops reading once entries arrive, and we wait
 *    for the provider's `backpressure` event to say it stalled (and stays stalled). RSS
 *    (/proc/<pid>/status VmRSS) at the stall and 3 s later must differ by < 16 MiB: a stalled
 *    sender must not go on producing into memory (docs/architecture.md, connection.ts). Then the
 *    consumer reads again and the refresh must complete.
 */
import { BENCH_DATA, generatedEntries } from './bench-data.js'
import { readVmRss, sleep, withTimeout } from './child-processes.js'
import { progress } from './harness.js'
import type { BenchResult } from './harness.js'
import { startProviderProcess } from './provider-process.js'
import type { BackpressureMessage, ProviderProcess } from './provider-process.js'
import { StallingConsumer } from './stalling-consumer.js'

const MiB = 1024 * 1024
/** Entries the consumer reads before it stops reading. */
const PAUSE_AFTER_ENTRIES = 2_000
/** A stall counts once no `resumed` followed it for this long. */
const STALL_SETTLE_MS = 1_000
/** RSS is compared at the stall and this long after it. */
const WATCH_MS = 3_000
const SAMPLE_MS = 250

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`
}

export async function rssAfterLoading(people: number): Promise<BenchResult> {
  progress('provider', `loading ${people.toLocaleString('en-US')} generated people into a provider child process (about a minute)…`)
  const provider = await startProviderProcess({ count: people, seed: BENCH_DATA.seed, password: BENCH_DATA.password }, 300_000)
  try {
    const expected = generatedEntries(people)
    if (provider.entries !== expected) throw new Error(`The provider loaded ${provider.entries} entries; the generator makes ${expected} for ${people} people.`)
    const vmRss = readVmRss(provider.pid)
    const { rss, heapUsed } = provider.loaded
    return {
      name: `provider RSS with ${expected.toLocaleString('en-US')} entries (${people.toLocaleString('en-US')} people) loaded`,
      rate: rss / MiB,
      rounds: [rss / MiB],
      unit: 'MiB',
      target: { max: 1536, label: '≤ 1.5 GiB (1,536 MiB)' },
      note: [
        `$ ${provider.command}`,
        `process.memoryUsage().rss after createProvider() and ${provider.gcForced ? 'a forced gc()' : 'NO forced GC (gc not exposed)'}: ${mib(rss)}; heapUsed ${mib(heapUsed)}; /proc VmRSS read by the runner just after: ${mib(vmRss)}`,
        `createProvider({ generate: { count: ${people}, seed: ${BENCH_DATA.seed} } }) took ${(provider.loadMs / 1000).toFixed(1)} s`,
      ].join('\n'),
    }
  } finally {
    await provider.stop()
  }
}

interface Stall {
  /** performance.now() when the runner heard of it. */
  readonly at: number
  /** The provider's VmRSS then. */
  readonly rss: number
  readonly event: BackpressureMessage
}

export async function rssWhileConsumerStalls(people: number): Promise<BenchResult> {
  const expected = generatedEntries(people)
  progress('provider', `loading ${people.toLocaleString('en-US')} generated people into a provider child process for the stalled-consumer run…`)
  const provider = await startProviderProcess({ count: people, seed: BENCH_DATA.seed, password: BENCH_DATA.password }, 180_000)
  let consumer: StallingConsumer | undefined
  try {
    const { pid } = provider
    consumer = await StallingConsumer.connect(provider.url)
    await consumer.bind(BENCH_DATA.rootDn, BENCH_DATA.password)
    const before = readVmRss(pid)

    // Every backpressure event, with the provider's RSS read the moment the runner hears of a stall.
    let latest: Stall | undefined
    let stateChanged: (() => void) | undefined
    const unsubscribe = provider.onBackpressure((event) => {
      latest = { at: performance.now(), rss: event.state === 'stalled' ? readVmRss(pid) : 0, event }
      stateChanged?.()
    })

    progress('provider', `refresh of ${expected.toLocaleString('en-US')} entries started; the consumer stops reading after ${PAUSE_AFTER_ENTRIES} entries…`)
    const started = performance.now()
    consumer.startRefresh(BENCH_DATA.base)
    await consumer.waitForEntries(PAUSE_AFTER_ENTRIES, 60_000)
    consumer.pause()
    const pausedAt = performance.now()
    const entriesAtPause = consumer.entries
    const bytesAtPause = consumer.bytesReceived

    // The stall: the provider said `stalled`, and no `resumed` followed for STALL_SETTLE_MS (the
    // kernel's socket buffers may still take some bytes after the pause, giving stall/resume pairs).
    const stall = await withTimeout(
      (async () => {
        for (;;) {
          const current = latest
          if (current !== undefined && current.event.state === 'stalled') {
            const quietFor = performance.now() - current.at
            if (quietFor >= STALL_SETTLE_MS) return current
            await Promise.race([sleep(STALL_SETTLE_MS - quietFor), new Promise<void>((resolve) => (stateChanged = resolve))])
          } else {
            await new Promise<void>((resolve) => (stateChanged = resolve))
          }
        }
      })(),
      30_000,
      `The provider never reported a lasting backpressure stall within 30 s after the consumer stopped reading (last event: ${JSON.stringify(latest?.event)}).`,
    )
    stateChanged = undefined

    const samples: number[] = []
    for (let t = performance.now(); t < stall.at + WATCH_MS; t = performance.now()) {
      await sleep(Math.min(SAMPLE_MS, stall.at + WATCH_MS - t))
      samples.push(readVmRss(pid) - stall.rss)
    }
    const after = readVmRss(pid)
    const afterStats = await provider.stats()
    samples.push(after - stall.rss)
    if (latest !== stall) {
      throw new Error(`The provider resumed writing (${JSON.stringify(latest?.event)}) while the consumer was not reading; the stall did not hold for ${WATCH_MS} ms.`)
    }
    unsubscribe()
    const growth = after - stall.rss

    progress('provider', `stalled at ${mib(stall.rss)} RSS, ${mib(after)} ${WATCH_MS / 1000} s later; the consumer reads again…`)
    const resumedAt = performance.now()
    consumer.resume()
    const outcome = await withTimeout(consumer.done, 120_000, `The refresh did not complete within 120 s after the consumer resumed (${consumer.entries} entries so far).`)
    const finished = performance.now()
    if (outcome.resultCode !== 0 || outcome.entries !== expected) {
      throw new Error(
        `BENCHMARK FAILED: after the consumer resumed, the refresh ended with result ${outcome.resultCode} "${outcome.diagnosticMessage}" after ${outcome.entries} entries; expected success (0) after ${expected}.`,
      )
    }
    const end = readVmRss(pid)

    return {
      name: `provider RSS growth in the ${WATCH_MS / 1000} s after a consumer stalled a ${expected.toLocaleString('en-US')}-entry refresh`,
      rate: growth / MiB,
      rounds: samples.map((s) => s / MiB),
      unit: 'MiB',
      digits: 1,
      target: { below: 16, label: '< 16 MiB' },
      note: [
        `provider: ${provider.command} (PID ${pid}), RSS from /proc/${pid}/status VmRSS; consumer: raw TCP (stalling-consumer.ts), simple bind as ${BENCH_DATA.rootDn}, refreshOnly Sync search of ${BENCH_DATA.base}, all user attributes`,
        `RSS before the search ${mib(before)}; at the stall ${mib(stall.rss)} (provider queued ${stall.event.queuedBytes.toLocaleString('en-US')} bytes, socket writableLength ${stall.event.writableLength.toLocaleString('en-US')}); ${WATCH_MS / 1000} s later ${mib(after)} (queued ${afterStats.queuedBytes.toLocaleString('en-US')} bytes); growth ${mib(growth)}, largest sample ${mib(Math.max(...samples))} (range column: every ${SAMPLE_MS} ms sample)`,
        `consumer stopped reading after ${entriesAtPause.toLocaleString('en-US')} entries (${mib(bytesAtPause)} read, ${((pausedAt - started) / 1000).toFixed(2)} s after the search); the provider reported stalled ${((stall.at - started) / 1000).toFixed(2)} s after the search, and no resumed followed (checked for ${STALL_SETTLE_MS} ms before the figures were trusted, and through the ${WATCH_MS / 1000} s)`,
        `after resuming: refresh completed, ${outcome.entries.toLocaleString('en-US')} entries and SearchResultDone success in ${((finished - resumedAt) / 1000).toFixed(1)} s; RSS then ${mib(end)}`,
      ].join('\n'),
    }
  } finally {
    consumer?.destroy()
    await provider.stop()
  }
}
