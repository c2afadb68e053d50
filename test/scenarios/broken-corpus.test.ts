/**
 * The broken-scenario corpus: every file under test/scenarios/broken/ starts with comment lines
 * `# expect: CODE at LINE:COLUMN` (or `at FILE:LINE:COLUMN` for a problem inside a fixture, FILE
 * relative to the scenario) naming exactly the problems loading it must report. Loading must
 * fail with a ScenarioError carrying exactly those problems, at exactly those positions, and
 * nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { formatProblem, ScenarioError } from '../../scenarios/errors.js'
import { loadScenarioFile, parseScenario } from '../../scenarios/loader.js'

const DIR = join(relative(process.cwd(), dirname(fileURLToPath(import.meta.url))), 'broken')
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()

/** The `# expect:` lines of a file, as `CODE at [FILE:]LINE:COLUMN` strings. */
function expectations(text: string): string[] {
  const out: string[] = []
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break
    const m = /^# expect: (SCENARIO_[A-Z_]+) at ((?:[^:\s]+:)?\d+:\d+)\s*$/.exec(line)
    if (m) out.push(`${m[1]} at ${m[2]}`)
    else if (line.startsWith('# expect')) throw new Error(`Malformed expectation line: ${line}`)
  }
  return out.sort()
}

async function problemsOf(file: string): Promise<ScenarioError> {
  try {
    await loadScenarioFile(file)
  } catch (e) {
    if (e instanceof ScenarioError) return e
    throw new Error(`${file} threw something other than a ScenarioError: ${String(e)}`, { cause: e })
  }
  throw new Error(`${file} loaded without a problem.`)
}

describe('the broken-scenario corpus', () => {
  it('has at least 40 files, each with expectations', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(40)
    for (const f of FILES) {
      const text = readFileSync(join(DIR, f), 'utf8')
      if (text.split('\n').some((l) => l.startsWith('# expect'))) continue
      throw new Error(`${f} has no "# expect:" line`)
    }
  })

  it.each(FILES)('%s yields exactly its expected problems', async (name) => {
    const file = join(DIR, name)
    const text = readFileSync(file, 'utf8')
    const error = await problemsOf(file)
    const actual = error.problems
      .map((p) => `${p.code} at ${p.file === file ? '' : `${relative(dirname(file), p.file)}:`}${p.line}:${p.column}`)
      .sort()
    expect(actual, error.message).toEqual(expectations(text))
    expect(error.code).toBe(error.problems[0]?.code)
    for (const p of error.problems) {
      // Full sentences, and the editor-link form.
      expect(p.message, formatProblem(p)).toMatch(/^\S.*[.)]$/s)
      expect(formatProblem(p).startsWith(`${p.file}:${p.line}:${p.column}: `)).toBe(true)
    }
    // The same text given directly reports the same problems.
    let again: unknown
    try {
      parseScenario(text, file)
    } catch (e) {
      again = e
    }
    expect(again).toBeInstanceOf(ScenarioError)
    expect((again as ScenarioError).problems).toEqual(error.problems)
  })
})
