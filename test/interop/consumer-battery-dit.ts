/**
 * The consumer battery's DIT and change steps, as LDIF for Debian's ldapadd / ldapmodify, so a
 * real slapd and our provider receive byte-identical writes. Each test phase works in its own
 * branch (`ou=<branch>,dc=example,dc=com`), so phases do not depend on each other's changes.
 *
 * A branch holds people (odd-numbered staff, even contractors) and a non-leaf `ou=team` with a
 * nested non-leaf `ou=sub`, so a ModifyDN of `ou=team` rewrites the DNs of entries two levels
 * down — entries the provider sends no message for (rfc4533.md §5 case 21).
 */
export const SUFFIX = 'dc=example,dc=com'

/**
 * The consumer's filter: the tree's containers and the staff. Changing employeeType moves a
 * person out of or into the content (rfc4533.md §5 cases 23–26).
 */
export const CONTENT_FILTER = '(|(objectClass=organizationalUnit)(objectClass=dcObject)(employeeType=staff))'

/** A named batch of change records, applied with one ldapmodify run. */
export interface ChangeStep {
  readonly name: string
  readonly ldif: string
}

const branchDn = (branch: string): string => `ou=${branch},${SUFFIX}`

function ou(dn: string, name: string): string {
  return [`dn: ${dn}`, 'objectClass: organizationalUnit', `ou: ${name}`].join('\n')
}

