/**
 * Linting: load every scenario named (files, or directories searched for *.yaml and *.yml) and
 * collect all their problems. The report is data; tools/cli/lint.ts renders it.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ScenarioError } from './errors.js'
import type { ScenarioProblem } from './errors.js'
import { loadScenarioFile } from './loader.js'
import type { LoadOptions } from './loader.js'

export interface LintFileReport {
  readonly file: string
  /** Empty when the file is clean. */
  readonly problems: readonly ScenarioProblem[]
}

export interface LintReport {
  readonly files: readonly LintFileReport[]
  readonly problemCount: number
  /** True when no file has a problem. */
  readonly ok: boolean
}

/**
 * @example
 * const report = await lintFiles(['scenarios/'])
 * for (const f of report.files) for (const p of f.problems) console.log(formatProblem(p))
 */
export async function lintFiles(paths: readonly string[], options: LoadOptions = {}): Promise<LintReport> {
  const files: LintFileReport[] = []
  for (const file of await expandPaths(paths)) {
    try {
      await loadScenarioFile(file, options)
      files.push({ file, problems: [] })
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e
      files.push({ file, problems: e.problems })
    }
  }
  const problemCount = files.reduce((n, f) => n + f.problems.length, 0)
  return { files, problemCount, ok: problemCount === 0 }
}

const SCENARIO_FILE = /\.ya?ml$/i

/**
 * Files as given; directories replaced by the scenario files under them (sorted, recursively).
 * A path that does not exist stays, so that linting reports it as unreadable.
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = []
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined)
    if (info?.isDirectory() === true) out.push(...(await scenarioFilesUnder(path)))
    else out.push(path)
  }
  return out
}

async function scenarioFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const out: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await scenarioFilesUnder(path)))
    else if (entry.isFile() && SCENARIO_FILE.test(entry.name)) out.push(path)
  }
  return out
}
