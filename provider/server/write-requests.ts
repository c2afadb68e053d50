/**
 * The update requests of RFC 4511 §4.6–§4.9, read from the exact bytes our codec keeps for them
 * (`UnsupportedOp`), and turned into the directory's Change values.
 *
 * Why not ldapjs's decoded requests: ldapjs turns every DN into its own DN object (which drops
 * escaped spaces and quotes, and rewrites non-ASCII values as hex escapes), lower-cases every
 * attribute type of an Add and every objectClass value, and reads values as UTF-8 strings. The
 * directory must see what the client sent, so DNs and values come from the wire here, with our
 * BER reader. (This could move to protocol/ldap as proper PDU codecs one day.)
 */
import { BerReader, Tag, context } from '../../protocol/ber/index.js'
import { LdapDecodeError, OpTag } from '../../protocol/index.js'
import type { UnsupportedOp } from '../../protocol/index.js'
import type { Change, Modification, ModificationOperation } from '../directory/index.js'

export interface AddRequestOp {
  readonly kind: 'addRequest'
  readonly entry: string
  readonly attributes: readonly { readonly type: string; readonly values: readonly Uint8Array[] }[]
}

export interface ModifyRequestOp {
  readonly kind: 'modifyRequest'
  readonly object: string
  /** `operation` is the raw ENUMERATED: 0 add, 1 delete, 2 replace, 3 increment (RFC 4525). */
  readonly changes: readonly { readonly operation: number; readonly type: string; readonly values: readonly Uint8Array[] }[]
}

export interface DelRequestOp {
  readonly kind: 'delRequest'
  readonly entry: string
}

export interface ModifyDnRequestOp {
  readonly kind: 'modifyDnRequest'
  readonly entry: string
  readonly newRdn: string
  readonly deleteOldRdn: boolean
  readonly newSuperior?: string
}

export interface CompareRequestOp {
  readonly kind: 'compareRequest'
  readonly entry: string
}

export type WriteRequest = AddRequestOp | ModifyRequestOp | DelRequestOp | ModifyDnRequestOp | CompareRequestOp

const NEW_SUPERIOR_TAG = context(0)

/**
 * Decodes an update (or compare) request's protocolOp.
 *
 * @throws ProtocolError (BER_* or LDAP_*) when the element is malformed; the connection is then
 *   closed, as for any undecodable PDU.
 */
export function decodeWriteRequest(op: UnsupportedOp): WriteRequest {
  const r = new BerReader(op.bytes)
  switch (op.tag) {
    case OpTag.addRequest: {
      const s = r.enter(OpTag.addRequest, 'an AddRequest')
      const entry = s.readString(Tag.OctetString, 'the entry DN of the AddRequest')
      const list = s.enter(Tag.Sequence, 'the attributes of the AddRequest')
      s.expectEnd('the AddRequest')
      const attributes: { type: string; values: Uint8Array[] }[] = []
      while (!list.atEnd()) attributes.push(readPartialAttribute(list, 'an attribute of the AddRequest'))
      return { kind: 'addRequest', entry, attributes }
    }
    case OpTag.modifyRequest: {
      const s = r.enter(OpTag.modifyRequest, 'a ModifyRequest')
      const object = s.readString(Tag.OctetString, 'the object DN of the ModifyRequest')
      const list = s.enter(Tag.Sequence, 'the changes of the ModifyRequest')
      s.expectEnd('the ModifyRequest')
      const changes: { operation: number; type: string; values: Uint8Array[] }[] = []
      while (!list.atEnd()) {
        const c = list.enter(Tag.Sequence, 'a change of the ModifyRequest')
        const operation = c.readEnumerated(Tag.Enumerated, 'the operation of a change')
        const attribute = readPartialAttribute(c, 'the modification of a change')
        c.expectEnd('a change of the ModifyRequest')
        changes.push({ operation, ...attribute })
      }
      return { kind: 'modifyRequest', object, changes }
    }
    case OpTag.delRequest:
      return { kind: 'delRequest', entry: r.readString(OpTag.delRequest, 'the DN of the DelRequest') }
    case OpTag.modDNRequest: {
      const s = r.enter(OpTag.modDNRequest, 'a ModifyDNRequest')
      const entry = s.readString(Tag.OctetString, 'the entry DN of the ModifyDNRequest')
      const newRdn = s.readString(Tag.OctetString, 'the newrdn of the ModifyDNRequest')
      const deleteOldRdn = s.readBoolean(Tag.Boolean, 'the deleteoldrdn of the ModifyDNRequest')
      let newSuperior: string | undefined
      if (!s.atEnd()) newSuperior = s.readString(NEW_SUPERIOR_TAG, 'the newSuperior of the ModifyDNRequest')
      s.expectEnd('the ModifyDNRequest')
      return { kind: 'modifyDnRequest', entry, newRdn, deleteOldRdn, ...(newSuperior === undefined ? {} : { newSuperior }) }
    }
    case OpTag.compareRequest: {
      const s = r.enter(OpTag.compareRequest, 'a CompareRequest')
      return { kind: 'compareRequest', entry: s.readString(Tag.OctetString, 'the entry DN of the CompareRequest') }
    }
    default:
      throw new LdapDecodeError('LDAP_UNKNOWN_OPERATION',
        `The protocolOp with tag 0x${op.tag.toString(16)} is not an update request; expected AddRequest, ModifyRequest, DelRequest, ModifyDNRequest or CompareRequest.`,
        { tag: op.tag })
  }
}

function readPartialAttribute(r: BerReader, what: string): { type: string; values: Uint8Array[] } {
  const a = r.enter(Tag.Sequence, what)
  const type = a.readString(Tag.OctetString, `the type of ${what}`)
  const set = a.enter(Tag.Set, `the values of attribute ${type}`)
  a.expectEnd(what)
  const values: Uint8Array[] = []
  while (!set.atEnd()) values.push(set.readOctetString(Tag.OctetString, `a value of attribute ${type}`))
  return { type, values }
}

const MOD_OPERATIONS: readonly ModificationOperation[] = ['add', 'delete', 'replace', 'increment']

/** Thrown for a request that decodes but cannot become a change (slapd answers protocolError). */
export class UnrecognizedModification extends Error {
  override readonly name = 'UnrecognizedModification'
}

/**
 * The directory change a write request asks for.
 *
 * @throws UnrecognizedModification for a modify operation other than 0–3 ("unrecognized modify
 *   operation", as slapd says).
 */
export function changeOf(request: AddRequestOp | ModifyRequestOp | DelRequestOp | ModifyDnRequestOp): Change {
  switch (request.kind) {
    case 'addRequest':
      return { kind: 'add', dn: request.entry, attributes: request.attributes }
    case 'modifyRequest': {
      const modifications: Modification[] = request.changes.map((c) => {
        const operation = MOD_OPERATIONS[c.operation]
        if (operation === undefined) throw new UnrecognizedModification('unrecognized modify operation')
        return { operation, type: c.type, values: c.values }
      })
      return { kind: 'modify', dn: request.object, modifications }
    }
    case 'delRequest':
      return { kind: 'delete', dn: request.entry }
    case 'modifyDnRequest':
      return {
        kind: 'modDN',
        dn: request.entry,
        newRdn: request.newRdn,
        deleteOldRdn: request.deleteOldRdn,
        ...(request.newSuperior === undefined ? {} : { newSuperior: request.newSuperior }),
      }
    default: {
      const never: never = request
      throw new Error(`Unknown write request ${(never as { kind: string }).kind}.`)
    }
  }
}
