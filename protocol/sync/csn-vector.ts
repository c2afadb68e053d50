import { compareCsn, type Csn } from './csn.js'

/**
 * CSN vectors: one CSN per serverID, which is what an OpenLDAP multi-provider cookie and a
 * provider's contextCSN hold (RFC 4533 digest §3.3).
 *
 * A consumer must keep, per serverID, the newest CSN it has seen: persist-stage cookies carry
 * only the CSN of one change of one server, and storing that alone makes the next session a full
 * reload (python-ldap#562). A provider compares the consumer's vector with its own contextCSN to
 * decide between "up to date", an incremental refresh, a full reload and unwillingToPerform.
 */

/**
 * The per-serverID maximum of two vectors, sorted by serverID. Never goes backwards: a CSN in
 * `incoming` older than the one in `current` for the same serverID is ignored (slapd's consumer
 * logs such a cookie as "CSN too old" and keeps its own).
 *
 * @example mergeCsnVectors(stored.csns, received.csns)
 */
export function mergeCsnVectors(current: readonly Csn[], incoming: readonly Csn[]): Csn[] {
  const best = new Map<number, Csn>()
  for (const c of current) keepNewest(best, c)
  for (const c of incoming) keepNewest(best, c)
  return [...best.values()].sort((a, b) => a.sid - b.sid)
}

function keepNewest(best: Map<number, Csn>, c: Csn): void {
  const had = best.get(c.sid)
  if (had === undefined || compareCsn(c.text, had.text) > 0) best.set(c.sid, c)
}

/** How the cookie's CSN for one serverID relates to the provider's contextCSN for it. */
export type SidRelation =
  /** The cookie is behind: the provider has changes to send. */
  | 'older'
  | 'equal'
  /** The cookie is ahead (slapd: unwillingToPerform when it is the provider's own serverID). */
  | 'newer'
  /** The provider tracks this serverID, the cookie does not. */
  | 'missing'
  /** The cookie names a serverID the provider does not track. */
  | 'extra'

export interface SidComparison {
  readonly sid: number
  readonly relation: SidRelation
  readonly cookie?: Csn
  readonly context?: Csn
}

export interface CsnVectorComparison {
  /** One entry per serverID found in either vector, sorted by serverID. */
  readonly perSid: readonly SidComparison[]
  readonly older: readonly number[]
  readonly newer: readonly number[]
  readonly missing: readonly number[]
  readonly extra: readonly number[]
  /** Same serverIDs, same CSNs: nothing to send. */
  readonly equal: boolean
}

/**
 * Compares a cookie's CSN vector with a contextCSN vector, serverID by serverID. A vector that
 * names a serverID twice counts with its newest CSN.
 *
 * @example compareCsnVectors(cookie.csns, contextCsns).older // serverIDs with changes to send
 */
export function compareCsnVectors(cookie: readonly Csn[], context: readonly Csn[]): CsnVectorComparison {
  const mine = newestBySid(cookie)
  const theirs = newestBySid(context)
  const sids = [...new Set([...mine.keys(), ...theirs.keys()])].sort((a, b) => a - b)
  const perSid: SidComparison[] = []
  const older: number[] = []
  const newer: number[] = []
  const missing: number[] = []
  const extra: number[] = []
  const bucket = (r: SidRelation): number[] | undefined => {
    switch (r) {
      case 'older':
        return older
      case 'newer':
        return newer
      case 'missing':
        return missing
      case 'extra':
        return extra
      case 'equal':
        return undefined
      default: {
        const never: never = r
        return never
      }
    }
  }
  for (const sid of sids) {
    const c = mine.get(sid)
    const x = theirs.get(sid)
    let relation: SidRelation
    if (c === undefined) relation = 'missing'
    else if (x === undefined) relation = 'extra'
    else {
      const d = compareCsn(c.text, x.text)
      relation = d < 0 ? 'older' : d > 0 ? 'newer' : 'equal'
    }
    bucket(relation)?.push(sid)
    perSid.push({ sid, relation, ...(c === undefined ? {} : { cookie: c }), ...(x === undefined ? {} : { context: x }) })
  }
  const equal = older.length === 0 && newer.length === 0 && missing.length === 0 && extra.length === 0
  return { perSid, older, newer, missing, extra, equal }
}

function newestBySid(v: readonly Csn[]): Map<number, Csn> {
  const m = new Map<number, Csn>()
  for (const c of v) keepNewest(m, c)
  return m
}
