/**
 * The runner's side of a provider in a child process (provider-child.ts): start it, wait until
 * its directory is loaded, ask for its stats, listen to its backpressure events, stop it by PID.
 */
import { fileURLToPath } from 'node:url'
import { spawnTracked, stopTracked } from '../process/tracked.js'
import { withTimeout } from './child-processes.js'
import type { FromProviderChild, ProviderChildConfig, ProviderChildStats, ToProviderChild } from './provider-ipc.js'

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CHILD_SCRIPT = 'tools/bench/provider-child.ts'

export type BackpressureMessage = Extract<FromProviderChild, { kind: 'backpressure' }>

export interface ProviderProcess {
  readonly url: string
  readonly pid: number
  /** Entries in the provider's directory after loading. */
  readonly entries: number
  /** createProvider() wall time, as the child measured it. */
  readonly loadMs: number
  readonly gcForced: boolean
  /** The child's own figures right after loading (and the forced GC). */
  readonly loaded: ProviderChildStats
  /** The command line, for the report. */
  readonly command: string
  stats(timeoutMs?: number): Promise<ProviderChildStats>
  /** Calls `listener` for every backpressure event the provider emits; returns the unsubscribe. */
  onBackpressure(listener: (event: BackpressureMessage) => void): () => void
  /** Asks the child to close; SIGTERM, then SIGKILL by PID if it does not exit in time. */
  stop(): Promise<void>
}

/** Starts `node --import tsx --expose-gc tools/bench/provider-child.ts CONFIG` and waits for `ready`. */
export async function startProviderProcess(config: ProviderChildConfig, readyTimeoutMs: number): Promise<ProviderProcess> {
  const args = ['--import', 'tsx', '--expose-gc', CHILD_SCRIPT, JSON.stringify(config)]
  const tracked = spawnTracked(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  const { child } = tracked
  const command = `node ${args.slice(0, -1).join(' ')} '${args[args.length - 1]}'`
  const backpressure = new Set<(event: BackpressureMessage) => void>()
  const statsWaiters: ((stats: ProviderChildStats) => void)[] = []
  let failure: string | undefined

  const ready = new Promise<Extract<FromProviderChild, { kind: 'ready' }>>((resolve, reject) => {
    child.on('message', (message: FromProviderChild) => {
      switch (message.kind) {
        case 'ready':
          resolve(message)
          break
        case 'stats':
          statsWaiters.shift()?.(message.stats)
          break
        case 'backpressure':
          for (const listener of backpressure) listener(message)
          break
        case 'failed':
          failure = message.message
          reject(new Error(`The provider child process (PID ${tracked.pid}) failed: ${message.message}`))
          break
        default: {
          const never: never = message
          reject(new Error(`The provider child sent an unknown message ${JSON.stringify(never)}.`))
        }
      }
    })
    void tracked.exited.then(({ code, signal }) => {
      reject(new Error(`The provider child process (PID ${tracked.pid}) exited with code ${code} (signal ${signal}) before it was ready. ${failure ?? tracked.output()}`))
    })
  })

  let loaded: Extract<FromProviderChild, { kind: 'ready' }>
  try {
    loaded = await withTimeout(ready, readyTimeoutMs, `The provider child process (PID ${tracked.pid}) did not load ${config.count.toLocaleString('en-US')} entries within ${readyTimeoutMs / 1000} s.`)
  } catch (error) {
    await stopTracked(tracked, 2_000)
    throw error
  }

  const post = (message: ToProviderChild): void => {
    if (!child.connected) throw new Error(`The provider child process (PID ${tracked.pid}) is gone (IPC channel closed). ${tracked.output()}`)
    child.send(message)
  }
  return {
    url: loaded.url,
    pid: tracked.pid,
    entries: loaded.entries,
    loadMs: loaded.loadMs,
    gcForced: loaded.gcForced,
    loaded: loaded.stats,
    command,
    stats(timeoutMs = 10_000) {
      const answer = new Promise<ProviderChildStats>((resolve) => statsWaiters.push(resolve))
      post({ kind: 'stats' })
      return withTimeout(answer, timeoutMs, `The provider child process (PID ${tracked.pid}) did not answer a stats request within ${timeoutMs} ms.`)
    },
    onBackpressure(listener) {
      backpressure.add(listener)
      return () => backpressure.delete(listener)
    },
    async stop() {
      if (child.connected) child.send({ kind: 'close' } satisfies ToProviderChild)
      await Promise.race([tracked.exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())])
      await stopTracked(tracked, 5_000)
    },
  }
}
