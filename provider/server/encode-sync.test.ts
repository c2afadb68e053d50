import { describe, expect, it } from 'vitest'
import { BerWriter } from '../../protocol/ber/index.js'
import { LdapFramer, decodeMessage } from '../../protocol/index.js'
import { asn1Parse } from '../../protocol/ldap/test-support/asn1-oracle.js'
import { decodeSyncDoneValue, decodeSyncInfoValue, decodeSyncStateValue } from '../../protocol/sync/index.js'
import type { SyncMessage } from '../sync/types.js'
import { describeSyncMessage, writeSyncMessage } from './encode-sync.js'
import { describeResponse, writeResponse } from './responses.js'

const uuid = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i)
const cookie = Uint8Array.from([0x00, 0x80, 0xff, 0xc3, 0x28])

function encode(message: SyncMessage, messageId = 7): Buffer {
  const w = new BerWriter()
  writeSyncMessage(w, messageId, message)
  return w.take()
}

describe('writeSyncMessage', () => {
  it('writes an entry with a non-critical Sync State control whose criticality is omitted and whose bytes survive', () => {
    const bytes = encode({ kind: 'entry', state: 'modify', dn: 'uid=ann,dc=example,dc=com', attributes: [{ type: 'cn', vals: ['Ann'] }, { type: 'jpegPhoto', vals: [Uint8Array.of(0xff, 0xd8)] }], uuid, cookie })
    // asn1js, the independent oracle: LDAPMessage { 7, [APPLICATION 4] {...}, [0] { Control } }.
    const tree = asn1Parse(bytes)
    expect(tree.children.map((c) => c.tag)).toEqual([0x02, 0x64, 0xa0])
    const control = tree.children[2]!.children[0]!
    expect(control.children.map((c) => c.tag)).toEqual([0x04, 0x04])
    expect(Buffer.from(control.children[0]!.bytes).toString()).toBe('1.3.6.1.4.1.4203.1.9.1.2')
    const value = asn1Parse(control.children[1]!.bytes)
    expect(value.children.map((c) => c.tag)).toEqual([0x0a, 0x04, 0x04])
    expect(Array.from(value.children[1]!.bytes)).toEqual(Array.from(uuid))
    expect(Array.from(value.children[2]!.bytes)).toEqual(Array.from(cookie))
    // And our own decoder agrees.
    const message = decodeMessage(bytes)
    expect(message.messageId).toBe(7)
    expect(message.op).toMatchObject({ kind: 'searchResultEntry', objectName: 'uid=ann,dc=example,dc=com' })
    expect(message.controls[0]?.critical).toBe(false)
    expect(decodeSyncStateValue(message.controls[0]!.value!).value).toMatchObject({ state: 'modify', entryUUID: uuid, cookie })
  })

  it('writes a Sync Info message as an IntermediateResponse named 1.3.6.1.4.1.4203.1.9.1.4', () => {
    const bytes = encode({ kind: 'info', info: { kind: 'refreshPresent', cookie, refreshDone: false } })
    const tree = asn1Parse(bytes)
    expect(tree.children.map((c) => c.tag)).toEqual([0x02, 0x79])
    const message = decodeMessage(bytes)
    expect(message.controls).toEqual([])
    const op = message.op
    if (op.kind !== 'intermediateResponse') throw new Error(op.kind)
    expect(op.responseName).toBe('1.3.6.1.4.1.4203.1.9.1.4')
    expect(decodeSyncInfoValue(op.responseValue!).value).toEqual({ kind: 'refreshPresent', cookie, refreshDone: false })
  })

  it('writes SearchResultDone with a Sync Done control only when the engine gives one', () => {
    const withDone = decodeMessage(encode({ kind: 'done', resultCode: 0, diagnosticMessage: '', syncDone: { kind: 'syncDone', cookie, refreshDeletes: true } }))
    expect(withDone.op).toMatchObject({ kind: 'searchResultDone', resultCode: 0, matchedDN: '' })
    expect(withDone.controls).toHaveLength(1)
    expect(withDone.controls[0]).toMatchObject({ type: '1.3.6.1.4.1.4203.1.9.1.3', critical: false })
    expect(decodeSyncDoneValue(withDone.controls[0]!.value!).value).toEqual({ kind: 'syncDone', cookie, refreshDeletes: true })
    const refresh = decodeMessage(encode({ kind: 'done', resultCode: 4096, diagnosticMessage: 'sync cookie is stale' }))
    expect(refresh.op).toMatchObject({ resultCode: 4096, diagnosticMessage: 'sync cookie is stale' })
    expect(refresh.controls).toEqual([])
  })

  it('appends many messages to one writer, each a whole LDAPMessage', () => {
    const w = new BerWriter()
    for (let i = 0; i < 300; i++) writeSyncMessage(w, 2, { kind: 'entry', state: 'add', dn: `uid=u${i},dc=example,dc=com`, attributes: [{ type: 'uid', vals: [`u${i}`] }], uuid })
    writeSyncMessage(w, 2, { kind: 'done', resultCode: 0, diagnosticMessage: '' })
    const frames = new LdapFramer().push(w.take())
    expect(frames).toHaveLength(301)
    expect(decodeMessage(frames[299]!).op).toMatchObject({ objectName: 'uid=u299,dc=example,dc=com' })
  })

  it('describes messages for the event log', () => {
    expect(describeSyncMessage({ kind: 'entry', state: 'delete', dn: 'uid=a,dc=x', attributes: [], uuid })).toBe(
      'SearchResultEntry delete uid=a,dc=x (entryUUID f0f1f2f3-f4f5-f6f7-f8f9-fafbfcfdfeff)',
    )
    expect(describeSyncMessage({ kind: 'info', info: { kind: 'newcookie', cookie } })).toBe('IntermediateResponse syncInfo newcookie')
    expect(describeSyncMessage({ kind: 'done', resultCode: 118, diagnosticMessage: '' })).toBe('SearchResultDone 118')
  })
})

