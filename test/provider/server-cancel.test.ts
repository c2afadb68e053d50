/**
 * Cancel (RFC 3909, RFC 4533 §3.7) and Abandon (RFC 4511 §4.11) of sync searches, with the
 * order slapd uses: SearchResultDone canceled (118) without Sync Done, then the Cancel's success.
 * Silence is proven without sleeping: after the abandon (or cancel) a change is made and another
 * request is sent; its answer must be the very next message.
 */
import { describe, expect, it } from 'vitest'
import { ResultCode, encodeCancelRequestValue, encodeSyncRequestValue } from '../../protocol/index.js'
import type { LdapMessage } from '../../protocol/index.js'
import type { Directory } from '../../provider/index.js'
import { useProvider } from '../../provider/testing.js'
import { FakeEngine, addEntries } from './support/fake-engine.js'
import { RawLdapClient, resultCodeOf } from './support/raw-client.js'

const ADMIN = 'cn=admin,dc=example,dc=com'
const SYNC = '1.3.6.1.4.1.4203.1.9.1.1'
const rp = { type: SYNC, critical: true, value: encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshAndPersist', reloadHint: false }) }

let changes = 0

/** A change every persist search on the suffix would hear about. */
function change(directory: Directory): void {
  directory.apply({ kind: 'modify', dn: 'dc=example,dc=com', modifications: [{ operation: 'replace', type: 'description', values: [`change ${++changes}`] }] })
}

function cancel(client: RawLdapClient, cancelID: number): number {
  const messageId = client.id()
  client.send({ messageId, op: { kind: 'extendedRequest', requestName: '1.3.6.1.1.8', requestValue: encodeCancelRequestValue({ kind: 'cancelRequest', cancelID }) } })
  return messageId
}

/** A root DSE search whose answer must come next (nothing else may sneak in before it). */
async function expectNothingBefore(client: RawLdapClient): Promise<void> {
  const id = client.search('', { scope: 0 })
  const first = await client.next()
  expect(first.messageId).toBe(id)
  expect(first.op.kind).toBe('searchResultEntry')
  expect(resultCodeOf(await client.next())).toBe(ResultCode.success)
}

async function persistingSearch(client: RawLdapClient): Promise<number> {
  expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
  const id = client.search('dc=example,dc=com', { controls: [rp] })
  await client.until((m) => m.messageId === id && m.op.kind === 'intermediateResponse')
  return id
}

describe('Cancel and Abandon with the real sync engine', () => {
  const provider = useProvider({ generate: { count: 5, seed: 'cancel' }, password: 'secret' })

  it('ends a persisting search with 118 (no Sync Done), then answers the Cancel with success', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    const searchId = await persistingSearch(client)
    const ended = provider.current.events.waitFor('operationEnded', (e) => e.messageId === searchId)
    const cancelId = cancel(client, searchId)
    const done = await client.next()
    expect(done.messageId).toBe(searchId)
    expect(done.op).toMatchObject({ kind: 'searchResultDone', resultCode: ResultCode.canceled })
    expect(done.controls).toEqual([])
    const answer = await client.next()
    expect(answer.messageId).toBe(cancelId)
    expect(answer.op).toMatchObject({ kind: 'extendedResponse', resultCode: ResultCode.success })
    expect(answer.op).not.toHaveProperty('responseName', expect.anything())
    expect(await ended).toMatchObject({ outcome: 'cancelled', resultCode: ResultCode.canceled })
    change(provider.current.directory)
    await expectNothingBefore(client)
    // The operation is gone: a second Cancel finds nothing.
    cancel(client, searchId)
    expect((await client.next()).op).toMatchObject({ resultCode: ResultCode.noSuchOperation, diagnosticMessage: 'message ID not found' })
    client.close()
  })

  it('answers noSuchOperation (119) for unknown and finished operations, protocolError for a bad value', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    cancel(client, 999)
    expect((await client.next()).op).toMatchObject({ kind: 'extendedResponse', resultCode: ResultCode.noSuchOperation })
    const finished = client.search('dc=example,dc=com', { scope: 0 })
    await client.until((m) => m.messageId === finished && m.op.kind === 'searchResultDone')
    cancel(client, finished)
    expect(resultCodeOf(await client.next())).toBe(ResultCode.noSuchOperation)
    client.send({ messageId: client.id(), op: { kind: 'extendedRequest', requestName: '1.3.6.1.1.8' } })
    expect((await client.next()).op).toMatchObject({ resultCode: ResultCode.protocolError, diagnosticMessage: 'no message ID supplied' })
    client.send({ messageId: client.id(), op: { kind: 'extendedRequest', requestName: '1.3.6.1.1.8', requestValue: Buffer.from('0401ff', 'hex') } })
    expect((await client.next()).op).toMatchObject({ resultCode: ResultCode.protocolError, diagnosticMessage: 'message ID parse failed' })
    client.close()
  })

  it('abandons silently: no SearchResultDone, no persist messages afterwards', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    const searchId = await persistingSearch(client)
    const ended = provider.current.events.waitFor('operationEnded', (e) => e.messageId === searchId)
    client.send({ messageId: client.id(), op: { kind: 'abandonRequest', idToAbandon: searchId } })
    expect(await ended).toMatchObject({ outcome: 'abandoned' })
    expect(await ended).not.toHaveProperty('resultCode')
    change(provider.current.directory)
    await expectNothingBefore(client)
    cancel(client, searchId)
    expect(resultCodeOf(await client.next())).toBe(ResultCode.noSuchOperation)
    client.close()
  })

  it('stops every operation of a connection that closes', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    const searchId = await persistingSearch(client)
    const ended = provider.current.events.waitFor('operationEnded', (e) => e.messageId === searchId)
    const closed = provider.current.events.waitFor('connectionClosed')
    client.close()
    expect(await ended).toMatchObject({ outcome: 'connectionClosed' })
    expect(await closed).toMatchObject({ reason: 'client' })
    expect(provider.current.stats()).toMatchObject({ connections: 0, operations: 0 })
    // A change after the close reaches nobody and breaks nothing.
    change(provider.current.directory)
  })

  it('closes the connection on Unbind, stopping its searches', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    const searchId = await persistingSearch(client)
    const ended = provider.current.events.waitFor('operationEnded', (e) => e.messageId === searchId)
    client.send({ messageId: client.id(), op: { kind: 'unbindRequest' } })
    expect(await client.drainUntilClosed()).toEqual([])
    expect(await ended).toMatchObject({ outcome: 'connectionClosed' })
  })
})

