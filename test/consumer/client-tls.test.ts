/** StartTLS (RFC 4511 §4.14) and ldaps with the LdapClient, against a certificate made for the test. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LdapClient, LdapClientError } from '../../consumer/client/index.js'
import { SearchScope } from '../../protocol/index.js'
import { useProvider } from '../../provider/testing.js'
import { makeTestCertificate } from '../provider/support/tls-material.js'
import type { TestCertificate } from '../provider/support/tls-material.js'

const ADMIN = 'cn=admin,dc=example,dc=com'

let certificate: TestCertificate
beforeAll(async () => {
  certificate = await makeTestCertificate()
})
afterAll(async () => {
  await certificate?.dispose()
})

async function failureOf(promise: Promise<unknown>): Promise<LdapClientError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(LdapClientError)
  return error as LdapClientError
}

describe('LdapClient over TLS', () => {
  const provider = useProvider(() => ({
    generate: { count: 2, seed: 'tls' },
    password: 'secret',
    startTls: { cert: certificate.cert, key: certificate.key },
    tls: { cert: certificate.cert, key: certificate.key },
  }))

  it('upgrades with StartTLS, then binds and searches over TLS', async () => {
    const client = await LdapClient.connect(provider.current.url, { tls: { ca: certificate.cert }, timeoutMs: 10_000 })
    expect(client.secure).toBe(false)
    const started = provider.current.events.waitFor('tlsStarted')
    await client.startTls()
    expect(client.secure).toBe(true)
    expect((await started).protocol).toMatch(/^TLSv1\.[23]$/)
    await client.bind(ADMIN, 'secret')
    const items = await client.search({ baseObject: 'dc=example,dc=com', scope: SearchScope.baseObject, attributes: ['1.1'] }).collect()
    expect(items.map((i) => i.kind)).toEqual(['entry', 'done'])
    expect((await failureOf(client.startTls())).code).toBe('CLIENT_BAD_STATE')
    await client.close()
  })

  it('refuses StartTLS while an operation is outstanding', async () => {
    const client = await LdapClient.connect(provider.current.url, { tls: { ca: certificate.cert } })
    const bind = client.bind(ADMIN, 'secret')
    const error = await failureOf(client.startTls())
    expect(error.code).toBe('CLIENT_BAD_STATE')
    expect(error.message).toContain('1 operation(s) are outstanding')
    await bind
    await client.close()
  })

  it('connects with ldaps, verifying the certificate against the given CA', async () => {
    const client = await LdapClient.connect(provider.current.ldapsUrl as string, { tls: { ca: certificate.cert } })
    expect(client.secure).toBe(true)
    await client.bind(ADMIN, 'secret')
    const items = await client.search({ baseObject: 'dc=example,dc=com', scope: SearchScope.singleLevel, attributes: ['1.1'] }).collect()
    expect(items.filter((i) => i.kind === 'entry')).toHaveLength(2)
    await client.close()
  })

  it('refuses an ldaps certificate it cannot verify with CLIENT_CONNECT_FAILED', async () => {
    const error = await failureOf(LdapClient.connect(provider.current.ldapsUrl as string))
    expect(error.code).toBe('CLIENT_CONNECT_FAILED')
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('fails StartTLS with CLIENT_TLS_FAILED when the certificate cannot be verified, and the client is then unusable', async () => {
    const client = await LdapClient.connect(provider.current.url)
    expect((await failureOf(client.startTls())).code).toBe('CLIENT_TLS_FAILED')
    expect((await failureOf(client.bind(ADMIN, 'secret'))).code).toBe('CLIENT_TLS_FAILED')
  })
})
