/**
 * Nothing a client sends may crash the provider: malformed PDUs close that one connection (with
 * a protocolViolation event), while the process and every other connection carry on.
 * ldapjs 3 alone dies on `30 84 ff ff ff ff` (ldapjs-findings.md §2.9).
 */
import { describe, expect, it } from 'vitest'
import { ResultCode, encodeSyncRequestValue } from '../../protocol/index.js'
import type { LdapMessage } from '../../protocol/index.js'
import type { ProtocolViolationEvent } from '../../provider/index.js'
import { useProvider } from '../../provider/testing.js'
import { RawLdapClient, resultCodeOf } from './support/raw-client.js'

const ADMIN = 'cn=admin,dc=example,dc=com'

/** A BindRequest for ADMIN / secret, message ID 1, as bytes. */
function bindBytes(): Buffer {
  const dn = Buffer.from(ADMIN)
  const pw = Buffer.from('secret')
  const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x03, 0x04, dn.length]), dn, Buffer.from([0x80, pw.length]), pw])
  const op = Buffer.concat([Buffer.from([0x60, body.length]), body])
  const msg = Buffer.concat([Buffer.from([0x02, 0x01, 0x01]), op])
  return Buffer.concat([Buffer.from([0x30, msg.length]), msg])
}

describe('malformed requests', () => {
  const provider = useProvider({ generate: { count: 3, seed: 'robust' }, password: 'secret' })

  async function expectClosedWithViolation(bytes: Uint8Array, end = false): Promise<ProtocolViolationEvent> {
    const violation = provider.current.events.waitFor('protocolViolation')
    const client = await RawLdapClient.connect(provider.current.port)
    client.sendRaw(bytes)
    if (end) client.socket.end()
    const event = await violation
    expect(await client.drainUntilClosed()).toEqual([])
    return event
  }

  async function stillServes(client?: RawLdapClient): Promise<void> {
    const c = client ?? (await RawLdapClient.connect(provider.current.port))
    expect(resultCodeOf(await c.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    const id = c.search('dc=example,dc=com')
    const messages = await c.until((m) => m.messageId === id && m.op.kind === 'searchResultDone')
    expect(resultCodeOf(messages.at(-1) as LdapMessage)).toBe(ResultCode.success)
    expect(messages.length).toBe(provider.current.directory.size + 1)
    if (client === undefined) c.close()
  }

  it('survives a 4 GiB length (30 84 ff ff ff ff), garbage, and cut-off or hollow PDUs; other connections live on', async () => {
    const bystander = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await bystander.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    const persist = bystander.search('dc=example,dc=com', {
      controls: [{ type: '1.3.6.1.4.1.4203.1.9.1.1', critical: true, value: encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshAndPersist', reloadHint: false }) }],
    })
    await bystander.until((m) => m.messageId === persist && m.op.kind === 'intermediateResponse')

    expect((await expectClosedWithViolation(Buffer.from('3084ffffffff', 'hex'))).code).toBe('LDAP_PDU_TOO_LARGE')
    expect((await expectClosedWithViolation(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).code).toBe('LDAP_BAD_MESSAGE')
    expect((await expectClosedWithViolation(Buffer.from('3080', 'hex'))).code).toBe('BER_INDEFINITE_LENGTH')
    // A frame with a messageID and no protocolOp.
    expect((await expectClosedWithViolation(Buffer.from('3003020101', 'hex'))).code).toBe('LDAP_MISSING_MEMBER')
    // A SearchRequest whose filter has an unknown tag (0x8f).
    expect((await expectClosedWithViolation(Buffer.from('301a020102' + '6315' + '0400' + '0a0102' + '0a0100' + '020100' + '020100' + '010100' + '8f00' + '3000', 'hex'))).code).toMatch(/^(LDAP|BER)_/)
    // An AddRequest whose attribute list is not a SEQUENCE (decoded by the provider, not ldapjs).
    expect((await expectClosedWithViolation(Buffer.from('300a02010368050401613100', 'hex'))).code).toMatch(/^(LDAP|BER)_/)
    // A client may not send responses.
    expect((await expectClosedWithViolation(Buffer.from('300c02010465070a010004000400', 'hex'))).code).toBe('LDAP_UNKNOWN_OPERATION')
    // Half a bind, then FIN: the connection closes and the cut-off PDU is reported.
    expect((await expectClosedWithViolation(bindBytes().subarray(0, 9), true)).code).toBe('BER_TRUNCATED')

    // The persist search on the other connection is untouched and still pushes changes.
    provider.current.directory.apply({ kind: 'add', dn: 'cn=after,dc=example,dc=com', attributes: { objectClass: 'person', cn: 'after', sn: 'a' } })
    expect((await bystander.next()).op).toMatchObject({ kind: 'searchResultEntry', objectName: 'cn=after,dc=example,dc=com' })
    await stillServes()
    bystander.close()
  })

  it('reads a request split into single bytes, and many requests in one chunk', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    const bytes = bindBytes()
    for (const b of bytes) client.sendRaw(Buffer.from([b]))
    expect(resultCodeOf(await client.next())).toBe(ResultCode.success)
    client.sendRaw(Buffer.concat([bytes, bytes, bytes]))
    for (let i = 0; i < 3; i++) expect(resultCodeOf(await client.next())).toBe(ResultCode.success)
    client.close()
  })

  it('answers requests ldapjs cannot parse (a base DN its parser rejects) itself', async () => {
    const notices: string[] = []
    provider.current.events.on('notice', (e) => notices.push(e.message))
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    const id = client.search('not a DN')
    const done = await client.next()
    expect(done.messageId).toBe(id)
    expect(done.op).toMatchObject({ kind: 'searchResultDone', resultCode: ResultCode.invalidDNSyntax, diagnosticMessage: 'invalid DN' })
    expect(notices.some((n) => n.includes(`ldapjs did not route message ${id}`))).toBe(true)
    await stillServes(client)
    client.close()
  })
})
