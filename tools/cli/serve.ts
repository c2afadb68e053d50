import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { describeMessage } from '../../protocol/describe-message.js'
import { DEFAULT_SUFFIX } from '../../fixtures/index.js'
import { LdifError } from '../../fixtures/ldif/index.js'
import { createProvider } from '../../provider/index.js'
import type { Provider, ProviderOptions } from '../../provider/index.js'
import type { ProviderEvent } from '../../provider/server/events.js'
import { DirectoryError } from '../../provider/directory/index.js'
import { CliError } from './cli-error.js'
import { describeStep, serveScenario } from './serve-scenario.js'

export const SERVE_HELP = `Usage: syncrepl-harness serve [options]

Runs the mock provider: an LDAP server that answers RFC 4533 sync searches exactly like
OpenLDAP slapd 2.5's syncprov, and accepts LDAP writes (ldapadd, ldapmodify, ldapmodrdn,
ldapdelete) from the bind identity, so any LDAP client can drive a test. Ctrl-C stops it.

Scenario:
  --scenario FILE       Play a scenario file (YAML, see docs/scenarios.md): its directory,
                        dialect and knobs, bind, TLS, port and timeline. Combines only with
                        --host, --port (wins over the file's port), --quiet and --verbose.
                        Prints the URL, the seed and each step as it fires on stderr.

Data (default: --generate 100 --seed 42):
  --ldif FILE           Load entries from an LDIF file (parents before children)
  --generate N          Generate N people (and groups) with a seeded generator
  --seed S              Seed for --generate (same seed, same entries and entryUUIDs)
  --suffix DN           Naming context (default ${DEFAULT_SUFFIX})

Server:
  --host HOST           Address to listen on (default 127.0.0.1)
  --port P              Port (default 3890; 0 picks a free one)
  --sessionlog N        slapd's syncprov-sessionlog size (default 0: no session log)
  --server-id N         serverID in CSNs (default 0, as slapd without olcServerID)
  --reloadhint          slapd's syncprov-reloadhint TRUE (stale cookie → 4096)
  --bind-dn DN          Bind identity that may read and write (default cn=admin,<suffix>)
  --password PW         Its password (default secret)
  --no-anonymous        Refuse anonymous binds and reads (default: anonymous may read)

Output:
  --quiet               Only the banner, connections and operation results
  --verbose             Also raw request bytes, backpressure and notices
  -h, --help            Show this help

Each sync session is logged one line per message: "←" what a client sent, "→" what the
provider sent, prefixed with the connection number.

Exit codes: 0 stopped by Ctrl-C or SIGTERM, 1 could not start (bad data, a scenario file with
problems, port in use), 2 usage error.`

export async function runServe(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      options: {
        ldif: { type: 'string' },
        generate: { type: 'string' },
        seed: { type: 'string' },
        suffix: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        sessionlog: { type: 'string' },
        'server-id': { type: 'string' },
        reloadhint: { type: 'boolean' },
        'bind-dn': { type: 'string' },
        password: { type: 'string' },
        'no-anonymous': { type: 'boolean' },
        quiet: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        scenario: { type: 'string' },
      },
    })
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run \`syncrepl-harness serve --help\`.`, 2)
  }
  const v = parsed.values
  if (v.help) {
    process.stdout.write(SERVE_HELP + '\n')
    return 0
  }
  if (v.quiet && v.verbose) throw new CliError('Give either --quiet or --verbose, not both.', 2)
  const level = v.quiet ? 'quiet' : v.verbose ? 'verbose' : 'normal'
  if (v.scenario !== undefined) {
    const clashing = SCENARIO_CLASHES.filter((name) => v[name] !== undefined)
    if (clashing.length > 0) {
      throw new CliError(`--${clashing[0]} cannot be combined with --scenario: the scenario file describes the directory, dialect and bind. Only --host, --port, --quiet and --verbose go with it.`, 2)
    }
    return serveScenario({
      file: v.scenario,
      host: v.host ?? '127.0.0.1',
      port: integer(v.port, '--port', 0, 65535),
      logLine: (event) => logLine(event, level),
      stopRequested,
    })
  }
  if (v.ldif !== undefined && v.generate !== undefined) throw new CliError('Give either --ldif or --generate, not both.', 2)
  if (v.seed !== undefined && v.generate === undefined && v.ldif !== undefined) throw new CliError('--seed goes with --generate, not with --ldif.', 2)
  if (v.ldif !== undefined && !existsSync(v.ldif)) throw new CliError(`The LDIF file ${JSON.stringify(v.ldif)} does not exist.`, 1)

  const suffix = v.suffix ?? DEFAULT_SUFFIX
  const options: ProviderOptions = {
    host: v.host ?? '127.0.0.1',
    port: integer(v.port, '--port', 0, 65535) ?? 3890,
    suffix,
    sessionLog: integer(v.sessionlog, '--sessionlog', 0, 1e9) ?? 0,
    serverId: integer(v['server-id'], '--server-id', 0, 4095) ?? 0,
    bindDn: v['bind-dn'] ?? `cn=admin,${suffix}`,
    password: v.password ?? 'secret',
    anonymous: !v['no-anonymous'],
    ...(v.reloadhint ? { sync: { dialect: { reloadHint: true } } } : {}),
    ...(v.ldif !== undefined
      ? { ldif: { path: v.ldif } }
      : { generate: { count: integer(v.generate, '--generate', 0, 10_000_000) ?? 100, seed: v.seed === undefined ? 42 : /^\d+$/.test(v.seed) ? Number(v.seed) : v.seed } }),
  }

  let provider: Provider
  try {
    provider = await createProvider(options)
  } catch (e) {
    throw new CliError(startFailure(e, options), 1)
  }
  const stopLogging = provider.events.onAny((event) => {
    const line = logLine(event, level)
    if (line !== undefined) process.stdout.write(line + '\n')
  })
  process.stdout.write(banner(provider, options, v.ldif) + '\n')

  await stopRequested()
  process.stdout.write('Stopping the provider…\n')
  await provider.close()
  stopLogging()
  process.stdout.write('Stopped.\n')
  return 0
}