describe('writeResponse', () => {
  it.each([
    ['bind', 'bindResponse'],
    ['searchDone', 'searchResultDone'],
    ['extended', 'extendedResponse'],
  ] as const)('writes %s as a %s our codec reads back', (kind, opKind) => {
    const w = new BerWriter()
    writeResponse(w, 3, kind, { resultCode: 32, matchedDN: 'dc=example,dc=com', diagnosticMessage: 'no such object' })
    expect(decodeMessage(w.take())).toMatchObject({ messageId: 3, op: { kind: opKind, resultCode: 32, matchedDN: 'dc=example,dc=com', diagnosticMessage: 'no such object' } })
  })

  it.each([
    ['modify', 0x67],
    ['add', 0x69],
    ['delete', 0x6b],
    ['modifyDn', 0x6d],
    ['compare', 0x6f],
  ] as const)('writes %s as [APPLICATION] LDAPResult with tag 0x%s', (kind, tag) => {
    const w = new BerWriter()
    writeResponse(w, 9, kind, { resultCode: 68, diagnosticMessage: 'already exists' })
    const tree = asn1Parse(w.take())
    expect(tree.children[1]!.tag).toBe(tag)
    const [code, matched, text] = tree.children[1]!.children
    expect([code!.tag, Array.from(code!.bytes)]).toEqual([0x0a, [68]])
    expect(matched!.bytes.length).toBe(0)
    expect(Buffer.from(text!.bytes).toString()).toBe('already exists')
  })

  it('writes an ExtendedResponse responseName when given', () => {
    const w = new BerWriter()
    writeResponse(w, 1, 'extended', { resultCode: 0 }, { responseName: '1.3.6.1.4.1.1466.20037' })
    expect(decodeMessage(w.take()).op).toMatchObject({ responseName: '1.3.6.1.4.1.1466.20037' })
  })

  it('describes responses with the result code name', () => {
    expect(describeResponse('add', { resultCode: 68, diagnosticMessage: 'x' })).toBe('AddResponse entryAlreadyExists (68): x')
  })
})
