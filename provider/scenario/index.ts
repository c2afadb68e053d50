/**
 * The scenario runtime: plays a loaded scenario (scenarios/types.ts) on the mock provider —
 * triggers on protocol events, directory and provider actions, script-mode sends and wire faults.
 * docs/provider.md "Scenario runtime" describes what each trigger and fault means exactly.
 */
export { startScenario } from './start.js'
export type { RunningScenario, StartScenarioOptions } from './start.js'
export type { FiredStep } from './play-state.js'
export { ScenarioRuntimeError } from './errors.js'
export type { ScenarioRuntimeErrorCode } from './errors.js'
export { encodeScriptMessage } from './script-encode.js'
export type { EncodedScriptMessage } from './script-encode.js'