/** The options that describe what a scenario file describes. */
const SCENARIO_CLASHES = ['ldif', 'generate', 'seed', 'suffix', 'sessionlog', 'server-id', 'reloadhint', 'bind-dn', 'password', 'no-anonymous'] as const

/** Resolves on the first Ctrl-C (SIGINT) or SIGTERM. */
function stopRequested(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

function integer(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new CliError(`${flag} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}.`, 2)
  return Number(text)
}

function startFailure(e: unknown, options: ProviderOptions): string {
  const err = e as NodeJS.ErrnoException
  if (err?.code === 'EADDRINUSE') return `Port ${options.port} on ${options.host} is already in use; pass --port 0 for a free port, or another --port.`
  if (err?.code === 'EACCES') return `Not allowed to listen on port ${options.port} of ${options.host}; ports below 1024 need privileges, use a higher --port.`
  if (e instanceof LdifError || e instanceof DirectoryError) return `Cannot load the data: ${e.message}`
  return `The provider could not start: ${err?.message ?? String(e)}`
}

function banner(p: Provider, options: ProviderOptions, ldif: string | undefined): string {
  const data = ldif !== undefined ? `from ${ldif}` : `generated: ${options.generate?.count} people, seed ${String(options.generate?.seed)}`
  const suffix = typeof options.suffix === 'string' ? options.suffix : DEFAULT_SUFFIX
  return [
    'syncrepl-harness mock provider — OpenLDAP slapd 2.5 syncprov dialect',
    `  URL          ${p.url}`,
    `  data         ${p.directory.size} entries under ${suffix} (${data})`,
    `  bind         ${options.bindDn} / ${options.password}${options.anonymous ? ' (anonymous reads allowed)' : ' (anonymous refused)'}`,
    `  session log  ${options.sessionLog ? `${options.sessionLog} changes` : 'off'}${options.sync?.dialect?.reloadHint ? ', reloadhint TRUE' : ''}`,
    '',
    'Try:',
    `  ldapsearch -x -H ${p.url} -b ${suffix} -E '!sync=ro'          # refreshOnly`,
    `  ldapsearch -x -H ${p.url} -b ${suffix} -E '!sync=rp'          # refreshAndPersist`,
    `  ldapmodify -x -H ${p.url} -D '${options.bindDn}' -w '${options.password}'  # make changes`,
    '',
    'Ctrl-C stops the provider.',
  ].join('\n')
}

/** One log line per event at the chosen level, or undefined to stay silent. */
export function logLine(event: ProviderEvent, level: 'quiet' | 'normal' | 'verbose'): string | undefined {
  const c = `[${event.connectionId}]`
  switch (event.type) {
    case 'connectionOpened':
      return `${c} connection from ${event.remoteAddress}:${event.remotePort}${event.tls ? ' (ldaps)' : ''}`
    case 'connectionClosed':
      return `${c} connection closed (${event.reason}${event.detail ? `: ${event.detail}` : ''})`
    case 'requestReceived':
      if (level === 'quiet') return undefined
      return `${c} ← ${describeMessage(event.message)}${level === 'verbose' ? `\n${c}   ${Buffer.from(event.bytes).toString('hex')}` : ''}`
    case 'messageSent':
      if (level === 'quiet') return undefined
      return `${c} → #${event.messageId} ${event.phase ? `[${event.phase}] ` : ''}${event.description}`
    case 'protocolViolation':
      return `${c} protocol violation ${event.code}: ${event.error.message}`
    case 'operationEnded':
      return `${c} operation #${event.messageId} ended: ${event.outcome}${event.resultCode === undefined ? '' : ` (result ${event.resultCode})`}`
    case 'backpressure':
      return level === 'verbose' ? `${c} socket ${event.state} (${event.writableLength} bytes queued)` : undefined
    case 'tlsStarted':
      return `${c} TLS started (${event.protocol ?? 'unknown protocol'})`
    case 'notice':
      return level === 'verbose' ? `${c} note: ${event.message}` : undefined
    case 'scenarioStep':
      return `${c} ${describeStep(event)}`
    case 'scenarioError':
      return `${c} scenario error ${event.code}: ${event.error.message}`
    case 'handshake':
      return `${c} session-hook ${event.record.kind} #${event.record.messageId}: ${event.record.codeLabel}${event.record.response === undefined ? ' (not sent)' : ''}; ${event.record.reason}`
    case 'handshakeViolation':
      return `${c} handshake violation: ${event.violation.message}`
    default: {
      const never: never = event
      return String(never)
    }
  }
}
