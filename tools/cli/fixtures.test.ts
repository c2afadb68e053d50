/**
 * `syncrepl-harness fixtures` as users run it: the built command in a child process. That its
 * output loads into a real slapd 2.5 with slapadd is checked in
 * test/interop/sample-fixtures-slapd.test.ts.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { generateLdifText, listSampleFixtures, parseLdif } from '../../fixtures/index.js'
import { CliError } from './cli-error.js'
import { FIXTURES_HELP, runFixtures } from './fixtures.js'
import { main } from './main.js'

const BIN = fileURLToPath(new URL('../../bin/syncrepl-harness.js', import.meta.url))

interface Run {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the command to its end; stdout and stderr are pipes, so neither is a terminal. */
function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('error', reject)
    child.once('close', (status) => resolve({ status, stdout, stderr }))
  })
}

/** Runs `fixtures …` in this process: usage errors and failures come back as the CliError main() would print. */
async function runInProcess(args: string[]): Promise<number | CliError> {
  try {
    return await runFixtures(args)
  } catch (e) {
    if (e instanceof CliError) return e
    throw e
  }
}

describe('syncrepl-harness fixtures generate', () => {
  const work = mkdtempSync(join(tmpdir(), 'syncrepl-fixtures-cli-'))
  afterAll(() => rmSync(work, { recursive: true, force: true }))
  const file = (name: string) => join(work, name)

  it('writes the generator’s LDIF to stdout, without a version line (the built command)', async () => {
    const r = await run(['fixtures', 'generate', '--count', '50', '--seed', '7'])
    expect([r.status, r.stderr]).toEqual([0, ''])
    // Digits are a number seed, as for `serve --generate 50 --seed 7`.
    expect(r.stdout).toBe(generateLdifText({ count: 50, seed: 7 }))
    expect(r.stdout.startsWith('dn: dc=example,dc=com\n')).toBe(true)
    expect(parseLdif(r.stdout)).toHaveLength(3 + 50 + 1)
  })

  it('writes the same bytes to --out, other bytes for another seed, and a word seed as a string seed', async () => {
    expect(await runInProcess(['generate', '--count', '50', '--seed', '7', '--out', file('a.ldif')])).toBe(0)
    expect(await runInProcess(['generate', '--count', '50', '--seed', '7', '--out', file('b.ldif')])).toBe(0)
    expect(await runInProcess(['generate', '--count', '50', '--seed', '8', '--out', file('c.ldif')])).toBe(0)
    expect(await runInProcess(['generate', '--count', '50', '--seed', 'seven', '--out', file('d.ldif')])).toBe(0)
    const a = readFileSync(file('a.ldif'), 'utf8')
    expect(a).toBe(generateLdifText({ count: 50, seed: 7 }))
    expect(readFileSync(file('b.ldif'), 'utf8')).toBe(a)
    expect(readFileSync(file('c.ldif'), 'utf8')).not.toBe(a)
    expect(readFileSync(file('d.ldif'), 'utf8')).toBe(generateLdifText({ count: 50, seed: 'seven' }))
  })

  it('passes --groups, --suffix and --no-entry-uuid to the generator', async () => {
    expect(await runInProcess(['generate', '--count', '5', '--seed', 's', '--groups', '2', '--suffix', 'o=Test', '--no-entry-uuid', '--out', file('opts.ldif')])).toBe(0)
    const text = readFileSync(file('opts.ldif'), 'utf8')
    expect(text).toBe(generateLdifText({ count: 5, seed: 's', groups: 2, suffix: 'o=Test', includeEntryUUID: false }))
    expect(text).not.toContain('entryUUID')
  })

  it('reports progress on stderr with --progress, and not otherwise when stderr is no terminal', async () => {
    const written: string[] = []
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    try {
      // At the threshold where a terminal would get progress; vitest's stderr is no terminal.
      expect(process.stderr.isTTY).not.toBe(true)
      expect(await runInProcess(['generate', '--count', '10000', '--seed', '3', '--out', file('quiet.ldif')])).toBe(0)
      expect(written).toEqual([])
      expect(await runInProcess(['generate', '--count', '40', '--seed', '3', '--out', file('loud.ldif'), '--progress'])).toBe(0)
    } finally {
      spy.mockRestore()
    }
    expect(written.join('')).toMatch(/^fixtures generate: 44 of 44 entries\nfixtures generate: wrote 44 entries \(0\.0 MB\) to .*loud\.ldif in \d+\.\d s\n$/)
    expect(readFileSync(file('quiet.ldif'), 'utf8')).toBe(generateLdifText({ count: 10_000, seed: 3 }))
  })

  it('refuses bad usage with a usage error (exit 2) before writing anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--count', 'x', '--seed', '1'], /^--count takes a whole number from 0 to 10000000, not "x"\.$/],
      [['--count', '1.5', '--seed', '1'], /^--count takes a whole number .* not "1\.5"\.$/],
      [['--count', '10000001', '--seed', '1'], /^--count takes a whole number from 0 to 10000000/],
      [['--count', '3', '--seed', '1', '--groups', 'many'], /^--groups takes a whole number .* not "many"\.$/],
      [['--seed', '1'], /^fixtures generate needs --count N/],
      [['--count', '3'], /^fixtures generate needs --seed S/],
      [['--count', '3', '--seed', '99999999999999999999'], /^--seed 99999999999999999999 is too large to be a number seed/],
      [['--count', '3', '--seed', '1', '--colour'], /^Unknown option '--colour'\. Run `syncrepl-harness fixtures --help`\.$/],
      [['--count', '3', '--seed', '1', 'extra'], /^Unexpected argument 'extra'/],
      [['--count', '0', '--seed', '1', '--groups', '2'], /asks for 2 groups but count is 0/],
      [['--count', '3', '--seed', '1', '--suffix', 'cn=config'], /^The suffix 'cn=config' does not start with a plain dc=, o= or ou= RDN/],
      [['--count', '3', '--seed', '1', '--out', ''], /^--out needs a file name/],
    ]
    for (const [args, message] of cases) {
      const out = file(`never-${cases.findIndex((c) => c[0] === args)}.ldif`)
      const result = await runInProcess(['generate', ...args, ...(args.includes('--out') ? [] : ['--out', out])])
      expect(result, args.join(' ')).toBeInstanceOf(CliError)
      expect((result as CliError).exitCode, args.join(' ')).toBe(2)
      expect((result as CliError).message).toMatch(message)
      expect(existsSync(out), args.join(' ')).toBe(false)
    }
    expect(await runInProcess(['make'])).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^Unknown fixtures command "make"; use "fixtures generate" or "fixtures list"/) })
    expect(await runInProcess(['list', 'extra'])).toMatchObject({ exitCode: 2 })
  })

  it('fails (exit 1) when the output file cannot be written', async () => {
    const missingDir = await runInProcess(['generate', '--count', '3', '--seed', '1', '--out', join(work, 'no', 'such', 'dir.ldif')])
    expect(missingDir).toMatchObject({ exitCode: 1, message: expect.stringMatching(/^Cannot write the LDIF to ".*dir\.ldif": ENOENT/) })
    const directory = await runInProcess(['generate', '--count', '3', '--seed', '1', '--out', work])
    expect(directory).toMatchObject({ exitCode: 1, message: expect.stringMatching(/^Cannot write the LDIF to ".*": EISDIR/) })
  })

  it('prints usage errors as one line on stderr with exit 2, and write failures with exit 1 (the built command)', async () => {
    const [usage, failure] = await Promise.all([
      run(['fixtures', 'generate', '--count', 'x', '--seed', '1']),
      run(['fixtures', 'generate', '--count', '3', '--seed', '1', '--out', join(work, 'no', 'such', 'dir.ldif')]),
    ])
    expect(usage).toEqual({ status: 2, stdout: '', stderr: 'syncrepl-harness: --count takes a whole number from 0 to 10000000, not "x".\n' })
    expect(failure.status).toBe(1)
    expect(failure.stderr).toMatch(/^syncrepl-harness: Cannot write the LDIF to .*\n$/)
  })

  it('stops quietly with exit 0 when the reader of stdout goes away (| head)', async () => {
    const child = spawn(process.execPath, [BIN, 'fixtures', 'generate', '--count', '1000000', '--seed', '1'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.stdout.once('data', () => child.stdout.destroy())
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve))
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' })
  })
})

