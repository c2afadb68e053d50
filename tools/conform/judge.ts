/**
 * The checks of a case, judged into findings stated in protocol terms ("UUID … should have been
 * deleted when the present phase ended at message 14"), and the case's grade from them. Levels
 * follow RFC 2119 (verdict.ts gradeForLevel); what a check means is in docs/conformance.md.
 */
import { compareCsn, parseOpenLdapCookie } from '../../protocol/sync/index.js'
import type { CheckSpec, CookieExpectation, Range, RequirementLevel } from '../../scenarios/types.js'
import { isEmptyDiff, sameReplica } from './replica.js'
import type { ComparableReplica } from './replica.js'
import { gradeForLevel } from './verdict.js'
import type { Finding, ReplicaDiff } from './verdict.js'
import { cookieText } from './wire-log.js'
import type { WireLog } from './wire-log.js'

export interface JudgeInput {
  readonly level: RequirementLevel
  readonly wire: WireLog
  /** The final report (undefined when none could be read). */
  readonly replica: ComparableReplica | undefined
  readonly diff: ReplicaDiff | undefined
  /** Each run's replica before and after it, by run name. */
  readonly around: ReadonlyMap<string, { readonly before: ComparableReplica; readonly after: ComparableReplica | undefined }>
}

export function judgeCheck(check: CheckSpec, input: JudgeInput): Finding {
  const level = check.level ?? input.level
  const make = (what: string, passed: boolean, expected: readonly string[], observed: string): Finding => ({
    check: what,
    level,
    passed,
    grade: passed ? 'PASS' : gradeForLevel(level),
    expected,
    observed,
    ...(check.why === undefined ? {} : { why: check.why }),
  })
  switch (check.kind) {
    case 'converged': {
      if (input.diff === undefined || input.replica === undefined) return make('converged', false, ["the replica equals the provider's content"], 'no report of the replica could be read')
      const ok = isEmptyDiff(input.diff)
      return make('converged', ok, ["the replica equals the provider's content (entries by syncUUID, DNs, attribute values)"], ok ? `it does (${input.diff.matching} entries)` : explainDiff(input.diff, input.wire))
    }
    case 'replicaUnchanged': {
      const r = input.around.get(check.run)
      if (r?.after === undefined) return make(`run ${check.run} left the replica unchanged`, false, ['the same entries and cookie after the run as before'], 'no report after the run could be read')
      const change = sameReplica(r.before, r.after)
      return make(`run ${check.run} left the replica unchanged`, change === undefined, ['the same entries and cookie after the run as before (nothing half-applied)'], change ?? 'unchanged')
    }
    case 'request':
      return judgeRequest(check.nth, check.cookie, input.wire, make)
    case 'syncRequests': {
      const count = input.wire.syncRequests.length
      return make('sync searches sent', inRange(count, check.range), [`${describeRange(check.range)} sync search${check.range.min === 1 && check.range.max === 1 ? '' : 'es'}`], `${count}`)
    }
    case 'holds':
    case 'lacks': {
      const entries = input.replica?.entries
      if (entries === undefined) return make(`replica ${check.kind} ${check.uuids.length} entries`, false, ['a readable report'], 'no report of the replica could be read')
      const wrong = check.uuids.filter((u) => entries.has(u) !== (check.kind === 'holds'))
      const verb = check.kind === 'holds' ? 'holds' : 'does not hold'
      const observed = wrong.length === 0 ? 'as expected' : check.kind === 'holds' ? `the replica lacks ${wrong.join(', ')}` : `the replica still holds ${wrong.map((u) => `${u} (${entries.get(u)?.dn ?? ''})`).join(', ')}`
      return make(`replica ${verb} ${check.uuids.join(', ')}`, wrong.length === 0, [`the replica ${verb} ${check.uuids.join(', ')}`], observed)
    }
    case 'handshake':
      return judgeHandshake(check, input.wire, make)
  }
}

type Make = (what: string, passed: boolean, expected: readonly string[], observed: string) => Finding

