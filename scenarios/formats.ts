/**
 * The schema's `format` values and their checkers. Each gives a problem code of its own, so a
 * bad DN is SCENARIO_DN and a bad duration SCENARIO_DURATION. Where the schema also has a
 * `pattern` (for editors), the checker is at least as strict as the pattern (schema.test.ts
 * checks that), and its message says exactly what is wrong.
 */
import * as DN from '../protocol/dn/index.js'
import { ProtocolError } from '../protocol/errors.js'
import { parseFilter } from '../protocol/ldap/filter-string.js'
import { parseHex, parseUuidText } from './bytes.js'
import { parseDuration } from './duration.js'
import type { ScenarioErrorCode } from './errors.js'

export interface FormatChecker {
  readonly code: ScenarioErrorCode
  /** Undefined when the text is fine; otherwise a full sentence. */
  check(text: string): string | undefined
}

function protocolCheck(parse: (text: string) => unknown): (text: string) => string | undefined {
  return (text) => {
    try {
      parse(text)
      return undefined
    } catch (e) {
      if (e instanceof ProtocolError) return e.message
      throw e
    }
  }
}

export const FORMATS: Readonly<Record<string, FormatChecker>> = {
  dn: { code: 'SCENARIO_DN', check: protocolCheck(DN.parse) },
  rdn: {
    code: 'SCENARIO_DN',
    check: (text) => (text.trim() === '' ? 'An RDN cannot be empty; write one such as uid=ann.' : protocolCheck(DN.parseRdn)(text)),
  },
  filter: { code: 'SCENARIO_FILTER', check: protocolCheck(parseFilter) },
  hex: { code: 'SCENARIO_HEX', check: (text) => errorOf(parseHex(text)) },
  uuid: { code: 'SCENARIO_UUID', check: (text) => errorOf(parseUuidText(text)) },
  duration: { code: 'SCENARIO_DURATION', check: (text) => errorOf(parseDuration(text)) },
}

function errorOf(result: { readonly ok: boolean; readonly error?: string }): string | undefined {
  return result.ok ? undefined : result.error
}
