/**
 * The session-hook faults of 389ds-session-hooks.md §5.5 over a real socket: every malformed
 * variant byte for byte, responseName and ldapResult, delay, hang and disconnect — and that
 * nothing a client sends in a Start or End value can hurt the provider.
 */
import { describe, expect, it } from 'vitest'
import { ReplOid } from '../../protocol/replsession/index.js'
import type { HandshakeFault, ProviderOptions } from '../../provider/index.js'
import { useProvider } from '../../provider/testing.js'
import { HandshakeClient, READY_84, REPLY_389, RUV, START_136, endValue, toHex, utf8 } from './support/handshake-client.js'

const options = (sessionHooks: ProviderOptions['sessionHooks']): ProviderOptions => ({ generate: { count: 2, seed: 'faults' }, password: 'secret', sessionHooks })
const ruvHex = `302a0428${toHex(utf8(RUV))}`
const guidHex = `040f${toHex(utf8('test-reply-guid'))}`

describe('malformed answers (§5.5): exact response values, and what the connection may do next', () => {
  const provider = useProvider(options({ reply: REPLY_389 }))

  const cases: [HandshakeFault & { malformed: string }, string | undefined, 'accepted' | 'rejected'][] = [
    [{ malformed: 'truncated' }, READY_84.slice(0, -2), 'rejected'],
    [{ malformed: 'guidWithoutData' }, `30400a0100${ruvHex}${guidHex}`, 'rejected'],
    [{ malformed: 'integerInsteadOfEnumerated' }, `305202${READY_84.slice(6)}`, 'accepted'],
    [{ malformed: 'noValue' }, undefined, 'rejected'],
    [{ malformed: 'trailingGarbage' }, `3055${READY_84.slice(4)}0101ff`, 'accepted'],
    [{ malformed: 'unknownCode' }, `30520a012a${READY_84.slice(10)}`, 'rejected'],
    [{ malformed: 'ruvAsSet' }, `30520a0100312a${READY_84.slice(14)}`, 'accepted'],
  ]

  it.each(cases)('%o', async (fault, value, state) => {
    provider.current.setSessionHooks({ reply: REPLY_389, fault })
    const client = await HandshakeClient.open(provider.current)
    const answer = await client.start(START_136)
    expect([answer.resultCode, answer.responseName]).toEqual([0, ReplOid.nsds90Response])
    expect(toHex(answer.responseValue)).toBe(value)
    const record = provider.current.handshakes.last()
    expect(record).toMatchObject({ code: 0, fault, stateAfter: state, response: { resultCode: 0 } })
    expect(record?.response?.responseValueHex).toBe(value)
    // Accepted exactly when a 389 supplier would have acquired the replica from these bytes.
    expect((await client.sync()).done.op).toMatchObject({ resultCode: state === 'accepted' ? 0 : 53 })
    client.close()
  })

  it('responseName: the answer under another name, the value intact', async () => {
    provider.current.setSessionHooks({ reply: REPLY_389, fault: { responseName: ReplOid.nsds50Response } })
    const client = await HandshakeClient.open(provider.current)
    const answer = await client.start(START_136)
    expect([answer.responseName, toHex(answer.responseValue)]).toEqual([ReplOid.nsds50Response, READY_84])
    client.close()
  })

  it('ldapResult: a non-zero LDAP resultCode with its message; the connection is refused', async () => {
    provider.current.setSessionHooks({ fault: { ldapResult: 51, message: 'come back later' } })
    const client = await HandshakeClient.open(provider.current)
    const answer = await client.start(START_136)
    expect([answer.resultCode, answer.diagnosticMessage, toHex(answer.responseValue)]).toEqual([51, 'come back later', '30030a0100'])
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 53 })
    client.close()
  })
})