function judgeRequest(nth: number, want: CookieExpectation, wire: WireLog, make: Make): Finding {
  const what = `sync search ${nth} cookie`
  const req = wire.syncRequests[nth - 1]
  if (req === undefined) return make(what, false, [`a sync search number ${nth}`], `the consumer sent ${wire.syncRequests.length} sync search${wire.syncRequests.length === 1 ? '' : 'es'}`)
  const carried = req.cookie
  const observed = `message ${req.n} carried ${carried === undefined ? 'no cookie' : `cookie ${cookieText(carried)}`}`
  const sentBefore = wire.sent.filter((s) => s.n < req.n && s.cookie !== undefined && s.cookie.length > 0)
  switch (want) {
    case 'absent':
      // slapd's consumer sends `rid=NNN` without a CSN when it holds nothing: no state either.
      return make(what, carried === undefined || stateless(carried), ['no cookie, or an OpenLDAP cookie without CSNs (the consumer holds no state)'], observed)
    case 'present':
      return make(what, carried !== undefined && carried.length > 0, ['a non-empty cookie (the state the consumer kept)'], observed)
    case 'notEmpty':
      return make(what, carried === undefined || carried.length > 0, ['no cookie, or a non-empty one (a zero-length cookie is never stored, rfc4533.md §5 case 14)'], observed)
    case 'lastSent': {
      const last = sentBefore[sentBefore.length - 1]?.cookie
      if (last === undefined) return make(what, false, ['the last cookie the provider sent'], `${observed}; the provider had sent none before it`)
      return make(what, carried !== undefined && sameState(carried, last), [`cookie ${cookieText(last)} (the last one the provider sent, at message ${sentBefore[sentBefore.length - 1]?.n}; an OpenLDAP cookie may carry the consumer's own rid)`], observed)
    }
    case 'previous': {
      const prev = wire.syncRequests[nth - 2]
      if (prev === undefined) return make(what, false, ['the cookie of the sync search before it'], `${observed}; there was no earlier sync search`)
      const same = prev.cookie === undefined ? carried === undefined : carried !== undefined && sameState(carried, prev.cookie)
      return make(what, same, [`${prev.cookie === undefined ? 'no cookie' : `cookie ${cookieText(prev.cookie)}`}, as sync search ${nth - 1} (message ${prev.n}) carried`], observed)
    }
    case 'containsLastCsns': {
      const best = new Map<number, string>()
      for (const s of sentBefore) {
        const parsed = parseOpenLdapCookie(s.cookie as Uint8Array)
        for (const c of parsed.csns) {
          const old = best.get(c.sid)
          if (old === undefined || compareCsn(c.text, old) > 0) best.set(c.sid, c.text)
        }
      }
      const mine = carried === undefined ? [] : parseOpenLdapCookie(carried).csns
      const lacking = [...best].filter(([sid, csn]) => !mine.some((c) => c.sid === sid && compareCsn(c.text, csn) >= 0))
      return make(
        what,
        best.size > 0 && lacking.length === 0,
        [`for every serverID the newest CSN the provider sent: ${[...best.values()].join(';') || '(none sent)'} (merged per serverID, python-ldap#562)`],
        lacking.length === 0 ? observed : `${observed}; it lacks ${lacking.map(([sid, csn]) => `sid ${sid.toString(16).padStart(3, '0')} at ${csn}`).join(', ')}`,
      )
    }
  }
}

/**
 * Whether two cookies name the same state: the same octets, or two OpenLDAP cookies with the same
 * CSN vector (and serverID). `rid` names the consumer's replication agreement, not the state:
 * slapd's consumer writes its own rid into every cookie it sends (rfc4533.md §3.3, §5 case 49).
 */
function sameState(a: Uint8Array, b: Uint8Array): boolean {
  if (Buffer.from(a).equals(Buffer.from(b))) return true
  const x = parseOpenLdapCookie(a)
  const y = parseOpenLdapCookie(b)
  if (!x.usable || !y.usable || x.csns.length === 0 || x.sid !== y.sid || x.csns.length !== y.csns.length) return false
  return x.csns.every((c, i) => c.text === y.csns[i]?.text)
}

function stateless(cookie: Uint8Array): boolean {
  const parsed = parseOpenLdapCookie(cookie)
  return cookie.length > 0 && parsed.usable && parsed.csns.length === 0 && parsed.invalidCsns.length === 0 && !/csn=/.test(Buffer.from(cookie).toString('latin1'))
}

