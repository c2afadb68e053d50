import { describe, expect, it } from 'vitest'
import { SYNC_STATE_OID, decodeMessage, decodeSyncStateValue } from '../../protocol/index.js'
import { encodeScriptMessage } from './script-encode.js'

describe('encodeScriptMessage', () => {
  it('writes a valid entry exactly as the decoder reads it back, with the default message ID', () => {
    const uuid = Buffer.alloc(16, 7)
    const encoded = encodeScriptMessage({ kind: 'entry', dn: 'cn=a,dc=x', state: 'modify', uuid, cookie: Buffer.from('c'), attributes: { cn: ['a'] }, stateControl: 'one' }, 4)
    const m = decodeMessage(encoded.bytes)
    expect(m.messageId).toBe(4)
    expect(m.op).toMatchObject({ kind: 'searchResultEntry', objectName: 'cn=a,dc=x' })
    expect(m.controls.map((c) => c.type)).toEqual([SYNC_STATE_OID])
    const state = decodeSyncStateValue(m.controls[0]?.value as Uint8Array).value
    expect(state.state).toBe('modify')
    expect(Buffer.from(state.entryUUID)).toEqual(uuid)
    expect(Buffer.from(state.cookie as Uint8Array).toString()).toBe('c')
    expect(encoded.description).toMatch(/^#4 SearchResultEntry/)
  })

  it('describes bytes our decoder rejects instead of failing', () => {
    const encoded = encodeScriptMessage({ kind: 'entry', dn: 'cn=a', state: 9, uuid: Buffer.from('x'), attributes: {}, stateControl: 'one' }, 1)
    expect(encoded.bytes.length).toBeGreaterThan(0)
    expect(encoded.description).toMatch(/cn=a/)
  })

  it('needs a message ID unless the message has its own or is raw', () => {
    expect(() => encodeScriptMessage({ kind: 'done', resultCode: 0, diagnosticMessage: '' }, undefined)).toThrow(/needs a message ID/)
    expect(encodeScriptMessage({ kind: 'done', resultCode: 0, diagnosticMessage: '', messageId: 0 }, undefined).messageId).toBe(0)
    expect(encodeScriptMessage({ kind: 'raw', bytes: Buffer.from('ab') }, undefined)).toMatchObject({ bytes: Buffer.from('ab'), description: '2 raw octets' })
  })
})
