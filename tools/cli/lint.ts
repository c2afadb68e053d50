import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { formatProblem } from '../../scenarios/errors.js'
import { expandPaths, lintFiles } from '../../scenarios/lint.js'
import { CliError } from './cli-error.js'

export const LINT_HELP = `Usage: syncrepl-harness lint [options] FILE|DIR…

Checks scenario files (YAML, see docs/scenarios.md) and prints every problem of every file, one a
line, as FILE:LINE:COLUMN: message (hint). A directory stands for the *.yaml and *.yml files under
it. Checked: YAML syntax, unknown keys (with "did you mean"), types and ranges, DNs, filters, hex,
UUIDs, durations, dialect knobs, LDIF fixtures (they must exist and parse), TLS files, step names,
and triggers or actions that can never work.

Options:
  --json          Print the whole report as JSON instead
  --no-fixtures   Do not open fixture files (LDIF, TLS certificate and key)
  -h, --help      Show this help

Exit codes: 0 every file is clean ("N files OK"), 1 some file has a problem, 2 a usage error
(no file named, a path that does not exist, a directory without scenario files).

Example:
  syncrepl-harness lint scenarios/`

export async function runLint(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, 'no-fixtures': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run \`syncrepl-harness lint --help\`.`, 2)
  }
  if (parsed.values.help) {
    process.stdout.write(LINT_HELP + '\n')
    return 0
  }
  const paths = parsed.positionals
  if (paths.length === 0) throw new CliError('Name at least one scenario file or directory: syncrepl-harness lint FILE|DIR…', 2)
  for (const path of paths) {
    if (!existsSync(path)) throw new CliError(`No such file or directory: ${path}.`, 2)
  }
  for (const path of paths) {
    if ((await expandPaths([path])).length === 0) throw new CliError(`The directory ${path} holds no scenario files (*.yaml, *.yml).`, 2)
  }
  const report = await lintFiles(paths, { checkFixtures: parsed.values['no-fixtures'] !== true })
  if (parsed.values.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n')
    return report.ok ? 0 : 1
  }
  const lines: string[] = []
  for (const file of report.files) for (const problem of file.problems) lines.push(formatProblem(problem))
  const files = report.files.length
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
  if (report.ok) {
    lines.push(`${plural(files, 'file')} OK`)
  } else {
    const failing = report.files.filter((f) => f.problems.length > 0).length
    lines.push(`${plural(report.problemCount, 'problem')} in ${failing} of ${plural(files, 'file')}`)
  }
  process.stdout.write(lines.join('\n') + '\n')
  return report.ok ? 0 : 1
}
