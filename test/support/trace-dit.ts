/**
 * The DIT and the changes of the recorded slapd sessions (test/fixtures/slapd-traces), as LDIF
 * for Debian's ldapadd / ldapmodify: dc=example,dc=com, ou=people and N inetOrgPersons
 * uid=user000001.. (odd numbers employeeType staff, even contractor), attributes as the traces
 * show them.
 */
export const TRACE_SUFFIX = 'dc=example,dc=com'

const pad = (i: number) => String(i).padStart(6, '0')

export const userDn = (i: number): string => `uid=user${pad(i)},ou=people,${TRACE_SUFFIX}`

export function userEntryLdif(i: number): string {
  const n = pad(i)
  return [
    `dn: ${userDn(i)}`,
    'objectClass: inetOrgPerson',
    `uid: user${n}`,
    `cn: User ${n}`,
    `sn: Surname${n}`,
    'givenName: User',
    `mail: user${n}@example.com`,
    `employeeNumber: ${i}`,
    `employeeType: ${i % 2 ? 'staff' : 'contractor'}`,
    `description: generated test entry ${i}`,
  ].join('\n')
}

/** The suffix, ou=people and `users` people, in add order (the order slapd returns them). */
export function traceDitLdif(users: number): string {
  const records = [
    [`dn: ${TRACE_SUFFIX}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: example', 'o: Example'].join('\n'),
    [`dn: ou=people,${TRACE_SUFFIX}`, 'objectClass: organizationalUnit', 'ou: people'].join('\n'),
  ]
  for (let i = 1; i <= users; i++) records.push(userEntryLdif(i))
  return `${records.join('\n\n')}\n`
}

/** One change record for ldapmodify, with a label for failure messages and shapes. */
export interface ChangeRecord {
  readonly kind: 'add' | 'modify' | 'delete' | 'modrdn'
  readonly label: string
  readonly ldif: string
}

export const replaceChange = (dn: string, type: string, value: string): ChangeRecord => ({
  kind: 'modify',
  label: `replace ${type}: ${value} on ${dn}`,
  ldif: `dn: ${dn}\nchangetype: modify\nreplace: ${type}\n${type}: ${value}\n-\n`,
})

export const deleteChange = (dn: string): ChangeRecord => ({ kind: 'delete', label: `delete ${dn}`, ldif: `dn: ${dn}\nchangetype: delete\n` })

export const addChange = (dn: string, attributes: ReadonlyArray<readonly [string, string]>): ChangeRecord => ({
  kind: 'add',
  label: `add ${dn}`,
  ldif: `dn: ${dn}\nchangetype: add\n${attributes.map(([t, v]) => `${t}: ${v}`).join('\n')}\n`,
})

export const modDnChange = (dn: string, newRdn: string, newSuperior?: string): ChangeRecord => ({
  kind: 'modrdn',
  label: `modrdn ${dn} to ${newRdn}${newSuperior ? ` under ${newSuperior}` : ''}`,
  ldif: `dn: ${dn}\nchangetype: modrdn\nnewrdn: ${newRdn}\ndeleteoldrdn: 1\n${newSuperior ? `newsuperior: ${newSuperior}\n` : ''}`,
})
