import { compareCsn, compareCsnVectors, composeOpenLdapCookie, parseCsn, parseOpenLdapCookie } from '../../protocol/sync/index.js'
import type { Csn, OpenLdapCookie } from '../../protocol/sync/index.js'

/**
 * What a request cookie means to an OpenLDAP-style provider, decided once per sync operation
 * (rfc4533.md §3.3, §3.4; slapd's syncprov_op_search).
 */
export type CookieVerdict =
  /** No usable state: initial content (absent, garbage, rid-less, rid-only, unparsable CSN). */
  | { readonly kind: 'noState' }
  /** State, but the provider has no contextCSN at all: unwillingToPerform. */
  | { readonly kind: 'providerHasNoState' }
  /** The consumer claims a CSN of the provider's own serverID newer than the provider's (trace f1). */
  | { readonly kind: 'newerThanProvider' }
  /** The cookie lacks a serverID the provider tracks (trace f5): full reload, present semantics. */
  | { readonly kind: 'missingSid' }
  /** Every tracked serverID equal: nothing changed. */
  | { readonly kind: 'upToDate' }
  /** Some serverID older: incremental refresh from `consumerCsns`, oldest of them `minCsn`. */
  | { readonly kind: 'changed'; readonly consumerCsns: readonly Csn[]; readonly minCsn: Csn }
  /** A usable cookie whose rid this provider never gave out ('perReplica' rids, ApacheDS): 4096. */
  | { readonly kind: 'unknownReplica' }

export interface CookieState {
  readonly parsed: OpenLdapCookie | undefined
  /** The rid slapd echoes in every cookie it sends for this operation; undefined → zero-length cookies. */
  readonly replyRid: number | undefined
  /** The consumer's own serverID from its cookie (MPR peers): changes it originated are not echoed. */
  readonly consumerSid: number | undefined
  readonly verdict: CookieVerdict
  /** Write the rid unpadded (`rid=1`, ApacheDS's createCookie) instead of slapd's `%03d`. */
  readonly unpaddedRid?: boolean
}

/**
 * Interprets the request cookie against the provider's contextCSN vector `context` (sorted by
 * serverID) and its own serverID `ownSid`.
 */
export function analyseCookie(cookie: Uint8Array | undefined, context: readonly string[], ownSid: number): CookieState {
  if (cookie === undefined) {
    // No cookie at all: slapd replies with rid=000 (trace a).
    return { parsed: undefined, replyRid: 0, consumerSid: undefined, verdict: { kind: 'noState' } }
  }
  const parsed = parseOpenLdapCookie(cookie)
  const base = { parsed, replyRid: parsed.replyRid, consumerSid: parsed.usable ? parsed.sid : undefined }
  // A cookie that failed to parse, has no rid, or carries a rid but no CSN (slapd's own
  // consumer starts with `rid=001`: the "pre-initialized state" of RFC 4533 §2.1.2) has no state.
  if (!parsed.usable || parsed.csns.length === 0) return { ...base, verdict: { kind: 'noState' } }
  if (context.length === 0) return { ...base, verdict: { kind: 'providerHasNoState' } }
  const cmp = compareCsnVectors(parsed.csns, context.map((text) => parseCsn(text)))
  if (cmp.newer.includes(ownSid)) return { ...base, verdict: { kind: 'newerThanProvider' } }
  // SIDs the provider does not track are dropped; any tracked SID missing means no usable state
  // ("consumer cookie is missing a csn we track").
  if (cmp.missing.length > 0) return { ...base, verdict: { kind: 'missingSid' } }
  const consumerCsns = parsed.csns.filter((c) => !cmp.extra.includes(c.sid))
  if (cmp.older.length === 0) return { ...base, verdict: { kind: 'upToDate' } }
  let minCsn = consumerCsns[0] as Csn
  for (const c of consumerCsns) if (compareCsn(c.text, minCsn.text) < 0) minCsn = c
  return { ...base, verdict: { kind: 'changed', consumerCsns, minCsn } }
}

/**
 * ApacheDS's replica bookkeeping ('perReplica' rids): each initial refresh gets a new replica id
 * (1, 2, …) and a journal; a cookie naming an id never given out has no journal.
 */
export class ReplicaRegistry {
  private next = 1
  private readonly known = new Set<number>()

  /** A new replica id. */
  assign(): number {
    const id = this.next++
    this.known.add(id)
    return id
  }

  knows(rid: number): boolean {
    return this.known.has(rid)
  }
}

/**
 * Rewrites a cookie state for provider-assigned rids: no usable state → a new replica id (the
 * reply rid of the initial content); a usable cookie with a known rid → kept; with an unknown
 * rid → the `unknownReplica` verdict.
 */
export function perReplicaCookie(state: CookieState, replicas: ReplicaRegistry): CookieState {
  if (state.verdict.kind === 'noState') return { ...state, replyRid: replicas.assign(), unpaddedRid: true }
  if (state.parsed?.rid !== undefined && replicas.knows(state.parsed.rid)) return { ...state, unpaddedRid: true }
  return { ...state, verdict: { kind: 'unknownReplica' }, unpaddedRid: true }
}

/** The cookie slapd sends for this operation with the given CSNs (and delcsn). */
export function replyCookie(state: CookieState, ownSid: number, csns: readonly (Csn | string)[], delcsn?: Csn | string): Uint8Array {
  if (state.unpaddedRid === true && state.replyRid !== undefined) {
    // ApacheDS's LdapProtocolUtils.createCookie: "rid=" + replicaId + ",csn=" + csn.
    const texts = csns.map((c) => (typeof c === 'string' ? c : c.text))
    return new TextEncoder().encode(`rid=${state.replyRid}${texts.length > 0 ? `,csn=${texts.join(';')}` : ''}`)
  }
  return composeOpenLdapCookie({
    rid: state.replyRid,
    ...(ownSid === 0 ? {} : { sid: ownSid }),
    csns,
    ...(delcsn === undefined ? {} : { delcsn }),
  })
}
