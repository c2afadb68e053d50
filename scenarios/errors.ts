/**
 * Problems found in a scenario file, and the error that carries all of them. A loader never stops
 * at the first problem: it reports every one it can find, each with the file, line and column of
 * the offending node, so one lint run shows everything to fix.
 */

export type ScenarioErrorCode =
  /** The file could not be read. */
  | 'SCENARIO_FILE_UNREADABLE'
  /** The text is not well-formed YAML (including tabs used for indentation). */
  | 'SCENARIO_YAML_SYNTAX'
  /** A mapping has the same key twice. */
  | 'SCENARIO_DUPLICATE_KEY'
  /** A key the schema does not define at that place. */
  | 'SCENARIO_UNKNOWN_KEY'
  /** A key the schema requires at that place is missing. */
  | 'SCENARIO_MISSING_KEY'
  /** A value of the wrong kind (a list where a mapping belongs, a string where a number does…). */
  | 'SCENARIO_TYPE'
  /** A value that is not one of the names allowed there (dialect, mode, fault kind…). */
  | 'SCENARIO_UNKNOWN_VALUE'
  /** A number outside its range (probability, lengthOctets, trueOctet, port…) or a list too short. */
  | 'SCENARIO_RANGE'
  /** A string that does not have the required form (id, tag, step name, attribute name). */
  | 'SCENARIO_FORMAT'
  /** A mapping that must have exactly one (or at least one) of some keys has none or several. */
  | 'SCENARIO_CHOICE'
  /** The same value twice in a list that must not repeat (tags, modes). */
  | 'SCENARIO_DUPLICATE_VALUE'
  /** A DN or RDN that does not parse (RFC 4514), or a directory DN outside the suffix. */
  | 'SCENARIO_DN'
  /** A search filter that does not parse (RFC 4515). */
  | 'SCENARIO_FILTER'
  /** A hex byte string that is not pairs of hex digits. */
  | 'SCENARIO_HEX'
  /** A UUID string that is not 8-4-4-4-12 hex digits. */
  | 'SCENARIO_UUID'
  /** A duration that is not whole milliseconds or `<number>ms|s|m`. */
  | 'SCENARIO_DURATION'
  /** A fixture file (LDIF, TLS certificate or key) does not exist or is not a file. */
  | 'SCENARIO_FIXTURE_MISSING'
  /** An LDIF fixture does not parse, or holds records that cannot be initial data. */
  | 'SCENARIO_LDIF'
  /** A dialect knob name that does not exist, or a value of the wrong kind for it. */
  | 'SCENARIO_KNOB'
  /** A conformance block that cannot work: a run or step named but missing, a case without rfcSection… */
  | 'SCENARIO_CONFORMANCE'
  /** Two steps with the same name. */
  | 'SCENARIO_DUPLICATE_STEP'
  /** A trigger that names no step or can never fire in this scenario. */
  | 'SCENARIO_TRIGGER'
  /** An action that cannot work where it is (a `send` with no sync search, a fault option for another fault). */
  | 'SCENARIO_ACTION'
  /** Generator options that cannot work together. */
  | 'SCENARIO_GENERATE'
  /** Session-hook settings that cannot work together (a reply GUID without data, a JSON field without the json codec…). */
  | 'SCENARIO_HANDSHAKE'

export interface ScenarioProblem {
  readonly code: ScenarioErrorCode
  /** A full sentence: what is wrong, where in the scenario's structure, what is expected. */
  readonly message: string
  readonly file: string
  /** 1-based. */
  readonly line: number
  /** 1-based, in characters of the line. */
  readonly column: number
  /** A short suggestion, e.g. `did you mean "suffix"?`. */
  readonly hint?: string
}

/** `file:line:column: message (hint)`, the form editors and CI logs turn into links. */
export function formatProblem(problem: ScenarioProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`
  return problem.hint === undefined ? `${where}: ${problem.message}` : `${where}: ${problem.message} (${problem.hint})`
}

/**
 * A scenario that cannot be loaded. `problems` holds every problem found (never empty);
 * `code` is the first one's.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError'
  readonly code: ScenarioErrorCode
  readonly problems: readonly ScenarioProblem[]

  constructor(problems: readonly ScenarioProblem[]) {
    const [first] = problems
    if (first === undefined) throw new TypeError('A ScenarioError needs at least one problem.')
    super(
      problems.length === 1
        ? formatProblem(first)
        : `${first.file} has ${problems.length} problems:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    )
    this.code = first.code
    this.problems = problems
  }
}
