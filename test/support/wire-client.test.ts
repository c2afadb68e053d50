/**
 * The raw wire client's failure paths, against scripted node:net servers: every wait ends with a
 * coded, readable error — a silent server, a server that hangs up, bytes that are not LDAP, a
 * search that ends before the awaited condition.
 */
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeMessage } from '../../protocol/index.js'
import { SYNC_INFO_OID, encodeSyncInfoValue } from '../../protocol/sync/index.js'
import { persistMessages, refreshEnded } from './sync-search.js'
import { WireClient } from './wire-client.js'

const servers: Server[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** A server that hands each connection to `script`; resolves with its ldap:// URL. */
function scripted(script: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      sockets.push(socket)
      socket.on('error', () => undefined)
      script(socket)
    })
    servers.push(server)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve(`ldap://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`)
    })
  })
}

const bindOk = (socket: Socket) =>
  socket.once('data', () => socket.write(encodeMessage({ messageId: 1, op: { kind: 'bindResponse', resultCode: 0, matchedDN: '', diagnosticMessage: '' } })))

describe('wire client failure paths', () => {
  it('a silent server: the bind times out with WIRE_TIMEOUT naming what was awaited', async () => {
    const client = await WireClient.connect(await scripted(() => undefined))
    await expect(client.bind('cn=x', 'y', 50)).rejects.toMatchObject({ code: 'WIRE_TIMEOUT', message: expect.stringMatching(/BindResponse for "cn=x".*message ID 1/) })
    await client.close(200)
  })

  it('a failed bind rejects with the result code and text', async () => {
    const url = await scripted((s) => s.once('data', () => s.write(encodeMessage({ messageId: 1, op: { kind: 'bindResponse', resultCode: 49, matchedDN: '', diagnosticMessage: 'nope' } }))))
    const client = await WireClient.connect(url)
    await expect(client.bind('cn=x', 'y')).rejects.toMatchObject({ code: 'WIRE_RESULT_FAILED', message: expect.stringMatching(/result 49 "nope"/) })
    await client.close()
  })

  it('a server that hangs up: pending waits reject with WIRE_CLOSED', async () => {
    const client = await WireClient.connect(await scripted((s) => s.once('data', () => s.destroy())))
    await expect(client.bind('cn=x', 'y')).rejects.toMatchObject({ code: 'WIRE_CLOSED' })
    await client.close()
  })

  it('bytes that are not LDAP: WIRE_BAD_RESPONSE with the codec\'s reason', async () => {
    const client = await WireClient.connect(await scripted((s) => s.once('data', () => s.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')))))
    await expect(client.bind('cn=x', 'y')).rejects.toMatchObject({ code: 'WIRE_BAD_RESPONSE', message: expect.stringMatching(/codec rejects.*tag 0x48/) })
    await client.close()
  })

  it('collects a search as SyncMessages, and a wait the search can no longer satisfy fails at once', async () => {
    const url = await scripted((s) => {
      bindOk(s)
      s.on('data', (chunk: Buffer) => {
        if (chunk[5] !== 0x63) return // not the SearchRequest (message ID 2)
        const info = encodeSyncInfoValue({ kind: 'refreshDelete', refreshDone: true })
        s.write(encodeMessage({ messageId: 2, op: { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: info } }))
        s.write(encodeMessage({ messageId: 2, op: { kind: 'searchResultDone', resultCode: 4096, matchedDN: '', diagnosticMessage: 'search base has changed' } }))
      })
    })
    const client = await WireClient.connect(url)
    await client.bind('cn=x', 'y')
    const search = client.search({ mode: 'refreshAndPersist' })
    expect(await search.until(refreshEnded)).toEqual([{ kind: 'info', info: { kind: 'refreshDelete', refreshDone: true } }])
    await expect(search.until(persistMessages(2), 5_000)).rejects.toMatchObject({ code: 'WIRE_BAD_RESPONSE', message: expect.stringMatching(/ended before 2 persist-stage message\(s\).*done\(4096\)/) })
    expect(search.done).toEqual({ kind: 'done', resultCode: 4096, diagnosticMessage: 'search base has changed' })
    expect(client.arrivals).toEqual([
      { messageId: 1, kind: 'bindResponse' },
      { messageId: 2, kind: 'intermediateResponse' },
      { messageId: 2, kind: 'searchResultDone' },
    ])
    await client.close()
  })

  it('refuses anything but ldap:// URLs', () => {
    expect(() => WireClient.connect('ldaps://127.0.0.1:636/')).toThrow(/plain ldap:\/\/ only/)
  })
})
