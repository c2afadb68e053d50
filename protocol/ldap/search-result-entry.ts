import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { Tag } from '../ber/tags.js'
import { writeControls } from './control.js'
import type { ControlInput } from './control.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { requireMember } from './members.js'
import { OpTag } from './op-tags.js'
import { decodeAttributeList, isPlainAttributeList, writeAttributeListMembers } from './attribute-list.js'
import type { EntryAttributeInput, PartialAttribute } from './attribute-list.js'

export type { EntryAttributeInput, PartialAttribute } from './attribute-list.js'

/**
 * `SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName LDAPDN, attributes
 * PartialAttributeList }` (RFC 4511 §4.5.2).
 */
export interface SearchResultEntry {
  readonly kind: 'searchResultEntry'
  readonly objectName: string
  readonly attributes: readonly PartialAttribute[]
  /**
   * Decoded entries only: the content octets of the received PartialAttributeList, a view of the
   * message buffer (copy it to keep it). `attributes` is decoded from it on first use.
   */
  readonly attributeList?: Uint8Array
}

/** Writes `PartialAttributeList` (SEQUENCE OF PartialAttribute). */
function writeAttributes(w: BerWriter, attributes: readonly EntryAttributeInput[]): void {
  w.startConstructed(Tag.Sequence)
  writeAttributeListMembers(w, attributes)
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

/**
 * A decoded SearchResultEntry. The attribute list is checked when the message is decoded, but
 * its values are decoded only when `attributes` is first read (see attribute-list.ts for why).
 * `attributes` is an own enumerable accessor, so a decoded entry still compares and prints like
 * a plain object; `attributeList` (the encoded list, a view of the message buffer) lives on the
 * prototype. The accessor's descriptor is shared: a refresh decodes this once per entry.
 */
class DecodedSearchResultEntry {
  readonly kind = 'searchResultEntry'
  readonly #list: Uint8Array
  #attributes: readonly PartialAttribute[] | undefined

  static readonly #accessor: PropertyDescriptor = {
    enumerable: true,
    configurable: false,
    get(this: DecodedSearchResultEntry): readonly PartialAttribute[] {
      this.#attributes ??= decodeAttributeList(this.#list)
      return this.#attributes
    },
  }

  constructor(
    readonly objectName: string,
    list: Uint8Array,
    attributes: readonly PartialAttribute[] | undefined,
  ) {
    this.#list = list
    this.#attributes = attributes
    Object.defineProperty(this, 'attributes', DecodedSearchResultEntry.#accessor)
  }

  get attributeList(): Uint8Array {
    return this.#list
  }
}

export function readSearchResultEntry(r: BerReader): SearchResultEntry {
  const e = r.enter(OpTag.searchResultEntry, 'a SearchResultEntry')
  requireMember(e, 'objectName', PDU)
  const objectName = e.readString(Tag.OctetString, 'the objectName of the SearchResultEntry')
  requireMember(e, 'attributes', PDU)
  const list = e.enter(Tag.Sequence, 'the attributes of the SearchResultEntry')
  e.expectEnd('the SearchResultEntry')
  // A plain view, not subarray(): on a Buffer that would build a Buffer through the species lookup.
  const bytes = new Uint8Array(list.buf.buffer, list.buf.byteOffset + list.offset, list.end - list.offset)
  if (isPlainAttributeList(list.buf, list.offset, list.end)) return new DecodedSearchResultEntry(objectName, bytes, undefined) as unknown as SearchResultEntry
  // The quick check was not sure: decode fully here, which throws the precise coded error with
  // offsets into the whole message, or accepts (e.g. non-ASCII attribute types).
  return new DecodedSearchResultEntry(objectName, bytes, decodeAttributeList(list.buf, list.offset, list.end)) as unknown as SearchResultEntry
}
