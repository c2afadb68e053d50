/**
 * Failures of the interop test infrastructure (Debian's ldap-utils, the raw wire client; a
 * throwaway slapd's own failures are SlapdErrors, tools/slapd/errors.ts). Each carries a stable
 * `code` so tests can tell a harness fault from a protocol difference, and a message that says
 * what happened and what to look at.
 */
export type HarnessErrorCode =
  | 'LDAP_TOOL_FAILED'
  | 'WIRE_CONNECT_FAILED'
  | 'WIRE_TIMEOUT'
  | 'WIRE_CLOSED'
  | 'WIRE_BAD_RESPONSE'
  | 'WIRE_RESULT_FAILED'

export class HarnessError extends Error {
  override readonly name = 'HarnessError'

  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** True when `error` is a HarnessError with that code (so a test can record it instead of failing). */
export function isHarnessError(error: unknown, code: HarnessErrorCode): error is HarnessError {
  return error instanceof HarnessError && error.code === code
}