describe('timing faults (§5.5)', () => {
  const provider = useProvider(options({}))

  it('delay: the answer comes that late; requests after it are served meanwhile', async () => {
    provider.current.setSessionHooks({ fault: { delayMs: 150 } })
    const client = await HandshakeClient.open(provider.current)
    const startId = client.send(ReplOid.startNsds90Request, START_136)
    // Until the answer is out, the connection is not accepted: its sync search gets 53.
    const early = await client.sync()
    expect(early.done.op).toMatchObject({ resultCode: 53 })
    const answer = await client.answer(startId)
    expect(toHex(answer.responseValue)).toBe('30030a0100')
    const record = provider.current.handshakes.last()
    expect(record?.fault).toEqual({ delayMs: 150 })
    expect((record?.answeredAt ?? 0) - (record?.time ?? 0)).toBeGreaterThanOrEqual(140)
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 0 })
    client.close()
  })

  it('delay: a connection closed before the answer gets nothing, and the record says so', async () => {
    provider.current.setSessionHooks({ fault: { delayMs: 60_000 } })
    const client = await HandshakeClient.open(provider.current)
    const recorded = provider.current.events.waitFor('handshake')
    client.send(ReplOid.startNsds90Request, START_136)
    await provider.current.events.waitFor('requestReceived', (e) => e.message.op.kind === 'extendedRequest')
    client.close()
    // The close settles the pending answer at once: no 60 s timer survives the connection.
    const { record } = await recorded
    expect(record.response).toBeUndefined()
    expect(record.stateAfter).toBe('none')
    expect(record.answeredAt - record.time).toBeLessThan(60_000)
  })

  it('hang: never answered; the next request is', async () => {
    provider.current.setSessionHooks({ fault: { hang: true } })
    const client = await HandshakeClient.open(provider.current)
    const recorded = provider.current.events.waitFor('handshake')
    client.send(ReplOid.startNsds90Request, START_136)
    // Requests are handled in order: had the Start been answered, its answer would come first.
    expect(await client.supportedExtension()).toContain(ReplOid.startNsds90Request)
    const { record } = await recorded
    expect(record).toMatchObject({ fault: { hang: true }, code: 0, stateBefore: 'none', stateAfter: 'none' })
    expect(record.response).toBeUndefined()
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 53 })
    client.close()
  })

  it('disconnect onRequest: the connection closes without an answer', async () => {
    provider.current.setSessionHooks({ fault: { disconnect: 'onRequest' } })
    const client = await HandshakeClient.open(provider.current)
    const closed = provider.current.events.waitFor('connectionClosed')
    client.send(ReplOid.startNsds90Request, START_136)
    expect(await client.raw.drainUntilClosed()).toEqual([])
    expect((await closed).reason).toBe('fault')
    expect(provider.current.handshakes.last()?.response).toBeUndefined()
  })

  it('disconnect afterResponse: the answer (here a reply veto, as 389 does it), then FIN', async () => {
    provider.current.setSessionHooks({ reply: { ...REPLY_389, reject: true }, fault: { disconnect: 'afterResponse' } })
    const client = await HandshakeClient.open(provider.current)
    const id = client.send(ReplOid.startNsds90Request, START_136)
    const rest = await client.raw.drainUntilClosed()
    expect(rest.map((m) => [m.messageId, m.op.kind])).toEqual([[id, 'extendedResponse']])
    const op = rest[0]?.op
    // The veto forces 0x0E, drops the payload and keeps the RUV (the lock was taken, §2.3).
    expect(op?.kind === 'extendedResponse' ? toHex(op.responseValue) : undefined).toBe(`302f0a010e${ruvHex}`)
    expect(provider.current.handshakes.last()).toMatchObject({ code: 0x0e, stateAfter: 'rejected' })
  })
})

describe('hostile Start and End values', () => {
  const provider = useProvider(options({ recv: { codec: 'json', accept: { field: 'a.b', equals: 1 } }, reply: REPLY_389 }))

  it('every value is answered (0x04 when it does not decode) and the provider carries on', async () => {
    const client = await HandshakeClient.open(provider.current)
    let seed = 7
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff
    const values: Uint8Array[] = [START_136.subarray(0, 40), Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff), Uint8Array.of(0x30, 0x80, 0x00, 0x00)]
    for (let i = 0; i < 60; i++) values.push(Uint8Array.from({ length: 1 + (i % 30) }, next))
    for (let i = 0; i < 40; i++) {
      const v = new Uint8Array(START_136)
      v[10 + (i % 120)] = next()
      values.push(v)
    }
    for (const value of values) {
      const start = await client.start(value)
      expect(start.resultCode).toBe(0)
      expect(start.responseValue?.[0]).toBe(0x30)
      const end = await client.end(value)
      expect(end.responseName).toBe(ReplOid.nsds50Response)
    }
    // Payloads that are not JSON or lack the field are refused, not thrown about.
    expect(provider.current.handshakes.starts.every((r) => r.response !== undefined)).toBe(true)
    expect(toHex((await client.end(endValue())).responseValue)).toBe('30030a0109')
    expect(provider.current.stats().connections).toBe(1)
    client.close()
  })
})
