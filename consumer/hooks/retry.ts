/**
 * A retrying runner for handshakes (389ds-session-hooks.md §5.6 item 4): runs an attempt, and
 * after a failure waits as the policy says (policy.ts) and runs it again, until it succeeds or
 * the failure is fatal. The clock and the sleep are injectable, so tests never wait for real.
 */
import { LdapClientError } from '../client/index.js'
import { HandshakeError } from './errors.js'
import { resolveBackoff, retryDelayMs } from './policy.js'
import type { RetryClass } from './policy.js'
import type { BackoffOptions } from './types.js'

export interface RetryInfo {
  /** The attempt that failed, from 1. */
  readonly attempt: number
  readonly error: unknown
  readonly retry: Exclude<RetryClass, 'fatal'>
  readonly delayMs: number
  /** `now()` + `delayMs`: when the next attempt starts. */
  readonly retryAt: number
}

export interface HandshakeRetryOptions {
  readonly backoff?: BackoffOptions
  /** Waits `ms`; default a timer (rejecting when `signal` aborts). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Milliseconds since the epoch; default Date.now. Only used to report `retryAt`. */
  readonly now?: () => number
  /** Gives up after this many attempts, rethrowing the last error; default unlimited (as 389 does). */
  readonly maxAttempts?: number
  /** Stops waiting and rethrows the last error when aborted. */
  readonly signal?: AbortSignal
  /** Told before each wait. */
  readonly onRetry?: (info: RetryInfo) => void
}

/**
 * How an attempt's failure is retried: a HandshakeError by its `retry` (the §5.6 table); a
 * connection that could not be made or was lost before the handshake as a transport failure
 * (exponential, like the disconnects of §5.6); anything else (a refused bind, a bad option, a
 * bug) is fatal.
 */
export function retryClassOf(error: unknown): RetryClass {
  if (error instanceof HandshakeError) return error.retry
  if (error instanceof LdapClientError && (error.code === 'CLIENT_CONNECT_FAILED' || error.code === 'CLIENT_CONNECTION_LOST' || error.code === 'CLIENT_TIMEOUT')) return 'exponential'
  return 'fatal'
}

/**
 * Runs `attempt(n)` until it resolves; waits between failures (busy: fixed; exponential: from
 * `backoff.minMs`, doubling, capped at `backoff.maxMs`); rethrows a fatal failure at once.
 *
 * @example
 * const consumer = await runWithHandshakeRetry(async () => {
 *   const c = await SyncreplConsumer.connect({ url, store, sessionHooks })
 *   try { await c.syncSearch({ base }); return c } catch (e) { await c.client.close(); throw e }
 * }, { onRetry: (i) => console.log(`retry in ${i.delayMs} ms`) })
 */
export async function runWithHandshakeRetry<T>(attempt: (n: number) => Promise<T>, options: HandshakeRetryOptions = {}): Promise<T> {
  const backoff = resolveBackoff(options.backoff)
  const sleep = options.sleep ?? sleepFor
  const now = options.now ?? Date.now
  const maxAttempts = options.maxAttempts ?? Infinity
  let exponentialFailures = 0
  for (let n = 1; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      const retry = retryClassOf(error)
      if (retry === 'fatal' || n >= maxAttempts || options.signal?.aborted === true) throw error
      if (retry === 'exponential') exponentialFailures++
      const delayMs = retryDelayMs(retry, exponentialFailures, backoff)
      options.onRetry?.({ attempt: n, error, retry, delayMs, retryAt: now() + delayMs })
      try {
        await sleep(delayMs, options.signal)
      } catch {
        throw error // aborted while waiting: the caller gets the failure that made us wait
      }
    }
  }
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
