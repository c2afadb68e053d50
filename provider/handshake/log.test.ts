import { describe, expect, it } from 'vitest'
import { HandshakeError } from './errors.js'
import { HandshakeLog } from './log.js'
import type { HandshakeRecord, HandshakeViolation } from './types.js'

const record = (kind: 'start' | 'end', connectionId: number, code: number, attempt?: number): HandshakeRecord => ({
  kind, connectionId, messageId: 1, time: 0, answeredAt: 0, requestOid: '', isTotal: false, code, codeLabel: `code ${code}`, reason: '', stateBefore: 'none', stateAfter: 'none',
  ...(attempt === undefined ? {} : { attempt }),
})
const violation = (state: 'none' | 'rejected'): HandshakeViolation => ({ connectionId: 1, messageId: 2, time: 0, base: '', state, required: true, message: '' })

describe('HandshakeLog', () => {
  it('keeps Start and End apart, finds the last Start, counts searches after a refusal', () => {
    const log = new HandshakeLog((id) => (id === 1 ? 'rejected' : 'none'))
    const a = record('start', 1, 0x0e, 1)
    const b = record('end', 1, 9)
    log.add(a)
    log.add(b)
    log.addViolation(violation('rejected'))
    log.addViolation(violation('none'))
    expect(log.records).toEqual([a, b])
    expect(log.starts).toEqual([a])
    expect(log.ends).toEqual([b])
    expect(log.last()).toBe(a)
    expect(log.syncSearchesAfterRejection()).toBe(1)
    expect(log.violations).toHaveLength(2)
    expect([log.stateOf(1), log.stateOf(7)]).toEqual(['rejected', 'none'])
  })

  it('expectHandshakes returns the Starts, or throws a sentence listing them', () => {
    const log = new HandshakeLog(() => 'none')
    expect(log.last()).toBeUndefined()
    expect(log.expectHandshakes(0)).toEqual([])
    log.add(record('start', 3, 0x0e, 2))
    const error = (() => {
      try {
        log.expectHandshakes(2)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(HandshakeError)
    expect(error).toMatchObject({ code: 'HANDSHAKE_COUNT_MISMATCH', message: 'Expected 2 Start exchange(s), but the provider recorded 1 (connection 3 attempt 2: code 14).' })
  })
})
