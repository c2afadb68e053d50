import { describe, expect, it } from 'vitest'
import { parseLdif } from '../../fixtures/ldif/index.js'
import { exportJson, exportLdif } from './export.js'
import { StoreError } from './errors.js'
import { bytes, entry, uuidOf } from './store-test-data.js'

const snapshot = {
  cookie: Uint8Array.of(0x72, 0x69, 0x64, 0xff),
  entries: new Map([
    [uuidOf(3), entry(uuidOf(3), 'uid=ann,ou=People,dc=example', { uid: ['ann'], jpegPhoto: [Uint8Array.of(0xff, 0xd8)] })],
    [uuidOf(1), entry(uuidOf(1), 'dc=example', { dc: ['example'] })],
    [uuidOf(2), entry(uuidOf(2), 'OU=people,DC=Example', { ou: ['people'], description: [' lead space'] })],
  ]),
}

describe('replica exports', () => {
  it('writes LDIF in tree order that the LDIF reader gives back byte for byte', () => {
    const text = exportLdif(snapshot)
    expect(text).toContain('# syncUUID: ' + uuidOf(3))
    expect(text).toContain('cookie (base64) cmlk/w==')
    // slapadd 2.5 refuses a version: line in every form (see fixtures' sample interop test).
    expect(text).not.toMatch(/^version:/m)
    const records = parseLdif(text)
    expect(records.map((r) => r.dn)).toEqual(['dc=example', 'OU=people,DC=Example', 'uid=ann,ou=People,dc=example'])
    const ann = records[2]
    expect(ann?.kind === 'content' ? ann.attributes.find((a) => a.description === 'jpegPhoto')?.values : undefined)
      .toEqual([Uint8Array.of(0xff, 0xd8)])
  })

  it('reports an entry LDIF cannot express as STORE_EXPORT', () => {
    const bad = { cookie: undefined, entries: new Map([[uuidOf(1), entry(uuidOf(1), 'dc=x', { 'bad name!': ['v'] })]]) }
    expect(() => exportLdif(bad)).toThrow(StoreError)
    expect(() => exportLdif(bad)).toThrow(expect.objectContaining({ code: 'STORE_EXPORT' }))
  })

  it('writes JSON with text values as strings and binary ones as base64', () => {
    const parsed = JSON.parse(exportJson(snapshot)) as { cookie: unknown; entries: { syncUUID: string; attributes: Record<string, unknown> }[] }
    expect(parsed.cookie).toEqual({ base64: 'cmlk/w==' })
    expect(parsed.entries.map((e) => e.syncUUID)).toEqual([uuidOf(1), uuidOf(2), uuidOf(3)])
    expect(parsed.entries[2]?.attributes).toEqual({ uid: ['ann'], jpegPhoto: [{ base64: '/9g=' }] })
    const none = JSON.parse(exportJson({ cookie: bytes('abc'), entries: new Map() })) as { cookie: unknown }
    expect(none.cookie).toEqual({ base64: 'YWJj', text: 'abc' })
  })
})
