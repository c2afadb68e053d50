import { BerReader } from '../ber/reader.js'
import { BerWriter } from '../ber/writer.js'
import { Tag } from '../ber/tags.js'
import { LdapDecodeError, ProtocolError, hexTag, withMessageId } from '../errors.js'
import { MAX_MESSAGE_ID, readAbandonRequest, writeAbandonRequest } from './abandon.js'
import type { AbandonRequest } from './abandon.js'
import { readBindRequest, readBindResponse, writeBindRequest, writeBindResponse } from './bind.js'
import type { BindRequest, BindResponse } from './bind.js'
import { CONTROLS_TAG, readControls, writeControls } from './control.js'
import type { Control, ControlInput } from './control.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { readExtendedRequest, readExtendedResponse, writeExtendedRequest, writeExtendedResponse } from './extended.js'
import type { ExtendedRequest, ExtendedResponse } from './extended.js'
import { readIntermediateResponse, writeIntermediateResponse } from './intermediate-response.js'
import type { IntermediateResponse } from './intermediate-response.js'
import { readTaggedMembers, requireMember } from './members.js'
import type { MemberSpec } from './members.js'
import { OpTag } from './op-tags.js'
import { readSearchRequest, writeSearchRequest } from './search-request.js'
import type { SearchRequest } from './search-request.js'
import { readSearchResultDone, writeSearchResultDone } from './search-result-done.js'
import type { SearchResultDone } from './search-result-done.js'
import { readSearchResultEntry, writeSearchResultEntry } from './search-result-entry.js'
import type { SearchResultEntry } from './search-result-entry.js'
import { readSearchResultReference, writeSearchResultReference } from './search-result-reference.js'
import type { SearchResultReference } from './search-result-reference.js'
import { readUnbindRequest, writeUnbindRequest } from './unbind.js'
import type { UnbindRequest } from './unbind.js'
import { UNSUPPORTED_OP_TAGS, readUnsupportedOp, writeUnsupportedOp } from './unsupported-op.js'
import type { UnsupportedOp } from './unsupported-op.js'

/** The protocolOp CHOICE (RFC 4511 §4.2), discriminated by `kind`. */
export type ProtocolOp =
  | BindRequest
  | BindResponse
  | UnbindRequest
  | SearchRequest
  | SearchResultEntry
  | SearchResultReference
  | SearchResultDone
  | AbandonRequest
  | ExtendedRequest
  | ExtendedResponse
  | IntermediateResponse
  | UnsupportedOp

export type ProtocolOpKind = ProtocolOp['kind']

/**
 * `LDAPMessage ::= SEQUENCE { messageID MessageID, protocolOp CHOICE {...},
 * controls [0] Controls OPTIONAL }` (RFC 4511 §4.1.1). Decoded messages always have a
 * `controls` array (empty when the member is absent).
 */
export interface LdapMessage {
  readonly messageId: number
  readonly op: ProtocolOp
  readonly controls: readonly Control[]
}

/** What `encodeMessage` takes: `controls` may be left out, and may write their values themselves. */
export interface LdapMessageInput {
  readonly messageId: number
  readonly op: ProtocolOp
  readonly controls?: readonly ControlInput[]
}

const ENVELOPE = 'LDAPMessage'
const TRAILING: readonly MemberSpec[] = [{ tag: CONTROLS_TAG, name: 'controls' }]

/** Every op number RFC 4511 defines, to tell a wrong primitive/constructed form from an unknown op. */
const KNOWN_OP_NUMBERS: ReadonlySet<number> = new Set(Object.values(OpTag).map((t) => t & 0x1f))

/**
 * Decodes exactly one LDAPMessage that fills `bytes` (one frame from the framer).
 *
 * Errors are ProtocolErrors with a stable code; once the messageID has been read, every error
 * carries it (`err.messageId`, and "(message ID n)" in the message) so that the peer can be
 * answered. Offsets are relative to `bytes`.
 *
 * @example
 * const msg = decodeMessage(frame)
 * if (msg.op.kind === 'searchRequest') console.log(msg.messageId, msg.op.baseObject, msg.controls)
 */
export function decodeMessage(bytes: Uint8Array): LdapMessage {
  const r = new BerReader(bytes)
  const msg = readMessage(r)
  if (!r.atEnd()) {
    const at = r.offset
    throw new LdapDecodeError(
      'LDAP_BAD_MESSAGE',
      `${r.remaining} bytes follow the LDAPMessage that ends at offset ${at}; a frame holds exactly one message (message ID ${msg.messageId}).`,
      { offset: at, tag: r.peekTag(), messageId: msg.messageId },
    )
  }
  return msg
}

/** Reads one LDAPMessage at the reader's position (for buffers that hold several). */
export function readMessage(r: BerReader): LdapMessage {
  const at = r.offset
  const tag = r.peekTag()
  if (tag !== Tag.Sequence) {
    throw new LdapDecodeError(
      'LDAP_BAD_MESSAGE',
      tag === undefined
        ? `Expected an LDAPMessage at offset ${at}, but there are no bytes.`
        : `Expected an LDAPMessage SEQUENCE (tag 0x30) at offset ${at}, found tag ${hexTag(tag)}.`,
      { offset: at, tag },
    )
  }
  const m = r.enter(Tag.Sequence, 'an LDAPMessage')
  const messageId = readMessageId(m)
  try {
    requireMember(m, 'protocolOp', ENVELOPE)
    const op = readProtocolOp(m)
    let controls: Control[] = []
    readTaggedMembers(m, TRAILING, { pdu: ENVELOPE, code: 'LDAP_BAD_MESSAGE' }, () => {
      controls = readControls(m)
    })
    return { messageId, op, controls }
  } catch (err) {
    throw withMessageId(err, messageId)
  }
}

