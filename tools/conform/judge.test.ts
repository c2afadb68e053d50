/**
 * The checks of a case, judged from a hand-built wire: a WireLog fed by a ProviderEvents hub
 * exactly as the provider feeds it (requestReceived for the consumer's searches, messageSent
 * with the engine's SyncMessage for what the provider sent), and hand-built replicas.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import { encodeSyncRequestValue, parseSyncUuid, SYNC_REQUEST_OID } from '../../protocol/sync/index.js'
import type { HandshakeRecord } from '../../provider/handshake/types.js'
import { ProviderEvents } from '../../provider/server/events.js'
import type { SyncMessage } from '../../provider/sync/types.js'
import type { CheckSpec } from '../../scenarios/types.js'
import { explainDiff, judgeCheck } from './judge.js'
import type { JudgeInput } from './judge.js'
import { diffReplicas } from './replica.js'
import type { ComparableEntry, ComparableReplica } from './replica.js'
import { WireLog } from './wire-log.js'

const U1 = '00000000-0000-4000-8000-000000000001'
const U2 = '00000000-0000-4000-8000-000000000002'
const U3 = '00000000-0000-4000-8000-000000000003'
const SOURCE = { file: 'case.yaml', line: 1, column: 1 }
const CSN_1 = '20261123204741.347000Z#000000#001#000000'
const CSN_1_LATER = '20261123204742.000000Z#000000#001#000000'
const CSN_2 = '20261123204741.500000Z#000000#002#000000'

const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'))

let events: ProviderEvents
let wire: WireLog
let nextId = 1
beforeEach(() => {
  events = new ProviderEvents()
  wire = new WireLog(events)
  nextId = 1
})

/** The consumer sends a sync search on `connection`. */
function syncSearch(connection: number, cookie?: string): number {
  const messageId = nextId++
  const value = encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', reloadHint: false, ...(cookie === undefined ? {} : { cookie: bytes(cookie) }) })
  events.emit({
    type: 'requestReceived',
    connectionId: connection,
    messageId,
    bytes: new Uint8Array(),
    message: {
      messageId,
      op: { kind: 'searchRequest', baseObject: 'dc=example,dc=com', scope: 2, derefAliases: 0, sizeLimit: 0, timeLimit: 0, typesOnly: false, filter: parseFilter('(objectClass=*)'), attributes: [] },
      controls: [{ type: SYNC_REQUEST_OID, critical: true, value }],
    },
  })
  return messageId
}

function send(connection: number, sync: SyncMessage): void {
  events.emit({ type: 'messageSent', connectionId: connection, messageId: 1, sync, description: sync.kind })
}

