/**
 * Every way the consumer's session handshake can fail (389ds-session-hooks.md §5.6): for each,
 * the structured HandshakeError, what went over the wire (never a sync search), and a FileStore
 * whose replica file and loaded state are byte-identical before and after.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HandshakeError, SyncreplConsumer, refuse } from '../../consumer/index.js'
import type { SessionHooksOptions, SyncEvent, SyncSearchOptions } from '../../consumer/index.js'
import { encodeMessage } from '../../protocol/index.js'
import { ReplOid, decodeStartReplicationRequest, encodeReplicationResponse } from '../../protocol/replsession/index.js'
import { replResponseMessage, startResponse, startScriptedSessionServer } from '../support/scripted-session-server.js'
import type { ScriptedExtended, ScriptedSessionServer } from '../support/scripted-session-server.js'
import { BASE, hexBytes, seededFileStore, startScript, storeState, toHex } from './handshake-support.js'

const AUTH = { bindDn: 'cn=admin,dc=example,dc=com', password: 'secret' }

let server: ScriptedSessionServer | undefined
let cleanup: (() => void) | undefined
afterEach(async () => {
  await server?.close()
  cleanup?.()
  server = undefined
  cleanup = undefined
})

interface Refusal {
  readonly error: HandshakeError
  /** The wire up to the refusal (before close). */
  readonly trail: string[]
  readonly events: SyncEvent[]
}

/**
 * Runs one sync attempt that must be refused: asserts the HandshakeError class and event, that
 * no sync search went out (before or after close), and that the store is byte-identical.
 */
