/**
 * The root DSE and plain searches, as Debian's ldapsearch sees them; sync-control validation and
 * request controls, on a raw socket (exact result codes and texts of slapd 2.5).
 */
import { describe, expect, it } from 'vitest'
import { ResultCode, encodeSyncRequestValue } from '../../protocol/index.js'
import type { ControlInput, LdapMessage } from '../../protocol/index.js'
import { useProvider } from '../../provider/testing.js'
import { requirePeers } from '../interop/peers.js'
import { ldifPairs, runTool, simpleAuth } from './support/ldap-tools.js'
import { RawLdapClient } from './support/raw-client.js'

const ADMIN = 'cn=admin,dc=example,dc=com'
const SYNC = '1.3.6.1.4.1.4203.1.9.1.1'

const LDIF = `dn: dc=example,dc=com
objectClass: top
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: uid=ann,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: ann
cn: Ann Smith
sn: Smith
mail: ann@example.com

dn: uid=bob,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: bob
cn: Bob Jones
sn: Jones

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups
`

function dns(stdout: string): string[] {
  return ldifPairs(stdout).filter(([a]) => a === 'dn').map(([, v]) => v)
}

describe('root DSE and plain searches through ldapsearch', () => {
  const provider = useProvider({ ldif: LDIF, password: 'secret', anonymous: true })

  it('shows objectClass only by default, and the operational attributes with +', async () => {
    requirePeers('ldapsearch')
    const url = provider.current.url
    const plain = await runTool('ldapsearch', [...simpleAuth(url), '-b', '', '-s', 'base', '-LLL'])
    expect(plain.code).toBe(0)
    expect(ldifPairs(plain.stdout)).toEqual([['dn', ''], ['objectClass', 'top'], ['objectClass', 'OpenLDAProotDSE']])
    const all = await runTool('ldapsearch', [...simpleAuth(url), '-b', '', '-s', 'base', '-LLL', '+'])
    expect(all.code).toBe(0)
    const pairs = ldifPairs(all.stdout)
    const values = (a: string): string[] => pairs.filter(([k]) => k === a).map(([, v]) => v)
    expect(values('namingContexts')).toEqual(['dc=example,dc=com'])
    expect(values('supportedLDAPVersion')).toEqual(['3'])
    expect(values('supportedControl')).toContain(SYNC)
    expect(values('supportedControl').some((c) => c.startsWith('1.3.6.1.1.13.'))).toBe(false)
    expect(values('supportedExtension')).toEqual(['1.3.6.1.1.8'])
    expect(values('subschemaSubentry')).toEqual(['cn=Subschema'])
  })

  it('searches with scopes and filters', async () => {
    requirePeers('ldapsearch')
    const auth = simpleAuth(provider.current.url, ADMIN, 'secret')
    const sub = await runTool('ldapsearch', [...auth, '-b', 'dc=example,dc=com', '-LLL', '(objectClass=*)', '1.1'])
    expect(dns(sub.stdout)).toEqual(['dc=example,dc=com', 'ou=people,dc=example,dc=com', 'uid=ann,ou=people,dc=example,dc=com', 'uid=bob,ou=people,dc=example,dc=com', 'ou=groups,dc=example,dc=com'])
    const one = await runTool('ldapsearch', [...auth, '-b', 'dc=example,dc=com', '-s', 'one', '-LLL', '(objectClass=*)', '1.1'])
    expect(dns(one.stdout)).toEqual(['ou=people,dc=example,dc=com', 'ou=groups,dc=example,dc=com'])
    const base = await runTool('ldapsearch', [...auth, '-b', 'uid=ann,ou=people,dc=example,dc=com', '-s', 'base', '-LLL', '(objectClass=*)', 'mail', 'cn'])
    expect(ldifPairs(base.stdout)).toEqual([['dn', 'uid=ann,ou=people,dc=example,dc=com'], ['cn', 'Ann Smith'], ['mail', 'ann@example.com']])
    const filtered = await runTool('ldapsearch', [...auth, '-b', 'dc=example,dc=com', '-LLL', '(&(objectClass=inetOrgPerson)(|(cn=bob*)(mail=*)))', '1.1'])
    expect(dns(filtered.stdout)).toEqual(['uid=ann,ou=people,dc=example,dc=com', 'uid=bob,ou=people,dc=example,dc=com'])
    const none = await runTool('ldapsearch', [...auth, '-b', 'dc=example,dc=com', '-LLL', '(!(objectClass=*))'])
    expect(none).toMatchObject({ code: 0, stdout: '' })
  })

  it('ends with sizeLimitExceeded (4) after the limit, and noSuchObject (32) with matchedDN for a missing base', async () => {
    requirePeers('ldapsearch')
    const auth = simpleAuth(provider.current.url, ADMIN, 'secret')
    const limited = await runTool('ldapsearch', [...auth, '-b', 'dc=example,dc=com', '-z', '2', '-LLL', '1.1'])
    expect(limited.code).toBe(4)
    expect(dns(limited.stdout)).toHaveLength(2)
    expect(limited.stderr + limited.stdout).toContain('Size limit exceeded (4)')
    const missing = await runTool('ldapsearch', [...auth, '-b', 'uid=zed,ou=people,dc=example,dc=com', '-LLL'])
    expect(missing.code).toBe(32)
    expect(missing.stderr + missing.stdout).toContain('Matched DN: ou=people,dc=example,dc=com')
  })

  it('answers an unknown critical control with unavailableCriticalExtension (12) and ignores a non-critical one', async () => {
    requirePeers('ldapsearch')
    const auth = simpleAuth(provider.current.url, ADMIN, 'secret')
    const critical = await runTool('ldapsearch', [...auth, '-b', 'dc=example,dc=com', '-e', '!1.2.3.4.5', '-LLL', '1.1'])
    expect(critical.code).toBe(12)
    expect(critical.stderr + critical.stdout).toContain('critical extension is not recognized')
    const lax = await runTool('ldapsearch', [...auth, '-b', 'dc=example,dc=com', '-e', '1.2.3.4.5', '-s', 'base', '-LLL', '1.1'])
    expect(lax.code).toBe(0)
    expect(dns(lax.stdout)).toEqual(['dc=example,dc=com'])
  })
})

