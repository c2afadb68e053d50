import { describe, expect, it } from 'vitest'
import { HandshakeError, refusedMessage } from './errors.js'

const refusal = (code: number) =>
  new HandshakeError(refusedMessage(code, 'dc=example,dc=com', code === 0x0e ? 'exponential' : 'fatal'), {
    reason: 'HANDSHAKE_REFUSED', phase: 'provider', code, base: 'dc=example,dc=com', isTotal: code === 0x0c,
  })

describe('HandshakeError (389ds-session-hooks.md §5.6 item 3)', () => {
  it('names 0x0E BACKOFF for what it is, where 389 logs "unknown error"', () => {
    const e = refusal(0x0e)
    expect(e).toMatchObject({ name: 'HandshakeError', reason: 'HANDSHAKE_REFUSED', phase: 'provider', code: 0x0e, codeName: 'NSDS50_REPL_BACKOFF', retry: 'exponential', retryable: true })
    expect(e.message).toBe(
      'The provider refused the replication session for "dc=example,dc=com" with NSDS50_REPL_BACKOFF (0x0E): a session hook on the provider (recv or reply) asked this consumer to back off and retry later ' +
        '(389-DS\'s own logs call 0x0E "unknown error"). No sync search was sent and the replica and cookie are unchanged; retry with exponential backoff.',
    )
  })

  it('names 0x0C DISABLED, the recv hook veto of a total update, as fatal', () => {
    const e = refusal(0x0c)
    expect(e).toMatchObject({ code: 0x0c, codeName: 'NSDS50_REPL_DISABLED', retry: 'fatal', retryable: false, isTotal: true })
    expect(e.message).toMatch(/with NSDS50_REPL_DISABLED \(0x0C\): the replica or suffix is disabled, or the provider's recv hook rejected a total update \(a full refresh\) \(389-DS's own logs call 0x0C "unknown error"\)\./)
    expect(e.message).toMatch(/this is fatal: do not retry until the provider or this consumer is reconfigured\.$/)
    expect(e.message).not.toMatch(/: unknown error/)
  })

  it('describes an undefined code without a name', () => {
    const e = refusal(0x42)
    expect(e.codeName).toBeUndefined()
    expect(e.message).toMatch(/with undefined response code 0x42 \(66\): 389-DS defines no such code/)
    expect(e.retry).toBe('fatal')
  })

  it('takes the policy from phase and code', () => {
    const busy = new HandshakeError('m', { reason: 'HANDSHAKE_REFUSED', phase: 'provider', code: 1, base: '', isTotal: false })
    expect([busy.retry, busy.codeName]).toEqual(['busy', 'NSDS50_REPL_REPLICA_BUSY'])
    const pre = new HandshakeError('m', { reason: 'HANDSHAKE_PRE_REFUSED', phase: 'pre', base: '', isTotal: false })
    expect([pre.retry, pre.code, pre.codeName, pre.toleratedBy389]).toEqual(['exponential', undefined, undefined, false])
  })
})
