/**
 * The scenario language: types of a loaded scenario, the loader and validator of its YAML text
 * form (scenarios/schema.json), and linting. docs/scenarios.md is the reference.
 */
export type * from './types.js'
export { formatProblem, ScenarioError } from './errors.js'
export type { ScenarioErrorCode, ScenarioProblem } from './errors.js'
export { loadScenarioFile, parseScenario } from './loader.js'
export type { LoadOptions } from './loader.js'
export { expandPaths, lintFiles } from './lint.js'
export type { LintFileReport, LintReport } from './lint.js'
export { KNOB_NAMES } from './knobs.js'
export { SCHEMA_PATH } from './schema.js'
