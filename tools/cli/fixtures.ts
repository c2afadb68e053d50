import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  DEFAULT_SUFFIX,
  GeneratorError,
  SAMPLES_DIRECTORY,
  SAMPLES_SUFFIX,
  SampleFixtureError,
  defaultGroupCount,
  generateLdif,
  listSampleFixtures,
} from '../../fixtures/index.js'
import { CliError } from './cli-error.js'

const MAX_COUNT = 10_000_000
/** Below this many people a run takes well under a second, so a terminal gets no progress unless asked. */
const PROGRESS_THRESHOLD = 10_000
/** Output is gathered into writes of about this many characters. */
const BATCH = 1 << 20

export const FIXTURES_HELP = `Usage: syncrepl-harness fixtures <generate | list> [options]

Directory data for scenarios, the mock provider and a real slapd.

syncrepl-harness fixtures generate --count N --seed S [options]
  Writes a seeded directory as LDIF: the suffix entry, ou=people with N people
  (inetOrgPerson), ou=groups with G groups of them (groupOfNames), each entry with its
  entryUUID. The same options give the same bytes on every machine, and the same entries
  and entryUUIDs as \`syncrepl-harness serve --generate N --seed S\`.

  --count N           How many people, 0 to ${MAX_COUNT.toLocaleString('en-US')}
  --seed S            The seed: a whole number or a word
  --groups G          How many groups (default: one per 50 people, at least 1)
  --suffix DN         Naming context (default ${DEFAULT_SUFFIX})
  --out FILE          Write to FILE instead of stdout
  --no-entry-uuid     Leave entryUUID out (plain ldapadd refuses it; see below)
  --progress          Report progress on stderr (default: only on a terminal, and only
                      from ${PROGRESS_THRESHOLD.toLocaleString('en-US')} people up)

  The LDIF has no "version:" line, because slapadd 2.5 refuses one:
    slapadd -q -f slapd.conf -l people.ldif
    ldapadd -x -e relax -H URL -D cn=admin,${DEFAULT_SUFFIX} -w secret -f people.ldif
  (-e relax: entryUUID is NO-USER-MODIFICATION, so slapd takes it only with Relax Rules.)

syncrepl-harness fixtures list
  Lists the hand-written sample LDIF files (fixtures/samples/) and what each is for.

Exit codes: 0 done, 1 the LDIF could not be written, 2 usage error.`

/** `syncrepl-harness fixtures …`; returns the exit code. */
export async function runFixtures(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args
  switch (subcommand) {
    case undefined:
      process.stdout.write(FIXTURES_HELP + '\n')
      return 2
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(FIXTURES_HELP + '\n')
      return 0
    case 'generate':
      return generate(rest)
    case 'list':
      return list(rest)
    default:
      throw new CliError(`Unknown fixtures command "${subcommand}"; use "fixtures generate" or "fixtures list" (see \`syncrepl-harness fixtures --help\`).`, 2)
  }
}

async function generate(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      options: {
        count: { type: 'string' },
        seed: { type: 'string' },
        groups: { type: 'string' },
        suffix: { type: 'string' },
        out: { type: 'string' },
        'no-entry-uuid': { type: 'boolean' },
        progress: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run \`syncrepl-harness fixtures --help\`.`, 2)
  }
  const v = parsed.values
  if (v.help) {
    process.stdout.write(FIXTURES_HELP + '\n')
    return 0
  }
  if (v.count === undefined) throw new CliError('fixtures generate needs --count N, the number of people to generate.', 2)
  if (v.seed === undefined) throw new CliError('fixtures generate needs --seed S (a whole number or a word); the same seed gives the same LDIF.', 2)
  if (v.out === '') throw new CliError('--out needs a file name; leave it out to write to stdout.', 2)
  const count = wholeNumber(v.count, '--count')
  const groups = v.groups === undefined ? undefined : wholeNumber(v.groups, '--groups')
  const suffix = v.suffix ?? DEFAULT_SUFFIX
  const options = { count, seed: seedOf(v.seed), suffix, includeEntryUUID: !v['no-entry-uuid'], ...(groups === undefined ? {} : { groups }) }

  // The generator checks its options when first asked for an entry: ask before touching the output.
  const chunks = generateLdif(options)
  let first: IteratorResult<string, void>
  try {
    first = chunks.next()
  } catch (e) {
    if (e instanceof GeneratorError) throw new CliError(e.message, 2)
    throw e
  }
  const total = 3 + count + (groups ?? defaultGroupCount(count))
  const progress = v.progress || (process.stderr.isTTY === true && count >= PROGRESS_THRESHOLD)
    ? new Progress(total, v.out ?? 'stdout', process.stderr.isTTY === true)
    : undefined
  const all = (function* () {
    if (first.done !== true) yield first.value
    yield* chunks
  })()
  if (v.out === undefined) await writeToStdout(all, progress)
  else writeToFile(v.out, all, progress)
  return 0
}

