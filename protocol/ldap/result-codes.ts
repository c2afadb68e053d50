/**
 * LDAPResult resultCode values: RFC 4511 §4.1.9 and Appendix A, plus the Cancel codes of
 * RFC 3909 §2.3, RFC 4533's e-syncRefreshRequired (§2.6, §8.3) and the pre-RFC value OpenLDAP
 * used for it before the RFC was published (`LDAP_X_SYNC_REFRESH_REQUIRED`, 0x4100).
 */
export const ResultCode = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  compareFalse: 5,
  compareTrue: 6,
  authMethodNotSupported: 7,
  strongerAuthRequired: 8,
  referral: 10,
  adminLimitExceeded: 11,
  unavailableCriticalExtension: 12,
  confidentialityRequired: 13,
  saslBindInProgress: 14,
  noSuchAttribute: 16,
  undefinedAttributeType: 17,
  inappropriateMatching: 18,
  constraintViolation: 19,
  attributeOrValueExists: 20,
  invalidAttributeSyntax: 21,
  noSuchObject: 32,
  aliasProblem: 33,
  invalidDNSyntax: 34,
  aliasDereferencingProblem: 36,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  loopDetect: 54,
  namingViolation: 64,
  objectClassViolation: 65,
  notAllowedOnNonLeaf: 66,
  notAllowedOnRDN: 67,
  entryAlreadyExists: 68,
  objectClassModsProhibited: 69,
  affectsMultipleDSAs: 71,
  other: 80,
  // RFC 3909 §2.3 (Cancel)
  canceled: 118,
  noSuchOperation: 119,
  tooLate: 120,
  cannotCancel: 121,
  // RFC 4533 §2.6: spelled `e-syncRefreshRequired` in the RFC.
  eSyncRefreshRequired: 4096,
  // OpenLDAP's pre-RFC code for the same condition; its consumer maps it to 4096.
  xSyncRefreshRequired: 0x4100,
} as const

export type ResultCodeName = keyof typeof ResultCode
export type KnownResultCode = (typeof ResultCode)[ResultCodeName]

/** The names as the RFCs spell them, where that differs from the identifier above. */
const SPELLING: Partial<Record<ResultCodeName, string>> = {
  eSyncRefreshRequired: 'e-syncRefreshRequired',
  xSyncRefreshRequired: 'x-syncRefreshRequired',
}

const NAMES = new Map<number, string>()
for (const [key, code] of Object.entries(ResultCode)) {
  NAMES.set(code, SPELLING[key as ResultCodeName] ?? key)
}

/** The RFC name of a result code (`32` → `"noSuchObject"`), or undefined for an unknown code. */
export function resultCodeName(code: number): string | undefined {
  return NAMES.get(code)
}

/**
 * A label for messages and reports that never fails: `"noSuchObject (32)"`, or
 * `"unknown result code 999"` for codes no RFC we know defines.
 */
export function describeResultCode(code: number): string {
  const name = NAMES.get(code)
  return name === undefined ? `unknown result code ${code}` : `${name} (${code})`
}

/** True for e-syncRefreshRequired and for its pre-RFC value 0x4100 (RFC 4533 §2.6). */
export function isSyncRefreshRequired(code: number): boolean {
  return code === ResultCode.eSyncRefreshRequired || code === ResultCode.xSyncRefreshRequired
}