describe('with a scripted engine', () => {
  let engine: FakeEngine
  const provider = useProvider(() => {
    engine = new FakeEngine((request) => {
      if (request.sizeLimit === 1) return { messages: () => { throw new Error('scripted engine failure') }, persist: false }
      return {
        messages: () => [...addEntries(request.sizeLimit === 2 ? 20_000 : 3, request.sizeLimit === 2 ? 1000 : 200), { kind: 'info', info: { kind: 'refreshDelete', refreshDone: true } }],
        persist: true,
      }
    })
    return { password: 'secret', engineFactory: () => engine }
  })

  it('cancels a refresh stalled by a client that stopped reading: nothing of it follows the 118', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    const stalled = provider.current.events.waitFor('backpressure', (e) => e.state === 'stalled')
    client.pause()
    const searchId = client.search('dc=example,dc=com', { controls: [rp], sizeLimit: 2 })
    await stalled
    const cancelId = cancel(client, searchId)
    await provider.current.events.waitFor('operationEnded', (e) => e.messageId === searchId)
    expect(engine.operations[0]?.stopped).toBe(true)
    client.resume()
    const messages = await client.until((m) => m.messageId === cancelId)
    const done = messages.at(-2) as LdapMessage
    expect(done.op).toMatchObject({ kind: 'searchResultDone', resultCode: ResultCode.canceled })
    const entries = messages.slice(0, -2)
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.length).toBeLessThan(20_000)
    expect(entries.every((m) => m.op.kind === 'searchResultEntry' && m.messageId === searchId)).toBe(true)
    expect(resultCodeOf(messages.at(-1) as LdapMessage)).toBe(ResultCode.success)
    client.close()
  })

  it('sends persist messages in order and ends the operation on a persist SearchResultDone (4096)', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    const searchId = client.search('dc=example,dc=com', { controls: [rp] })
    const refresh = await client.until((m) => m.op.kind === 'intermediateResponse')
    expect(refresh).toHaveLength(4)
    const op = engine.operations[0]!
    op.push({ kind: 'info', info: { kind: 'newcookie', cookie: Buffer.from('c1') } })
    op.push({ kind: 'done', resultCode: ResultCode.eSyncRefreshRequired, diagnosticMessage: '' })
    const info = await client.next()
    expect(info.op).toMatchObject({ kind: 'intermediateResponse', responseName: '1.3.6.1.4.1.4203.1.9.1.4' })
    const done = await client.next()
    expect(done).toMatchObject({ messageId: searchId, op: { resultCode: ResultCode.eSyncRefreshRequired }, controls: [] })
    expect(op.stopped).toBe(true)
    expect(provider.current.stats().operations).toBe(0)
    client.close()
  })

  it('answers an engine failure with other (80) and keeps the connection', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    const searchId = client.search('dc=example,dc=com', { controls: [rp], sizeLimit: 1 })
    const done = await client.next()
    expect(done).toMatchObject({ messageId: searchId, op: { kind: 'searchResultDone', resultCode: ResultCode.other } })
    await expectNothingBefore(client)
    client.close()
  })
})
