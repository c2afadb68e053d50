/**
 * The directory the edge-case tests sync: the suffix, ou=people with p1..pN, and an empty
 * ou=other (somewhere to move entries out of an ou=people search). Plus the comparisons every
 * test makes: what the replica holds against what the provider has.
 */
import { parseFilter } from '../../../protocol/index.js'
import { Directory } from '../../../provider/directory/index.js'
import { MemoryStore } from '../../../consumer/store/index.js'
import type { ReplicaEntry, ReplicaStore } from '../../../consumer/types.js'

export const SUFFIX = 'dc=example,dc=com'
export const PEOPLE = `ou=people,${SUFFIX}`
export const personDn = (i: number): string => `uid=p${i},${PEOPLE}`

/** The suffix, ou=people with p1..pN (employeeType staff for odd i), and an empty ou=other. */
export function peopleDirectory(options: { readonly sessionLog?: number; readonly count?: number } = {}): Directory {
  let t = Date.parse('2026-01-01T00:00:00Z')
  const d = new Directory({ suffixes: [SUFFIX], sessionLogSize: options.sessionLog ?? 0, clock: () => new Date((t += 1)), uuidSeed: 46 })
  d.apply({ kind: 'add', dn: SUFFIX, attributes: { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' } })
  d.apply({ kind: 'add', dn: PEOPLE, attributes: { objectClass: 'organizationalUnit', ou: 'people' } })
  d.apply({ kind: 'add', dn: `ou=other,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'other' } })
  for (let i = 1; i <= (options.count ?? 6); i++) {
    d.apply({ kind: 'add', dn: personDn(i), attributes: { objectClass: 'inetOrgPerson', uid: `p${i}`, cn: `P ${i}`, sn: 'P', employeeType: i % 2 ? 'staff' : 'contractor' } })
  }
  return d
}

/** The same content as LDIF, for createProvider({ ldif }). */
export function peopleLdif(count = 6): string {
  const blocks = [
    `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example`,
    `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people`,
    `dn: ou=other,${SUFFIX}\nobjectClass: organizationalUnit\nou: other`,
  ]
  for (let i = 1; i <= count; i++) blocks.push(`dn: ${personDn(i)}\nobjectClass: inetOrgPerson\nuid: p${i}\ncn: P ${i}\nsn: P\nemployeeType: ${i % 2 ? 'staff' : 'contractor'}`)
  return blocks.join('\n\n') + '\n'
}

/** A replica to start from: a MemoryStore holding these entries (attributes as text) and cookie. */
export function seededStore(entries: ReadonlyArray<{ readonly uuid: string; readonly dn: string; readonly attributes?: Readonly<Record<string, string>> }>, cookie?: Uint8Array): MemoryStore {
  const map = new Map<string, ReplicaEntry>()
  for (const e of entries) {
    const attributes = new Map(Object.entries(e.attributes ?? {}).map(([type, value]) => [type, [Buffer.from(value, 'utf8')]]))
    map.set(e.uuid, { uuid: e.uuid, dn: e.dn, attributes })
  }
  return new MemoryStore({ initial: { cookie, entries: map } })
}

/** What the store holds: uuid → DN. */
export async function held(store: ReplicaStore): Promise<Map<string, string>> {
  const snapshot = await store.load()
  return new Map([...snapshot.entries.values()].map((e) => [e.uuid, e.dn]))
}

/** The directory's content for a search: uuid → DN. */
export function content(d: Directory, base = SUFFIX, filter = '(objectClass=*)'): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of d.search({ base, scope: 'sub', filter: parseFilter(filter) })) out.set(e.uuid, e.dnText)
  return out
}

/** One attribute's values as text, from the store. */
export async function valuesOf(store: ReplicaStore, uuid: string, attribute: string): Promise<string[] | undefined> {
  const entry = (await store.load()).entries.get(uuid)
  return entry?.attributes.get(attribute)?.map((v) => Buffer.from(v).toString('utf8'))
}

/** A cookie as text (cookies are octets; latin1 maps each one to one character). */
export function cookieText(cookie: Uint8Array | undefined): string | undefined {
  return cookie === undefined ? undefined : Buffer.from(cookie).toString('latin1')
}
