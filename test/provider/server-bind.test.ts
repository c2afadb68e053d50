/**
 * Bind and access control of the provider's LDAP server, against slapd 2.5's answers
 * (bind.c, backend.c; see provider/server/bind-handler.ts).
 */
import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/index.js'
import { useProvider } from '../../provider/testing.js'
import { RawLdapClient, resultCodeOf } from './support/raw-client.js'

const ADMIN = 'cn=admin,dc=example,dc=com'
const BASE = 'dc=example,dc=com'

async function searchResult(client: RawLdapClient, base: string, scope = 2): Promise<{ entries: number; code: number; text: string }> {
  const id = client.search(base, { scope })
  const messages = await client.until((m) => m.messageId === id && m.op.kind === 'searchResultDone')
  const done = messages.at(-1)
  if (done?.op.kind !== 'searchResultDone') throw new Error('no SearchResultDone')
  return { entries: messages.filter((m) => m.op.kind === 'searchResultEntry').length, code: done.op.resultCode, text: done.op.diagnosticMessage }
}

describe('bind without anonymous access (the default)', () => {
  const provider = useProvider({ generate: { count: 3, seed: 'bind' }, password: 'secret' })

  it('accepts the configured DN and password, compared as DNs', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    expect(resultCodeOf(await client.bind('CN=Admin, DC=Example,dc=COM', 'secret'))).toBe(ResultCode.success)
    expect((await searchResult(client, BASE)).entries).toBeGreaterThan(3)
    client.close()
  })

  it('answers invalidCredentials (49) for a wrong password or an unknown DN, and leaves the connection anonymous', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    expect(resultCodeOf(await client.bind(ADMIN, 'wrong'))).toBe(ResultCode.invalidCredentials)
    expect(resultCodeOf(await client.bind('cn=nobody,dc=example,dc=com', 'secret'))).toBe(ResultCode.invalidCredentials)
    // RFC 4511 §4.2.1: the failed bind made the connection anonymous again.
    expect((await searchResult(client, BASE)).code).toBe(ResultCode.insufficientAccessRights)
    client.close()
  })

  it('refuses anonymous binds with inappropriateAuthentication (48), as slapd with `disallow bind_anon`', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    const reply = await client.bind('', '')
    expect(reply.op).toMatchObject({ kind: 'bindResponse', resultCode: ResultCode.inappropriateAuthentication, diagnosticMessage: 'anonymous bind disallowed' })
    client.close()
  })

  it('answers unwillingToPerform (53) for a DN without a password and invalidCredentials for a password without a DN', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    const unauthenticated = await client.bind(ADMIN, '')
    expect(unauthenticated.op).toMatchObject({ resultCode: ResultCode.unwillingToPerform, diagnosticMessage: 'unauthenticated bind (DN with no password) disallowed' })
    expect(resultCodeOf(await client.bind('', 'secret'))).toBe(ResultCode.invalidCredentials)
    client.close()
  })

  it('answers SASL binds with authMethodNotSupported (7) although ldapjs cannot parse them', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    const notices: string[] = []
    provider.current.events.on('notice', (e) => notices.push(e.message))
    client.send({ messageId: 1, op: { kind: 'bindRequest', version: 3, name: '', authentication: { kind: 'sasl', mechanism: 'PLAIN', credentials: Buffer.from('\0admin\0secret') } } })
    const reply = await client.next()
    expect(reply.op).toMatchObject({ kind: 'bindResponse', resultCode: ResultCode.authMethodNotSupported })
    // The connection is still usable.
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.success)
    expect(notices).toEqual([])
    client.close()
  })

  it('answers protocolError for LDAPv2 binds and invalidDNSyntax (34) for a name that is no DN', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    client.send({ messageId: 1, op: { kind: 'bindRequest', version: 2, name: ADMIN, authentication: { kind: 'simple', password: Buffer.from('secret') } } })
    expect((await client.next()).op).toMatchObject({ resultCode: ResultCode.protocolError, diagnosticMessage: 'historical protocol version requested, use LDAPv3 instead' })
    expect((await client.bind('not a dn', 'secret')).op).toMatchObject({ resultCode: ResultCode.invalidDNSyntax, diagnosticMessage: 'invalid DN' })
    client.close()
  })

  it('lets unauthenticated clients read the root DSE only; searches get insufficientAccessRights (50)', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(await searchResult(client, '', 0)).toMatchObject({ entries: 1, code: ResultCode.success })
    expect((await searchResult(client, BASE)).code).toBe(ResultCode.insufficientAccessRights)
    client.close()
  })

  it('refuses writes before a bind with strongerAuthRequired (8), as slapd without `allow update_anon`', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    // DelRequest [APPLICATION 10] "ou=people,dc=example,dc=com", built as the opaque op our codec keeps.
    const dn = Buffer.from('ou=people,dc=example,dc=com')
    client.send({ messageId: 7, op: { kind: 'unsupported', tag: 0x4a, bytes: Buffer.concat([Buffer.from([0x4a, dn.length]), dn]) } })
    const reply = await client.next()
    expect(reply.messageId).toBe(7)
    expect(reply.op).toMatchObject({ kind: 'unsupported', tag: 0x6b })
    // DelResponse body: 0a 01 08 (strongerAuthRequired) ...
    expect(Buffer.from((reply.op as { bytes: Uint8Array }).bytes.subarray(2, 5)).toString('hex')).toBe('0a0108')
    expect(provider.current.directory.getByDn(dn.toString())).toBeDefined()
    client.close()
  })
})

describe('bind with anonymous access', () => {
  const provider = useProvider({ generate: { count: 3, seed: 'bind' }, password: 'secret', anonymous: true })

  it('accepts anonymous binds and anonymous searches', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind('', ''))).toBe(ResultCode.success)
    const result = await searchResult(client, BASE)
    expect(result.code).toBe(ResultCode.success)
    expect(result.entries).toBe(provider.current.directory.size)
    client.close()
  })

  it('still refuses a wrong password', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(resultCodeOf(await client.bind(ADMIN, 'nope'))).toBe(ResultCode.invalidCredentials)
    client.close()
  })
})

describe('bind without any configured identity', () => {
  const provider = useProvider({ generate: { count: 1, seed: 'bind' } })

  it('accepts no simple bind at all', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    expect(provider.current.bindDn).toBeUndefined()
    expect(resultCodeOf(await client.bind(ADMIN, 'secret'))).toBe(ResultCode.invalidCredentials)
    client.close()
  })
})
