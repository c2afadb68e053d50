/**
 * What can go wrong while a scenario starts or plays. Loading and validating the file is the
 * loader's business (scenarios/errors.ts, ScenarioError); these are the failures only the
 * running provider can meet: a fixture that cannot be loaded into the directory, a port in use,
 * an action whose target is not there at the moment its step fires.
 */
import type { SourceRef } from '../../scenarios/types.js'

export type ScenarioRuntimeErrorCode =
  /** The provider could not be built or could not listen (data, dialect, TLS files, port). */
  | 'SCENARIO_START_FAILED'
  /** The timeline cannot be played as written (an `after` naming no step, two steps of one name). */
  | 'SCENARIO_TIMELINE'
  /** An action failed: the directory refused a change, a knob value was refused… */
  | 'SCENARIO_ACTION_FAILED'
  /** An action had nothing to act on: no connection, no sync search, no message ID to answer. */
  | 'SCENARIO_NO_TARGET'

/** A failure of a scenario at run time, with the file position of what asked for it. */
export class ScenarioRuntimeError extends Error {
  override readonly name = 'ScenarioRuntimeError'

  constructor(
    readonly code: ScenarioRuntimeErrorCode,
    message: string,
    readonly source?: SourceRef,
    options?: { readonly cause?: unknown },
  ) {
    super(source === undefined ? message : `${where(source)}: ${message}`, options)
  }
}

/** `file:line:column`, as editors and CI logs link it. */
export function where(source: SourceRef): string {
  return `${source.file}:${source.line}:${source.column}`
}
