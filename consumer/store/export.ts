/**
 * Human-readable dumps of a replica snapshot, for `consume --dump ldif|json`. Entries are written
 * in tree order (by DN from the root down, parents before children, so an LDIF dump can be
 * loaded into a server as is); an entry whose DN does not parse comes last, by raw DN. These are
 * views for people and tools, not the store's own format (replica-file.ts).
 */
import * as DN from '../../protocol/dn/index.js'
import { LdifWriteError, valueAsString, writeLdifRecord } from '../../fixtures/ldif/index.js'
import type { ReplicaEntry, ReplicaSnapshot } from '../types.js'
import { StoreError } from './errors.js'

/**
 * The snapshot as LDIF content records (RFC 2849). Each record is preceded by a comment line
 * `# syncUUID: …`, and the header comment carries the cookie in base64 (RFC 2849 comments are
 * lines starting with '#', ignored by readers).
 *
 * @example await writeFile('replica.ldif', exportLdif(await store.load()))
 */
export function exportLdif(snapshot: ReplicaSnapshot): string {
  // No `version: 1` line: slapadd 2.5 refuses it in every form, and the dump is meant to load.
  const parts = [`# syncrepl-harness replica: ${snapshot.entries.size} entries, cookie ${describeCookie(snapshot.cookie)}\n`]
  for (const entry of treeOrder(snapshot.entries)) {
    const attributes = [...entry.attributes].map(([description, values]) => ({ description, values }))
    try {
      parts.push(`\n# syncUUID: ${entry.uuid}\n`, writeLdifRecord({ kind: 'content', dn: entry.dn, attributes }))
    } catch (error) {
      if (!(error instanceof LdifWriteError)) throw error
      throw new StoreError('STORE_EXPORT',
        `The entry ${entry.uuid} (${entry.dn}) cannot be written as LDIF: ${error.message}`, { cause: error })
    }
  }
  return parts.join('')
}

/**
 * The snapshot as indented JSON: `{ cookie, entries: [{ syncUUID, dn, attributes }] }`. A value
 * (and the cookie's `text`) is a string when its bytes are valid UTF-8, else `{ "base64": … }`;
 * the cookie is `null` or `{ "base64": …, "text"?: … }`.
 */
export function exportJson(snapshot: ReplicaSnapshot): string {
  const cookie = snapshot.cookie === undefined ? null : {
    base64: base64(snapshot.cookie),
    ...(valueAsString(snapshot.cookie) === undefined ? {} : { text: valueAsString(snapshot.cookie) }),
  }
  const entries = treeOrder(snapshot.entries).map((entry) => {
    const attributes: Record<string, (string | { base64: string })[]> = {}
    for (const [description, values] of entry.attributes) {
      attributes[description] = values.map((value) => valueAsString(value) ?? { base64: base64(value) })
    }
    return { syncUUID: entry.uuid, dn: entry.dn, attributes }
  })
  return JSON.stringify({ cookie, entries }, null, 2) + '\n'
}

/** Entries sorted root-first by normalised RDNs, so an ancestor precedes its descendants. */
function treeOrder(entries: ReadonlyMap<string, ReplicaEntry>): ReplicaEntry[] {
  const keyed = [...entries.values()].map((entry) => ({ entry, path: rootFirstPath(entry.dn) }))
  keyed.sort((a, b) => comparePaths(a.path, b.path) || compareText(a.entry.dn, b.entry.dn) || compareText(a.entry.uuid, b.entry.uuid))
  return keyed.map((k) => k.entry)
}

function rootFirstPath(dn: string): readonly string[] | undefined {
  try {
    return DN.parse(dn).map((rdn) => DN.normalizeRdn(rdn)).reverse()
  } catch {
    return undefined
  }
}

/** Prefix order: a path sorts before its extensions; unparsable DNs (undefined) sort last. */
function comparePaths(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0)
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareText(a[i] as string, b[i] as string)
    if (c !== 0) return c
  }
  return a.length - b.length
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function describeCookie(cookie: Uint8Array | undefined): string {
  return cookie === undefined ? '(none)' : `(base64) ${base64(cookie)}`
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