/** `MessageID ::= INTEGER (0..maxInt)`, maxInt = 2^31-1 (RFC 4511 §4.1.1.1). */
function readMessageId(m: BerReader): number {
  requireMember(m, 'messageID', ENVELOPE)
  const at = m.offset
  let id: number
  try {
    id = m.readInteger(Tag.Integer, 'the messageID of the LDAPMessage')
  } catch (err) {
    if (err instanceof ProtocolError && err.code === 'BER_INTEGER_OUT_OF_RANGE') {
      throw new LdapDecodeError('LDAP_BAD_MESSAGE_ID', `The messageID at offset ${at} is far above 2^31-1; a MessageID is 0 to 2^31-1 (RFC 4511 §4.1.1.1).`, {
        offset: at,
        tag: Tag.Integer,
        cause: err,
      })
    }
    throw err
  }
  if (id < 0 || id > MAX_MESSAGE_ID) {
    throw new LdapDecodeError('LDAP_BAD_MESSAGE_ID', `The messageID at offset ${at} is ${id}; a MessageID is 0 to 2^31-1 (RFC 4511 §4.1.1.1).`, {
      offset: at,
      tag: Tag.Integer,
    })
  }
  return id
}

function readProtocolOp(m: BerReader): ProtocolOp {
  const tag = m.peekTag() as number
  switch (tag) {
    case OpTag.bindRequest:
      return readBindRequest(m)
    case OpTag.bindResponse:
      return readBindResponse(m)
    case OpTag.unbindRequest:
      return readUnbindRequest(m)
    case OpTag.searchRequest:
      return readSearchRequest(m)
    case OpTag.searchResultEntry:
      return readSearchResultEntry(m)
    case OpTag.searchResultDone:
      return readSearchResultDone(m)
    case OpTag.searchResultReference:
      return readSearchResultReference(m)
    case OpTag.abandonRequest:
      return readAbandonRequest(m)
    case OpTag.extendedRequest:
      return readExtendedRequest(m)
    case OpTag.extendedResponse:
      return readExtendedResponse(m)
    case OpTag.intermediateResponse:
      return readIntermediateResponse(m)
    default:
      break
  }
  if (UNSUPPORTED_OP_TAGS.has(tag)) return readUnsupportedOp(m)
  const at = m.offset
  if ((tag & 0xc0) === 0x40 && KNOWN_OP_NUMBERS.has(tag & 0x1f)) {
    const form = tag & 0x20 ? 'constructed' : 'primitive'
    throw new LdapDecodeError(
      'LDAP_BAD_OPERATION',
      `The protocolOp at offset ${at} has tag ${hexTag(tag)}, the ${form} form of [APPLICATION ${tag & 0x1f}]; RFC 4511 defines that operation in the other form.`,
      { offset: at, tag },
    )
  }
  throw new LdapDecodeError(
    'LDAP_UNKNOWN_OPERATION',
    `Unknown protocolOp with tag ${hexTag(tag)} at offset ${at}; RFC 4511 §4.2-§4.14 define [APPLICATION 0] to [APPLICATION 25] (0x42, 0x4a, 0x50, 0x60-0x79).`,
    { offset: at, tag },
  )
}

function writeProtocolOp(w: BerWriter, op: ProtocolOp, options?: LdapEncodeOptions): void {
  switch (op.kind) {
    case 'bindRequest':
      return writeBindRequest(w, op, options)
    case 'bindResponse':
      return writeBindResponse(w, op, options)
    case 'unbindRequest':
      return writeUnbindRequest(w, op, options)
    case 'searchRequest':
      return writeSearchRequest(w, op, options)
    case 'searchResultEntry':
      return writeSearchResultEntry(w, op, options)
    case 'searchResultReference':
      return writeSearchResultReference(w, op, options)
    case 'searchResultDone':
      return writeSearchResultDone(w, op, options)
    case 'abandonRequest':
      return writeAbandonRequest(w, op, options)
    case 'extendedRequest':
      return writeExtendedRequest(w, op, options)
    case 'extendedResponse':
      return writeExtendedResponse(w, op, options)
    case 'intermediateResponse':
      return writeIntermediateResponse(w, op, options)
    case 'unsupported':
      return writeUnsupportedOp(w, op)
    default: {
      const never: never = op
      throw new Error(`Unknown protocolOp kind ${(never as { kind: string }).kind}.`)
    }
  }
}

/**
 * Encodes an LDAPMessage. With a writer, appends to it (for batching) and returns nothing;
 * without one, returns the message's bytes. Encoders write what they are given (a negative
 * message ID, say) so that the harness can also produce faulty PDUs on purpose.
 *
 * @example
 * const bytes = encodeMessage({ messageId: 1, op: { kind: 'unbindRequest' } }) // 30 05 02 01 01 42 00
 */
export function encodeMessage(msg: LdapMessageInput, writer: BerWriter, options?: LdapEncodeOptions): void
export function encodeMessage(msg: LdapMessageInput, writer?: undefined, options?: LdapEncodeOptions): Buffer
export function encodeMessage(msg: LdapMessageInput, writer?: BerWriter, options?: LdapEncodeOptions): Buffer | undefined {
  const w = writer ?? new BerWriter(256)
  w.startConstructed(Tag.Sequence, options?.lengthOctets ?? 0)
  w.writeInteger(msg.messageId)
  writeProtocolOp(w, msg.op, options)
  writeControls(w, msg.controls, options)
  w.endConstructed()
  return writer === undefined ? w.toBuffer() : undefined
}
