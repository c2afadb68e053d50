/**
 * The wire signature of the `apacheds` and `strict-rfc` dialects (docs/provider.md "Dialect
 * presets"), over a real socket against a scenario's provider: the messages decoded with our
 * codec (test/support/wire-client.ts), and the RFC 4533 values themselves parsed again with
 * asn1js, so that "omitted on the wire" means absent octets and not a decoder's default.
 * (`389ds` and `openldap` have their recorded traces: test/provider/engine-vs-*-traces.test.ts.)
 */
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { LdapMessage } from '../../protocol/index.js'
import { SYNC_DONE_OID, SYNC_STATE_OID, formatSyncUuid } from '../../protocol/sync/index.js'
import { asn1Parse } from '../../protocol/ldap/test-support/asn1-oracle.js'
import type { Tlv } from '../../protocol/ldap/test-support/asn1-oracle.js'
import { startScenario } from '../../provider/scenario/index.js'
import type { RunningScenario } from '../../provider/scenario/index.js'
import type { SyncMessage } from '../../provider/sync/index.js'
import { parseScenario } from '../../scenarios/index.js'
import type { SearchCondition } from '../support/sync-search.js'
import { searchDone } from '../support/sync-search.js'
import { WireClient } from '../support/wire-client.js'

/** A scenario written here, its fixture paths relative to this directory. */
const HERE = fileURLToPath(new URL('./dialect-signature.yaml', import.meta.url))
const SMALL_ORG = '../../fixtures/samples/small-org.ldif'
const PEOPLE = 'ou=people,dc=example,dc=com'

// BER identifiers of the RFC 4533 values (§2.3-§2.5, implicit tags).
const SEQUENCE = 0x30
const OCTET_STRING = 0x04
const BOOLEAN = 0x01
const ENUMERATED = 0x0a
const NEWCOOKIE = 0x80
const REFRESH_DELETE = 0xa1
const REFRESH_PRESENT = 0xa2
const SYNC_ID_SET = 0xa3

let running: RunningScenario | undefined
let client: WireClient | undefined

afterEach(async () => {
  await client?.close()
  await running?.stop()
  client = undefined
  running = undefined
})

async function play(yaml: string): Promise<WireClient> {
  running = await startScenario(parseScenario(yaml, HERE), { port: 0 })
  client = await WireClient.connect(running.url)
  return client
}

/** The tags of a value's children, as asn1js reads them. */
const tags = (t: Tlv): number[] => t.children.map((c) => c.tag)
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('latin1')

/** The Sync Info value of an IntermediateResponse, or the Sync State / Sync Done control value, as asn1js parses it. */
function infoValue(m: LdapMessage): Tlv | undefined {
  return m.op.kind === 'intermediateResponse' && m.op.responseValue !== undefined ? asn1Parse(m.op.responseValue) : undefined
}
function controlValue(m: LdapMessage, oid: string): Tlv {
  const value = m.controls.find((c) => c.type === oid)?.value
  if (value === undefined) throw new Error(`Message ${m.messageId} (${m.op.kind}) has no ${oid} control value.`)
  return asn1Parse(value)
}
/** The cookie of a refreshOnly search's Sync Done. */
function cookieOf(ms: readonly SyncMessage[]): Uint8Array | undefined {
  const last = ms.at(-1)
  return last?.kind === 'done' ? last.syncDone?.cookie : undefined
}
const entries = (raw: readonly LdapMessage[]): LdapMessage[] => raw.filter((m) => m.op.kind === 'searchResultEntry')
const infos = (raw: readonly LdapMessage[]): Tlv[] => raw.flatMap((m) => infoValue(m) ?? [])
const stateOf = (m: LdapMessage): number => (controlValue(m, SYNC_STATE_OID).children[0]?.bytes[0] ?? -1)
const attributeTypes = (m: LdapMessage): string[] => (m.op.kind === 'searchResultEntry' ? m.op.attributes.map((a) => a.type) : [])

function messagesAfter(n: number, start: (ms: readonly SyncMessage[]) => number): SearchCondition {
  return { what: `${n} message(s) after the refresh`, test: (ms) => start(ms) >= 0 && ms.length - start(ms) >= n }
}
/** ApacheDS ends a refreshAndPersist refresh with a newcookie. */
const afterNewcookie = (ms: readonly SyncMessage[]): number => {
  const i = ms.findIndex((m) => m.kind === 'info' && m.info.kind === 'newcookie')
  return i < 0 ? -1 : i + 1
}
/** strict-rfc ends it with refreshPresent (initial content). */
const afterRefreshPresent = (ms: readonly SyncMessage[]): number => {
  const i = ms.findIndex((m) => m.kind === 'info' && m.info.kind === 'refreshPresent')
  return i < 0 ? -1 : i + 1
}

