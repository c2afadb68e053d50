import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { Tag } from '../ber/tags.js'
import { writeControls } from './control.js'
import type { ControlInput } from './control.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { requireMember } from './members.js'
import { OpTag } from './op-tags.js'

/**
 * `PartialAttribute ::= SEQUENCE { type AttributeDescription, vals SET OF value AttributeValue }`
 * (RFC 4511 §4.1.7). Values are the exact bytes; `vals` may be empty (typesOnly searches).
 */
export interface PartialAttribute {
  readonly type: string
  readonly vals: readonly Uint8Array[]
}

/**
 * `SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName LDAPDN, attributes
 * PartialAttributeList }` (RFC 4511 §4.5.2).
 */
export interface SearchResultEntry {
  readonly kind: 'searchResultEntry'
  readonly objectName: string
  readonly attributes: readonly PartialAttribute[]
}

/**
 * An attribute to send: values may be strings (written as UTF-8) or bytes (written as given).
 * A decoded PartialAttribute is one too, so received entries can be sent on unchanged.
 */
export interface EntryAttributeInput {
  readonly type: string
  readonly vals: ReadonlyArray<string | Uint8Array>
}

/** Writes `PartialAttributeList` (SEQUENCE OF PartialAttribute). */
function writeAttributes(w: BerWriter, attributes: readonly EntryAttributeInput[]): void {
  w.startConstructed(Tag.Sequence)
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i] as EntryAttributeInput
    w.startConstructed(Tag.Sequence)
    w.writeString(a.type)
    w.startConstructed(Tag.Set)
    const vals = a.vals
    for (let j = 0; j < vals.length; j++) {
      const v = vals[j] as string | Uint8Array
      if (typeof v === 'string') w.writeString(v)
      else w.writeOctetString(v)
    }
    w.endConstructed()
    w.endConstructed()
  }
  w.endConstructed()
}

export function writeSearchResultEntry(w: BerWriter, op: SearchResultEntry, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.searchResultEntry, options?.lengthOctets ?? 0)
  w.writeString(op.objectName)
  writeAttributes(w, op.attributes)
  w.endConstructed()
}

/**
 * The provider's hot path: writes a whole LDAPMessage carrying a SearchResultEntry (and its
 * controls, e.g. the Sync State control of RFC 4533 §2.3) straight into `w`, with minimal
 * lengths and no intermediate objects or buffers. Call it repeatedly on one writer and `take()`
 * the batch.
 *
 * @example
 * const w = new BerWriter()
 * writeSearchResultEntryMessage(w, 2, 'uid=a,dc=example,dc=com',
 *   [{ type: 'objectClass', vals: ['top', 'person'] }, { type: 'jpegPhoto', vals: [photoBytes] }],
 *   [{ type: '1.3.6.1.4.1.4203.1.9.1.2', critical: false, writeValue: (v) => writeSyncStateValue(v, state) }])
 * socket.write(w.take())
 */
export function writeSearchResultEntryMessage(
  w: BerWriter,
  messageId: number,
  dn: string,
  attributes: readonly EntryAttributeInput[],
  controls?: readonly ControlInput[],
): void {
  w.startConstructed(Tag.Sequence)
  w.writeInteger(messageId)
  w.startConstructed(OpTag.searchResultEntry)
  w.writeString(dn)
  writeAttributes(w, attributes)
  w.endConstructed()
  if (controls !== undefined) writeControls(w, controls)
  w.endConstructed()
}

const PDU = 'SearchResultEntry'

export function readSearchResultEntry(r: BerReader): SearchResultEntry {
  const e = r.enter(OpTag.searchResultEntry, 'a SearchResultEntry')
  requireMember(e, 'objectName', PDU)
  const objectName = e.readString(Tag.OctetString, 'the objectName of the SearchResultEntry')
  requireMember(e, 'attributes', PDU)
  const list = e.enter(Tag.Sequence, 'the attributes of the SearchResultEntry')
  e.expectEnd('the SearchResultEntry')
  const attributes: PartialAttribute[] = []
  while (!list.atEnd()) {
    const a = list.enter(Tag.Sequence, 'a PartialAttribute')
    requireMember(a, 'type', 'PartialAttribute')
    const type = a.readString(Tag.OctetString, 'the type of a PartialAttribute')
    requireMember(a, 'vals', 'PartialAttribute')
    const set = a.enter(Tag.Set, `the vals of attribute ${type}`)
    a.expectEnd('the PartialAttribute')
    const vals: Uint8Array[] = []
    while (!set.atEnd()) vals.push(set.readOctetString(Tag.OctetString, `a value of attribute ${type}`))
    attributes.push({ type, vals })
  }
  return { kind: 'searchResultEntry', objectName, attributes }
}
