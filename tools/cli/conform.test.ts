import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runCli } from './run-cli.test-support.js'

/**
 * The conform command on a small catalogue of its own (test/conformance/fixtures/mini-catalogue):
 * one case every consumer passes (both modes), one failing SHOULD and one failing MUST, so exit
 * codes, --strict, exclusions, --unsupported and the report files are judged independently of
 * the real catalogue's contents.
 */
const MINI = 'test/conformance/fixtures/mini-catalogue'

const run = runCli

afterEach(() => vi.restoreAllMocks())

describe('syncrepl-harness conform', () => {
  it('--dry-run lists the selected instances, one line each, and runs nothing', async () => {
    const r = await run(['conform', '--catalogue', MINI, '--dry-run'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('rfc4533/3.3.2/pass/ro  [MUST] Initial content converges')
    expect(r.stdout).toContain('rfc4533/3.3.2/pass/rp  [MUST]')
    expect(r.stdout).toContain('rfc4533/3.3.2/must-fail  [MUST]')
    expect(r.stdout).toContain('4 case instances from 3 cases')
  })

  it('grades: a failed MUST fails the run (exit 1); the reports say the same as the console', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conform-cli-'))
    const r = await run(['conform', '--catalogue', MINI, '--no-color', '--json-report', join(dir, 'r.json'), '--junit-report', join(dir, 'j.xml'), '--html-report', join(dir, 'html')])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/FAIL\s+rfc4533\/3\.3\.2\/must-fail/)
    expect(r.stdout).toMatch(/NON-STRICT\s+rfc4533\/3\.3\.2\/should-fail/)
    expect(r.stdout).toContain('the replica lacks 00000000-0000-4000-8000-0000000000ff')
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { exitCode: number; cases: Record<string, { grade: string }> }
    expect(json.exitCode).toBe(1)
    expect(Object.fromEntries(Object.entries(json.cases).map(([id, c]) => [id, c.grade]))).toEqual({
      'rfc4533/3.3.2/must-fail': 'FAIL',
      'rfc4533/3.3.2/pass/ro': 'PASS',
      'rfc4533/3.3.2/pass/rp': 'PASS',
      'rfc4533/3.3.2/should-fail': 'NON-STRICT',
    })
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toMatch(/<testsuites[^>]* tests="4" failures="1"/)
    expect(readFileSync(join(dir, 'html', 'index.html'), 'utf8')).toContain('rfc4533/3.3.2/must-fail')
  })

  it('an exclusion file turns a case UNSUPPORTED with its reason; NON-STRICT fails only with --strict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conform-cli-'))
    const file = join(dir, 'exclude.txt')
    writeFileSync(file, '# known bugs of this consumer\nrfc4533/3.3.2/must-*   # tracked upstream as #12\n')
    const lenient = await run(['conform', '--catalogue', MINI, '--no-color', '--exclude-file', file])
    expect(lenient.status).toBe(0)
    expect(lenient.stdout).toMatch(/UNSUPPORTED\s+rfc4533\/3\.3\.2\/must-fail/)
    expect(lenient.stdout).toContain(`excluded by ${file}:2: tracked upstream as #12`)
    const strict = await run(['conform', '--catalogue', MINI, '--no-color', '--exclude-file', file, '--strict'])
    expect(strict.status).toBe(1)
  })

  it('--unsupported grades the cases needing the feature UNSUPPORTED without running them', async () => {
    const r = await run(['conform', '--catalogue', MINI, '--no-color', '--unsupported', 'refreshAndPersist', 'rfc4533/3.3.2/pass'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/UNSUPPORTED\s+rfc4533\/3\.3\.2\/pass\/rp/)
    expect(r.stdout).toMatch(/PASS\s+rfc4533\/3\.3\.2\/pass\/ro/)
  })

  it('usage errors exit 2 with a sentence saying what was wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['--jobs', '0'], /--jobs takes a whole number/],
      [['--unsupported', 'telepathy'], /--unsupported names "telepathy"; the features are/],
      [['no/such/case'], /No case matches no\/such\/case/],
      [['--exclude-file', '/nonexistent/x'], /Cannot read \/nonexistent\/x/],
      [['--time-scale', '0'], /--time-scale takes a number above 0/],
    ]
    for (const [args, message] of cases) {
      const r = await run(['conform', '--catalogue', MINI, ...args])
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
  })

  it('a broken case file stops the run before anything starts, naming file:line:column', async () => {
    const r = await run(['conform', '--catalogue', 'test/conformance/fixtures/broken-catalogue'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/broken-catalogue\/bad\.yaml:5:10: conformance\.level is "MUSTY"; it must be one of: MUST, SHOULD, MAY\./)
  })
})
