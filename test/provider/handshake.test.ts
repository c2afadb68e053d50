/**
 * The provider's side of the session-hook handshake over a real socket (389ds-session-hooks.md
 * §2 wire, §5.2-§5.5 design): exact answer bytes, per-connection state and the sync-search gate,
 * what is recorded, and the root DSE. Faults are in handshake-faults.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/index.js'
import { ReplOid } from '../../protocol/replsession/index.js'
import type { ProviderOptions } from '../../provider/index.js'
import { useProvider } from '../../provider/testing.js'
import { BASE, HandshakeClient, READY_84, REPLY_389, RUV, START_136, endValue, hex, startValue, toHex, utf8 } from './support/handshake-client.js'

const REQUIRED = 'replication session handshake required (2.16.840.1.113730.3.5.12)'
const options = (sessionHooks: ProviderOptions['sessionHooks']): ProviderOptions => ({ generate: { count: 3, seed: 'hooks' }, password: 'secret', sessionHooks })

describe('READY (§2.7, §5.3)', () => {
  const provider = useProvider(options({ reply: REPLY_389 }))

  it('answers §2.7’s 136-byte request with §2.7’s 84-byte value, byte for byte in the whole LDAPMessage', async () => {
    const client = await HandshakeClient.open(provider.current)
    const answer = await client.start(START_136)
    expect(answer).toMatchObject({ resultCode: 0, diagnosticMessage: '', responseName: ReplOid.nsds90Response })
    expect(toHex(answer.responseValue)).toBe(READY_84)
    // Hand-built: SEQUENCE { INTEGER id, [APPLICATION 24] { ENUMERATED 0, "", "", [10] 3.5.13, [11] the 84 octets } }.
    const name = Buffer.from(ReplOid.nsds90Response).toString('hex')
    expect(toHex(answer.frame)).toBe(`307c0201${answer.messageId.toString(16).padStart(2, '0')}78770a0100040004008a18${name}8b54${READY_84}`)
    client.close()
  })

  it('records the exchange both ways and lets a sync search through on that connection', async () => {
    const client = await HandshakeClient.open(provider.current)
    const event = provider.current.events.waitFor('handshake')
    await client.start(START_136)
    const { record } = await event
    expect(record).toMatchObject({
      kind: 'start',
      connectionId: 1,
      attempt: 1,
      requestOid: ReplOid.startNsds90Request,
      version: 2,
      protocolOid: ReplOid.incrementalProtocol,
      isTotal: false,
      base: BASE,
      csn: '65a0c200000000010000',
      supplierRuv: [RUV],
      payload: { guid: 'test-guid', dataHex: toHex(utf8('test-data\0')), decoded: { codec: 'cstring', text: 'test-data' } },
      recv: { outcome: 'accepted' },
      code: 0,
      codeLabel: 'NSDS50_REPL_REPLICA_READY (0x00)',
      reply: { guid: 'test-reply-guid', dataHex: toHex(utf8('test-reply-data\0')) },
      consumerRuv: [RUV],
      response: { resultCode: 0, responseName: ReplOid.nsds90Response, responseValueHex: READY_84 },
      stateBefore: 'none',
      stateAfter: 'accepted',
    })
    expect(record.fault).toBeUndefined()
    expect(record.answeredAt).toBeGreaterThanOrEqual(record.time)
    expect(provider.current.handshakes.last()).toBe(record)
    expect(provider.current.handshakes.expectHandshakes(1)).toEqual([record])
    expect(provider.current.handshakes.stateOf(1)).toBe('accepted')
    const sync = await client.sync()
    expect(sync.entries).toBeGreaterThan(3)
    expect(sync.done.op).toMatchObject({ kind: 'searchResultDone', resultCode: 0 })
    expect(provider.current.handshakes.violations).toEqual([])
    client.close()
  })

  it('ignores elements after the last member as 389 does, and records them', async () => {
    const client = await HandshakeClient.open(provider.current)
    const answer = await client.start(startValue({ trailing: hex('0101ff') }))
    expect(toHex(answer.responseValue)).toBe(READY_84)
    expect(provider.current.handshakes.last()).toMatchObject({ trailingHex: '0101ff', stateAfter: 'accepted' })
    client.close()
  })

  it('answers a v1 Start (3.5.3) under 3.5.4 without the reply payload, and the connection is accepted', async () => {
    const client = await HandshakeClient.open(provider.current)
    const answer = await client.start(START_136, 1)
    expect(answer.responseName).toBe(ReplOid.nsds50Response)
    // READY and the RUV; a reply payload is only ever returned to 3.5.12 (§2.2).
    expect(toHex(answer.responseValue)).toBe(`302f0a0100302a0428${toHex(utf8(RUV))}`)
    expect(provider.current.handshakes.last()).toMatchObject({ version: 1, requestOid: ReplOid.startNsds50Request, payload: { guid: 'test-guid' }, stateAfter: 'accepted' })
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 0 })
    client.close()
  })
})

describe('refusals (§1.4, §3.2, §3.3)', () => {
  const provider = useProvider(options({ recv: { expectGuid: 'test-guid', accept: { exactVersion: '20' } } }))

  it('0x0E for an incremental session: `30 03 0a 01 0e`, then 53 for a sync search on that connection', async () => {
    const client = await HandshakeClient.open(provider.current)
    const answer = await client.start(START_136)
    expect([answer.resultCode, answer.responseName, toHex(answer.responseValue)]).toEqual([0, ReplOid.nsds90Response, '30030a010e'])
    expect(provider.current.handshakes.last()).toMatchObject({ recv: { outcome: 'rejected', reason: expect.stringContaining('"test-data" is not exactVersion "20"') }, stateAfter: 'rejected' })
    const violation = provider.current.events.waitFor('handshakeViolation')
    const sync = await client.sync()
    expect(sync.messages).toHaveLength(1)
    expect(sync.done.op).toMatchObject({ kind: 'searchResultDone', resultCode: ResultCode.unwillingToPerform, diagnosticMessage: REQUIRED })
    expect((await violation).violation).toMatchObject({ connectionId: 1, state: 'rejected', required: true, base: BASE })
    expect(provider.current.handshakes.syncSearchesAfterRejection()).toBe(1)
    client.close()
  })

  it('0x0C for a total session (…3.6.2): `30 03 0a 01 0c`', async () => {
    const client = await HandshakeClient.open(provider.current)
    const answer = await client.start(startValue({ replProtocolOid: ReplOid.totalProtocol }))
    expect(toHex(answer.responseValue)).toBe('30030a010c')
    expect(provider.current.handshakes.last()).toMatchObject({ isTotal: true, code: 0x0c, codeLabel: 'NSDS50_REPL_DISABLED (0x0C)' })
    client.close()
  })

  it('a repeat Start on the connection is answered again and its outcome replaces the state (§5.4)', async () => {
    const client = await HandshakeClient.open(provider.current)
    expect(toHex((await client.start()).responseValue)).toBe('30030a010e')
    expect(toHex((await client.start(startValue({ data: utf8('20\0') }))).responseValue)).toBe('30030a0100')
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 0 })
    client.close()
  })

  it('0x05 for another protocol OID and 0x04 for a value that does not decode, a GUID without data included', async () => {
    const client = await HandshakeClient.open(provider.current)
    expect(toHex((await client.start(startValue({ replProtocolOid: ReplOid.nsds71IncrementalProtocol }))).responseValue)).toBe('30030a0105')
    const guidOnly = startValue({ data: undefined })
    expect(toHex((await client.start(guidOnly)).responseValue)).toBe('30030a0104')
    expect(provider.current.handshakes.last()).toMatchObject({ decodeError: { code: 'REPL_GUID_WITHOUT_DATA' }, recv: { outcome: 'skipped' } })
    for (const value of ['none' as const, new Uint8Array(0), hex('3000'), hex('0401ff'), hex('30 05 04 01 78 31 00')]) {
      expect(toHex((await client.start(value)).responseValue)).toBe('30030a0104')
    }
    client.close()
  })
})

describe('End (§2.4)', () => {
  const provider = useProvider(options({}))

  it('answers 3.5.4 with 0x09, also with no session, and moves the state back to none', async () => {
    const client = await HandshakeClient.open(provider.current)
    const idle = await client.end()
    expect([idle.resultCode, idle.responseName, toHex(idle.responseValue)]).toEqual([0, ReplOid.nsds50Response, '30030a0109'])
    await client.start()
    expect(provider.current.handshakes.stateOf(1)).toBe('accepted')
    const released = await client.end()
    expect(toHex(released.frame)).toBe(`302c0201${released.messageId.toString(16).padStart(2, '0')}78270a0100040004008a17${Buffer.from(ReplOid.nsds50Response).toString('hex')}8b0530030a0109`)
    expect(provider.current.handshakes.ends.map((r) => [r.stateBefore, r.stateAfter, r.code])).toEqual([['none', 'none', 9], ['accepted', 'none', 9]])
    expect((await client.sync()).done.op).toMatchObject({ resultCode: ResultCode.unwillingToPerform, diagnosticMessage: REQUIRED })
    client.close()
  })

  it('reads only the DN as 389 does (0x09 without the RUV), and answers 0x04 when not even the DN is there', async () => {
    const client = await HandshakeClient.open(provider.current)
    expect(toHex((await client.end(hex(`3013 0411 ${toHex(utf8(BASE))}`))).responseValue)).toBe('30030a0109')
    expect(provider.current.handshakes.ends.at(-1)).toMatchObject({ base: BASE, decodeError: { code: 'REPL_MISSING_MEMBER' } })
    expect(toHex((await client.end('none')).responseValue)).toBe('30030a0104')
    expect(toHex((await client.end(hex('3100'))).responseValue)).toBe('30030a0104')
    client.close()
  })
})

describe('the gate (§5.4)', () => {
  const provider = useProvider(options({}))

  it('a sync search without a handshake gets SearchResultDone 53 and nothing else; no operation starts', async () => {
    const client = await HandshakeClient.open(provider.current)
    const before = provider.current.directory.contextCsnVector()
    const ended: number[] = []
    provider.current.events.on('operationEnded', (e) => ended.push(e.messageId))
    const sync = await client.sync()
    expect(sync.messages.map((m) => m.op.kind)).toEqual(['searchResultDone'])
    expect(sync.done.op).toMatchObject({ resultCode: 53, diagnosticMessage: REQUIRED, matchedDN: '' })
    expect(sync.done.controls ?? []).toEqual([])
    // The connection carries on: a plain search is served, and nothing was registered.
    expect(await client.supportedExtension()).toContain(ReplOid.startNsds90Request)
    expect(ended).toEqual([])
    expect(provider.current.stats().operations).toBe(0)
    expect(provider.current.directory.contextCsnVector()).toEqual(before)
    expect(provider.current.handshakes.violations).toMatchObject([{ connectionId: 1, state: 'none', required: true, message: expect.stringMatching(/^Sync search \d+ on connection 1 came without an accepted/) }])
    expect(provider.current.handshakes.syncSearchesAfterRejection()).toBe(0)
    client.close()
  })

  it('a new Bind resets an accepted connection to none', async () => {
    const client = await HandshakeClient.open(provider.current)
    await client.start()
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 0 })
    await client.raw.bind('cn=admin,dc=example,dc=com', 'secret')
    expect(provider.current.handshakes.stateOf(1)).toBe('none')
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 53 })
    client.close()
  })

  it('the state is per connection', async () => {
    const a = await HandshakeClient.open(provider.current)
    const b = await HandshakeClient.open(provider.current)
    await a.start()
    expect((await b.sync()).done.op).toMatchObject({ resultCode: 53 })
    expect((await a.sync()).done.op).toMatchObject({ resultCode: 0 })
    a.close()
    b.close()
  })
})

describe('required: false (advisory)', () => {
  const provider = useProvider(options({ required: false, recv: { onMissingPayload: 'reject' } }))

  it('lets a sync search through without a handshake, but a refused connection still gets 53', async () => {
    const client = await HandshakeClient.open(provider.current)
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 0 })
    expect(toHex((await client.start(startValue({ dataGuid: undefined, data: undefined }))).responseValue)).toBe('30030a010e')
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 53, diagnosticMessage: REQUIRED })
    expect(provider.current.handshakes.violations).toMatchObject([{ state: 'rejected', required: false }])
    client.close()
  })
})

describe('sequence: per-attempt outcomes across connections (§5.7 row 2)', () => {
  const provider = useProvider(options({ sequence: [{ forceCode: 0x0e }, { recv: { reject: true } }, { forceCode: 0x01 }] }))

  it('refuse, refuse, busy, then the script itself (accept)', async () => {
    const codes: (string | undefined)[] = []
    for (let i = 0; i < 4; i++) {
      const client = await HandshakeClient.open(provider.current)
      codes.push(toHex((await client.start()).responseValue))
      client.close()
    }
    expect(codes).toEqual(['30030a010e', '30030a010e', '30030a0101', '30030a0100'])
    expect(provider.current.handshakes.starts.map((r) => [r.attempt, r.connectionId])).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]])
    expect(provider.current.handshakes.last()?.reason).toBe('The payload is accepted (no criteria).')
  })
})

describe('root DSE (§2.6, §5.2)', () => {
  const provider = useProvider(options({}))

  it('lists 3.5.12, 3.5.3, 3.5.5 and 3.5.4 after Cancel while enabled; advertise: false and disabled hooks list none', async () => {
    const client = await HandshakeClient.open(provider.current, false)
    const handshake = [ReplOid.startNsds90Request, ReplOid.startNsds50Request, ReplOid.endRequest, ReplOid.nsds50Response]
    expect(await client.supportedExtension()).toEqual(['1.3.6.1.1.8', ...handshake])
    provider.current.setSessionHooks({ advertise: false })
    expect(await client.supportedExtension()).toEqual(['1.3.6.1.1.8'])
    // Not advertised, but answered: the consumer's "provider lacks support" path is its own to take.
    await client.raw.bind('cn=admin,dc=example,dc=com', 'secret')
    expect(toHex((await client.start()).responseValue)).toBe('30030a0100')
    provider.current.setSessionHooks(undefined)
    expect(await client.supportedExtension()).toEqual(['1.3.6.1.1.8'])
    const unknown = await client.start()
    expect([unknown.resultCode, unknown.diagnosticMessage]).toEqual([ResultCode.protocolError, 'unsupported extended operation'])
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 0 })
    client.close()
  })

  it('setSessionHooks refuses a script that cannot work and keeps the old one', async () => {
    expect(() => provider.current.setSessionHooks({ advertise: false, reply: { guid: 'g' } })).toThrow(expect.objectContaining({ code: 'HANDSHAKE_BAD_SCRIPT' }))
    const client = await HandshakeClient.open(provider.current, false)
    expect(await client.supportedExtension()).toContain(ReplOid.startNsds90Request)
    client.close()
  })
})

describe('a provider without sessionHooks', () => {
  const provider = useProvider({ generate: { count: 1, seed: 1 }, password: 'secret' })

  it('knows none of the OIDs and gates nothing', async () => {
    const client = await HandshakeClient.open(provider.current)
    expect(await client.supportedExtension()).toEqual(['1.3.6.1.1.8'])
    expect((await client.end(endValue())).resultCode).toBe(ResultCode.protocolError)
    expect((await client.sync()).done.op).toMatchObject({ resultCode: 0 })
    expect(provider.current.handshakes.records).toEqual([])
    client.close()
  })
})
