/**
 * Updates through Debian's ldap-utils land in the directory exactly as sent (DNs, attribute-type
 * spelling, binary values — none of ldapjs's rewriting), fail with slapd's result codes, and
 * reach persist searches.
 */
import { describe, expect, it } from 'vitest'
import { ResultCode, decodeSyncStateValue, encodeSyncRequestValue } from '../../protocol/index.js'
import { useProvider } from '../../provider/testing.js'
import { requirePeers } from '../interop/peers.js'
import { runTool, simpleAuth } from './support/ldap-tools.js'
import { RawLdapClient } from './support/raw-client.js'

const ADMIN = 'cn=admin,dc=example,dc=com'
const PEOPLE = 'ou=people,dc=example,dc=com'

describe('writes with ldapadd, ldapmodify, ldapmodrdn and ldapdelete', () => {
  const provider = useProvider({ generate: { count: 2, seed: 'writes' }, password: 'secret' })
  const auth = (): string[] => simpleAuth(provider.current.url, ADMIN, 'secret')

  it('adds an entry as sent: DN escapes, attribute spelling, objectClass case, binary values', async () => {
    requirePeers('ldapsearch')
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x80, 0xfe])
    const ldif = `dn: cn=Ann\\, Jr.,${PEOPLE}\nobjectClass: inetOrgPerson\ncn: Ann, Jr.\nsn: Smith\ngivenName: Ann\njpegPhoto:: ${photo.toString('base64')}\n\n`
    const added = await runTool('ldapadd', auth(), { input: ldif })
    expect(added.code).toBe(0)
    const entry = provider.current.directory.getByDn(`cn=Ann\\, Jr.,${PEOPLE}`)
    expect(entry).toBeDefined()
    const attrs = provider.current.directory.project(entry!, ['*'])
    expect(attrs.map((a) => a.type)).toEqual(['objectClass', 'cn', 'sn', 'givenName', 'jpegPhoto'])
    expect(attrs[0]?.vals).toEqual(['inetOrgPerson'])
    expect(Buffer.from(attrs[4]?.vals[0] as Uint8Array).equals(photo)).toBe(true)
    expect(entry!.creatorsName).toBe(ADMIN)
  })

  it('modifies, renames, moves and deletes', async () => {
    requirePeers('ldapsearch')
    const dn = `cn=Bob,${PEOPLE}`
    // ldapjs routes every one of these requests itself (no fallback, no ldapjs bytes dropped).
    const notices: string[] = []
    provider.current.events.on('notice', (e) => notices.push(e.message))
    expect((await runTool('ldapadd', auth(), { input: `dn: ${dn}\nobjectClass: person\ncn: Bob\nsn: B\n\n` })).code).toBe(0)
    const modified = await runTool('ldapmodify', auth(), { input: `dn: ${dn}\nchangetype: modify\nreplace: sn\nsn: Builder\n-\nadd: description\ndescription: fixes things\n\n` })
    expect(modified.code).toBe(0)
    const directory = provider.current.directory
    expect(directory.project(directory.getByDn(dn)!, ['sn', 'description'])).toEqual([
      { type: 'sn', vals: ['Builder'] },
      { type: 'description', vals: ['fixes things'] },
    ])
    expect((await runTool('ldapmodrdn', [...auth(), '-r', dn, 'cn=Robert'])).code).toBe(0)
    expect(directory.getByDn(dn)).toBeUndefined()
    expect(directory.project(directory.getByDn(`cn=Robert,${PEOPLE}`)!, ['cn'])).toEqual([{ type: 'cn', vals: ['Robert'] }])
    const moved = await runTool('ldapmodrdn', [...auth(), '-s', 'ou=groups,dc=example,dc=com', `cn=Robert,${PEOPLE}`, 'cn=Robert'])
    expect(moved.code).toBe(0)
    expect(directory.getByDn('cn=Robert,ou=groups,dc=example,dc=com')).toBeDefined()
    expect((await runTool('ldapdelete', [...auth(), 'cn=Robert,ou=groups,dc=example,dc=com'])).code).toBe(0)
    expect(directory.getByDn('cn=Robert,ou=groups,dc=example,dc=com')).toBeUndefined()
    expect(notices).toEqual([])
  })

  it('reports entryAlreadyExists, noSuchObject with matchedDN and notAllowedOnNonLeaf as ldapmodify prints them', async () => {
    requirePeers('ldapsearch')
    const again = await runTool('ldapadd', auth(), { input: `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n` })
    expect(again.code).toBe(ResultCode.entryAlreadyExists)
    expect(again.stderr).toContain('ldap_add: Already exists (68)')
    const missing = await runTool('ldapmodify', auth(), { input: `dn: cn=Nobody,${PEOPLE}\nchangetype: modify\nreplace: sn\nsn: X\n\n` })
    expect(missing.code).toBe(ResultCode.noSuchObject)
    expect(missing.stderr).toContain('ldap_modify: No such object (32)')
    expect(missing.stderr).toContain(`matched DN: ${PEOPLE}`)
    const nonLeaf = await runTool('ldapdelete', [...auth(), PEOPLE])
    expect(nonLeaf.code).toBe(ResultCode.notAllowedOnNonLeaf)
    expect(nonLeaf.stderr).toContain('ldap_delete: Operation not allowed on non-leaf (66)')
    const gone = await runTool('ldapdelete', [...auth(), `cn=Nobody,${PEOPLE}`])
    expect(gone.code).toBe(ResultCode.noSuchObject)
  })

  it('refuses writes from an unauthenticated client with strongerAuthRequired (8)', async () => {
    requirePeers('ldapsearch')
    const anonymous = await runTool('ldapdelete', [...simpleAuth(provider.current.url), `cn=x,${PEOPLE}`])
    // The anonymous bind itself is refused first (48), so ldapdelete stops there.
    expect(anonymous.code).toBe(ResultCode.inappropriateAuthentication)
  })

  it('tells a refreshAndPersist search about an ldapadd', async () => {
    requirePeers('ldapsearch')
    const client = await RawLdapClient.connect(provider.current.port)
    await client.bind(ADMIN, 'secret')
    const value = encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshAndPersist', reloadHint: false })
    const id = client.search('dc=example,dc=com', { controls: [{ type: '1.3.6.1.4.1.4203.1.9.1.1', critical: true, value }] })
    // The refresh ends with a Sync Info refreshDelete (rfc4533.md §3.8 (e)).
    await client.until((m) => m.messageId === id && m.op.kind === 'intermediateResponse')
    expect((await runTool('ldapadd', auth(), { input: `dn: cn=New,${PEOPLE}\nobjectClass: person\ncn: New\nsn: N\n\n` })).code).toBe(0)
    const pushed = await client.next()
    expect(pushed.op).toMatchObject({ kind: 'searchResultEntry', objectName: `cn=New,${PEOPLE}` })
    const state = decodeSyncStateValue(pushed.controls[0]?.value as Uint8Array).value
    expect(state.state).toBe('add')
    expect(state.cookie).toBeDefined()
    client.close()
  })
})
