/**
 * The retry policy after a handshake that did not succeed (389ds-session-hooks.md §5.6 item 4),
 * mirroring a 389 supplier's `acquire_replica` (§2.5) so users see familiar behaviour:
 *
 * | Outcome | Retry |
 * |---|---|
 * | 0x01 REPLICA_BUSY (and LDAP busy, 51, which 389 special-cases for extended results) | `busy`: a fixed wait |
 * | 0x0E BACKOFF, 0x03 PERMISSION_DENIED, timeouts, disconnects, a local pre or post refusal | `exponential`: 3 s, doubling, capped at 300 s |
 * | 0x02, 0x04, 0x05, 0x06, 0x08, 0x0B, 0x0C, any other or unknown code, an undecodable reply, a provider without 3.5.12 | `fatal`: stop until reconfigured |
 *
 * Pure functions: no timers here (retry.ts does the waiting, with an injectable sleep).
 */
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { ReplResponseCode } from '../../protocol/replsession/index.js'
import type { BackoffOptions } from './types.js'

/** Where a handshake stopped (§5.6 item 3). */
export type HandshakePhase = 'pre' | 'capability' | 'transport' | 'decode' | 'provider' | 'post'

export type RetryClass = 'busy' | 'exponential' | 'fatal'

export interface RetryDecision {
  readonly retry: RetryClass
}

/** What the policy looks at: the phase, the NSDS50 response code (phase "provider"), the LDAP result code (phase "decode"). */
export interface HandshakeOutcome {
  readonly phase: HandshakePhase
  readonly code?: number | undefined
  readonly ldapResultCode?: number | undefined
}

/**
 * How to go on after a handshake outcome.
 *
 * @example handshakeRetryPolicy({ phase: 'provider', code: 0x0e }) // { retry: 'exponential' }
 * @example handshakeRetryPolicy({ phase: 'provider', code: 0x0c }) // { retry: 'fatal' }
 */
export function handshakeRetryPolicy(outcome: HandshakeOutcome): RetryDecision {
  switch (outcome.phase) {
    case 'pre':
    case 'post':
    case 'transport':
      return EXPONENTIAL
    case 'capability':
      return FATAL
    case 'decode':
      // §2.3: 389's supplier looks at no LDAP result code of a Start response except LDAP_BUSY.
      return outcome.ldapResultCode === ResultCode.busy ? BUSY : FATAL
    case 'provider':
      switch (outcome.code) {
        case ReplResponseCode.replicaBusy:
          return BUSY
        case ReplResponseCode.backoff:
        case ReplResponseCode.permissionDenied:
          return EXPONENTIAL
        default:
          return FATAL
      }
    default: {
      const never: never = outcome.phase
      throw new TypeError(`Unknown handshake phase ${String(never)}.`)
    }
  }
}

const BUSY: RetryDecision = Object.freeze({ retry: 'busy' })
const EXPONENTIAL: RetryDecision = Object.freeze({ retry: 'exponential' })
const FATAL: RetryDecision = Object.freeze({ retry: 'fatal' })

/** 389's defaults: nsds5ReplicaBackoffMin 3 s, nsds5ReplicaBackoffMax 300 s; busy waits 3 s. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = Object.freeze({ minMs: 3_000, maxMs: 300_000, busyMs: 3_000 })

/** The backoff with defaults filled in, checked (min ≤ max, all ≥ 0). */
export function resolveBackoff(backoff: BackoffOptions | undefined): Required<BackoffOptions> {
  const out = { ...DEFAULT_BACKOFF, ...dropUndefined(backoff ?? {}) }
  for (const [name, v] of Object.entries(out)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`backoff.${name} must be a number of milliseconds ≥ 0, not ${v}.`)
  }
  if (out.minMs > out.maxMs) throw new RangeError(`backoff.minMs (${out.minMs}) must not exceed backoff.maxMs (${out.maxMs}).`)
  return out
}

function dropUndefined(b: BackoffOptions): BackoffOptions {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined))
}

/**
 * The wait before the next attempt. `exponentialFailures` counts the exponential-class failures
 * in a row so far, this one included (1 → minMs, 2 → 2·minMs, …, never above maxMs); busy waits
 * do not advance it.
 *
 * @example retryDelayMs('exponential', 3, DEFAULT_BACKOFF) // 12000
 */
export function retryDelayMs(retry: Exclude<RetryClass, 'fatal'>, exponentialFailures: number, backoff: Required<BackoffOptions>): number {
  if (retry === 'busy') return backoff.busyMs
  const n = Math.max(1, Math.floor(exponentialFailures))
  // 2 ** 60 and beyond are exact in a double; the cap applies long before precision matters.
  return Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(n - 1, 60))
}
