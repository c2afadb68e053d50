import { describe, expect, it } from 'vitest'
import { describeMessage } from './describe-message.js'
import { decodeMessage, encodeMessage } from './ldap/message.js'
import type { LdapMessageInput } from './ldap/message.js'
import { parseFilter } from './ldap/filter-string.js'
import { encodeSyncDoneValue, encodeSyncInfoValue, encodeSyncRequestValue, encodeSyncStateValue } from './sync/index.js'
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_REQUEST_OID, SYNC_STATE_OID, CANCEL_REQUEST_OID } from './sync/oids.js'
import { encodeCancelRequestValue } from './sync/cancel-request.js'

const uuid = (h: string) => Buffer.from(h.replace(/-/g, ''), 'hex')
const text = (s: string) => Buffer.from(s)
/** Describes the message after a real encode/decode round, as the log will see it. */
const line = (m: LdapMessageInput) => describeMessage(decodeMessage(encodeMessage(m)))

describe('describeMessage', () => {
  it('shows a sync search request with its control decoded', () => {
    expect(
      line({
        messageId: 2,
        op: { kind: 'searchRequest', baseObject: 'dc=example,dc=com', scope: 2, derefAliases: 0, sizeLimit: 0, timeLimit: 0, typesOnly: false, filter: parseFilter('(objectClass=*)'), attributes: ['*', 'entryCSN'] },
        controls: [{ type: SYNC_REQUEST_OID, critical: true, value: encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshAndPersist', cookie: text('rid=000'), reloadHint: false }) }],
      }),
    ).toBe('#2 SearchRequest base="dc=example,dc=com" scope=wholeSubtree filter=(objectClass=*) attrs=*,entryCSN · syncRequest refreshAndPersist cookie="rid=000" reloadHint=FALSE (critical)')
  })

  it('shows entries with their Sync State, and binary cookies as hex', () => {
    expect(
      line({
        messageId: 2,
        op: { kind: 'searchResultEntry', objectName: 'uid=a,dc=example,dc=com', attributes: [{ type: 'uid', vals: [text('a')] }] },
        controls: [{ type: SYNC_STATE_OID, critical: false, value: encodeSyncStateValue({ kind: 'syncState', state: 'modify', entryUUID: uuid('63199ffa-7b95-1041-9bfb-193a3b08c68d'), cookie: Uint8Array.of(0, 1, 0xff) }) }],
      }),
    ).toBe('#2 SearchResultEntry "uid=a,dc=example,dc=com" 1 attribute · syncState modify 63199ffa-7b95-1041-9bfb-193a3b08c68d cookie=0x0001ff')
  })

  it('shows every Sync Info variant and tells absent from empty cookies', () => {
    const info = (v: Parameters<typeof encodeSyncInfoValue>[0]) =>
      line({ messageId: 5, op: { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: encodeSyncInfoValue(v) } })
    expect(info({ kind: 'newcookie', cookie: text('rid=001,csn=x') })).toBe('#5 IntermediateResponse syncInfo newcookie "rid=001,csn=x"')
    expect(info({ kind: 'refreshDelete', refreshDone: true })).toBe('#5 IntermediateResponse syncInfo refreshDelete cookie=(absent) refreshDone=TRUE')
    expect(info({ kind: 'refreshPresent', cookie: new Uint8Array(0), refreshDone: false })).toBe('#5 IntermediateResponse syncInfo refreshPresent cookie="" refreshDone=FALSE')
    const uuids = Array.from({ length: 6 }, (_, i) => Buffer.alloc(16, i))
    expect(info({ kind: 'syncIdSet', refreshDeletes: true, syncUUIDs: uuids })).toBe(
      '#5 IntermediateResponse syncInfo syncIdSet refreshDeletes=TRUE cookie=(absent) 6 UUIDs [00000000-0000-0000-0000-000000000000 01010101-0101-0101-0101-010101010101 02020202-0202-0202-0202-020202020202 03030303-0303-0303-0303-030303030303 …+2]',
    )
  })

  it('shows results by name, 4096 included, and Sync Done', () => {
    expect(
      line({
        messageId: 2,
        op: { kind: 'searchResultDone', resultCode: 4096, matchedDN: '', diagnosticMessage: 'sync cookie is stale' },
      }),
    ).toBe('#2 SearchResultDone e-syncRefreshRequired (4096) "sync cookie is stale"')
    expect(
      line({
        messageId: 2,
        op: { kind: 'searchResultDone', resultCode: 0, matchedDN: '', diagnosticMessage: '' },
        controls: [{ type: SYNC_DONE_OID, critical: false, value: encodeSyncDoneValue({ kind: 'syncDone', refreshDeletes: true }) }],
      }),
    ).toBe('#2 SearchResultDone success (0) · syncDone cookie=(absent) refreshDeletes=TRUE')
  })

  it('shows Cancel and Abandon with their targets', () => {
    expect(line({ messageId: 3, op: { kind: 'extendedRequest', requestName: CANCEL_REQUEST_OID, requestValue: encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: 2 }) } })).toBe(
      '#3 ExtendedRequest 1.3.6.1.1.8 cancel #2',
    )
    expect(line({ messageId: 4, op: { kind: 'abandonRequest', idToAbandon: 2 } })).toBe('#4 AbandonRequest of #2')
  })

  it('reports an undecodable sync value in place instead of throwing', () => {
    expect(
      line({ messageId: 2, op: { kind: 'searchResultEntry', objectName: '', attributes: [] }, controls: [{ type: SYNC_STATE_OID, critical: false, value: Buffer.from('30030a0101', 'hex') }] }),
    ).toMatch(/^#2 SearchResultEntry "" 0 attributes · UNDECODABLE \(SYNC_MISSING_MEMBER: /)
  })
})