async function refused(answer: (x: ScriptedExtended) => void, hooks: SessionHooksOptions = {}, more: { extensions?: readonly string[]; search?: Partial<SyncSearchOptions>; connectionLost?: boolean } = {}): Promise<Refusal> {
  server = await startScriptedSessionServer({ onExtended: startScript([answer]), ...(more.extensions === undefined ? {} : { extensions: more.extensions }) })
  const seeded = await seededFileStore()
  cleanup = seeded.cleanup
  const before = await storeState(seeded.store)
  const c = await SyncreplConsumer.connect({ url: server.url, ...AUTH, store: seeded.store, sessionHooks: hooks })
  const events: SyncEvent[] = []
  c.onEvent((e) => events.push(e))
  const error = await c.syncSearch({ base: BASE, ...more.search }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(HandshakeError)
  expect(events.at(-1)).toEqual({ kind: 'handshakeFailed', error })
  expect(await storeState(seeded.store)).toEqual(before)
  const trail = server.trail()
  await c.close()
  expect(server.trail()).not.toContain('1:syncSearch')
  // A connection that survived the refusal is closed with Unbind, and no End (nothing was held).
  if (more.connectionLost !== true) expect(server.trail().slice(trail.length)).toEqual(['1:unbind'])
  return { error: error as HandshakeError, trail, events }
}

const code = (n: number) => (x: ScriptedExtended) => x.send(startResponse(x.messageId, n))
const value = (hex: string | undefined, options: Parameters<typeof replResponseMessage>[2] = {}) => (x: ScriptedExtended) =>
  x.send(replResponseMessage(x.messageId, hex === undefined ? undefined : hexBytes(hex), options))

describe('provider refusals (phase "provider")', () => {
  it('0x0E BACKOFF: named, retryable with exponential backoff, post not called, no sync search', async () => {
    let postCalled = false
    const r = await refused(code(0x0e), { post: () => void (postCalled = true) })
    expect(r.error).toMatchObject({ reason: 'HANDSHAKE_REFUSED', phase: 'provider', code: 0x0e, codeName: 'NSDS50_REPL_BACKOFF', retry: 'exponential', retryable: true, isTotal: false, base: BASE })
    expect(r.error.message).toMatch(/^The provider refused the replication session for "dc=example,dc=com" with NSDS50_REPL_BACKOFF \(0x0E\): a session hook on the provider/)
    expect(r.trail).toEqual(['1:bind', '1:rootDse', '1:start'])
    expect(postCalled).toBe(false)
  })

  it('0x0C DISABLED for a total update (full refresh intended): fatal, nothing cleared', async () => {
    const r = await refused(code(0x0c), {}, { search: { cookie: null } })
    expect(r.error).toMatchObject({ phase: 'provider', code: 0x0c, codeName: 'NSDS50_REPL_DISABLED', retry: 'fatal', retryable: false, isTotal: true })
    expect(r.error.message).toMatch(/recv hook rejected a total update/)
  })

  it('a disconnect right after a 0x0E response reports 0x0E, not a transport error', async () => {
    const r = await refused((x) => {
      x.send(startResponse(x.messageId, 0x0e))
      x.drop()
    }, {}, { connectionLost: true })
    expect(r.error).toMatchObject({ reason: 'HANDSHAKE_REFUSED', phase: 'provider', code: 0x0e, retry: 'exponential' })
  })

  it('keeps a payload the provider sent with its refusal', async () => {
    const refusal = encodeReplicationResponse({ kind: 'replicationResponse', responseCode: 0x0e, dataGuid: 'ver', data: hexBytes('34 2e 38 00') })
    const r = await refused((x) => x.send(replResponseMessage(x.messageId, refusal)))
    expect([r.error.providerGuid, toHex(r.error.providerData)]).toEqual(['ver', '342e3800'])
  })

  it('0x01 is the busy wait, 0x03 backs off, 0x02 0x04 0x05 0x06 0x08 0x0B are fatal', async () => {
    const expected: Array<[number, string, string]> = [
      [0x01, 'NSDS50_REPL_REPLICA_BUSY', 'busy'],
      [0x03, 'NSDS50_REPL_PERMISSION_DENIED', 'exponential'],
      [0x02, 'NSDS50_REPL_EXCESSIVE_CLOCK_SKEW', 'fatal'],
      [0x04, 'NSDS50_REPL_DECODING_ERROR', 'fatal'],
      [0x05, 'NSDS50_REPL_UNKNOWN_UPDATE_PROTOCOL', 'fatal'],
      [0x06, 'NSDS50_REPL_NO_SUCH_REPLICA', 'fatal'],
      [0x08, 'NSDS50_REPL_INTERNAL_ERROR', 'fatal'],
      [0x0b, 'NSDS50_REPL_REPLICAID_ERROR', 'fatal'],
    ]
    for (const [n, name, retry] of expected) {
      const r = await refused(code(n))
      expect([r.error.code, r.error.codeName, r.error.retry], name).toEqual([n, name, retry])
      await server?.close()
      cleanup?.()
    }
  })
})

describe('local refusals (phases "pre" and "post")', () => {
  it('pre refuses: nothing is sent after the root DSE', async () => {
    const r = await refused(code(0), { init: () => 'state', pre: (ctx) => refuse(`schema of ${String(ctx.cookie)} is being upgraded`) })
    expect(r.error).toMatchObject({ reason: 'HANDSHAKE_PRE_REFUSED', phase: 'pre', retry: 'exponential', code: undefined })
    expect(r.error.message).toMatch(/The pre hook refused the replication session for "dc=example,dc=com": schema of state is being upgraded\. Nothing was sent\./)
    expect(r.trail).toEqual(['1:bind', '1:rootDse'])
  })

  it('pre throws: the same as a refusal, with the cause kept', async () => {
    const boom = new Error('version file unreadable')
    const r = await refused(code(0), { pre: () => Promise.reject(boom) })
    expect(r.error).toMatchObject({ phase: 'pre', retry: 'exponential' })
    expect(r.error.cause).toBe(boom)
    expect(r.trail).toEqual(['1:bind', '1:rootDse'])
  })

  it('post refuses the provider payload: End is sent (0x09 back) and no sync search follows', async () => {
    const ready = encodeReplicationResponse({ kind: 'replicationResponse', responseCode: 0, dataGuid: 'ver', data: hexBytes('34 2e 30 00') })
    const r = await refused((x) => x.send(replResponseMessage(x.messageId, ready)), { post: (ctx) => (ctx.guid === 'ver' ? refuse('provider too old') : undefined) })
    expect(r.error).toMatchObject({ reason: 'HANDSHAKE_POST_REFUSED', phase: 'post', code: 0, retry: 'exponential', endResponseCode: 0x09, providerGuid: 'ver' })
    expect(r.error.message).toMatch(/after the provider said READY: provider too old\. End Replication was sent \(released: NSDS50_REPL_REPLICA_RELEASE_SUCCEEDED \(0x09\)\)/)
    expect(r.trail).toEqual(['1:bind', '1:rootDse', '1:start', '1:end'])
    expect(r.events.map((e) => e.kind)).toEqual(['handshakeStart', 'handshakeEnd', 'handshakeFailed'])
    expect(r.events[1]).toMatchObject({ trigger: 'postRefused', ok: true, responseCode: 9 })
  })
})

describe('capability and transport (phases "capability" and "transport")', () => {
  it("a provider without 3.5.12 under onUnsupported 'fail' (the default): fatal, no Start", async () => {
    const r = await refused(code(0), {}, { extensions: ['1.3.6.1.1.8', ReplOid.startNsds50Request, ReplOid.endRequest] })
    expect(r.error).toMatchObject({ reason: 'HANDSHAKE_UNSUPPORTED', phase: 'capability', retry: 'fatal' })
    expect(r.error.message).toMatch(/does not list the Start Replication v2 extended operation \(2\.16\.840\.1\.113730\.3\.5\.12\)/)
    expect(r.trail).toEqual(['1:bind', '1:rootDse'])
  })

  it('no answer within handshakeTimeoutMs: a transient timeout', async () => {
    const r = await refused(() => undefined, { handshakeTimeoutMs: 150 })
    expect(r.error).toMatchObject({ reason: 'HANDSHAKE_TIMEOUT', phase: 'transport', retry: 'exponential' })
    expect(r.error.message).toMatch(/did not answer the Start Replication request within 150 ms/)
  })

  it('the connection drops on the request: a transient transport failure', async () => {
    server = await startScriptedSessionServer({ onExtended: (x) => x.drop() })
    const seeded = await seededFileStore()
    cleanup = seeded.cleanup
    const before = await storeState(seeded.store)
    const c = await SyncreplConsumer.connect({ url: server.url, store: seeded.store, sessionHooks: {} })
    const error = await c.syncSearch({ base: BASE }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'HandshakeError', reason: 'HANDSHAKE_CONNECTION_LOST', phase: 'transport', retry: 'exponential' })
    expect(await storeState(seeded.store)).toEqual(before)
    expect(server.trail()).toEqual(['1:rootDse', '1:start'])
    await c.close() // End is not attempted: nothing was acquired
  })
})

