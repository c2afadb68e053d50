/**
 * The consumer's session-hook handshake (389ds-session-hooks.md §5.3, §5.6) against a scripted
 * server that answers with exact bytes: what goes over the wire and in which order, what the
 * hooks see, and that a refusal sends no sync search and leaves the replica and cookie (and the
 * FileStore's file) byte for byte as they were. The refusal cases are in handshake-refusals.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HandshakeError, MemoryStore, SyncreplConsumer, cstringPayload } from '../../consumer/index.js'
import type { HookContext, PostContext, SessionHooksOptions, SyncEvent } from '../../consumer/index.js'
import { ReplOid, decodeEndReplicationRequest, decodeStartReplicationRequest, encodeEndReplicationRequest } from '../../protocol/replsession/index.js'
import { bytes, syncDoneMessage, syncEntry, syncInfo, testUuid } from '../support/scripted-sync-server.js'
import { endResponse, replResponseMessage, startResponse, startScriptedSessionServer } from '../support/scripted-session-server.js'
import type { ScriptedSessionServer, ScriptedSessionServerOptions } from '../support/scripted-session-server.js'
import { BASE, CLOCK_2_7, GENERATION_2_7, READY_2_7, hexBytes, START_2_7, STORED_COOKIE, seededFileStore, startScript, storeState, toHex } from './handshake-support.js'

const AUTH = { bindDn: 'cn=admin,dc=example,dc=com', password: 'secret' }
const NEW_COOKIE = bytes('389-cookie-0002')

let server: ScriptedSessionServer | undefined
let cleanup: (() => void) | undefined
afterEach(async () => {
  await server?.close()
  cleanup?.()
  server = undefined
  cleanup = undefined
})

async function serve(options: ScriptedSessionServerOptions): Promise<ScriptedSessionServer> {
  server = await startScriptedSessionServer(options)
  return server
}

/** A refreshOnly answer that adds one entry and ends with a new cookie (refreshDeletes TRUE keeps the rest). */
const oneEntryRefresh: ScriptedSessionServerOptions['onSearch'] = (s) =>
  s.send(
    syncEntry(s.messageId, { state: 'add', uuid: testUuid(3), dn: `uid=cy,ou=people,${BASE}`, attributes: { uid: 'cy' } }),
    syncDoneMessage(s.messageId, 0, { cookie: NEW_COOKIE, refreshDeletes: true }),
  )

function startRequests(s: ScriptedSessionServer) {
  return s.received
    .filter((r) => r.what === 'start')
    .map((r) => (r.message.op.kind === 'extendedRequest' ? r.message.op : undefined)!)
}

