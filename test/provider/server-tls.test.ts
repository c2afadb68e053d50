/**
 * StartTLS (RFC 4511 §4.14) with `ldapsearch -ZZ`, and ldaps, against a certificate made for the
 * test. ldapsearch verifies it (LDAPTLS_CACERT), so these are real handshakes, not `never`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/index.js'
import { useProvider } from '../../provider/testing.js'
import { requirePeers } from '../interop/peers.js'
import { ldifPairs, runTool, simpleAuth } from './support/ldap-tools.js'
import { RawLdapClient } from './support/raw-client.js'
import { makeTestCertificate } from './support/tls-material.js'
import type { TestCertificate } from './support/tls-material.js'

const ADMIN = 'cn=admin,dc=example,dc=com'
const START_TLS = '1.3.6.1.4.1.1466.20037'

let certificate: TestCertificate
beforeAll(async () => {
  certificate = await makeTestCertificate()
})
afterAll(async () => {
  await certificate?.dispose()
})

describe('StartTLS and ldaps', () => {
  const provider = useProvider(() => ({
    generate: { count: 2, seed: 'tls' },
    password: 'secret',
    startTls: { cert: certificate.cert, key: certificate.key },
    tls: { cert: certificate.cert, key: certificate.key },
  }))
  const env = (): NodeJS.ProcessEnv => ({ LDAPTLS_CACERT: certificate.certPath, LDAPTLS_REQCERT: 'demand' })

  it('upgrades with ldapsearch -ZZ, then binds and searches over TLS', async () => {
    requirePeers('ldapsearch')
    const started = provider.current.events.waitFor('tlsStarted')
    const result = await runTool('ldapsearch', [...simpleAuth(provider.current.url, ADMIN, 'secret'), '-ZZ', '-b', 'dc=example,dc=com', '-s', 'base', '-LLL', '1.1'], { env: env() })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(ldifPairs(result.stdout)).toEqual([['dn', 'dc=example,dc=com']])
    expect((await started).protocol).toMatch(/^TLSv1\.[23]$/)
  })

  it('serves ldaps on its own listener', async () => {
    requirePeers('ldapsearch')
    expect(provider.current.ldapsUrl).toMatch(/^ldaps:\/\/127\.0\.0\.1:\d+$/)
    const result = await runTool('ldapsearch', [...simpleAuth(provider.current.ldapsUrl as string, ADMIN, 'secret'), '-b', 'dc=example,dc=com', '-s', 'one', '-LLL', '1.1'], { env: env() })
    expect(result.code).toBe(0)
    expect(ldifPairs(result.stdout).map(([, v]) => v)).toEqual(['ou=people,dc=example,dc=com', 'ou=groups,dc=example,dc=com'])
  })

  it('lists StartTLS in the root DSE where it is offered, and refuses it on ldaps', async () => {
    requirePeers('ldapsearch')
    const auth = simpleAuth(provider.current.url, ADMIN, 'secret')
    const dse = await runTool('ldapsearch', [...auth, '-b', '', '-s', 'base', '-LLL', 'supportedExtension'])
    expect(ldifPairs(dse.stdout).filter(([a]) => a === 'supportedExtension').map(([, v]) => v)).toEqual(['1.3.6.1.1.8', START_TLS])
    const again = await runTool('ldapsearch', [...simpleAuth(provider.current.ldapsUrl as string, ADMIN, 'secret'), '-ZZ', '-b', '', '-s', 'base'], { env: env() })
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain('TLS already started')
  })
})

describe('StartTLS where none is configured', () => {
  const provider = useProvider({ password: 'secret' })

  it('answers unavailable (52) "Could not initialize TLS" and stays in plaintext', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    client.send({ messageId: 1, op: { kind: 'extendedRequest', requestName: START_TLS } })
    expect((await client.next()).op).toMatchObject({ kind: 'extendedResponse', resultCode: ResultCode.unavailable, diagnosticMessage: 'Could not initialize TLS', responseName: START_TLS })
    expect((await client.bind(ADMIN, 'secret')).op).toMatchObject({ resultCode: ResultCode.success })
    client.close()
  })
})
