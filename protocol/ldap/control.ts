import type { BerReader } from '../ber/reader.js'
import type { BerWriter } from '../ber/writer.js'
import { Tag, contextConstructed } from '../ber/tags.js'
import { LdapDecodeError, hexTag } from '../errors.js'
import { TRUE_OCTET } from './encode-options.js'
import type { LdapEncodeOptions } from './encode-options.js'
import { readTaggedMembers, requireMember } from './members.js'
import type { MemberSpec } from './members.js'

/**
 * RFC 4511 §4.1.11:
 * `Control ::= SEQUENCE { controlType LDAPOID, criticality BOOLEAN DEFAULT FALSE,
 * controlValue OCTET STRING OPTIONAL }`.
 *
 * A plain record rather than a tagged union member: every control has this one shape, and the
 * value's meaning belongs to the control's own codec (e.g. `protocol/sync/`). The value is kept
 * as the exact bytes, never passed through a string (ldapjs's `Control.toBer()` does, and
 * corrupts binary cookies and UUIDs). An absent value is `undefined`; an empty one is an empty
 * Uint8Array.
 */
export interface Control {
  /** controlType: the control's dotted-decimal OID. */
  readonly type: string
  /** criticality (DEFAULT FALSE). */
  readonly critical: boolean
  /** controlValue, when present. */
  readonly value?: Uint8Array
}

/**
 * A control to send whose value is written straight into the message by `writeValue` (e.g.
 * `w => writeSyncStateValue(w, state)`), so the provider's hot path builds no separate buffer for
 * the value. `writeValue` writes the value's contents, i.e. what goes inside the OCTET STRING.
 */
export interface ControlWithValueWriter {
  readonly type: string
  readonly critical: boolean
  readonly writeValue: (w: BerWriter) => void
}

/** What the encoders take: a Control with its value bytes, or one that writes its value. */
export type ControlInput = Control | ControlWithValueWriter

/** LDAPMessage `controls [0] Controls` (RFC 4511 §4.1.1). */
export const CONTROLS_TAG = contextConstructed(0)

const PDU = 'Control'
const TRAILING: readonly MemberSpec[] = [
  { tag: Tag.Boolean, name: 'criticality' },
  { tag: Tag.OctetString, name: 'controlValue' },
]

/**
 * Writes one Control SEQUENCE. criticality is omitted when FALSE (its DEFAULT) unless
 * `explicitDefaults` asks for the lenient form, and TRUE is 0xFF unless `trueOctet` says otherwise.
 */
export function writeControl(w: BerWriter, control: ControlInput, options?: LdapEncodeOptions): void {
  w.startConstructed(Tag.Sequence)
  w.writeString(control.type)
  if (control.critical) w.writeBoolean(true, Tag.Boolean, options?.trueOctet ?? TRUE_OCTET)
  else if (options?.explicitDefaults === true) w.writeBoolean(false)
  if ('writeValue' in control) {
    // The OCTET STRING is primitive, but its length is only known afterwards: the writer's
    // constructed-element bookkeeping patches any length, whatever the tag octet says.
    w.startConstructed(Tag.OctetString)
    control.writeValue(w)
    w.endConstructed()
  } else if (control.value !== undefined) {
    w.writeOctetString(control.value)
  }
  w.endConstructed()
}

/** Writes `[0] Controls`, or nothing when there are no controls (the member is OPTIONAL). */
export function writeControls(w: BerWriter, controls: readonly ControlInput[] | undefined, options?: LdapEncodeOptions): void {
  if (controls === undefined || controls.length === 0) return
  w.startConstructed(CONTROLS_TAG)
  for (const c of controls) writeControl(w, c, options)
  w.endConstructed()
}

/** Reads one Control SEQUENCE at the reader's position. Any non-zero criticality octet is TRUE. */
export function readControl(r: BerReader): Control {
  const at = r.offset
  const tag = r.peekTag()
  if (tag !== Tag.Sequence) {
    throw new LdapDecodeError(
      'LDAP_BAD_CONTROL',
      `Expected a Control SEQUENCE (tag 0x30) at offset ${at}, found tag ${hexTag(tag ?? 0)}; every element of Controls is a SEQUENCE (RFC 4511 §4.1.11).`,
      { offset: at, tag },
    )
  }
  const c = r.enter(Tag.Sequence, 'a Control')
  requireMember(c, 'controlType', PDU)
  const typeAt = c.offset
  const type = c.readString(Tag.OctetString, 'the controlType of a Control')
  if (type.length === 0) {
    throw new LdapDecodeError('LDAP_BAD_CONTROL', `The Control at offset ${at} has an empty controlType at offset ${typeAt}; it must be an OID.`, {
      offset: typeAt,
      tag: Tag.OctetString,
    })
  }
  let critical = false
  let value: Uint8Array | undefined
  readTaggedMembers(c, TRAILING, { pdu: PDU, code: 'LDAP_BAD_CONTROL' }, (index) => {
    if (index === 0) critical = c.readBoolean(Tag.Boolean, 'the criticality of a Control')
    else value = c.readOctetString(Tag.OctetString, 'the controlValue of a Control')
  })
  return { type, critical, value }
}

/** Reads `[0] Controls` (the reader is positioned on the 0xa0 element). An empty list is allowed. */
export function readControls(r: BerReader): Control[] {
  const list = r.enter(CONTROLS_TAG, 'the controls of an LDAPMessage')
  const out: Control[] = []
  while (!list.atEnd()) out.push(readControl(list))
  return out
}
