/**
 * The consumer battery's one verdict: does the reference consumer's committed replica equal what
 * the provider holds? The provider's content is read from the provider itself, over the wire,
 * with a plain (non-sync) subtree search asking `*` and `+`, so slapd and our provider are judged
 * by exactly the same path. Entries are matched by entryUUID (the replica is keyed by syncUUID,
 * RFC 4533 §2.1.1); DNs are compared per RFC 4514 (protocol/dn); user attributes by type, case-
 * insensitively, values as sets of their bytes. Operational attributes are dropped: the consumer
 * asks for user attributes only. Differences come back as sentences, all at once.
 */
import { LdapClient, LdapResultError } from '../../consumer/index.js'
import type { ReplicaSnapshot } from '../../consumer/index.js'
import * as DN from '../../protocol/dn/index.js'
import { compareCsn, parseOpenLdapCookie } from '../../protocol/sync/index.js'
import type { BindIdentity } from '../support/ldap-tools.js'

/** An entry in comparable form: DN text and lower-case type → base64 of each value. */
export interface ComparableEntry {
  readonly dn: string
  readonly attributes: ReadonlyMap<string, ReadonlySet<string>>
}

/** The provider's content for one search, and its contextCSN at the time. */
export interface ProviderContent {
  /** By entryUUID. */
  readonly entries: ReadonlyMap<string, ComparableEntry>
  /** The suffix entry's contextCSN values (one per serverID). */
  readonly contextCsns: readonly string[]
}

export interface ContentQuery {
  readonly url: string
  readonly bind: BindIdentity
  readonly base: string
  readonly filter: string
}

/**
 * Operational attributes slapd 2.5 and our provider return for `+` (RFC 4512 §3.4, RFC 4530,
 * RFC 5020, RFC 3045 and OpenLDAP's own). One not listed here shows up as a difference, which is
 * the point: the comparison must not skip what it does not know.
 */
const OPERATIONAL = new Set(
  [
    'structuralObjectClass',
    'entryUUID',
    'creatorsName',
    'createTimestamp',
    'modifiersName',
    'modifyTimestamp',
    'entryCSN',
    'contextCSN',
    'entryDN',
    'subschemaSubentry',
    'hasSubordinates',
  ].map((t) => t.toLowerCase()),
)

const bytesKey = (value: Uint8Array): string => Buffer.from(value).toString('base64')

function userAttributes(attributes: Iterable<readonly [string, readonly Uint8Array[]]>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const [type, values] of attributes) {
    const key = type.toLowerCase()
    if (OPERATIONAL.has(key)) continue
    let set = out.get(key)
    if (set === undefined) out.set(key, (set = new Set()))
    for (const v of values) set.add(bytesKey(v))
  }
  return out
}

/** Every entry of `query`'s subtree search (with `*` and `+`) and the base's contextCSN. */
export async function providerContent(query: ContentQuery): Promise<ProviderContent> {
  const client = await LdapClient.connect(query.url, { timeoutMs: 10_000 })
  try {
    await client.bind(query.bind.dn, query.bind.password)
    const entries = new Map<string, ComparableEntry>()
    for await (const item of client.search({ baseObject: query.base, filter: query.filter, attributes: ['*', '+'], timeoutMs: 10_000 })) {
      if (item.kind === 'done' && item.result.resultCode !== 0) throw new LdapResultError(`search of ${query.base}`, item.result, item.message)
      if (item.kind !== 'entry') continue
      const { objectName, attributes } = item.entry
      const uuids = attributes.find((a) => a.type.toLowerCase() === 'entryuuid')?.vals ?? []
      if (uuids.length !== 1) throw new Error(`${query.url} returned ${objectName} with ${uuids.length} entryUUID values for \`+\`; the battery needs exactly one to match it with the replica.`)
      entries.set(Buffer.from(uuids[0] as Uint8Array).toString('utf8').toLowerCase(), { dn: objectName, attributes: userAttributes(attributes.map((a) => [a.type, a.vals] as const)) })
    }
    const contextCsns: string[] = []
    // The suffix's contextCSN, whether or not the suffix entry matches the consumer's filter.
    for await (const item of client.search({ baseObject: query.base, scope: 0, attributes: ['contextCSN'], timeoutMs: 10_000 })) {
      if (item.kind === 'entry') for (const a of item.entry.attributes) if (a.type.toLowerCase() === 'contextcsn') contextCsns.push(...a.vals.map((v) => Buffer.from(v).toString('utf8')))
    }
    return { entries, contextCsns }
  } finally {
    await client.close()
  }
}

const show = (keys: ReadonlySet<string> | undefined): string =>
  keys === undefined ? '(absent)' : JSON.stringify([...keys].map((k) => Buffer.from(k, 'base64').toString('utf8')).sort())

/**
 * Every difference between the consumer's committed replica and the provider's content, as
 * sentences; [] when they are equal. Includes the cookie: the replica claims the state its cookie
 * names, so that cookie must reach the provider's contextCSN for every serverID.
 */
export function replicaDifferences(replica: ReplicaSnapshot, expected: ProviderContent): string[] {
  const diffs: string[] = []
  for (const [uuid, want] of expected.entries) {
    const stored = replica.entries.get(uuid)
    if (stored === undefined) {
      diffs.push(`${uuid} (${want.dn}) is in the provider's content but missing from the replica.`)
      continue
    }
    if (!DN.equals(stored.dn, want.dn)) diffs.push(`${uuid}: the replica has DN "${stored.dn}", the provider "${want.dn}".`)
    const got = userAttributes(stored.attributes)
    for (const type of new Set([...want.attributes.keys(), ...got.keys()])) {
      const w = want.attributes.get(type)
      const g = got.get(type)
      const same = w !== undefined && g !== undefined && w.size === g.size && [...w].every((k) => g.has(k))
      if (!same) diffs.push(`${uuid} (${want.dn}) ${type}: the replica has ${show(g)}, the provider ${show(w)}.`)
    }
  }
  for (const [uuid, stored] of replica.entries) {
    if (!expected.entries.has(uuid)) diffs.push(`${uuid} (${stored.dn}) is in the replica but not in the provider's content.`)
  }
  const lag = cookieLag(replica.cookie, expected.contextCsns)
  if (lag !== undefined) diffs.push(lag)
  return diffs
}

/** Why `cookie` does not reach every CSN of `contextCsns`, or undefined when it does. */
export function cookieLag(cookie: Uint8Array | undefined, contextCsns: readonly string[]): string | undefined {
  if (contextCsns.length === 0) return undefined
  const text = cookie === undefined ? '(none)' : `"${Buffer.from(cookie).toString('latin1')}"`
  const held = cookie === undefined ? [] : parseOpenLdapCookie(cookie).csns
  const behind = contextCsns.filter((want) => {
    const sid = Number.parseInt(want.split('#')[2] ?? '', 16)
    const have = held.find((c) => c.sid === sid)
    return have === undefined || compareCsn(have.text, want) < 0
  })
  return behind.length === 0 ? undefined : `The replica's cookie ${text} does not reach the provider's contextCSN ${behind.join(', ')}.`
}
