import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { Tag } from '../ber/tags.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { OpTag } from './op-tags.js'

/**
 * `SearchResultReference ::= [APPLICATION 19] SEQUENCE SIZE (1..MAX) OF uri URI`
 * (RFC 4511 §4.5.3).
 *
 * RFC 4533 §3.3.2 has the provider send references with an *empty* list during the present and
 * delete phases, which RFC 4511's SIZE (1..MAX) forbids. Both directions therefore allow an
 * empty `uris`; `uris.length === 0` is the flag conformance checks look at.
 */
export interface SearchResultReference {
  readonly kind: 'searchResultReference'
  readonly uris: readonly string[]
}

export function writeSearchResultReference(w: BerWriter, op: SearchResultReference, options?: LdapEncodeOptions): void {
  w.startConstructed(OpTag.searchResultReference, options?.lengthOctets ?? 0)
  for (const uri of op.uris) w.writeString(uri)
  w.endConstructed()
}

export function readSearchResultReference(r: BerReader): SearchResultReference {
  const s = r.enter(OpTag.searchResultReference, 'a SearchResultReference')
  const uris: string[] = []
  while (!s.atEnd()) uris.push(s.readString(Tag.OctetString, 'a URI of the SearchResultReference'))
  return { kind: 'searchResultReference', uris }
}
