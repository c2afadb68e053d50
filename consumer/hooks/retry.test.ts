import { describe, expect, it } from 'vitest'
import { LdapClientError } from '../client/index.js'
import { HandshakeError } from './errors.js'
import type { HandshakeErrorDetails } from './errors.js'
import { retryClassOf, runWithHandshakeRetry } from './retry.js'
import type { RetryInfo } from './retry.js'

const refused = (code: number) => new HandshakeError(`refused ${code}`, { reason: 'HANDSHAKE_REFUSED', phase: 'provider', code, base: 'dc=x', isTotal: false })
const failed = (details: Omit<HandshakeErrorDetails, 'base' | 'isTotal'>) => new HandshakeError('failed', { ...details, base: 'dc=x', isTotal: false })

/** A fake clock whose sleep only records and advances: no test waits for real. */
function fakeTime() {
  let t = 1_000_000
  const slept: number[] = []
  return {
    slept,
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms)
      t += ms
    },
  }
}

/** An attempt that fails with the given errors in turn, then resolves with its attempt number. */
function scripted(errors: unknown[]) {
  const calls: number[] = []
  return {
    calls,
    attempt: async (n: number) => {
      calls.push(n)
      const e = errors[n - 1]
      if (e !== undefined) throw e
      return n
    },
  }
}

describe('runWithHandshakeRetry (389ds-session-hooks.md §5.6 item 4)', () => {
  it('0x0E three times: waits 3, 6, 12 s, then succeeds on the fourth attempt', async () => {
    const time = fakeTime()
    const infos: RetryInfo[] = []
    const run = scripted([refused(0x0e), refused(0x0e), refused(0x0e)])
    await expect(runWithHandshakeRetry(run.attempt, { ...time, onRetry: (i) => infos.push(i) })).resolves.toBe(4)
    expect(time.slept).toEqual([3000, 6000, 12000])
    expect(infos.map((i) => [i.attempt, i.retry, i.delayMs])).toEqual([[1, 'exponential', 3000], [2, 'exponential', 6000], [3, 'exponential', 12000]])
    expect(infos[1]!.retryAt).toBe(1_000_000 + 3000 + 6000)
  })

  it('doubles up to the configured cap', async () => {
    const time = fakeTime()
    const run = scripted(Array.from({ length: 6 }, () => failed({ reason: 'HANDSHAKE_TIMEOUT', phase: 'transport' })))
    await runWithHandshakeRetry(run.attempt, { ...time, backoff: { minMs: 10, maxMs: 50 } })
    expect(time.slept).toEqual([10, 20, 40, 50, 50, 50])
  })

  it('busy waits are fixed and do not advance the exponential count', async () => {
    const time = fakeTime()
    const run = scripted([refused(0x01), refused(0x0e), refused(0x01), refused(0x03), failed({ reason: 'HANDSHAKE_POST_REFUSED', phase: 'post', code: 0 })])
    await runWithHandshakeRetry(run.attempt, { ...time, backoff: { busyMs: 500 } })
    expect(time.slept).toEqual([500, 3000, 500, 6000, 12000])
  })

  it('a fatal failure is rethrown at once, without waiting', async () => {
    for (const error of [refused(0x0c), refused(0x04), refused(0x42), failed({ reason: 'HANDSHAKE_BAD_RESPONSE', phase: 'decode' }), failed({ reason: 'HANDSHAKE_UNSUPPORTED', phase: 'capability' }), new Error('bug')]) {
      const time = fakeTime()
      const run = scripted([refused(0x0e), error])
      await expect(runWithHandshakeRetry(run.attempt, time)).rejects.toBe(error)
      expect(run.calls).toEqual([1, 2])
      expect(time.slept).toEqual([3000])
    }
  })

  it('maxAttempts rethrows the last failure', async () => {
    const time = fakeTime()
    const last = refused(0x0e)
    const run = scripted([refused(0x0e), refused(0x01), last, refused(0x0e)])
    await expect(runWithHandshakeRetry(run.attempt, { ...time, maxAttempts: 3 })).rejects.toBe(last)
    expect(run.calls).toEqual([1, 2, 3])
  })

  it('an abort during the wait rethrows the failure that caused it', async () => {
    const controller = new AbortController()
    const first = refused(0x0e)
    const run = scripted([first, refused(0x0e)])
    const sleep = async (_ms: number, signal?: AbortSignal) => {
      controller.abort()
      throw signal?.reason
    }
    await expect(runWithHandshakeRetry(run.attempt, { sleep, signal: controller.signal })).rejects.toBe(first)
    expect(run.calls).toEqual([1])
  })

  it('the default sleep is abortable', async () => {
    const controller = new AbortController()
    const first = refused(0x0e)
    const pending = runWithHandshakeRetry(scripted([first]).attempt, { signal: controller.signal, backoff: { minMs: 3_600_000, maxMs: 3_600_000 } })
    controller.abort()
    await expect(pending).rejects.toBe(first)
  })
})

describe('retryClassOf', () => {
  it('connection failures before the handshake are transport failures (exponential); others are fatal', () => {
    expect(retryClassOf(new LdapClientError('CLIENT_CONNECT_FAILED', 'x'))).toBe('exponential')
    expect(retryClassOf(new LdapClientError('CLIENT_CONNECTION_LOST', 'x'))).toBe('exponential')
    expect(retryClassOf(new LdapClientError('CLIENT_TIMEOUT', 'x'))).toBe('exponential')
    expect(retryClassOf(new LdapClientError('CLIENT_PROTOCOL_ERROR', 'x'))).toBe('fatal')
    expect(retryClassOf(new TypeError('x'))).toBe('fatal')
    expect(retryClassOf(refused(0x01))).toBe('busy')
  })
})
