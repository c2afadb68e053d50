/**
 * Starts a provider that plays a scenario: the directory it describes, the dialect and knobs,
 * bind and TLS settings, and the timeline wired into the server's hooks. Either everything
 * starts or nothing is left running.
 */
import type { Scenario } from '../../scenarios/types.js'
import { Directory } from '../directory/index.js'
import { createProvider, readTlsFiles } from '../index.js'
import type { Provider, ProviderOptions } from '../index.js'
import type { ProviderEvents, ScenarioErrorEvent } from '../server/events.js'
import { ScenarioRuntimeError } from './errors.js'
import type { FiredStep } from './play-state.js'
import { ScenarioSyncEngine } from './scenario-engine.js'
import { Timeline } from './timeline.js'

export interface StartScenarioOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  readonly host?: string
  /** Overrides `scenario.provider.port` (whose default is 0: a free port). */
  readonly port?: number
  /**
   * The clock CSNs, timestamps and event times come from. Default: the system clock. A fixed
   * clock makes two runs of a scenario send identical bytes (cookies carry CSNs).
   */
  readonly clock?: () => Date
}

export interface RunningScenario {
  readonly scenario: Scenario
  readonly provider: Provider
  /** The provider's events, including `scenarioStep` and `scenarioError`. */
  readonly events: ProviderEvents
  readonly url: string
  /** The seed of fault probabilities, garbage octets and generated entryUUIDs. */
  readonly seed: number
  /** Every step firing so far, in order. */
  readonly log: readonly FiredStep[]
  /** Every failed action so far, in order (the same as the scenarioError events). */
  readonly errors: readonly ScenarioErrorEvent[]
  /** Stops the timeline (no step fires any more), then the provider. */
  stop(): Promise<void>
}

/**
 * Starts a provider for `scenario` and starts playing its timeline (`start` steps have run when
 * this resolves).
 *
 * @example
 * const running = await startScenario(await loadScenarioFile('scenarios/examples/truncate.yaml'))
 * await running.events.waitFor('scenarioStep', (e) => e.name === 'cut')
 * await running.stop()
 * @throws ScenarioRuntimeError SCENARIO_START_FAILED (data, dialect, TLS files, listening) or
 *   SCENARIO_TIMELINE; nothing is left listening then.
 */
export async function startScenario(scenario: Scenario, options: StartScenarioOptions = {}): Promise<RunningScenario> {
  const clock = options.clock ?? (() => new Date())
  const directory = startStep(scenario, 'The directory could not be built', () => buildDirectory(scenario, clock))
  const engine = startStep(scenario, 'The sync dialect could not be set up', () => new ScenarioSyncEngine(directory, scenario.provider.dialect, scenario.provider.knobs))
  const security = startStep(scenario, 'The TLS certificate or key could not be read', () => tlsOptions(scenario))
  let provider: Provider | undefined
  const timeline = new Timeline({ scenario, directory, engine, clock, setSessionHooks: (hooks) => provider?.setSessionHooks(hooks) })
  const spec = scenario.provider
  try {
    provider = await createProvider({
      directory,
      engineFactory: () => engine,
      hooks: timeline.hooks,
      clock,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? spec.port ?? 0,
      ...(spec.bind === undefined ? { anonymous: true } : { bindDn: spec.bind.dn, password: spec.bind.password, anonymous: false }),
      // The YAML form is the data-only subset of SessionHookScript, passed as it is.
      ...(spec.sessionHooks === undefined ? {} : { sessionHooks: spec.sessionHooks }),
      ...security,
    })
  } catch (error) {
    throw new ScenarioRuntimeError('SCENARIO_START_FAILED', `The provider could not start: ${messageOf(error)}`, scenario.source, { cause: error })
  }
  try {
    timeline.attach(provider.events)
    timeline.start()
  } catch (error) {
    timeline.stop()
    await provider.close()
    throw error
  }
  let stopping: Promise<void> | undefined
  return {
    scenario,
    provider,
    events: provider.events,
    url: provider.url,
    seed: spec.seed,
    log: timeline.log,
    errors: timeline.errors,
    stop: () => {
      stopping ??= (async () => {
        timeline.stop()
        await provider.close()
      })()
      return stopping
    },
  }
}

function buildDirectory(scenario: Scenario, clock: () => Date): Directory {
  const spec = scenario.directory
  const directory = new Directory({
    suffixes: [spec.suffix],
    clock,
    sid: spec.serverId,
    sessionLogSize: spec.sessionLog,
    // entryUUIDs of adds that bring none follow the scenario's seed, so runs repeat exactly.
    uuidSeed: scenario.provider.seed,
  })
  for (const path of spec.ldif) directory.loadLdifFile(path)
  const g = spec.generate
  if (g !== undefined) directory.loadGenerated({ count: g.count, seed: g.seed, suffix: spec.suffix, ...(g.groups === undefined ? {} : { groups: g.groups }) })
  return directory
}

function tlsOptions(scenario: Scenario): Pick<ProviderOptions, 'tls' | 'startTls'> {
  const tls = scenario.provider.tls
  if (tls === undefined) return {}
  const material = readTlsFiles(tls.cert, tls.key)
  return tls.mode === 'ldaps' ? { tls: material } : { startTls: material }
}

function startStep<T>(scenario: Scenario, what: string, build: () => T): T {
  try {
    return build()
  } catch (error) {
    throw new ScenarioRuntimeError('SCENARIO_START_FAILED', `${what}: ${messageOf(error)}`, scenario.source, { cause: error })
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
