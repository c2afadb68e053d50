/**
 * `syncrepl-harness serve --scenario FILE`: the mock provider playing a scenario file. The
 * banner and the session log go to stdout as for a plain `serve`; the scenario's own story —
 * where it listens, its seed, each step as it fires, each failed action — goes to stderr.
 */
import { loadScenarioFile } from '../../scenarios/loader.js'
import { ScenarioError } from '../../scenarios/errors.js'
import type { Scenario } from '../../scenarios/types.js'
import { ScenarioRuntimeError, startScenario } from '../../provider/scenario/index.js'
import type { RunningScenario } from '../../provider/scenario/index.js'
import type { ProviderEvent, ScenarioStepEvent } from '../../provider/server/events.js'
import { CliError } from './cli-error.js'

export interface ScenarioServeOptions {
  readonly file: string
  readonly host: string
  /** --port, which wins over the scenario's `provider.port`. */
  readonly port: number | undefined
  /** The stdout log line for an event, or undefined (serve.ts's logLine at the chosen level). */
  readonly logLine: (event: ProviderEvent) => string | undefined
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM). */
  readonly stopRequested: () => Promise<void>
}

/** The port `serve` uses when neither --port nor the scenario names one. */
const DEFAULT_PORT = 3890

export async function serveScenario(options: ScenarioServeOptions): Promise<number> {
  let scenario: Scenario
  try {
    scenario = await loadScenarioFile(options.file)
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(`The scenario cannot be played:\n${e.message}`, 1)
    throw e
  }
  const port = options.port ?? scenario.provider.port ?? DEFAULT_PORT
  let running: RunningScenario
  try {
    running = await startScenario(scenario, { host: options.host, port })
  } catch (e) {
    if (!(e instanceof ScenarioRuntimeError)) throw e
    const code = (e.cause as NodeJS.ErrnoException | undefined)?.code
    if (code === 'EADDRINUSE') throw new CliError(`Port ${port} on ${options.host} is already in use; pass --port 0 for a free port, or another --port.`, 1)
    throw new CliError(e.message, 1)
  }
  const stopLogging = running.events.onAny((event) => {
    if (event.type === 'scenarioStep') return void process.stderr.write(`${describeStep(event)}\n`)
    if (event.type === 'scenarioError') return void process.stderr.write(`scenario error ${event.code}: ${event.error.message}\n`)
    const line = options.logLine(event)
    if (line !== undefined) process.stdout.write(line + '\n')
  })
  process.stderr.write(`scenario ${scenario.meta.id} listening on ${running.url}, seed ${running.seed}\n`)
  // Steps that fired while starting (`start` steps) happened before anyone listened.
  for (const f of running.log) process.stderr.write(`${describeStep({ step: f.index, source: f.source, trigger: f.trigger, firing: f.firing, ...(f.name === undefined ? {} : { name: f.name }) })}\n`)
  for (const e of running.errors) process.stderr.write(`scenario error ${e.code}: ${e.error.message}\n`)
  process.stdout.write(banner(running, options.file) + '\n')

  await options.stopRequested()
  process.stdout.write('Stopping the provider…\n')
  await running.stop()
  stopLogging()
  process.stdout.write('Stopped.\n')
  return 0
}

/** `step 2 "cut" fired (entrySent 3 on connection 1) at cut.yaml:14:5` */
export function describeStep(event: Pick<ScenarioStepEvent, 'step' | 'name' | 'source' | 'trigger' | 'firing'>): string {
  const name = event.name === undefined ? '' : ` "${event.name}"`
  const times = event.firing > 1 ? `, ${event.firing}. time` : ''
  return `step ${event.step + 1}${name} fired (${event.trigger}${times}) at ${event.source.file}:${event.source.line}:${event.source.column}`
}

function banner(running: RunningScenario, file: string): string {
  const { scenario } = running
  const p = scenario.provider
  const d = scenario.directory
  const url = running.url
  const bind = p.bind === undefined ? 'anonymous binds and reads allowed' : `${p.bind.dn} / ${p.bind.password} (anonymous refused)`
  const knobs = Object.entries(p.knobs).map(([k, v]) => `${k}=${String(v)}`).join(', ')
  const auth = p.bind === undefined ? '-x' : `-x -D '${p.bind.dn}' -w '${p.bind.password}'`
  return [
    `syncrepl-harness mock provider — scenario ${scenario.meta.id}: ${scenario.meta.title}`,
    `  URL          ${url}`,
    `  scenario     ${file}${scenario.meta.rfcSection === undefined ? '' : ` (RFC 4533 §${scenario.meta.rfcSection})`}`,
    `  dialect      ${p.dialect}${knobs === '' ? '' : ` (${knobs})`}, ${p.mode} mode`,
    `  data         ${running.provider.directory.size} entries under ${d.suffix}`,
    `  bind         ${bind}`,
    `  session log  ${d.sessionLog > 0 ? `${d.sessionLog} changes` : 'off'}`,
    `  seed         ${running.seed}`,
    `  timeline     ${scenario.timeline.length} step(s); each is reported on stderr as it fires`,
    '',
    'Try:',
    `  ldapsearch ${auth} -H ${url} -b ${d.suffix} -E '!sync=rp'`,
    '',
    'Ctrl-C stops the provider.',
  ].join('\n')
}
