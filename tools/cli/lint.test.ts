import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runCli } from './run-cli.test-support.js'

const BIN = fileURLToPath(new URL('../../bin/syncrepl-harness.js', import.meta.url))

const run = runCli

afterEach(() => vi.restoreAllMocks())

describe('syncrepl-harness lint', () => {
  it('is the built command: says "N files OK" and exits 0 for clean files and directories', () => {
    const r = spawnSync(process.execPath, [BIN, 'lint', 'test/scenarios/good', 'test/scenarios/good/minimal.yaml'], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('6 files OK\n')
    expect(r.status).toBe(0)
  })

  it('prints every problem as file:line:column: message (hint) and exits 1', async () => {
    const r = await run(['lint', 'test/scenarios/broken/unknown-knob.yaml', 'test/scenarios/broken/ldif-bad-line.yaml', 'test/scenarios/good/minimal.yaml'])
    expect(r.status).toBe(1)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(5)
    expect(lines[0]).toMatch(/^test\/scenarios\/broken\/unknown-knob\.yaml:8:12: Unknown dialect knob "presentBatchSiz" in provider\.knobs; .* \(did you mean "presentBatchSize"\?\)$/)
    expect(lines[1]).toMatch(/^test\/scenarios\/broken\/unknown-knob\.yaml:12:20: /)
    expect(lines[2]).toMatch(/^test\/scenarios\/broken\/unknown-knob\.yaml:12:38: /)
    // An LDIF problem is reported at the LDIF file's own position.
    expect(lines[3]).toMatch(/^test\/scenarios\/broken\/fixtures\/bad-line\.ldif:8:23: This line has no ':'.*\(LDIF_BAD_LINE, listed at test\/scenarios\/broken\/ldif-bad-line\.yaml:6:9\)$/)
    expect(lines[4]).toBe('4 problems in 2 of 3 files')
  })

  it('prints the report as JSON with --json, and skips fixtures with --no-fixtures', async () => {
    const r = await run(['lint', '--json', 'test/scenarios/broken/ldif-missing.yaml'])
    expect(r.status).toBe(1)
    const report = JSON.parse(r.stdout) as { ok: boolean; problemCount: number; files: { problems: { code: string; line: number; column: number }[] }[] }
    expect(report).toMatchObject({ ok: false, problemCount: 1, files: [{ problems: [{ code: 'SCENARIO_FIXTURE_MISSING', line: 6, column: 28 }] }] })
    expect((await run(['lint', '--no-fixtures', 'test/scenarios/broken/ldif-missing.yaml'])).stdout).toBe('1 file OK\n')
  })

  it('exits 2 for usage errors', async () => {
    const none = await run(['lint'])
    expect(none.status).toBe(2)
    expect(none.stderr).toMatch(/Name at least one scenario file or directory/)
    const missing = await run(['lint', 'no/such/file.yaml'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toBe('syncrepl-harness: No such file or directory: no/such/file.yaml.\n')
    const empty = await run(['lint', mkdtempSync(join(tmpdir(), 'lint-empty-'))])
    expect(empty.status).toBe(2)
    expect(empty.stderr).toMatch(/holds no scenario files/)
    expect((await run(['lint', '--frobnicate', 'x'])).status).toBe(2)
    const help = await run(['help', 'lint'])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Usage: syncrepl-harness lint/)
  })
})