describe('responses that do not decode (phase "decode", §5.5 malformed variants)', () => {
  // The fourth member: the client closes a connection whose bytes make no LDAP sense.
  const cases: Array<[string, (x: ScriptedExtended) => void, Partial<HandshakeError>, boolean?]> = [
    ['integerInsteadOfEnumerated', value('30 03 02 01 00'), { reason: 'HANDSHAKE_BAD_RESPONSE', toleratedBy389: true }],
    ['ruvAsSet', value('30 0b 0a 01 00 31 06 04 04 72 75 76 31'), { reason: 'HANDSHAKE_BAD_RESPONSE', toleratedBy389: true }],
    ['trailingGarbage', value('30 05 0a 01 00 05 00'), { reason: 'HANDSHAKE_BAD_RESPONSE', toleratedBy389: true }],
    ['guidWithoutData', value('30 06 0a 01 00 04 01 67'), { reason: 'HANDSHAKE_BAD_RESPONSE', toleratedBy389: false }],
    ['truncated', value('30 52 0a 01 00 30 2a 04'), { reason: 'HANDSHAKE_BAD_RESPONSE', toleratedBy389: false }],
    ['noValue', value(undefined), { reason: 'HANDSHAKE_BAD_RESPONSE', toleratedBy389: false }],
    ['unknownCode', value('30 03 0a 01 42'), { reason: 'HANDSHAKE_BAD_RESPONSE', code: 0x42, codeName: undefined }],
    ['responseName bogus', value('30 03 0a 01 00', { responseName: '1.2.3.4' }), { reason: 'HANDSHAKE_RESPONSE_NAME' }],
    ['responseName 3.5.4', value('30 03 0a 01 00', { responseName: ReplOid.nsds50Response }), { reason: 'HANDSHAKE_RESPONSE_NAME', toleratedBy389: true }],
    ['ldapResult 53', value(undefined, { resultCode: 53, diagnosticMessage: 'no' }), { reason: 'HANDSHAKE_LDAP_ERROR', ldapResultCode: 53 }],
    ['not an LDAP message', (x) => x.send(hexBytes('30 05 02 01 01 04 00')), { reason: 'HANDSHAKE_BAD_RESPONSE' }, true],
    ['a BindResponse for the Start', (x) => x.send(encodeMessage({ messageId: x.messageId, op: { kind: 'bindResponse', resultCode: 0, matchedDN: '', diagnosticMessage: '' } })), { reason: 'HANDSHAKE_BAD_RESPONSE' }, true],
  ]
  for (const [name, answer, expected, connectionLost = false] of cases) {
    it(`${name}: fatal, no sync search`, async () => {
      const r = await refused(answer, {}, { connectionLost })
      expect(r.error).toMatchObject({ phase: 'decode', retry: 'fatal', retryable: false, ...expected })
      expect(r.trail).toEqual(['1:bind', '1:rootDse', '1:start'])
    })
  }

  it('the decode messages say what 389 would have tolerated', async () => {
    const r = await refused(value('30 03 02 01 00'))
    expect(r.error.message).toMatch(/REPL_BAD_ENUM.*INTEGER.*389's own supplier would have accepted it without complaint; this consumer is stricter on purpose/)
  })

  it('LDAP busy (51) is the busy wait, as 389 special-cases it', async () => {
    const r = await refused(value(undefined, { resultCode: 51 }))
    expect(r.error).toMatchObject({ phase: 'decode', reason: 'HANDSHAKE_LDAP_ERROR', ldapResultCode: 51, retry: 'busy', retryable: true })
  })

  it('the Start that was refused was the documented one (v2, incremental, base, RUV, CSN)', async () => {
    await refused(code(0x0e))
    const start = server!.received.find((x) => x.what === 'start')!.message.op
    if (start.kind !== 'extendedRequest') throw new Error('not an extended request')
    expect(start.requestName).toBe(ReplOid.startNsds90Request)
    const req = decodeStartReplicationRequest(start.requestValue, { version: 2 })
    expect(req).toMatchObject({ replProtocolOid: ReplOid.incrementalProtocol, replicatedTree: BASE, supplierRuv: ['{replicageneration} 00000000000000000000'] })
  })
})