const add = (uuid: string, dn: string, cookie?: string): SyncMessage => ({ kind: 'entry', state: 'add', dn, attributes: [], uuid: parseSyncUuid(uuid), ...(cookie === undefined ? {} : { cookie: bytes(cookie) }) })
const del = (uuid: string, dn: string): SyncMessage => ({ kind: 'entry', state: 'delete', dn, attributes: [], uuid: parseSyncUuid(uuid) })
const refreshPresent = (cookie?: string): SyncMessage => ({ kind: 'info', info: { kind: 'refreshPresent', refreshDone: true, ...(cookie === undefined ? {} : { cookie: bytes(cookie) }) } })
const done = (cookie?: string): SyncMessage => ({ kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', refreshDeletes: false, ...(cookie === undefined ? {} : { cookie: bytes(cookie) }) } })

function entry(uuid: string, dn: string): ComparableEntry {
  return { uuid, dn, attributes: new Map([['cn', [bytes(dn.split(',')[0] ?? '')]]]) }
}
function replica(entries: ComparableEntry[], cookie: string | null = null): ComparableReplica {
  return { cookie: cookie === null ? null : bytes(cookie), entries: new Map(entries.map((e) => [e.uuid, e])) }
}

function input(over: Partial<JudgeInput> = {}): JudgeInput {
  return { level: 'MUST', wire, replica: undefined, diff: undefined, around: new Map(), ...over }
}
function converged(content: ComparableReplica, got: ComparableReplica): JudgeInput {
  return input({ replica: got, diff: diffReplicas(content, got) })
}
const check = (spec: Record<string, unknown>): CheckSpec => ({ source: SOURCE, ...spec }) as CheckSpec

describe('judgeCheck: converged', () => {
  const content = replica([entry(U1, 'cn=a,dc=example,dc=com'), entry(U2, 'cn=b,dc=example,dc=com')])

  it('passes when the replica equals the content, naming how many entries', () => {
    const f = judgeCheck(check({ kind: 'converged' }), converged(content, content))
    expect(f).toMatchObject({ check: 'converged', level: 'MUST', passed: true, grade: 'PASS', observed: 'it does (2 entries)' })
  })

  it('a ghost is explained by the message that should have removed it: the end of the present phase', () => {
    syncSearch(1)
    send(1, add(U1, 'cn=a,dc=example,dc=com'))
    send(1, add(U2, 'cn=b,dc=example,dc=com'))
    send(1, refreshPresent('rid=000,csn=1'))
    const end = wire.sent[2]?.n
    const f = judgeCheck(check({ kind: 'converged' }), converged(content, replica([...content.entries.values(), entry(U3, 'cn=c,dc=example,dc=com')])))
    expect(f).toMatchObject({ passed: false, grade: 'FAIL' })
    expect(f.observed).toBe(`UUID ${U3} (cn=c,dc=example,dc=com) should have been deleted after the present phase ended at message ${end}: it was not named present`)
  })

  it('a ghost the provider deleted outright cites that delete; a missing entry cites the message that sent it', () => {
    syncSearch(1)
    send(1, add(U1, 'cn=a,dc=example,dc=com'))
    send(1, del(U3, 'cn=c,dc=example,dc=com'))
    send(1, add(U2, 'cn=b,dc=example,dc=com'))
    const [, deleted, sentB] = wire.sent
    const f = judgeCheck(check({ kind: 'converged' }), converged(content, replica([entry(U1, 'cn=a,dc=example,dc=com'), entry(U3, 'cn=c,dc=example,dc=com')])))
    expect(f.observed).toBe(
      `UUID ${U3} (cn=c,dc=example,dc=com) should have been deleted: message ${deleted?.n} deleted it. ` +
        `UUID ${U2} (cn=b,dc=example,dc=com) is missing; the provider sent it at message ${sentB?.n}`,
    )
  })

  it('a changed entry shows the DN and the values that differ', () => {
    const got = replica([entry(U1, 'cn=a,ou=elsewhere,dc=example,dc=com'), { uuid: U2, dn: 'cn=b,dc=example,dc=com', attributes: new Map([['cn', [bytes('cn=b'), bytes('extra')]]]) }])
    const f = judgeCheck(check({ kind: 'converged' }), converged(content, got))
    expect(f.observed).toBe(`UUID ${U1} (cn=a,dc=example,dc=com): DN is "cn=a,ou=elsewhere,dc=example,dc=com", should be "cn=a,dc=example,dc=com". UUID ${U2} (cn=b,dc=example,dc=com): cn has extra "extra"`)
  })

  it('fails when no report could be read', () => {
    expect(judgeCheck(check({ kind: 'converged' }), input())).toMatchObject({ passed: false, grade: 'FAIL', observed: 'no report of the replica could be read' })
  })

  it('the check\'s own level and why win over the case\'s: SHOULD grades NON-STRICT, MAY grades INFO', () => {
    const bad = converged(content, replica([]))
    expect(judgeCheck(check({ kind: 'converged', level: 'SHOULD', why: 'because' }), bad)).toMatchObject({ level: 'SHOULD', grade: 'NON-STRICT', why: 'because' })
    expect(judgeCheck(check({ kind: 'converged' }), { ...bad, level: 'MAY' })).toMatchObject({ level: 'MAY', grade: 'INFO' })
    expect(judgeCheck(check({ kind: 'converged' }), bad).why).toBeUndefined()
  })
})

describe('explainDiff', () => {
  it('shows three of each kind and counts the rest', () => {
    const uuids = Array.from({ length: 5 }, (_, i) => `00000000-0000-4000-8000-00000000010${i}`)
    const content = replica(uuids.map((u, i) => entry(u, `cn=${i}`)))
    const text = explainDiff(diffReplicas(content, replica([])), wire)
    expect(text.match(/is missing/g)).toHaveLength(3)
    expect(text).toContain('…and 2 more missing entries')
  })
})

describe('judgeCheck: replicaUnchanged', () => {
  const before = replica([entry(U1, 'cn=a')], 'rid=000,csn=1')

  it('passes when the run left entries and cookie as they were', () => {
    const f = judgeCheck(check({ kind: 'replicaUnchanged', run: 'broken' }), input({ around: new Map([['broken', { before, after: replica([entry(U1, 'cn=a')], 'rid=000,csn=1') }]]) }))
    expect(f).toMatchObject({ check: 'run broken left the replica unchanged', passed: true, observed: 'unchanged' })
  })

  it('fails naming what changed, or that no report was readable after the run', () => {
    const changed = judgeCheck(check({ kind: 'replicaUnchanged', run: 'broken' }), input({ around: new Map([['broken', { before, after: replica([], 'rid=000,csn=1') }]]) }))
    expect(changed).toMatchObject({ passed: false, grade: 'FAIL', observed: '1 entry vanished (cn=a)' })
    const unread = judgeCheck(check({ kind: 'replicaUnchanged', run: 'broken' }), input({ around: new Map([['broken', { before, after: undefined }]]) }))
    expect(unread).toMatchObject({ passed: false, observed: 'no report after the run could be read' })
    expect(judgeCheck(check({ kind: 'replicaUnchanged', run: 'never-ran' }), input()).passed).toBe(false)
  })
})

describe('judgeCheck: request cookies', () => {
  const request = (nth: number, cookie: string): CheckSpec => check({ kind: 'request', nth, cookie })

  it('absent / present / notEmpty', () => {
    syncSearch(1)
    syncSearch(2, 'rid=000,csn=1')
    syncSearch(3, '')
    expect(judgeCheck(request(1, 'absent'), input())).toMatchObject({ check: 'sync search 1 cookie', passed: true })
    expect(judgeCheck(request(2, 'absent'), input())).toMatchObject({ passed: false, observed: `message ${wire.syncRequests[1]?.n} carried cookie "rid=000,csn=1"` })
    expect(judgeCheck(request(2, 'present'), input()).passed).toBe(true)
    expect(judgeCheck(request(1, 'present'), input())).toMatchObject({ passed: false, observed: `message ${wire.syncRequests[0]?.n} carried no cookie` })
    expect(judgeCheck(request(3, 'present'), input()).passed).toBe(false)
    expect(judgeCheck(request(1, 'notEmpty'), input()).passed).toBe(true)
    expect(judgeCheck(request(2, 'notEmpty'), input()).passed).toBe(true)
    expect(judgeCheck(request(3, 'notEmpty'), input())).toMatchObject({ passed: false, observed: `message ${wire.syncRequests[2]?.n} carried cookie "" (zero-length)` })
  })

  it('a sync search that never came fails, saying how many did', () => {
    syncSearch(1)
    expect(judgeCheck(request(2, 'absent'), input())).toMatchObject({ passed: false, expected: ['a sync search number 2'], observed: 'the consumer sent 1 sync search' })
  })

  it('lastSent: the newest non-empty cookie the provider sent before the search', () => {
    syncSearch(1)
    send(1, add(U1, 'cn=a', 'rid=000,csn=1'))
    send(1, done('rid=000,csn=2'))
    send(1, done(''))
    syncSearch(2, 'rid=000,csn=2')
    syncSearch(3, 'rid=000,csn=1')
    const f = judgeCheck(request(2, 'lastSent'), input())
    expect(f).toMatchObject({ passed: true, expected: [`cookie "rid=000,csn=2" (the last one the provider sent, at message ${wire.sent[1]?.n}; an OpenLDAP cookie may carry the consumer's own rid)`] })
    expect(judgeCheck(request(3, 'lastSent'), input()).passed).toBe(false)
  })

  it('absent: a state-less OpenLDAP cookie (rid only) counts as none; an empty one does not', () => {
    syncSearch(1, 'rid=001')
    syncSearch(2, '')
    syncSearch(3, 'rid=001,csn=20260101000000.000000Z#000000#000#000000')
    expect(judgeCheck(request(1, 'absent'), input()).passed).toBe(true)
    expect(judgeCheck(request(2, 'absent'), input()).passed).toBe(false)
    expect(judgeCheck(request(3, 'absent'), input()).passed).toBe(false)
  })

  it('lastSent and previous read OpenLDAP cookies by their CSNs: the consumer may write its own rid', () => {
    const csn = '20260101000000.000000Z#000000#000#000000'
    syncSearch(1)
    send(1, done(`rid=000,csn=${csn}`))
    syncSearch(2, `rid=001,csn=${csn}`)
    syncSearch(3, `rid=001,csn=${csn.replace('000000Z#000000', '000000Z#000001')}`)
    expect(judgeCheck(request(2, 'lastSent'), input()).passed).toBe(true)
    expect(judgeCheck(request(3, 'lastSent'), input()).passed).toBe(false)
    expect(judgeCheck(request(3, 'previous'), input()).passed).toBe(false)
  })

  it('lastSent fails when the provider had sent no cookie before the search', () => {
    syncSearch(1, 'rid=000,csn=1')
    expect(judgeCheck(request(1, 'lastSent'), input()).observed).toMatch(/the provider had sent none before it$/)
  })

  it('previous: the same cookie (or none) as the search before it', () => {
    syncSearch(1, 'rid=000,csn=1')
    syncSearch(2, 'rid=000,csn=1')
    syncSearch(3, 'rid=000,csn=9')
    syncSearch(4)
    syncSearch(5)
    expect(judgeCheck(request(2, 'previous'), input()).passed).toBe(true)
    expect(judgeCheck(request(3, 'previous'), input()).passed).toBe(false)
    expect(judgeCheck(request(4, 'previous'), input()).passed).toBe(false)
    expect(judgeCheck(request(5, 'previous'), input()).passed).toBe(true)
    expect(judgeCheck(request(1, 'previous'), input()).observed).toMatch(/there was no earlier sync search$/)
  })

  it('containsLastCsns: for every serverID the newest CSN the provider sent (python-ldap#562)', () => {
    syncSearch(1)
    send(1, add(U1, 'cn=a', `rid=000,csn=${CSN_1}`))
    send(1, add(U2, 'cn=b', `rid=000,csn=${CSN_2}`))
    send(1, done(`rid=000,csn=${CSN_1_LATER}`))
    syncSearch(2, `rid=000,csn=${CSN_1_LATER};${CSN_2}`)
    syncSearch(3, `rid=000,csn=${CSN_1_LATER}`)
    syncSearch(4, `rid=000,csn=${CSN_1};${CSN_2}`)
    expect(judgeCheck(request(2, 'containsLastCsns'), input()).passed).toBe(true)
    const lastOnly = judgeCheck(request(3, 'containsLastCsns'), input())
    expect(lastOnly.passed).toBe(false)
    expect(lastOnly.observed).toMatch(new RegExp(`; it lacks sid 002 at ${CSN_2.replace(/\./g, '\\.')}$`))
    expect(judgeCheck(request(4, 'containsLastCsns'), input()).observed).toMatch(/it lacks sid 001 at 20261123204742\.000000Z/)
  })
})

describe('judgeCheck: syncRequests, holds, lacks', () => {
  it('counts sync searches against a range', () => {
    syncSearch(1)
    syncSearch(2)
    expect(judgeCheck(check({ kind: 'syncRequests', range: { min: 2, max: 2 } }), input())).toMatchObject({ passed: true, expected: ['exactly 2 sync searches'], observed: '2' })
    expect(judgeCheck(check({ kind: 'syncRequests', range: { min: 3 } }), input())).toMatchObject({ passed: false, expected: ['at least 3 sync searches'] })
    expect(judgeCheck(check({ kind: 'syncRequests', range: { max: 1 } }), input())).toMatchObject({ passed: false, expected: ['at most 1 sync searches'] })
    expect(judgeCheck(check({ kind: 'syncRequests', range: { min: 1, max: 3 } }), input())).toMatchObject({ passed: true, expected: ['1 to 3 sync searches'] })
  })

  it('holds / lacks name the UUIDs that are wrong, with the DN of a ghost', () => {
    const got = input({ replica: replica([entry(U1, 'cn=a')]) })
    expect(judgeCheck(check({ kind: 'holds', uuids: [U1] }), got)).toMatchObject({ check: `replica holds ${U1}`, passed: true, observed: 'as expected' })
    expect(judgeCheck(check({ kind: 'holds', uuids: [U1, U2] }), got)).toMatchObject({ passed: false, observed: `the replica lacks ${U2}` })
    expect(judgeCheck(check({ kind: 'lacks', uuids: [U2] }), got)).toMatchObject({ check: `replica does not hold ${U2}`, passed: true })
    expect(judgeCheck(check({ kind: 'lacks', uuids: [U1, U2] }), got)).toMatchObject({ passed: false, observed: `the replica still holds ${U1} (cn=a)` })
    expect(judgeCheck(check({ kind: 'holds', uuids: [U1] }), input())).toMatchObject({ passed: false, observed: 'no report of the replica could be read' })
  })
})

describe('judgeCheck: handshake', () => {
  function handshake(kind: 'start' | 'end', messageId: number, guid?: string): void {
    const record = { kind, connectionId: 1, messageId, codeLabel: 'NSDS50_REPL_REPLICA_READY (0x00)', reason: 'ready', ...(guid === undefined ? {} : { payload: { guid, data: new Uint8Array(), dataHex: '' } }) }
    events.emit({ type: 'handshake', connectionId: 1, record: record as unknown as HandshakeRecord })
  }

  it('passes with the expected Start and End counts, GUID and no refused search', () => {
    handshake('start', 2, 'my-guid')
    handshake('end', 4)
    const f = judgeCheck(check({ kind: 'handshake', starts: { min: 1, max: 1 }, ends: { min: 1 }, noViolation: true, guid: 'my-guid' }), input())
    expect(f).toMatchObject({ check: 'session-hook handshake', passed: true, observed: '1 Start, 1 End, 0 refused sync searches' })
    expect(f.expected).toEqual(['exactly 1 Start Replication requests', 'at least 1 End Replication requests', 'no sync search on a connection without an accepted handshake (389ds-session-hooks.md §5.4)', 'every Start request carries the payload GUID my-guid'])
  })

  it('fails naming each problem: counts, a refused search, a Start with another GUID or none', () => {
    handshake('start', 2, 'other')
    handshake('start', 6)
    events.emit({ type: 'handshakeViolation', connectionId: 1, violation: {} as never })
    const f = judgeCheck(check({ kind: 'handshake', starts: { max: 1 }, ends: { min: 1 }, noViolation: true, guid: 'my-guid' }), input())
    expect(f.passed).toBe(false)
    expect(f.observed).toBe('2 Start requests; 0 End requests; 1 sync search was sent without an accepted handshake; a Start request (message 2) carried GUID other')
    handshake('start', 8)
    const noPayload = judgeCheck(check({ kind: 'handshake', guid: 'other' }), input())
    expect(noPayload.observed).toBe('a Start request (message 6) carried no payload')
  })
})
