/**
 * Hostile input at volume: 10,000+ malformed and mutated request PDUs (mutations of real
 * requests: binds, sync searches in both modes, plain searches, Cancel, Abandon) from several
 * connections at once. The provider process must survive, every connection must end (no leak,
 * no hang), and afterwards a sync search must be served correctly.
 */
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { ResultCode, encodeCancelRequestValue, encodeMessage, encodeSyncRequestValue, parseFilter } from '../../protocol/index.js'
import type { LdapMessage, LdapMessageInput } from '../../protocol/index.js'
import { useProvider } from '../../provider/testing.js'
import { mutate, prng } from '../fuzz/mutate.js'
import { RawLdapClient, resultCodeOf } from './support/raw-client.js'

const ADMIN = 'cn=admin,dc=example,dc=com'
const SEED = Number(process.env.FUZZ_SEED ?? 0x4533)
const PDUS = 10_000
const PER_CONNECTION = 25
const WORKERS = 4

function seeds(): Buffer[] {
  const sync = (mode: 'refreshOnly' | 'refreshAndPersist', cookie?: string) => ({
    type: '1.3.6.1.4.1.4203.1.9.1.1',
    critical: true,
    value: encodeSyncRequestValue({ kind: 'syncRequest', mode, reloadHint: false, ...(cookie ? { cookie: Buffer.from(cookie) } : {}) }),
  })
  const search = (id: number, controls: LdapMessageInput['controls'] = []): LdapMessageInput => ({
    messageId: id,
    op: { kind: 'searchRequest', baseObject: 'dc=example,dc=com', scope: 2, derefAliases: 0, sizeLimit: 0, timeLimit: 0, typesOnly: false, filter: parseFilter('(objectClass=*)'), attributes: ['*', 'entryCSN'] },
    controls,
  })
  const messages: LdapMessageInput[] = [
    { messageId: 1, op: { kind: 'bindRequest', version: 3, name: ADMIN, authentication: { kind: 'simple', password: Buffer.from('secret') } } },
    search(2, [sync('refreshOnly')]),
    search(3, [sync('refreshAndPersist', 'rid=000,csn=20261123142450.416101Z#000000#000#000000')]),
    search(4),
    { messageId: 5, op: { kind: 'extendedRequest', requestName: '1.3.6.1.1.8', requestValue: encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: 3 }) } },
    { messageId: 6, op: { kind: 'abandonRequest', idToAbandon: 2 } },
  ]
  return messages.map((m) => encodeMessage(m))
}

/** Opens a connection, writes the PDUs and a FIN, and resolves when the provider has closed it. */
function barrage(port: number, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`The provider kept a connection open 10 s after the client sent ${payload.length} bytes and a FIN: ${payload.toString('hex').slice(0, 400)}`))
    }, 10_000)
    socket.on('error', () => {}) // resets are a legitimate way for the provider to hang up
    socket.on('data', () => {})
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
    socket.once('connect', () => socket.end(payload))
  })
}

describe('hostile input at volume', () => {
  const provider = useProvider({ generate: { count: 50, seed: 'hostile' }, password: 'secret' })

  it(`survives ${PDUS} mutated request PDUs from ${WORKERS} concurrent connections, then serves a correct sync`, async () => {
    const p = provider.current
    const base = seeds()
    let opened = 0
    let closed = 0
    let violations = 0
    let requests = 0
    p.events.on('requestReceived', () => requests++)
    p.events.on('connectionOpened', () => opened++)
    p.events.on('connectionClosed', () => closed++)
    p.events.on('protocolViolation', () => violations++)

    const rounds = Math.ceil(PDUS / PER_CONNECTION / WORKERS)
    let sent = 0
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        const rnd = prng(SEED + w)
        for (let r = 0; r < rounds; r++) {
          const pdus: Uint8Array[] = [base[0] as Buffer] // a valid bind first, so searches get further
          // Half the PDUs are real requests, so the provider decodes and serves many before the
          // malformed one that ends the connection.
          for (let k = 0; k < PER_CONNECTION; k++) {
            const seed = base[Math.floor(rnd() * base.length)] as Buffer
            pdus.push(rnd() < 0.5 ? seed : mutate(seed, rnd, base))
          }
          sent += PER_CONNECTION
          await barrage(p.port, Buffer.concat(pdus))
        }
      }),
    )
    expect(sent).toBeGreaterThanOrEqual(PDUS)

    // Every connection the barrage opened has been closed by the provider; the count of closes
    // can trail the clients' 'close' by a tick, so wait for the events, not for time.
    while (closed < opened) await p.events.waitFor('connectionClosed')
    expect(opened).toBe(WORKERS * rounds)
    expect(violations).toBeGreaterThan(opened / 2)
    expect(requests).toBeGreaterThan(2 * opened) // the provider really decoded and served requests
    console.log(`hostile input: ${sent} PDUs on ${opened} connections; ${requests} requests decoded and served, ${violations} protocol violations`)
    expect(p.stats().connections).toBe(0)

    // A correct sync afterwards.
    const client = await RawLdapClient.connect(p.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    const id = client.search('dc=example,dc=com', {
      controls: [{ type: '1.3.6.1.4.1.4203.1.9.1.1', critical: true, value: encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', reloadHint: false }) }],
    })
    const messages = await client.until((m) => m.messageId === id && m.op.kind === 'searchResultDone')
    const done = messages.at(-1) as LdapMessage
    expect(resultCodeOf(done)).toBe(ResultCode.success)
    expect(done.controls.map((c) => c.type)).toEqual(['1.3.6.1.4.1.4203.1.9.1.3'])
    expect(messages.filter((m) => m.op.kind === 'searchResultEntry')).toHaveLength(p.directory.size)
    client.close()
  })
})
