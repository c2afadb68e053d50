/**
 * Entry point of the child process that runs our provider for the provider benchmarks:
 * `node --import tsx --expose-gc tools/bench/provider-child.ts '{"count":…,"seed":…,"password":…}'`.
 * Loads the generated directory, forces a GC when exposed, reports `ready` with its memory, then
 * answers `stats`, forwards `backpressure` events, and exits on `close` or when the runner's IPC
 * channel goes away (so it can never outlive the runner).
 */
import { createProvider } from '../../provider/index.js'
import type { Provider } from '../../provider/index.js'
import type { FromProviderChild, ProviderChildConfig, ProviderChildStats, ToProviderChild } from './provider-ipc.js'

function send(message: FromProviderChild): void {
  process.send?.(message)
}

function statsOf(provider: Provider): ProviderChildStats {
  const memory = process.memoryUsage()
  const { queuedBytes, connections } = provider.stats()
  return { rss: memory.rss, heapUsed: memory.heapUsed, queuedBytes, connections }
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('provider-child.ts must be started by the benchmark runner with an IPC channel.')
  const config = JSON.parse(process.argv[2] ?? '') as ProviderChildConfig
  const started = performance.now()
  const provider = await createProvider({ port: 0, generate: { count: config.count, seed: config.seed }, password: config.password })
  const loadMs = performance.now() - started
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()

  provider.events.on('backpressure', (event) => {
    send({ kind: 'backpressure', state: event.state, writableLength: event.writableLength, queuedBytes: provider.stats().queuedBytes })
  })
  const close = () => {
    void provider.close().finally(() => process.exit(0))
  }
  process.on('disconnect', close)
  process.on('SIGTERM', close)
  process.on('message', (message: ToProviderChild) => {
    switch (message.kind) {
      case 'stats':
        send({ kind: 'stats', stats: statsOf(provider) })
        break
      case 'close':
        close()
        break
      default: {
        const never: never = message
        throw new Error(`Unknown message ${JSON.stringify(never)} from the benchmark runner.`)
      }
    }
  })
  send({ kind: 'ready', url: provider.url, entries: provider.directory.size, loadMs, gcForced: gc !== undefined, stats: statsOf(provider) })
}

main().catch((error: unknown) => {
  send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exitCode = 1
  process.disconnect?.()
})
