/**
 * The LDAPResult-shaped responses the provider sends (RFC 4511 §4.1.9), written with our codec.
 * ldapjs never encodes a response: its message classes turn binary values into text and its
 * `res.end()` ignores backpressure.
 */
import { Tag } from '../../protocol/ber/index.js'
import type { BerWriter } from '../../protocol/ber/index.js'
import { OpTag, describeResultCode, encodeMessage, writeControls, writeResultComponents } from '../../protocol/index.js'
import type { ControlInput, LdapResult } from '../../protocol/index.js'

/** Which response: the request it answers decides the protocolOp tag. */
export type ResponseKind = 'bind' | 'searchDone' | 'modify' | 'add' | 'delete' | 'modifyDn' | 'compare' | 'extended'

export interface ResultInput {
  readonly resultCode: number
  readonly matchedDN?: string
  readonly diagnosticMessage?: string
}

export interface ExtendedFields {
  readonly responseName?: string
  readonly responseValue?: Uint8Array
}

const NAMES: Readonly<Record<ResponseKind, string>> = {
  bind: 'BindResponse',
  searchDone: 'SearchResultDone',
  modify: 'ModifyResponse',
  add: 'AddResponse',
  delete: 'DelResponse',
  modifyDn: 'ModifyDNResponse',
  compare: 'CompareResponse',
  extended: 'ExtendedResponse',
}

/** The response kind that answers an update or compare request tag. */
export const RESPONSE_FOR_TAG: ReadonlyMap<number, ResponseKind> = new Map([
  [OpTag.addRequest, 'add'],
  [OpTag.modifyRequest, 'modify'],
  [OpTag.delRequest, 'delete'],
  [OpTag.modDNRequest, 'modifyDn'],
  [OpTag.compareRequest, 'compare'],
])

const UPDATE_TAGS: Readonly<Record<'modify' | 'add' | 'delete' | 'modifyDn' | 'compare', number>> = {
  modify: OpTag.modifyResponse,
  add: OpTag.addResponse,
  delete: OpTag.delResponse,
  modifyDn: OpTag.modDNResponse,
  compare: OpTag.compareResponse,
}

/** Appends one response LDAPMessage to `w`. */
export function writeResponse(
  w: BerWriter,
  messageId: number,
  kind: ResponseKind,
  input: ResultInput,
  extended: ExtendedFields = {},
  controls?: readonly ControlInput[],
): void {
  const result: LdapResult = { resultCode: input.resultCode, matchedDN: input.matchedDN ?? '', diagnosticMessage: input.diagnosticMessage ?? '' }
  switch (kind) {
    case 'bind':
      encodeMessage({ messageId, op: { kind: 'bindResponse', ...result }, controls }, w)
      return
    case 'searchDone':
      encodeMessage({ messageId, op: { kind: 'searchResultDone', ...result }, controls }, w)
      return
    case 'extended':
      encodeMessage({ messageId, op: { kind: 'extendedResponse', ...result, ...extended }, controls }, w)
      return
    case 'modify':
    case 'add':
    case 'delete':
    case 'modifyDn':
    case 'compare':
      // Our codec keeps these responses opaque (protocol/ldap/unsupported-op.ts); their body is
      // exactly `[APPLICATION n] LDAPResult`, so it is written here from the shared components.
      w.startConstructed(Tag.Sequence)
      w.writeInteger(messageId)
      w.startConstructed(UPDATE_TAGS[kind])
      writeResultComponents(w, result)
      w.endConstructed()
      writeControls(w, controls)
      w.endConstructed()
      return
    default: {
      const never: never = kind
      throw new Error(`Unknown response kind ${String(never)}.`)
    }
  }
}

/** `AddResponse entryAlreadyExists (68): …` for the event log. */
export function describeResponse(kind: ResponseKind, input: ResultInput): string {
  const text = input.diagnosticMessage === undefined || input.diagnosticMessage === '' ? '' : `: ${input.diagnosticMessage}`
  return `${NAMES[kind]} ${describeResultCode(input.resultCode)}${text}`
}
