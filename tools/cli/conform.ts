import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { CatalogueError, CATALOGUE_DIR, loadCatalogue, readExclusions, selectCases } from '../conform/catalogue.js'
import type { Exclusion } from '../conform/catalogue.js'
import { CommandDriver } from '../conform/drivers/command.js'
import { ReferenceDriver } from '../conform/drivers/reference.js'
import type { ConsumerDriver } from '../conform/drivers/types.js'
import { formatCaseLine, formatSummary, renderJUnit, renderJson, writeHtmlReport } from '../conform/reporters/index.js'
import { runConformance } from '../conform/runner.js'
import { CliError } from './cli-error.js'

export const CONFORM_HELP = `Usage: syncrepl-harness conform [options] [CASE-GLOB…]

Grades a syncrepl consumer against the conformance catalogue (scenarios/conformance/): per case it
starts the mock provider with the case's scenario, runs the consumer (once per run of the case),
and judges its final replica, the cookie it keeps and what it sent on the wire. Without
--consumer it grades the reference consumer, in-process. docs/conformance.md explains the cases and
the grades; docs/consumer-contract.md how to plug in any consumer program.

Options:
  --consumer CMD        The consumer under test: a shell command run once per consumer run with
                        the SYNCREPL_* variables (docs/consumer-contract.md)
  --unsupported F,…     Features the consumer lacks (refreshOnly, refreshAndPersist, handshake,
                        reconnect): their cases grade UNSUPPORTED without running
  --exclude-file FILE   Case-id globs to skip for this consumer, one per line (# comments; a reason
                        after # on a glob's line); they grade UNSUPPORTED with the reason
  --tag T               Only cases with this tag (a mode or dialect name works too); repeatable
  --strict              NON-STRICT counts as a failure
  --dry-run             List the selected cases and exit
  --junit-report FILE   Write JUnit XML
  --json-report FILE    Write the verdicts as JSON
  --html-report DIR     Write one self-contained HTML page, DIR/index.html
  --jobs N              Cases at once (default: 4 × CPUs in-process, CPUs + 1 for a command)
  --time-scale X        Multiply every time limit by X (slow consumers; default 1)
  --keep-state DIR      Keep every case's state directory under DIR
  --catalogue DIR       Another catalogue directory (default: the built-in one)
  -v, --verbose         Print every case's findings, not only the failed ones
  --no-color            No ANSI colours
  -h, --help            Show this help

CASE-GLOB: case ids such as rfc4533/3.3.2/present-phase-syncidset-batches; * matches within one
path segment, ** across segments, and a glob without * selects everything below it
(e.g. rfc4533/3.4).

Exit codes: 0 no FAIL, TIMEOUT or ERROR (and no NON-STRICT with --strict); 1 otherwise;
2 usage error or a broken catalogue.`

export async function runConform(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        consumer: { type: 'string' },
        unsupported: { type: 'string' },
        'exclude-file': { type: 'string' },
        tag: { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'junit-report': { type: 'string' },
        'json-report': { type: 'string' },
        'html-report': { type: 'string' },
        jobs: { type: 'string' },
        'time-scale': { type: 'string' },
        'keep-state': { type: 'string' },
        catalogue: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run \`syncrepl-harness conform --help\`.`, 2)
  }
  const v = parsed.values
  if (v.help) {
    process.stdout.write(CONFORM_HELP + '\n')
    return 0
  }
  const jobs = v.jobs === undefined ? undefined : Number(v.jobs)
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) throw new CliError(`--jobs takes a whole number of cases at once (1 or more), not ${JSON.stringify(v.jobs)}.`, 2)
  const timeScale = v['time-scale'] === undefined ? 1 : Number(v['time-scale'])
  if (!(timeScale > 0)) throw new CliError(`--time-scale takes a number above 0, not ${JSON.stringify(v['time-scale'])}.`, 2)
  const unsupported = new Set((v.unsupported ?? '').split(',').map((s) => s.trim()).filter(Boolean))
  const known = ['refreshOnly', 'refreshAndPersist', 'handshake', 'reconnect']
  for (const f of unsupported) if (!known.includes(f)) throw new CliError(`--unsupported names "${f}"; the features are ${known.join(', ')}.`, 2)

  let exclusions: Exclusion[] = []
  let cases
  try {
    if (v['exclude-file'] !== undefined) exclusions = await readExclusions(v['exclude-file'])
    cases = selectCases(await loadCatalogue(v.catalogue === undefined ? CATALOGUE_DIR : resolve(v.catalogue)), { globs: parsed.positionals, tags: v.tag ?? [] })
  } catch (e) {
    if (e instanceof CatalogueError) throw new CliError(e.message, 2)
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`Cannot read ${(e as NodeJS.ErrnoException).path ?? 'a file'}: it does not exist.`, 2)
    throw e
  }
  if (cases.length === 0) throw new CliError(`No case matches ${[...parsed.positionals, ...(v.tag ?? []).map((t) => `tag ${t}`)].join(', ')}. Run \`syncrepl-harness conform --dry-run\` for the list.`, 2)
  if (v['dry-run']) {
    for (const c of cases) process.stdout.write(`${c.id}  [${c.conformance.level}] ${c.scenario.meta.title}\n`)
    process.stdout.write(`${cases.length} case instances from ${new Set(cases.map((c) => c.caseId)).size} cases\n`)
    return 0
  }
  const driver: ConsumerDriver = v.consumer === undefined ? new ReferenceDriver() : new CommandDriver(v.consumer)
  const color = v['no-color'] !== true && process.stdout.isTTY === true && process.env.NO_COLOR === undefined
  process.stdout.write(`Grading ${driver.name} against ${cases.length} case instances\n`)
  const report = await runConformance(cases, {
    driver,
    unsupported,
    exclusions,
    strict: v.strict === true,
    timeScale,
    ...(jobs === undefined ? {} : { jobs }),
    ...(v['keep-state'] === undefined ? {} : { keepStateIn: resolve(v['keep-state']) }),
    onResult: (result) => {
      process.stdout.write(formatCaseLine(result, { color }) + '\n')
      if (v.verbose === true) for (const f of result.findings) process.stdout.write(`      ${f.passed ? 'ok  ' : f.grade.padEnd(4)} ${f.check}: ${f.observed}${f.passed ? '' : ` (expected ${f.expected.join(' | ')})`}\n`)
    },
  })
  process.stdout.write('\n' + formatSummary(report, { color }) + '\n')
  const written: string[] = []
  if (v['junit-report'] !== undefined) written.push(await writeOut(v['junit-report'], renderJUnit(report)))
  if (v['json-report'] !== undefined) written.push(await writeOut(v['json-report'], renderJson(report)))
  if (v['html-report'] !== undefined) written.push(await writeHtmlReport(report, resolve(v['html-report'])))
  for (const path of written) process.stdout.write(`wrote ${path}\n`)
  return report.exitCode
}

async function writeOut(path: string, text: string): Promise<string> {
  const full = resolve(path)
  await mkdir(dirname(full), { recursive: true })
  await writeFile(full, text)
  return full
}
