import { describe, expect, it } from 'vitest'
import { decodePayload, replyData } from './payload.js'
import type { HandshakeRequest } from './types.js'

const utf8 = (s: string) => new TextEncoder().encode(s)
const request: HandshakeRequest = { connectionId: 1, messageId: 2, attempt: 3, version: 2, requestOid: '2.16.840.1.113730.3.5.12', isTotal: true }

describe('decodePayload (389ds-session-hooks.md §1.3: C strings travel with their NUL)', () => {
  it('cstring drops exactly one trailing NUL; utf8 keeps it', () => {
    expect(decodePayload(utf8('test-data\0'), 'cstring').text).toBe('test-data')
    expect(decodePayload(utf8('test-data'), 'cstring').text).toBe('test-data')
    expect(decodePayload(utf8('x\0\0'), 'cstring').text).toBe('x\0')
    expect(decodePayload(utf8('test-data\0'), 'utf8').text).toBe('test-data\0')
  })

  it('json drops the NUL and parses; a bad payload carries a sentence, not an exception', () => {
    expect(decodePayload(utf8('{"version":"4.2"}\0'), 'json')).toMatchObject({ codec: 'json', json: { version: '4.2' } })
    expect(decodePayload(utf8('{version'), 'json').error).toMatch(/^The payload data is not JSON \(.+\)\.$/)
    expect(decodePayload(Uint8Array.of(0xc3), 'cstring').error).toBe('The payload data (1 octets) is not valid UTF-8, so the cstring codec cannot read it.')
  })

  it('raw keeps the bytes and shows them as hex; every reading keeps its own copy of the bytes', () => {
    const data = Uint8Array.of(0, 0xff, 0x10)
    const p = decodePayload(data, 'raw')
    expect(p.text).toBe('00ff10')
    data[0] = 9
    expect(p.bytes).toEqual(Uint8Array.of(0, 0xff, 0x10))
  })
})

describe('replyData', () => {
  it('sends a string as UTF-8, appends one NUL on request, calls a function with the request', () => {
    expect(replyData({ data: 'é' }, request)).toEqual(Uint8Array.of(0xc3, 0xa9))
    expect(replyData({ data: 'test-reply-data', appendNul: true }, request)).toEqual(utf8('test-reply-data\0'))
    expect(replyData({ data: (r) => Uint8Array.of(r.attempt, r.isTotal ? 1 : 0) }, request)).toEqual(Uint8Array.of(3, 1))
    expect(replyData({}, request)).toBeUndefined()
  })

  it('refuses a function that returns no bytes', () => {
    expect(() => replyData({ data: (() => 'text') as unknown as () => Uint8Array }, request)).toThrow(/returned string, not a Uint8Array/)
  })
})