function person(dn: string, uid: string, type: 'staff' | 'contractor'): string {
  return [
    `dn: ${dn}`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: Person ${uid}`,
    `sn: ${uid}`,
    'givenName: Person',
    `mail: ${uid}@example.com`,
    `employeeType: ${type}`,
    `description: battery entry ${uid}`,
  ].join('\n')
}

/** The suffix and one subtree per branch, top-down (as ldapadd needs them). */
export function batteryLdif(branches: readonly string[]): string {
  const records = [[`dn: ${SUFFIX}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: example', 'o: Example'].join('\n')]
  for (const b of branches) {
    const base = branchDn(b)
    records.push(ou(base, b), ou(`ou=people,${base}`, 'people'), ou(`ou=team,${base}`, 'team'), ou(`ou=archive,${base}`, 'archive'))
    for (let i = 1; i <= 4; i++) records.push(person(`uid=${b}-p${i},ou=people,${base}`, `${b}-p${i}`, i % 2 ? 'staff' : 'contractor'))
    records.push(person(`uid=${b}-t1,ou=team,${base}`, `${b}-t1`, 'staff'), person(`uid=${b}-t2,ou=team,${base}`, `${b}-t2`, 'contractor'))
    records.push(ou(`ou=sub,ou=team,${base}`, 'sub'), person(`uid=${b}-s1,ou=sub,ou=team,${base}`, `${b}-s1`, 'staff'))
  }
  return `${records.join('\n\n')}\n`
}

/**
 * `batteryLdif(branches)` as initial data written long ago: every entry carries an entryCSN and
 * timestamps of 2020-01-01 and the suffix the matching contextCSN, so a cookie taken now names a
 * second in which, after every entry has been rewritten, no entry is left. slapd keys its
 * entryCSN index by the second (generalizedTimeIndexer), and its staleness check
 * (syncprov_findcsn, `(entryCSN<=cookie CSN)` with an unchecked limit of 1) counts any candidate
 * as a hit, so a cookie is stale for slapd only when no entry shares its second.
 */
export function preloadLdif(branches: readonly string[]): string {
  const records = batteryLdif(branches).trim().split('\n\n')
  const csn = (i: number) => `20200101000000.${String(i).padStart(6, '0')}Z#000000#000#000000`
  const stamped = records.map((r, i) =>
    [
      r,
      `entryCSN: ${csn(i)}`,
      'createTimestamp: 20200101000000Z',
      'modifyTimestamp: 20200101000000Z',
      `creatorsName: cn=admin,${SUFFIX}`,
      `modifiersName: cn=admin,${SUFFIX}`,
      // slapd reads its contextCSN from the suffix at start-up; without one it would make up a current one.
      ...(i === 0 ? [`contextCSN: ${csn(records.length - 1)}`] : []),
    ].join('\n'),
  )
  return `${stamped.join('\n\n')}\n`
}

const record = (...lines: string[]): string => `${lines.join('\n')}\n`

/** An entry as an ldapmodify add record: `changetype: add` right after its `dn:` line. */
function addRecord(entry: string): string {
  const [dn, ...rest] = entry.split('\n')
  return record(dn as string, 'changetype: add', ...rest)
}

/**
 * Every change kind of the battery, in order, for one branch of `batteryLdif`. The last record
 * of each step changes something inside the content, so it produces a persist message on slapd
 * 2.5 (which sends nothing for a delete outside the content).
 */
export function batterySteps(branch: string): readonly ChangeStep[] {
  const base = branchDn(branch)
  const people = `ou=people,${base}`
  const archive = `ou=archive,${base}`
  const crew = `ou=crew,${archive}`
  const uid = (n: string) => `${branch}-${n}`
  return [
    { name: 'add', ldif: addRecord(person(`uid=${uid('p5')},${people}`, uid('p5'), 'staff')) },
    {
      name: 'modify (replace, add a value, delete an attribute)',
      ldif: record(`dn: uid=${uid('p1')},${people}`, 'changetype: modify', 'replace: description', 'description: modified', '-', 'add: mail', `mail: ${uid('p1')}@elsewhere.example`, '-', 'delete: givenName', '-'),
    },
    { name: 'rename of a leaf', ldif: record(`dn: uid=${uid('p3')},${people}`, 'changetype: modrdn', `newrdn: uid=${uid('p3r')}`, 'deleteoldrdn: 1') },
    {
      name: 'move of a non-leaf entry to another parent',
      ldif: record(`dn: ou=team,${base}`, 'changetype: modrdn', 'newrdn: ou=team', 'deleteoldrdn: 0', `newsuperior: ${archive}`),
    },
    { name: 'rename of a non-leaf entry', ldif: record(`dn: ou=team,${archive}`, 'changetype: modrdn', 'newrdn: ou=crew', 'deleteoldrdn: 1') },
    { name: 'delete', ldif: record(`dn: uid=${uid('p5')},${people}`, 'changetype: delete') },
    { name: 'an entry leaving the filter', ldif: record(`dn: uid=${uid('p1')},${people}`, 'changetype: modify', 'replace: employeeType', 'employeeType: contractor', '-') },
    { name: 'an entry entering the filter', ldif: record(`dn: uid=${uid('p2')},${people}`, 'changetype: modify', 'replace: employeeType', 'employeeType: staff', '-') },
    {
      name: 'several changes at once',
      ldif: [
        addRecord(person(`uid=${uid('p6')},${crew}`, uid('p6'), 'staff')),
        record(`dn: uid=${uid('s1')},ou=sub,${crew}`, 'changetype: modify', 'replace: description', 'description: changed with others', '-'),
        record(`dn: ou=sub,${crew}`, 'changetype: modrdn', 'newrdn: ou=sub', 'deleteoldrdn: 0', `newsuperior: ${people}`),
        record(`dn: uid=${uid('t2')},${crew}`, 'changetype: delete'),
        record(`dn: uid=${uid('p2')},${people}`, 'changetype: modrdn', `newrdn: uid=${uid('p2r')}`, 'deleteoldrdn: 1'),
        record(`dn: uid=${uid('t1')},${crew}`, 'changetype: delete'),
        record(`dn: uid=${uid('p3r')},${people}`, 'changetype: modify', 'replace: employeeType', 'employeeType: contractor', '-'),
      ].join('\n'),
    },
  ]
}
