/** Test data shared by the store tests and the crash-test child process (not product code). */
import type { ReplicaEntry } from '../types.js'

/** A canonical syncUUID text derived from a number. */
export function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

/** An entry with string attributes given as `{ cn: ['a', 'b'] }`. */
export function entry(uuid: string, dn: string, attributes: Record<string, readonly (string | Uint8Array)[]> = {}): ReplicaEntry {
  const map = new Map<string, readonly Uint8Array[]>()
  for (const [name, values] of Object.entries(attributes)) {
    map.set(name, values.map((v) => (typeof v === 'string' ? bytes(v) : v)))
  }
  return { uuid, dn, attributes: map }
}

/** Deterministic PRNG (mulberry32) so randomised tests are reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
