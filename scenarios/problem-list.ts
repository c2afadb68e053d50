import type { ScenarioErrorCode, ScenarioProblem } from './errors.js'
import type { SourceRef } from './types.js'

/** Collects the problems of one file; the loader reports them all at the end. */
export class ProblemList {
  readonly items: ScenarioProblem[] = []

  add(code: ScenarioErrorCode, at: SourceRef, message: string, hint?: string): void {
    this.items.push({ code, message, file: at.file, line: at.line, column: at.column, ...(hint === undefined ? {} : { hint }) })
  }

  get size(): number {
    return this.items.length
  }
}
