import { describe, expect, it } from 'vitest'
import { ResultCode, describeResultCode, isSyncRefreshRequired, resultCodeName } from './result-codes.js'

describe('result codes', () => {
  it('lists every RFC 4511 Appendix A code with its number', () => {
    const rfc4511: Record<number, string> = {
      0: 'success', 1: 'operationsError', 2: 'protocolError', 3: 'timeLimitExceeded', 4: 'sizeLimitExceeded',
      5: 'compareFalse', 6: 'compareTrue', 7: 'authMethodNotSupported', 8: 'strongerAuthRequired', 10: 'referral',
      11: 'adminLimitExceeded', 12: 'unavailableCriticalExtension', 13: 'confidentialityRequired', 14: 'saslBindInProgress',
      16: 'noSuchAttribute', 17: 'undefinedAttributeType', 18: 'inappropriateMatching', 19: 'constraintViolation',
      20: 'attributeOrValueExists', 21: 'invalidAttributeSyntax', 32: 'noSuchObject', 33: 'aliasProblem', 34: 'invalidDNSyntax',
      36: 'aliasDereferencingProblem', 48: 'inappropriateAuthentication', 49: 'invalidCredentials', 50: 'insufficientAccessRights',
      51: 'busy', 52: 'unavailable', 53: 'unwillingToPerform', 54: 'loopDetect', 64: 'namingViolation', 65: 'objectClassViolation',
      66: 'notAllowedOnNonLeaf', 67: 'notAllowedOnRDN', 68: 'entryAlreadyExists', 69: 'objectClassModsProhibited',
      71: 'affectsMultipleDSAs', 80: 'other',
    }
    for (const [code, name] of Object.entries(rfc4511)) {
      expect(resultCodeName(Number(code))).toBe(name)
      expect(ResultCode[name as keyof typeof ResultCode]).toBe(Number(code))
    }
  })

  it('knows the Cancel codes of RFC 3909 and the sync codes of RFC 4533', () => {
    expect([118, 119, 120, 121].map(resultCodeName)).toEqual(['canceled', 'noSuchOperation', 'tooLate', 'cannotCancel'])
    expect(resultCodeName(4096)).toBe('e-syncRefreshRequired')
    expect(ResultCode.eSyncRefreshRequired).toBe(4096)
    expect(ResultCode.xSyncRefreshRequired).toBe(16640)
    expect(resultCodeName(0x4100)).toBe('x-syncRefreshRequired')
  })

  it('treats 4096 and the pre-RFC 0x4100 alike as refresh required, and nothing else', () => {
    expect(isSyncRefreshRequired(4096)).toBe(true)
    expect(isSyncRefreshRequired(16640)).toBe(true)
    expect(isSyncRefreshRequired(0)).toBe(false)
    expect(isSyncRefreshRequired(4097)).toBe(false)
  })

  it('handles unknown codes gracefully', () => {
    expect(resultCodeName(9)).toBeUndefined()
    expect(resultCodeName(-1)).toBeUndefined()
    expect(describeResultCode(999)).toBe('unknown result code 999')
    expect(describeResultCode(32)).toBe('noSuchObject (32)')
    expect(describeResultCode(4096)).toBe('e-syncRefreshRequired (4096)')
  })
})