function list(args: string[]): number {
  let parsed
  try {
    parsed = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } })
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run \`syncrepl-harness fixtures --help\`.`, 2)
  }
  if (parsed.values.help) {
    process.stdout.write(FIXTURES_HELP + '\n')
    return 0
  }
  let samples
  try {
    samples = listSampleFixtures()
  } catch (e) {
    if (e instanceof SampleFixtureError || (e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError((e as Error).message, 1)
    throw e
  }
  const width = Math.max(...samples.map((s) => s.name.length)) + '.ldif'.length + 2
  const lines = [
    `Sample LDIF fixtures in ${SAMPLES_DIRECTORY} (suffix ${SAMPLES_SUFFIX}, fixed entryUUIDs):`,
    '',
    ...samples.map((s) => `  ${(s.name + '.ldif').padEnd(width)}${s.purpose}`),
    '',
    `Serve one with: syncrepl-harness serve --ldif ${samples[0]?.path ?? '<file>'}`,
  ]
  process.stdout.write(lines.join('\n') + '\n')
  return 0
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) > MAX_COUNT) {
    throw new CliError(`${flag} takes a whole number from 0 to ${MAX_COUNT}, not ${JSON.stringify(text)}.`, 2)
  }
  return Number(text)
}

/** As `serve --seed`: digits are a number seed, anything else a string seed (the generator keeps them apart). */
function seedOf(text: string): number | string {
  if (text === '') throw new CliError('--seed needs a value: a whole number or a word.', 2)
  if (!/^\d+$/.test(text)) return text
  const n = Number(text)
  if (!Number.isSafeInteger(n)) {
    throw new CliError(`--seed ${text} is too large to be a number seed (at most ${Number.MAX_SAFE_INTEGER}); use a smaller number or a word.`, 2)
  }
  return n
}

/** Gathers chunks into batches of about BATCH characters; counts entries (one chunk each) for progress. */
function* batches(chunks: Iterable<string>, progress: Progress | undefined): Generator<string, void, undefined> {
  let pending = ''
  let entries = 0
  for (const chunk of chunks) {
    pending += chunk
    entries++
    if (pending.length >= BATCH) {
      progress?.update(entries)
      yield pending
      pending = ''
    }
  }
  if (pending !== '') yield pending
  progress?.update(entries)
}

async function writeToStdout(chunks: Iterable<string>, progress: Progress | undefined): Promise<void> {
  const out = process.stdout
  let failed: NodeJS.ErrnoException | undefined
  // Kept for the rest of the process: stdout reports a failed write asynchronously, possibly
  // after the last one. A reader that went away (`| head`) ends the run quietly, like any filter.
  out.on('error', (error: NodeJS.ErrnoException) => {
    failed = error
  })
  let bytes = 0
  for (const batch of batches(chunks, progress)) {
    if (failed !== undefined) break
    bytes += Buffer.byteLength(batch)
    if (!out.write(batch)) await drainOrError(out)
  }
  if (failed !== undefined && failed.code !== 'EPIPE') {
    throw new CliError(`Writing the LDIF to stdout failed after ${bytes} bytes: ${failed.message}.`, 1)
  }
  if (failed === undefined) progress?.finish(bytes)
}

function drainOrError(out: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done)
      out.off('error', done)
      resolve()
    }
    out.on('drain', done)
    out.on('error', done)
  })
}

function writeToFile(path: string, chunks: Iterable<string>, progress: Progress | undefined): void {
  let fd: number
  try {
    fd = openSync(path, 'w')
  } catch (e) {
    throw new CliError(`Cannot write the LDIF to ${JSON.stringify(path)}: ${(e as Error).message}.`, 1)
  }
  let bytes = 0
  try {
    for (const batch of batches(chunks, progress)) bytes += writeSync(fd, batch)
  } catch (e) {
    closeSync(fd)
    // A half-written file would load as a smaller directory without complaint: remove it.
    try {
      unlinkSync(path)
    } catch {
      // Nothing more to do; the message below says what failed.
    }
    throw new CliError(`Writing the LDIF to ${JSON.stringify(path)} failed after ${bytes} bytes, so the file was removed: ${(e as Error).message}.`, 1)
  }
  closeSync(fd)
  progress?.finish(bytes)
}

/** Progress on stderr: one line rewritten in place on a terminal, a line per tenth otherwise. */
class Progress {
  private readonly started = Date.now()
  private lastStep = -1

  constructor(
    private readonly total: number,
    private readonly target: string,
    private readonly tty: boolean,
  ) {}

  update(entries: number): void {
    const step = this.total === 0 ? 100 : Math.floor((entries / this.total) * (this.tty ? 100 : 10))
    if (step === this.lastStep) return
    this.lastStep = step
    const line = `fixtures generate: ${entries.toLocaleString('en-US')} of ${this.total.toLocaleString('en-US')} entries`
    process.stderr.write(this.tty ? `\r${line}` : `${line}\n`)
  }

  finish(bytes: number): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1)
    const done = `fixtures generate: wrote ${this.total.toLocaleString('en-US')} entries (${(bytes / 1e6).toFixed(1)} MB) to ${this.target} in ${seconds} s`
    process.stderr.write(this.tty ? `\r${done}\n` : `${done}\n`)
  }
}