describe('apacheds wire signature', () => {
  const yaml = (extra: string): string => `
id: apacheds-signature
title: apacheds
directory: { ldif: ${SMALL_ORG} }
provider: { dialect: apacheds }
timeline:
${extra}`

  it('refreshAndPersist: every entry as add, then a newcookie (rid=1) and no phase marker; persist modify and delete (with the whole entry)', async () => {
    const c = await play(yaml(`
  - on: persistStarted
    do:
      - modify: { dn: "uid=gpatel,${PEOPLE}", replace: { title: CRO } }
      - delete: uid=irossi,${PEOPLE}`))
    const search = c.search({ mode: 'refreshAndPersist', attributes: ['*'] })
    await search.until(messagesAfter(2, afterNewcookie))
    const refresh = search.raw.slice(0, 19)
    expect(entries(refresh).map(stateOf)).toEqual(Array<number>(18).fill(1))
    // The refresh's only Sync Info: newcookie [0] with the replica's first cookie.
    expect(infos(search.raw).map((v) => v.tag)).toEqual([NEWCOOKIE])
    expect(text(infos(search.raw)[0]?.bytes)).toMatch(/^rid=1,csn=\d{14}\.\d{6}Z#[0-9a-f]{6}#000#000000$/)
    expect(infos(search.raw).some((v) => v.tag === REFRESH_DELETE || v.tag === REFRESH_PRESENT)).toBe(false)
    const [modified, deleted] = search.raw.slice(19)
    expect(modified && stateOf(modified)).toBe(2)
    expect(deleted && stateOf(deleted)).toBe(3)
    expect(deleted && attributeTypes(deleted)).toEqual(expect.arrayContaining(['objectClass', 'uid', 'cn', 'mail']))
  })

  it('refreshOnly: Sync Done carries the cookie and no refreshDeletes; a second initial refresh is replica rid=2', async () => {
    const c = await play(yaml('  []'))
    const first = await c.search({ mode: 'refreshOnly' }).until(searchDone)
    const second = c.search({ mode: 'refreshOnly' })
    await second.until(searchDone)
    expect(first.filter((m) => m.kind === 'entry')).toHaveLength(18)
    expect(first.filter((m) => m.kind === 'info')).toEqual([])
    const done = controlValue(second.raw.at(-1) as LdapMessage, SYNC_DONE_OID)
    expect(done.tag).toBe(SEQUENCE)
    expect(tags(done)).toEqual([OCTET_STRING]) // refreshDeletes FALSE is not on the wire
    expect(text(done.children[0]?.bytes)).toMatch(/^rid=2,csn=/)
  })

  it('resumed refreshOnly: the journal replayed change by change (modify as add, ModifyDN as modify, delete with entryUUID only), no Sync Info', async () => {
    const c = await play(yaml(`
  - on: { syncRequest: { nth: 2, cookie: present } }
    do:
      - modify: { dn: "uid=jwilliams,${PEOPLE}", replace: { title: Architect } }
      - modDn: { dn: "uid=klarsen,${PEOPLE}", newRdn: uid=kl }
      - delete: uid=lmartin,${PEOPLE}`))
    const first = await c.search({ mode: 'refreshOnly' }).until(searchDone)
    const resumed = c.search({ mode: 'refreshOnly', attributes: ['*', 'entryUUID'], cookie: Buffer.from(cookieOf(first) ?? []) })
    await resumed.until(searchDone)
    const replayed = entries(resumed.raw)
    expect(replayed.map(stateOf)).toEqual([1, 2, 3])
    expect(replayed.map((m) => (m.op.kind === 'searchResultEntry' ? m.op.objectName : ''))).toEqual([
      `uid=jwilliams,${PEOPLE}`, `uid=kl,${PEOPLE}`, `uid=lmartin,${PEOPLE}`,
    ])
    expect(attributeTypes(replayed[2] as LdapMessage)).toEqual(['entryUUID'])
    expect(infos(resumed.raw)).toEqual([])
    expect(tags(controlValue(resumed.raw.at(-1) as LdapMessage, SYNC_DONE_OID))).toEqual([OCTET_STRING])
  })

  it('a cookie naming a replica it never gave out: e-syncRefreshRequired (4096) without a Sync Done control', async () => {
    const c = await play(yaml('  []'))
    const stranger = await c.search({ mode: 'refreshOnly', cookie: Buffer.from('rid=9,csn=20200101000000.000000Z#000000#000#000000') }).until(searchDone)
    expect(stranger).toEqual([expect.objectContaining({ kind: 'done', resultCode: 4096 })])
    expect(stranger[0]?.kind === 'done' ? stranger[0].syncDone : 'absent').toBeUndefined()
  })
})

describe('strict-rfc wire signature', () => {
  const yaml = (sessionLog: number, extra: string): string => `
id: strict-rfc-signature
title: strict-rfc
directory: { ldif: ${SMALL_ORG}, sessionLog: ${sessionLog} }
provider: { dialect: strict-rfc }
timeline:
${extra}`

  it('initial content, refreshOnly: all adds, then Sync Done{cookie} with refreshDeletes FALSE omitted', async () => {
    const c = await play(yaml(0, '  []'))
    const search = c.search({ mode: 'refreshOnly' })
    await search.until(searchDone)
    expect(entries(search.raw).map(stateOf)).toEqual(Array<number>(18).fill(1))
    expect(infos(search.raw)).toEqual([])
    const done = controlValue(search.raw.at(-1) as LdapMessage, SYNC_DONE_OID)
    expect(tags(done)).toEqual([OCTET_STRING])
    expect(text(done.children[0]?.bytes)).toMatch(/^rid=000,csn=/)
  })

  it('initial content, refreshAndPersist: the refresh ends with refreshPresent{cookie}, refreshDone TRUE omitted; a delete outside the content gets a newcookie', async () => {
    const c = await play(yaml(0, `
  - on: persistStarted
    do:
      - delete: uid=lmartin,${PEOPLE}`))
    const search = c.search({ mode: 'refreshAndPersist', base: 'ou=groups,dc=example,dc=com' })
    await search.until(messagesAfter(1, afterRefreshPresent))
    const values = infos(search.raw)
    expect(values.map((v) => v.tag)).toEqual([REFRESH_PRESENT, NEWCOOKIE])
    expect(tags(values[0] as Tlv)).toEqual([OCTET_STRING])
    expect(text(values[1]?.bytes)).toMatch(/^rid=000,csn=/)
  })

  it('present phase: one attribute-less present entry per UUID, no syncIdSet; then the changed entry as add and Sync Done{cookie}', async () => {
    const c = await play(yaml(0, `
  - on: { syncRequest: { nth: 2, cookie: present } }
    do:
      - delete: uid=fnguyen,${PEOPLE}
      - modify: { dn: "uid=gpatel,${PEOPLE}", replace: { mail: gp@example.com } }`))
    const first = await c.search({ mode: 'refreshOnly' }).until(searchDone)
    const resumed = c.search({ mode: 'refreshOnly', cookie: Buffer.from(cookieOf(first) ?? []) })
    await resumed.until(searchDone)
    const sent = entries(resumed.raw)
    const present = sent.filter((m) => stateOf(m) === 0)
    expect(present).toHaveLength(17)
    expect(present.every((m) => attributeTypes(m).length === 0)).toBe(true)
    // Each present entry's Sync State value: SEQUENCE { ENUMERATED present, syncUUID } and nothing else.
    expect(tags(controlValue(present[0] as LdapMessage, SYNC_STATE_OID))).toEqual([ENUMERATED, OCTET_STRING])
    expect(sent.slice(17).map(stateOf)).toEqual([1])
    expect(infos(resumed.raw).filter((v) => v.tag === SYNC_ID_SET)).toEqual([])
    expect(tags(controlValue(resumed.raw.at(-1) as LdapMessage, SYNC_DONE_OID))).toEqual([OCTET_STRING])
  })

  it('delete phase from the session log: delete entries, no syncIdSet; nothing changed: an empty delete phase, Done{cookie, refreshDeletes TRUE as 0xFF}', async () => {
    const c = await play(yaml(100, `
  - on: start
    do:
      - modify: { dn: "dc=example,dc=com", replace: { description: opened } }
  - on: { syncRequest: { nth: 2, cookie: present } }
    do:
      - delete: uid=fnguyen,${PEOPLE}`))
    const first = await c.search({ mode: 'refreshOnly' }).until(searchDone)
    const second = c.search({ mode: 'refreshOnly', cookie: Buffer.from(cookieOf(first) ?? []) })
    const secondMessages = await second.until(searchDone)
    const deletes = entries(second.raw)
    expect(deletes.map(stateOf)).toEqual([3])
    expect(attributeTypes(deletes[0] as LdapMessage)).toEqual([])
    expect(formatSyncUuid(secondMessages[0]?.kind === 'entry' ? secondMessages[0].uuid : new Uint8Array())).toBe('5a010000-0000-4000-8000-000000000009')
    expect(infos(second.raw)).toEqual([])
    const third = c.search({ mode: 'refreshOnly', cookie: Buffer.from(cookieOf(secondMessages) ?? []) })
    await third.until(searchDone)
    expect(third.raw).toHaveLength(1)
    const done = controlValue(third.raw[0] as LdapMessage, SYNC_DONE_OID)
    expect(tags(done)).toEqual([OCTET_STRING, BOOLEAN])
    expect([...(done.children[1]?.bytes ?? [])]).toEqual([0xff])
    expect(text(done.children[0]?.bytes)).toBe(text(cookieOf(secondMessages)))
  })
})
