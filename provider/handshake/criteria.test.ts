import { describe, expect, it } from 'vitest'
import { checkCriterion, compareVersions, fieldOf, parseVersion } from './criteria.js'
import { decodePayload } from './payload.js'
import type { Criterion, HandshakeRequest } from './types.js'

const utf8 = (s: string) => new TextEncoder().encode(s)
const request: HandshakeRequest = { connectionId: 1, messageId: 2, attempt: 1, version: 2, requestOid: '2.16.840.1.113730.3.5.12', isTotal: false }
const cstring = (s: string) => decodePayload(utf8(`${s}\0`), 'cstring')
const json = (v: unknown) => decodePayload(utf8(`${JSON.stringify(v)}\0`), 'json')
const check = (c: Criterion, p = cstring('4.10.2')) => checkCriterion(c, p, request)

describe('version comparison (minVersion)', () => {
  it.each([
    ['4.10', '4.9', 1],
    ['4.10', '4.10.0', 0],
    ['20', '19', 1],
    ['v1.2.3', '1.2.3', 0],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
    ['1.0.0-beta.11', '1.0.0-beta.2', 1],
    ['1.0.0+build.5', '1.0.0', 0],
  ])('%s against %s is %i', (a, b, order) => {
    expect(compareVersions(a, b)).toBe(order)
    expect(compareVersions(b, a)).toBe(-order || 0)
  })

  it('refuses what is no version', () => {
    for (const text of ['', 'four', '4..2', '1.2.x', '-1']) expect(parseVersion(text), text).toBeUndefined()
    expect(compareVersions('4.2', 'four')).toBeUndefined()
  })
})

describe('criteria on a text payload (cstring: the trailing NUL is not part of it)', () => {
  it('minVersion, exactVersion and schemaChecksum read the whole text', () => {
    expect(check({ minVersion: '4.9' })).toEqual({ ok: true })
    expect(check({ minVersion: '4.11' })).toEqual({ ok: false, reason: 'The payload\'s text "4.10.2" is below minVersion 4.11.' })
    expect(check({ exactVersion: '4.10.2' })).toEqual({ ok: true })
    expect(check({ exactVersion: '4.10' }).ok).toBe(false)
    expect(check({ schemaChecksum: 'abc' }, cstring('abc'))).toEqual({ ok: true })
    expect(check({ minVersion: '1' }, cstring('latest'))).toMatchObject({ ok: false, reason: expect.stringContaining('is not a version') })
  })

  it('a raw payload is compared as lower-case hex', () => {
    expect(check({ schemaChecksum: 'deadbeef' }, decodePayload(Uint8Array.of(0xde, 0xad, 0xbe, 0xef), 'raw'))).toEqual({ ok: true })
  })

  it('a payload that did not decode fails every criterion with the reason', () => {
    const bad = decodePayload(Uint8Array.of(0xff, 0xfe), 'utf8')
    expect(check({ exactVersion: 'x' }, bad)).toMatchObject({ ok: false, reason: expect.stringContaining('not valid UTF-8') })
  })
})

describe('criteria on a JSON payload', () => {
  const payload = json({ version: '4.10.2', schema: 'c0ffee', ipa: { version: 20 }, features: { sync: true } })

  it('read `version` / `schemaChecksum` by default, any dotted field when named', () => {
    expect(check({ minVersion: '4.2' }, payload)).toEqual({ ok: true })
    expect(check({ schemaChecksum: 'c0ffee', field: 'schema' }, payload)).toEqual({ ok: true })
    expect(check({ schemaChecksum: 'c0ffee' }, payload)).toEqual({ ok: false, reason: "The payload's JSON has no field schemaChecksum." })
    expect(check({ exactVersion: '20', field: 'ipa.version' }, payload)).toEqual({ ok: true })
    expect(check({ field: 'features.sync', equals: true }, payload)).toEqual({ ok: true })
    expect(check({ field: 'features.sync', equals: 'true' }, payload)).toMatchObject({ ok: false })
    expect(check({ field: 'features', equals: null }, payload)).toMatchObject({ ok: false })
  })

  it('a bare JSON string or number is the value itself', () => {
    expect(check({ exactVersion: '20' }, json(20))).toEqual({ ok: true })
    expect(check({ minVersion: '1.0' }, json('2.0'))).toEqual({ ok: true })
  })

  it('fieldOf walks objects and arrays, and tells absent from null', () => {
    expect(fieldOf({ a: [{ b: 1 }] }, 'a.0.b')).toEqual({ present: true, value: 1 })
    expect(fieldOf({ a: null }, 'a')).toEqual({ present: true, value: null })
    expect(fieldOf({ a: null }, 'a.b')).toEqual({ present: false })
    expect(fieldOf({}, 'toString')).toEqual({ present: false })
  })
})

describe('predicates (TS API only)', () => {
  it('true holds, false fails with the reject code, an object fails with its own code', () => {
    const seen: unknown[] = []
    expect(check({ predicate: (p, r) => (seen.push([p.text, r.attempt]), true) })).toEqual({ ok: true })
    expect(seen).toEqual([['4.10.2', 1]])
    expect(check({ predicate: () => false })).toEqual({ ok: false, reason: 'The predicate refused the payload.' })
    expect(check({ predicate: () => ({ reject: 0x03, reason: 'not an update DN' }) })).toEqual({ ok: false, code: 0x03, reason: 'not an update DN' })
  })
})
