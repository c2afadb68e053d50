import { readFileSync } from 'node:fs'
import { runDecode, DECODE_HELP } from './decode.js'
import { CliError } from './cli-error.js'
import { runServe, SERVE_HELP } from './serve.js'
import { runConsume, CONSUME_HELP } from './consume.js'
import { runFixtures, FIXTURES_HELP } from './fixtures.js'
import { runLint, LINT_HELP } from './lint.js'
import { runConform, CONFORM_HELP } from './conform.js'

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

const COMMANDS: Record<string, { run: (args: string[]) => Promise<number>; help: string }> = {
  conform: { run: runConform, help: CONFORM_HELP },
  serve: { run: runServe, help: SERVE_HELP },
  consume: { run: runConsume, help: CONSUME_HELP },
  decode: { run: runDecode, help: DECODE_HELP },
  fixtures: { run: runFixtures, help: FIXTURES_HELP },
  lint: { run: runLint, help: LINT_HELP },
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
      const entry = topic === undefined ? undefined : COMMANDS[topic]
      process.stdout.write((entry ? entry.help : HELP) + '\n')
      return 0
    }
    const entry = COMMANDS[command]
    if (!entry) throw new CliError(`Unknown command "${command}". Run \`syncrepl-harness --help\` for the list of commands.`, 2)
    return await entry.run(rest)
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`syncrepl-harness: ${e.message}\n`)
      return e.exitCode
    }
    throw e
  }
}