describe('syncrepl-harness fixtures list and help', () => {
  it('lists every sample file with its purpose', async () => {
    const { result, stdout } = await captureStdout(() => main(['fixtures', 'list']))
    expect(result).toBe(0)
    const samples = listSampleFixtures()
    expect(samples).toHaveLength(5)
    for (const sample of samples) expect(stdout).toMatch(new RegExp(`^  ${sample.name}\\.ldif +${escape(sample.purpose)}$`, 'm'))
    expect(stdout).toMatch(/^Sample LDIF fixtures in .*fixtures\/samples\/ \(suffix dc=example,dc=com, fixed entryUUIDs\):$/m)
  })

  it('shows its help from `fixtures --help` and `help fixtures`, and is listed in the main help', async () => {
    expect(await captureStdout(() => main(['fixtures', '--help']))).toEqual({ result: 0, stdout: FIXTURES_HELP + '\n' })
    expect(await captureStdout(() => main(['help', 'fixtures']))).toEqual({ result: 0, stdout: FIXTURES_HELP + '\n' })
    expect(await captureStdout(() => main(['fixtures']))).toEqual({ result: 2, stdout: FIXTURES_HELP + '\n' })
    expect((await captureStdout(() => main(['--help']))).stdout).toMatch(/^ {2}fixtures +Generate seeded LDIF/m)
  })
})

/** Runs `fn` with process.stdout.write captured. */
async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  let stdout = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
  try {
    return { result: await fn(), stdout }
  } finally {
    spy.mockRestore()
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