describe('Sync Request control validation (syncprov_parseCtrl, rfc4533.md §3.2)', () => {
  const provider = useProvider({ ldif: LDIF, password: 'secret' })

  async function done(client: RawLdapClient, controls: ControlInput[], options: { derefAliases?: number } = {}): Promise<LdapMessage['op']> {
    const id = client.search('dc=example,dc=com', { controls, ...options })
    const messages = await client.until((m) => m.messageId === id && m.op.kind === 'searchResultDone')
    return (messages.at(-1) as LdapMessage).op
  }

  const ro = { type: SYNC, critical: true, value: encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', reloadHint: false }) }

  it.each([
    ['a second Sync control', [ro, ro], 'Sync control specified multiple times'],
    ['pagedResults beside it', [{ type: '1.2.840.113556.1.4.319', critical: false, value: Buffer.from('3005020164 0400'.replace(/ /g, ''), 'hex') }, ro], 'Sync control specified with pagedResults control'],
    ['no value', [{ type: SYNC, critical: true }], 'Sync control value is absent'],
    ['an empty value', [{ type: SYNC, critical: true, value: new Uint8Array(0) }], 'Sync control value is empty'],
    ['mode 2', [{ type: SYNC, critical: true, value: Buffer.from('30030a0102', 'hex') }], 'Sync control : unknown update mode'],
    ['a value that is no SEQUENCE', [{ type: SYNC, critical: true, value: Buffer.from('0401ff', 'hex') }], 'Sync control : mode decoding error'],
  ])('answers protocolError for %s', async (_what, controls, text) => {
    const client = await RawLdapClient.connect(provider.current.port)
    await client.bind(ADMIN, 'secret')
    expect(await done(client, controls as ControlInput[])).toMatchObject({ resultCode: ResultCode.protocolError, diagnosticMessage: text })
    client.close()
  })

  it.each([1, 3])('answers protocolError "illegal value for derefAliases" for derefAliases %i', async (deref) => {
    const client = await RawLdapClient.connect(provider.current.port)
    await client.bind(ADMIN, 'secret')
    expect(await done(client, [ro], { derefAliases: deref })).toMatchObject({ resultCode: ResultCode.protocolError, diagnosticMessage: 'illegal value for derefAliases' })
    client.close()
  })

  it('runs the sync engine for a valid request (derefFindingBaseObj is allowed)', async () => {
    const client = await RawLdapClient.connect(provider.current.port)
    await client.bind(ADMIN, 'secret')
    const id = client.search('dc=example,dc=com', { controls: [ro], derefAliases: 2 })
    const messages = await client.until((m) => m.messageId === id && m.op.kind === 'searchResultDone')
    const entries = messages.filter((m) => m.op.kind === 'searchResultEntry')
    expect(entries).toHaveLength(5)
    for (const e of entries) {
      expect(e.controls).toHaveLength(1)
      // Non-critical, criticality omitted (decoded as false), value present.
      expect(e.controls[0]).toMatchObject({ type: '1.3.6.1.4.1.4203.1.9.1.2', critical: false })
    }
    const last = messages.at(-1) as LdapMessage
    expect(last.op).toMatchObject({ resultCode: ResultCode.success })
    expect(last.controls[0]?.type).toBe('1.3.6.1.4.1.4203.1.9.1.3')
    client.close()
  })
})
