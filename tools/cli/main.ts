import { readFileSync } from 'node:fs'
import { CliError } from './cli-error.js'

const HELP = `syncrepl-harness — a test harness for LDAP Content Synchronization (RFC 4533, syncrepl)

Usage: syncrepl-harness <command> [options]

Commands:
  conform         Grade a syncrepl consumer against the RFC 4533 conformance catalogue
                  (the reference consumer by default; --consumer CMD for any program)
  serve           Run the mock provider (slapd 2.5 syncprov behaviour) on 127.0.0.1:3890
  consume         Run the reference consumer against a provider (or dump its stored replica)
  decode [HEX…]   Decode LDAP messages or RFC 4533 / 389-DS values from hex (arguments or stdin)
  fixtures        Generate seeded LDIF (fixtures generate) or list the sample LDIF files
  lint FILE|DIR…  Check scenario files and print every problem as file:line:column
  help [COMMAND]  Show help for a command

Options:
  --version       Print the version
  -h, --help      Show this help`

interface Command {
  readonly run: (args: string[]) => Promise<number>
  readonly help: string
}

/**
 * Each command's module is imported only when it runs: a consumer started once per run by the
 * conformance runner (`consume --contract`) must be listening for SIGTERM within moments, not
 * after loading the provider, the scenario language and the runner it never uses.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  conform: async () => import('./conform.js').then((m) => ({ run: m.runConform, help: m.CONFORM_HELP })),
  serve: async () => import('./serve.js').then((m) => ({ run: m.runServe, help: m.SERVE_HELP })),
  consume: async () => import('./consume.js').then((m) => ({ run: m.runConsume, help: m.CONSUME_HELP })),
  decode: async () => import('./decode.js').then((m) => ({ run: m.runDecode, help: m.DECODE_HELP })),
  fixtures: async () => import('./fixtures.js').then((m) => ({ run: m.runFixtures, help: m.FIXTURES_HELP })),
  lint: async () => import('./lint.js').then((m) => ({ run: m.runLint, help: m.LINT_HELP })),
}

/** Runs the CLI; returns the process exit code (0 success, 1 failure of the work, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === '-h' || command === '--help') {
      process.stdout.write(HELP + '\n')
      return command === undefined ? 2 : 0
    }
    if (command === '--version') {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
      process.stdout.write(pkg.version + '\n')
      return 0
    }
    if (command === 'help') {
      const topic = rest[0]
      const load = topic === undefined ? undefined : COMMANDS[topic]
      process.stdout.write((load ? (await load()).help : HELP) + '\n')
      return 0
    }
    const load = COMMANDS[command]
    if (!load) throw new CliError(`Unknown command "${command}". Run \`syncrepl-harness --help\` for the list of commands.`, 2)
    return await (await load()).run(rest)
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`syncrepl-harness: ${e.message}\n`)
      return e.exitCode
    }
    throw e
  }
}
