/** The states the crash-test child commits (crash-child.ts), and their check (not product code). */
import type { ReplicaEntry, ReplicaSnapshot } from '../types.js'
import { entry, uuidOf } from './store-test-data.js'

export const BASE_ENTRIES = 500

/** Commit k's cookie: `k=<k>` followed by non-UTF-8 bytes, so byte exactness is checked too. */
export function cookieOf(k: number): Uint8Array {
  return Uint8Array.from([...new TextEncoder().encode(`k=${k}`), 0xff, 0x00, 0xc0])
}

export function counterOf(cookie: Uint8Array): number {
  const text = new TextDecoder().decode(cookie.subarray(0, cookie.length - 3))
  return Number(text.slice(2))
}

export function entryFor(uuid: string, n: number, k: number): ReplicaEntry {
  return entry(uuid, `uid=u${n},ou=people,dc=example`, { uid: [`u${n}`], counter: [String(k)], blob: [Uint8Array.of(n & 0xff, 0x80, 0xff)] })
}

/** The base entry i's counter after commit k: the last commit j ≤ k with j mod BASE = i. */
function baseCounter(i: number, k: number): number {
  const last = k - ((k - i) % BASE_ENTRIES + BASE_ENTRIES) % BASE_ENTRIES
  return last >= 1 ? last : 0
}

/** Describes how `snapshot` differs from the state after commit k, or undefined if it is that state. */
export function differenceFrom(snapshot: ReplicaSnapshot, k: number): string | undefined {
  if (k === 0) return snapshot.cookie === undefined && snapshot.entries.size === 0 ? undefined : 'expected the empty state'
  const expected = new Map<string, ReplicaEntry>()
  for (let i = 0; i < BASE_ENTRIES; i++) expected.set(uuidOf(i), entryFor(uuidOf(i), i, baseCounter(i, k)))
  for (let j = Math.max(1, k - 2); j <= k; j++) expected.set(uuidOf(1_000_000 + j), entryFor(uuidOf(1_000_000 + j), 1_000_000 + j, j))
  if (snapshot.entries.size !== expected.size) return `expected ${expected.size} entries, found ${snapshot.entries.size}`
  for (const [uuid, want] of expected) {
    const got = snapshot.entries.get(uuid)
    if (got === undefined) return `entry ${uuid} is missing`
    if (got.dn !== want.dn) return `entry ${uuid} has DN ${got.dn}`
    for (const [name, values] of want.attributes) {
      const have = got.attributes.get(name)
      if (have === undefined || have.length !== values.length || !have.every((v, x) => Buffer.compare(v, values[x] as Uint8Array) === 0)) {
        return `entry ${uuid} attribute ${name} differs`
      }
    }
  }
  return undefined
}
