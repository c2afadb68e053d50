import { describe, expect, it } from 'vitest'
import { BerWriter, Tag } from '../../protocol/ber/index.js'
import { OpTag, ProtocolError } from '../../protocol/index.js'
import type { UnsupportedOp } from '../../protocol/index.js'
import { UnrecognizedModification, changeOf, decodeWriteRequest } from './write-requests.js'

function op(tag: number, write: (w: BerWriter) => void, primitive = false): UnsupportedOp {
  const w = new BerWriter()
  if (primitive) write(w)
  else {
    w.startConstructed(tag)
    write(w)
    w.endConstructed()
  }
  return { kind: 'unsupported', tag, bytes: w.take() }
}

function attribute(w: BerWriter, type: string, values: (string | Uint8Array)[]): void {
  w.startConstructed(Tag.Sequence)
  w.writeString(type)
  w.startConstructed(Tag.Set)
  for (const v of values) typeof v === 'string' ? w.writeString(v) : w.writeOctetString(v)
  w.endConstructed()
  w.endConstructed()
}

const DN = 'cn=Ann\\20 Smith\\ ,ou=People,dc=example,dc=com'

describe('decodeWriteRequest', () => {
  it('reads an AddRequest with the DN, attribute spelling and binary values exactly as sent', () => {
    const photo = Uint8Array.of(0xff, 0xd8, 0x00, 0x80)
    const request = decodeWriteRequest(op(OpTag.addRequest, (w) => {
      w.writeString(DN)
      w.startConstructed(Tag.Sequence)
      attribute(w, 'objectClass', ['inetOrgPerson'])
      attribute(w, 'givenName', ['Ann'])
      attribute(w, 'jpegPhoto', [photo])
      w.endConstructed()
    }))
    expect(request).toEqual({
      kind: 'addRequest',
      entry: DN,
      attributes: [
        { type: 'objectClass', values: [Buffer.from('inetOrgPerson')] },
        { type: 'givenName', values: [Buffer.from('Ann')] },
        { type: 'jpegPhoto', values: [Buffer.from(photo)] },
      ],
    })
    expect(changeOf(request as Exclude<typeof request, { kind: 'compareRequest' }>)).toMatchObject({ kind: 'add', dn: DN })
  })

  it('reads a ModifyRequest and maps its operations, increment included', () => {
    const request = decodeWriteRequest(op(OpTag.modifyRequest, (w) => {
      w.writeString(DN)
      w.startConstructed(Tag.Sequence)
      for (const [operation, type] of [[0, 'mail'], [1, 'description'], [2, 'sn'], [3, 'uidNumber']] as const) {
        w.startConstructed(Tag.Sequence)
        w.writeEnumerated(operation)
        attribute(w, type, operation === 1 ? [] : ['1'])
        w.endConstructed()
      }
      w.endConstructed()
    }))
    if (request.kind !== 'modifyRequest') throw new Error(request.kind)
    const change = changeOf(request)
    expect(change).toMatchObject({ kind: 'modify', dn: DN })
    if (change.kind !== 'modify') throw new Error(change.kind)
    expect(change.modifications.map((m) => [m.operation, m.type, m.values?.length])).toEqual([
      ['add', 'mail', 1],
      ['delete', 'description', 0],
      ['replace', 'sn', 1],
      ['increment', 'uidNumber', 1],
    ])
  })

  it('refuses an unknown modify operation as slapd does ("unrecognized modify operation")', () => {
    const request = decodeWriteRequest(op(OpTag.modifyRequest, (w) => {
      w.writeString(DN)
      w.startConstructed(Tag.Sequence)
      w.startConstructed(Tag.Sequence)
      w.writeEnumerated(7)
      attribute(w, 'sn', ['x'])
      w.endConstructed()
      w.endConstructed()
    }))
    if (request.kind !== 'modifyRequest') throw new Error(request.kind)
    expect(() => changeOf(request)).toThrow(UnrecognizedModification)
  })

  it('reads a DelRequest (a primitive LDAPDN) and a ModifyDNRequest with and without newSuperior', () => {
    expect(decodeWriteRequest(op(OpTag.delRequest, (w) => w.writeString(DN, OpTag.delRequest), true))).toEqual({ kind: 'delRequest', entry: DN })
    const rename = decodeWriteRequest(op(OpTag.modDNRequest, (w) => {
      w.writeString(DN)
      w.writeString('cn=Bob')
      w.writeBoolean(true)
    }))
    expect(rename).toEqual({ kind: 'modifyDnRequest', entry: DN, newRdn: 'cn=Bob', deleteOldRdn: true })
    const move = decodeWriteRequest(op(OpTag.modDNRequest, (w) => {
      w.writeString(DN)
      w.writeString('cn=Bob')
      w.writeBoolean(false)
      w.writeString('ou=Groups,dc=example,dc=com', 0x80)
    }))
    if (move.kind !== 'modifyDnRequest') throw new Error(move.kind)
    expect(changeOf(move)).toEqual({ kind: 'modDN', dn: DN, newRdn: 'cn=Bob', deleteOldRdn: false, newSuperior: 'ou=Groups,dc=example,dc=com' })
  })

  it('throws coded ProtocolErrors for malformed requests', () => {
    const notASequence = op(OpTag.addRequest, (w) => {
      w.writeString(DN)
      w.startConstructed(Tag.Set)
      w.endConstructed()
    })
    expect(() => decodeWriteRequest(notASequence)).toThrow(ProtocolError)
    const extra = op(OpTag.modDNRequest, (w) => {
      w.writeString(DN)
      w.writeString('cn=Bob')
      w.writeBoolean(false)
      w.writeString('x', 0x80)
      w.writeString('y', 0x80)
    })
    expect(() => decodeWriteRequest(extra)).toThrow(ProtocolError)
    expect(() => decodeWriteRequest({ kind: 'unsupported', tag: OpTag.addResponse, bytes: Uint8Array.of(0x69, 0) })).toThrow(/not an update request/)
  })
})