describe('session handshake: READY', () => {
  it('sends the §2.7 Start bytes, hands the provider payload to post, syncs on the same connection, then sends End', async () => {
    const s = await serve({ onExtended: startScript([(x) => x.send(replResponseMessage(x.messageId, READY_2_7))]), onSearch: oneEntryRefresh })
    const { store, cleanup: rm } = await seededFileStore()
    cleanup = rm
    const calls: string[] = []
    let preCtx: HookContext | undefined
    let postCtx: PostContext | undefined
    const hooks: SessionHooksOptions = {
      init: (ctx) => (calls.push(`init ${ctx.base}`), 'agreement-1'),
      pre: (ctx) => ((preCtx = ctx), calls.push('pre'), { guid: 'test-guid', data: cstringPayload('test-data') }),
      post: (ctx) => void ((postCtx = ctx), calls.push('post')),
      destroy: (ctx) => void calls.push(`destroy ${String(ctx.cookie)} ${ctx.base}`),
      replicaGeneration: GENERATION_2_7,
      clock: () => CLOCK_2_7,
    }
    const c = await SyncreplConsumer.connect({ url: s.url, ...AUTH, store, sessionHooks: hooks })
    const events: SyncEvent[] = []
    c.onEvent((e) => events.push(e))
    await c.syncSearch({ base: BASE, mode: 'refreshOnly' })
    expect(await c.poll()).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '' })

    expect(s.trail()).toEqual(['1:bind', '1:rootDse', '1:start', '1:syncSearch', '1:end'])
    const [start] = startRequests(s)
    expect(start?.requestName).toBe(ReplOid.startNsds90Request)
    expect(toHex(start?.requestValue)).toBe(toHex(START_2_7))
    const search = s.received.find((r) => r.what === 'syncSearch')!
    expect(search.message.op.kind === 'searchRequest' && search.message.op.baseObject).toBe(BASE)

    expect({ ...preCtx, syncCookie: toHex(preCtx?.syncCookie) }).toEqual({ cookie: 'agreement-1', base: BASE, isTotal: false, syncCookie: toHex(STORED_COOKIE) })
    expect({ ...postCtx, syncCookie: toHex(postCtx?.syncCookie), data: toHex(postCtx?.data) }).toEqual({
      cookie: 'agreement-1', base: BASE, isTotal: false, syncCookie: toHex(STORED_COOKIE), guid: 'test-reply-guid', data: toHex(bytes('test-reply-data\u0000')),
    })

    const end = s.received.find((r) => r.what === 'end')!.message.op
    const endValue = end.kind === 'extendedRequest' ? end.requestValue : undefined
    expect(decodeEndReplicationRequest(endValue)).toEqual({ kind: 'endReplicationRequest', replicatedTree: BASE, supplierRuv: [`{replicageneration} ${GENERATION_2_7}`] })
    expect(toHex(endValue)).toBe(toHex(encodeEndReplicationRequest({ kind: 'endReplicationRequest', replicatedTree: BASE, supplierRuv: [`{replicageneration} ${GENERATION_2_7}`] })))

    expect(events.map((e) => e.kind)).toEqual(['handshakeStart', 'handshakeAccepted', 'entry', 'present', 'cookie', 'refreshDone', 'handshakeEnd'])
    expect(events.find((e) => e.kind === 'handshakeAccepted')).toMatchObject({ providerGuid: 'test-reply-guid', consumerRuv: [`{replicageneration} ${GENERATION_2_7}`], isTotal: false })
    expect(events.at(-1)).toEqual({ kind: 'handshakeEnd', base: BASE, trigger: 'refreshOnlyDone', ok: true, responseCode: 9, message: 'released: NSDS50_REPL_REPLICA_RELEASE_SUCCEEDED (0x09)' })
    expect(toHex((await store.load()).cookie)).toBe(toHex(NEW_COOKIE))

    // A second sync on the same consumer: a new handshake (the root DSE is read once per connection).
    await c.syncSearch({ base: BASE })
    await c.poll()
    expect(s.trail().slice(5)).toEqual(['1:start', '1:syncSearch', '1:end'])
    expect(calls).toEqual(['init dc=example,dc=com', 'pre', 'post', 'pre', 'post'])
    await c.close()
    expect(calls.at(-1)).toBe('destroy agreement-1 dc=example,dc=com')
    expect(s.trail().at(-1)).toBe('1:unbind')
  })

  it('asks for a total update (…3.6.2, isTotal) without a cookie, and when cookie: null forces a full refresh', async () => {
    const s = await serve({ onExtended: startScript([(x) => x.send(startResponse(x.messageId, 0))]) })
    const seen: boolean[] = []
    const c = await SyncreplConsumer.connect({ url: s.url, store: new MemoryStore(), sessionHooks: { pre: (ctx) => void seen.push(ctx.isTotal) } })
    await c.syncSearch({ base: BASE })
    await c.poll()
    await c.syncSearch({ base: BASE, cookie: bytes('rid=001') })
    await c.poll()
    await c.syncSearch({ base: BASE, cookie: null })
    await c.poll()
    await c.close()
    const protocols = startRequests(s).map((op) => decodeStartReplicationRequest(op.requestValue, { version: 2 }).replProtocolOid)
    expect(protocols).toEqual([ReplOid.totalProtocol, ReplOid.incrementalProtocol, ReplOid.totalProtocol])
    expect(seen).toEqual([true, false, true])
    const first = decodeStartReplicationRequest(startRequests(s)[0]!.requestValue, { version: 2 })
    expect(first).toMatchObject({ replicatedTree: BASE, supplierRuv: ['{replicageneration} 00000000000000000000'] })
    expect(first.csn).toMatch(/^[0-9a-f]{20}$/)
    expect(first.dataGuid).toBeUndefined() // pre gave nothing: neither guid nor data
    expect(first.data).toBeUndefined()
  })

  it('the guid/data shortcut sends that payload on every Start', async () => {
    const s = await serve({ onExtended: startScript([(x) => x.send(startResponse(x.messageId, 0))]) })
    const c = await SyncreplConsumer.connect({ url: s.url, sessionHooks: { guid: '2D562D8B-2F30-4447-AF76-2B721D1D5F6A', data: cstringPayload('4.9') } })
    await c.syncSearch({ base: BASE })
    await c.poll()
    await c.close()
    const req = decodeStartReplicationRequest(startRequests(s)[0]!.requestValue, { version: 2 })
    expect([req.dataGuid, toHex(req.data)]).toEqual(['2D562D8B-2F30-4447-AF76-2B721D1D5F6A', '342e3900'])
  })

  it('lenientResponseName accepts READY under …3.5.4; the default refuses it as a decode error', async () => {
    const ready = hexBytes('30 03 0a 01 00')
    const s = await serve({ onExtended: startScript([(x) => x.send(replResponseMessage(x.messageId, ready, { responseName: ReplOid.nsds50Response }))]) })
    const lenient = await SyncreplConsumer.connect({ url: s.url, sessionHooks: { lenientResponseName: true } })
    await lenient.syncSearch({ base: BASE })
    await lenient.poll()
    await lenient.close()
    expect(s.trail()).toContain('1:syncSearch')
    const strict = await SyncreplConsumer.connect({ url: s.url, sessionHooks: {} })
    const error = await strict.syncSearch({ base: BASE }).catch((e: unknown) => e)
    expect(error).toMatchObject({ phase: 'decode', reason: 'HANDSHAKE_RESPONSE_NAME', retry: 'fatal', toleratedBy389: true })
    await strict.close()
    expect(s.trail().filter((t) => t.startsWith('2:'))).toEqual(['2:rootDse', '2:start', '2:unbind'])
  })

  it("onUnsupported 'skip' syncs without a handshake when the root DSE lacks 3.5.12 (389's fail-open)", async () => {
    const s = await serve({ extensions: ['1.3.6.1.1.8', ReplOid.startNsds50Request] })
    let preCalled = false
    const c = await SyncreplConsumer.connect({ url: s.url, sessionHooks: { onUnsupported: 'skip', pre: () => void (preCalled = true) } })
    const events: SyncEvent[] = []
    c.onEvent((e) => events.push(e))
    await c.syncSearch({ base: BASE })
    await c.poll()
    await c.close()
    expect(s.trail()).toEqual(['1:rootDse', '1:syncSearch', '1:unbind'])
    expect(preCalled).toBe(false)
    expect(events[0]).toEqual({ kind: 'handshakeSkipped', base: BASE })
    expect(events.some((e) => e.kind === 'handshakeEnd')).toBe(false)
  })

  it('refreshAndPersist: no End after refreshDone; End when the consumer closes', async () => {
    const s = await serve({
      onExtended: startScript([(x) => x.send(startResponse(x.messageId, 0))]),
      onSearch: (q) => q.send(syncInfo(q.messageId, { kind: 'refreshDelete', refreshDone: true, cookie: NEW_COOKIE })),
    })
    const c = await SyncreplConsumer.connect({ url: s.url, sessionHooks: {} })
    await c.syncSearch({ base: BASE, mode: 'refreshAndPersist' })
    expect(await c.poll({ all: false })).toEqual({ kind: 'refreshDone' })
    await c.cancel()
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 118 })
    expect(s.trail()).toEqual(['1:rootDse', '1:start', '1:syncSearch', '1:cancel'])
    await c.close()
    expect(s.trail().slice(4)).toEqual(['1:end', '1:unbind'])
  })

  it('an End answered with another code than 0x09 is reported in the event; the sync result stands', async () => {
    const s = await serve({ onExtended: startScript([(x) => x.send(startResponse(x.messageId, 0))], (x) => x.send(endResponse(x.messageId, 0x08))) })
    const c = await SyncreplConsumer.connect({ url: s.url, sessionHooks: {} })
    const events: SyncEvent[] = []
    c.onEvent((e) => events.push(e))
    await c.syncSearch({ base: BASE })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c.close()
    expect(events.at(-1)).toMatchObject({ kind: 'handshakeEnd', ok: false, responseCode: 8, message: expect.stringMatching(/NSDS50_REPL_INTERNAL_ERROR \(0x08\) instead of NSDS50_REPL_REPLICA_RELEASE_SUCCEEDED \(0x09\)/) })
  })

  it('checks hook options before connecting', async () => {
    await expect(SyncreplConsumer.connect({ url: 'ldap://127.0.0.1:1', sessionHooks: { guid: 'g' } })).rejects.toThrow(/guid "g" without data/)
    await expect(SyncreplConsumer.connect({ url: 'ldap://127.0.0.1:1', sessionHooks: { guid: 'g', data: 'd', pre: () => undefined } })).rejects.toThrow(/both a pre hook and the guid\/data shortcut/)
    await expect(SyncreplConsumer.connect({ url: 'ldap://127.0.0.1:1', sessionHooks: { backoff: { minMs: 10, maxMs: 1 } } })).rejects.toThrow(/sessionHooks.backoff.minMs/)
  })

  it('a FileStore is untouched by a refused total update: nothing is cleared before READY', async () => {
    const s = await serve({ onExtended: startScript([(x) => x.send(startResponse(x.messageId, 0x0c))]) })
    const { store, cleanup: rm } = await seededFileStore()
    cleanup = rm
    const before = await storeState(store)
    const c = await SyncreplConsumer.connect({ url: s.url, store, sessionHooks: {} })
    const error = await c.syncSearch({ base: BASE, cookie: null }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HandshakeError)
    expect(error).toMatchObject({ phase: 'provider', code: 0x0c, isTotal: true, retryable: false })
    expect(await storeState(store)).toEqual(before)
    await c.close()
  })
})
