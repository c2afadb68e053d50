import { describe, expect, it } from 'vitest'
import { BerReader, BerWriter, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import type { Control } from './control.js'
import { decodeMessage, encodeMessage, readMessage } from './message.js'
import { readSearchResultEntry, writeSearchResultEntryMessage } from './search-result-entry.js'
import type { EntryAttributeInput, SearchResultEntry } from './search-result-entry.js'
import { oracleDecode } from './test-support/asn1-oracle.js'
import { BINARY, EMPTY, SYNC_STATE_OID, hex, plain, toHex, utf8 } from './test-support/samples.js'

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return e as ProtocolError
  }
  throw new Error('expected the call to throw')
}

const syncState: Control = { type: SYNC_STATE_OID, critical: false, value: hex('30150a010104102fafa1f87ba1104197847fc91fc836ce') }

/** The typed op the hot-path arguments stand for (string values as UTF-8). */
function asOp(dn: string, attributes: readonly EntryAttributeInput[]): SearchResultEntry {
  return {
    kind: 'searchResultEntry',
    objectName: dn,
    attributes: attributes.map((a) => ({ type: a.type, vals: a.vals.map((v) => (typeof v === 'string' ? utf8(v) : v)) })),
  }
}

describe('SearchResultEntry (RFC 4511 §4.5.2) and its hot-path encoder', () => {
  const cases: Array<[string, string, EntryAttributeInput[], Control[] | undefined]> = [
    ['no attributes, no controls', 'dc=example,dc=com', [], undefined],
    ['empty controls list (omitted on the wire)', 'dc=example,dc=com', [{ type: 'dc', vals: ['example'] }], []],
    ['typesOnly-style empty vals', 'cn=x', [{ type: 'cn', vals: [] }], [syncState]],
    [
      'seven attributes, string and byte values, Sync State control',
      'uid=user000001,ou=people,dc=example,dc=com',
      [
        { type: 'objectClass', vals: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'] },
        { type: 'uid', vals: ['user000001'] },
        { type: 'cn', vals: ['Zoë Ünïcödé 日本'] },
        { type: 'sn', vals: [utf8('One')] },
        { type: 'jpegPhoto', vals: [BINARY] },
        { type: 'description', vals: [EMPTY, ''] },
        { type: 'entryCSN', vals: ['20261123154918.120991Z#000000#000#000000'] },
      ],
      [syncState],
    ],
    ['empty DN (root DSE)', '', [{ type: 'supportedControl', vals: ['1.3.6.1.4.1.4203.1.9.1.1', '1.2.840.113556.1.4.319'] }], [syncState, { type: '1.2', critical: true }]],
  ]

  it.each(cases)('%s: hot path equals encodeMessage, and asn1js reads it', (_n, dn, attrs, controls) => {
    const w = new BerWriter(16)
    writeSearchResultEntryMessage(w, 300, dn, attrs, controls)
    const bytes = w.toBuffer()
    const msg = { messageId: 300, op: asOp(dn, attrs), controls: controls ?? [] }
    expect(toHex(bytes)).toBe(toHex(encodeMessage(msg)))
    expect(oracleDecode(bytes)).toEqual(msg)
    expect(decodeMessage(plain(bytes))).toEqual(msg)
  })

  it('reproduces slapd 2.5.13 bytes exactly from the decoded entry', () => {
    // Captured from slapd (refreshOnly, first entry of the initial content).
    const golden =
      '3081d5020102648198041164633d6578616d706c652c64633d636f6d3081823027040b6f626a656374436c6173733118040864634f626a656374040c6f7267616e697a6174696f6e300f04026463310904076578616d706c65300e04016f310904074578616d706c6530360408656e74727943534e312a042832303236313132333135343931382e3131383331315a233030303030302330303023303030303030a03530330418312e332e362e312e342e312e343230332e312e392e312e32041730150a010104102fafa1f87ba1104197847fc91fc836ce'
    const msg = decodeMessage(hex(golden))
    const op = msg.op as SearchResultEntry
    const w = new BerWriter()
    writeSearchResultEntryMessage(w, msg.messageId, op.objectName, op.attributes, msg.controls)
    expect(toHex(w.toBuffer())).toBe(golden)
  })

  it('handles values and entries past the one- and two-octet length forms', () => {
    const big = new Uint8Array(70_000).fill(0x61)
    const attrs = [
      { type: 'a', vals: ['x'.repeat(127)] },
      { type: 'b', vals: ['y'.repeat(128)] },
      { type: 'c', vals: [big] },
    ]
    const w = new BerWriter(64)
    writeSearchResultEntryMessage(w, 1, 'cn=big', attrs, [syncState])
    const bytes = w.toBuffer()
    expect(toHex(bytes.subarray(0, 2))).toBe('3083')
    const msg = { messageId: 1, op: asOp('cn=big', attrs), controls: [syncState] }
    expect(oracleDecode(bytes)).toEqual(msg)
    expect(decodeMessage(plain(bytes))).toEqual(msg)
  })

  it('batches many entries in one writer; take() hands them out and readMessage reads them in order', () => {
    const w = new BerWriter(32)
    for (let i = 0; i < 50; i++) writeSearchResultEntryMessage(w, i, `uid=u${i},dc=x`, [{ type: 'uid', vals: [`u${i}`] }], [syncState])
    const batch = plain(w.take())
    expect(w.length).toBe(0)
    const r = new BerReader(batch)
    for (let i = 0; i < 50; i++) {
      const m = readMessage(r)
      expect(m.messageId).toBe(i)
      expect((m.op as SearchResultEntry).objectName).toBe(`uid=u${i},dc=x`)
      expect(m.controls).toEqual([syncState])
    }
    expect(r.atEnd()).toBe(true)
  })

  it('decodes values as zero-copy views of the input', () => {
    const bytes = plain(encodeMessage({ messageId: 1, op: asOp('cn=x', [{ type: 'cn', vals: ['abc'] }]), controls: [] }))
    const op = decodeMessage(bytes).op as SearchResultEntry
    expect(op.attributes[0]?.vals[0]?.buffer).toBe(bytes.buffer)
  })

  describe('coded errors', () => {
    const entry = (body: string) => new BerReader(hex(`64${(body.replace(/ /g, '').length / 2).toString(16).padStart(2, '0')}${body.replace(/ /g, '')}`))
    it('LDAP_MISSING_MEMBER for a missing objectName, attributes, type or vals', () => {
      expect(thrown(() => readSearchResultEntry(entry(''))).code).toBe('LDAP_MISSING_MEMBER')
      expect(thrown(() => readSearchResultEntry(entry('0400'))).code).toBe('LDAP_MISSING_MEMBER')
      expect(thrown(() => readSearchResultEntry(entry('0400 3002 3000'))).code).toBe('LDAP_MISSING_MEMBER')
      const vals = thrown(() => readSearchResultEntry(entry('0400 3006 3004 0402636e')))
      expect(vals.code).toBe('LDAP_MISSING_MEMBER')
      expect(vals.message).toMatch(/PartialAttribute ends at offset \d+ without its vals/)
    })
    it('BER_UNEXPECTED_TAG for vals that are a SEQUENCE instead of a SET', () => {
      expect(thrown(() => readSearchResultEntry(entry('0400 3008 3006 0402636e 3000'))).code).toBe('BER_UNEXPECTED_TAG')
    })
    it('BER_TRAILING_BYTES for an element after vals or after the attribute list', () => {
      expect(thrown(() => readSearchResultEntry(entry('0400 300a 3008 0402636e 3100 0400'))).code).toBe('BER_TRAILING_BYTES')
      expect(thrown(() => readSearchResultEntry(entry('0400 3000 0400'))).code).toBe('BER_TRAILING_BYTES')
    })
    it('BER_BAD_UTF8 for an attribute type that is not UTF-8', () => {
      expect(thrown(() => readSearchResultEntry(entry('0400 3006 3004 0402c328'))).code).toBe('BER_BAD_UTF8')
    })
  })

  it('writes the minimal entry exactly and leaves the writer balanced', () => {
    const w = new BerWriter()
    writeSearchResultEntryMessage(w, 1, 'cn=x', [])
    expect(w.depth).toBe(0)
    expect(toHex(w.toBuffer())).toBe('300d020101 6408 0404636e3d78 3000'.replace(/ /g, ''))
    expect(toHex(encodeWith((x) => writeSearchResultEntryMessage(x, 1, 'cn=x', [], [])))).toBe('300d0201016408' + '0404636e3d783000')
  })
})
