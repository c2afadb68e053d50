/**
 * Loading scenario files: YAML text → checked tree → `Scenario`, with every problem of the file
 * reported at once as a ScenarioError.
 *
 * @example
 * const scenario = await loadScenarioFile('scenarios/rfc4533/3.3.1-present-phase.yaml')
 * scenario.timeline[0].trigger // { on: 'entrySent', count: 3 }
 */
import { readFile } from 'node:fs/promises'
import { isScalar } from 'yaml'
import { buildScenario } from './build.js'
import type { BuildOptions } from './build.js'
import { ScenarioError } from './errors.js'
import type { ScenarioProblem } from './errors.js'
import { ProblemList } from './problem-list.js'
import { scenarioSchema } from './schema.js'
import type { Scenario } from './types.js'
import { validateDocument } from './validate.js'
import { readYaml } from './yaml-source.js'

export type LoadOptions = BuildOptions

/**
 * Parses and checks a scenario's text. `file` names it in problems and is where relative
 * fixture paths start from (it need not exist when the scenario names no fixtures).
 *
 * @throws ScenarioError with every problem found, each at its file:line:column.
 */
export function parseScenario(text: string, file: string, options: LoadOptions = {}): Scenario {
  const src = readYaml(text, file)
  const problems = new ProblemList()
  problems.items.push(...src.problems)
  if (!src.treeUsable) throw new ScenarioError(ordered(problems.items, file))
  const contents = src.doc.contents
  const source = src.at(contents)
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    problems.add('SCENARIO_TYPE', source, 'The file holds no scenario; a scenario is a mapping with at least the keys id and title.')
    throw new ScenarioError(ordered(problems.items, file))
  }
  const { tree, positions } = validateDocument(src, scenarioSchema(), problems)
  const scenario = buildScenario(tree, source, positions, problems, options)
  if (problems.size > 0) throw new ScenarioError(ordered(problems.items, file))
  return scenario
}

/**
 * Reads and parses a scenario file.
 *
 * @throws ScenarioError SCENARIO_FILE_UNREADABLE when the file cannot be read, or with every
 *   problem of its content.
 */
export async function loadScenarioFile(path: string, options: LoadOptions = {}): Promise<Scenario> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new ScenarioError([unreadable(path, e)])
  }
  return parseScenario(text, path, options)
}

export function unreadable(path: string, error: unknown): ScenarioProblem {
  const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message
  return { code: 'SCENARIO_FILE_UNREADABLE', message: `The scenario file ${path} cannot be read: ${reason}.`, file: path, line: 1, column: 1 }
}

/**
 * The scenario file's own problems first, by position; then those in other files (LDIF
 * fixtures) in the order found. The same problem reached twice (through a YAML alias) once.
 */
function ordered(problems: readonly ScenarioProblem[], file: string): ScenarioProblem[] {
  const seen = new Set<string>()
  const unique = problems.filter((p) => {
    const key = `${p.code}\0${p.file}\0${p.line}\0${p.column}\0${p.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  const own = unique.filter((p) => p.file === file).sort((a, b) => a.line - b.line || a.column - b.column)
  return [...own, ...unique.filter((p) => p.file !== file)]
}
