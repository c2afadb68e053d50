import { describe, expect, it } from 'vitest'
import { REPL_RESPONSE_CODES, supplierOutcomeOf } from '../../protocol/replsession/index.js'
import { DEFAULT_BACKOFF, handshakeRetryPolicy, resolveBackoff, retryDelayMs } from './policy.js'
import type { RetryClass } from './policy.js'

describe('handshakeRetryPolicy (389ds-session-hooks.md §5.6 item 4)', () => {
  const provider = (code: number): RetryClass => handshakeRetryPolicy({ phase: 'provider', code }).retry

  it('0x01 REPLICA_BUSY is the fixed busy wait', () => {
    expect(provider(0x01)).toBe('busy')
  })

  it('0x0E BACKOFF and 0x03 PERMISSION_DENIED back off exponentially', () => {
    expect(provider(0x0e)).toBe('exponential')
    expect(provider(0x03)).toBe('exponential')
  })

  it('0x02, 0x04, 0x05, 0x06, 0x08, 0x0B, 0x0C and unknown codes are fatal', () => {
    for (const code of [0x02, 0x04, 0x05, 0x06, 0x08, 0x0b, 0x0c, 0x0a, 0x14, 0x42, 0xff, 256]) expect(provider(code), `code ${code}`).toBe('fatal')
  })

  it('agrees with the 389 supplier outcome of every code in the table (busy / transient / fatal)', () => {
    const expected = { busy: 'busy', transient: 'exponential', fatal: 'fatal' } as const
    for (const info of REPL_RESPONSE_CODES) {
      if (info.code === 0x00) continue // READY is no failure
      const outcome = supplierOutcomeOf(info.code)
      expect(provider(info.code), info.name).toBe(expected[outcome as keyof typeof expected])
    }
  })

  it('local pre / post refusals, timeouts and disconnects back off exponentially', () => {
    for (const phase of ['pre', 'post', 'transport'] as const) expect(handshakeRetryPolicy({ phase }).retry, phase).toBe('exponential')
  })

  it('a provider without 3.5.12 under onUnsupported "fail" and an undecodable reply are fatal', () => {
    expect(handshakeRetryPolicy({ phase: 'capability' }).retry).toBe('fatal')
    expect(handshakeRetryPolicy({ phase: 'decode' }).retry).toBe('fatal')
    expect(handshakeRetryPolicy({ phase: 'decode', ldapResultCode: 2 }).retry).toBe('fatal')
  })

  it('an LDAP busy (51) result is the busy wait, the one LDAP result 389 special-cases (§2.3)', () => {
    expect(handshakeRetryPolicy({ phase: 'decode', ldapResultCode: 51 }).retry).toBe('busy')
  })
})

describe('retryDelayMs and resolveBackoff', () => {
  it('389 defaults: 3 s, doubling, capped at 300 s; busy waits 3 s', () => {
    expect(DEFAULT_BACKOFF).toEqual({ minMs: 3000, maxMs: 300000, busyMs: 3000 })
    const waits = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelayMs('exponential', n, DEFAULT_BACKOFF))
    expect(waits).toEqual([3000, 6000, 12000, 24000, 48000, 96000, 192000, 300000, 300000])
    expect(retryDelayMs('busy', 5, DEFAULT_BACKOFF)).toBe(3000)
    expect(retryDelayMs('exponential', 10_000, DEFAULT_BACKOFF)).toBe(300000)
  })

  it('takes configured bounds and refuses contradictory ones', () => {
    const b = resolveBackoff({ minMs: 100, maxMs: 250 })
    expect(b).toEqual({ minMs: 100, maxMs: 250, busyMs: 3000 })
    expect([1, 2, 3].map((n) => retryDelayMs('exponential', n, b))).toEqual([100, 200, 250])
    expect(() => resolveBackoff({ minMs: 500, maxMs: 100 })).toThrow(/minMs \(500\) must not exceed backoff.maxMs \(100\)/)
    expect(() => resolveBackoff({ busyMs: -1 })).toThrow(/busyMs must be a number of milliseconds/)
  })
})