function judgeHandshake(check: Extract<CheckSpec, { kind: 'handshake' }>, wire: WireLog, make: Make): Finding {
  const starts = wire.handshakes.filter((h) => h.kind === 'start')
  const ends = wire.handshakes.filter((h) => h.kind === 'end')
  const expected: string[] = []
  const problems: string[] = []
  if (check.starts !== undefined) {
    expected.push(`${describeRange(check.starts)} Start Replication requests`)
    if (!inRange(starts.length, check.starts)) problems.push(`${starts.length} Start requests`)
  }
  if (check.ends !== undefined) {
    expected.push(`${describeRange(check.ends)} End Replication requests`)
    if (!inRange(ends.length, check.ends)) problems.push(`${ends.length} End requests`)
  }
  if (check.noViolation === true) {
    expected.push('no sync search on a connection without an accepted handshake (389ds-session-hooks.md §5.4)')
    if (wire.handshakeViolations > 0) problems.push(`${wire.handshakeViolations} sync search${wire.handshakeViolations === 1 ? ' was' : 'es were'} sent without an accepted handshake`)
  }
  if (check.guid !== undefined) {
    expected.push(`every Start request carries the payload GUID ${check.guid}`)
    const other = starts.find((s) => s.payload?.guid !== check.guid)
    if (starts.length === 0) problems.push('no Start request at all')
    else if (other !== undefined) problems.push(`a Start request (message ${other.messageId}) carried ${other.payload?.guid === undefined ? 'no payload' : `GUID ${other.payload.guid}`}`)
  }
  return make('session-hook handshake', problems.length === 0, expected, problems.length === 0 ? `${starts.length} Start, ${ends.length} End, ${wire.handshakeViolations} refused sync searches` : problems.join('; '))
}

/**
 * The replica diff in protocol terms: for a ghost, the message that should have removed it; for
 * a missing entry, the message that sent it.
 */
export function explainDiff(diff: ReplicaDiff, wire: WireLog): string {
  const parts: string[] = []
  for (const ghost of diff.unexpected.slice(0, 3)) parts.push(`${ghostReason(ghost.uuid, ghost.dn, wire)}`)
  if (diff.unexpected.length > 3) parts.push(`…and ${diff.unexpected.length - 3} more entries that should have been deleted`)
  for (const m of diff.missing.slice(0, 3)) {
    const sent = [...wire.sent].reverse().find((s) => s.mentions?.includes(m.uuid) === true)
    parts.push(`UUID ${m.uuid} (${m.dn}) is missing${sent === undefined ? '' : `; the provider sent it at message ${sent.n}`}`)
  }
  if (diff.missing.length > 3) parts.push(`…and ${diff.missing.length - 3} more missing entries`)
  for (const c of diff.changed.slice(0, 3)) {
    const bits = []
    if (c.consumerDn !== undefined) bits.push(`DN is "${c.consumerDn}", should be "${c.dn}"`)
    for (const a of c.attributes.slice(0, 2)) {
      bits.push(`${a.name}${a.missing.length > 0 ? ` lacks ${a.missing.slice(0, 2).map((v) => JSON.stringify(v)).join(', ')}` : ''}${a.unexpected.length > 0 ? ` has extra ${a.unexpected.slice(0, 2).map((v) => JSON.stringify(v)).join(', ')}` : ''}`)
    }
    parts.push(`UUID ${c.uuid} (${c.dn}): ${bits.join('; ')}`)
  }
  if (diff.changed.length > 3) parts.push(`…and ${diff.changed.length - 3} more changed entries`)
  return parts.join('. ')
}

function ghostReason(uuid: string, dn: string, wire: WireLog): string {
  const deleted = [...wire.sent].reverse().find((s) => s.deletes?.includes(uuid) === true)
  if (deleted !== undefined) return `UUID ${uuid} (${dn}) should have been deleted: message ${deleted.n} deleted it`
  // The last present phase on a connection that did not name it.
  for (let i = wire.sent.length - 1; i >= 0; i--) {
    const end = wire.sent[i]
    if (end?.endsPresentPhase !== true) continue
    const named = wire.sent.some((s) => s.connection === end.connection && s.n < end.n && s.mentions?.includes(uuid) === true)
    if (!named) return `UUID ${uuid} (${dn}) should have been deleted after the present phase ended at message ${end.n}: it was not named present`
    break
  }
  return `UUID ${uuid} (${dn}) is not in the provider's content but the replica still holds it`
}

function inRange(n: number, r: Range): boolean {
  return (r.min === undefined || n >= r.min) && (r.max === undefined || n <= r.max)
}

function describeRange(r: Range): string {
  if (r.min !== undefined && r.max !== undefined) return r.min === r.max ? `exactly ${r.min}` : `${r.min} to ${r.max}`
  if (r.min !== undefined) return `at least ${r.min}`
  if (r.max !== undefined) return `at most ${r.max}`
  return 'any number of'
}
