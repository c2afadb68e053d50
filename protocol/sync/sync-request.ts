import { BerReader, Tag, encodeWith, type BerWriter } from '../ber/index.js'
import {
  ABSENT_BOOLEAN,
  LengthStyle,
  observedBoolean,
  writeDefaultBoolean,
  type BooleanForm,
  type Decoded,
  type LengthForm,
} from './encoding-form.js'
import { MemberWalk, enterElement, expectValueEnd, readBooleanOctet, readNumber, readOctets, type MemberSpec } from './sequence-members.js'

/**
 * syncRequestValue, the controlValue of the Sync Request Control (RFC 4533 §2.2):
 *
 *     syncRequestValue ::= SEQUENCE {
 *         mode ENUMERATED { refreshOnly (1), refreshAndPersist (3) },
 *         cookie     syncCookie OPTIONAL,
 *         reloadHint BOOLEAN DEFAULT FALSE }
 */

export type SyncRequestMode = 'refreshOnly' | 'refreshAndPersist'

export interface SyncRequestValue {
  readonly kind: 'syncRequest'
  /**
   * The mode by name, or the raw ENUMERATED number when it is neither 1 nor 3.
   *
   * Why a number instead of a decode error: a well-formed request with mode 0 or 2 ("2 reserved",
   * §2.2) is not garbage, and slapd answers it differently from a malformed value — both get
   * protocolError, but with "Sync control : unknown update mode" rather than a decoding error
   * (syncprov_parseCtrl). The provider must tell the two apart, so a readable SEQUENCE with an
   * unknown mode decodes to `mode: 2`, while structural faults still throw. Decoders never return
   * 1 or 3 as numbers. Encoders accept any number so scripts can send mode 2 on purpose.
   */
  readonly mode: SyncRequestMode | number
  /** Absent = no cookie; a zero-length cookie is a different request (§2.1.2). */
  readonly cookie?: Uint8Array
  readonly reloadHint: boolean
}

export interface SyncRequestForm extends LengthForm {
  /** slapd's consumer always writes reloadHint; python-ldap writes TRUE as 0x01. */
  readonly reloadHint?: BooleanForm
}

export type DecodedSyncRequest = Decoded<SyncRequestValue, Required<SyncRequestForm>>

const MODE_NUMBER: Record<SyncRequestMode, number> = { refreshOnly: 1, refreshAndPersist: 3 }

/** True when the mode is one RFC 4533 defines (a provider answers protocolError otherwise). */
export function isKnownSyncMode(mode: SyncRequestMode | number): mode is SyncRequestMode {
  return typeof mode === 'string'
}

function modeNumber(mode: SyncRequestMode | number): number {
  return typeof mode === 'number' ? mode : MODE_NUMBER[mode]
}

function modeFromNumber(n: number): SyncRequestMode | number {
  if (n === 1) return 'refreshOnly'
  if (n === 3) return 'refreshAndPersist'
  return n
}

const MEMBERS: readonly MemberSpec[] = [
  { name: 'mode', tag: Tag.Enumerated },
  { name: 'cookie', tag: Tag.OctetString },
  { name: 'reloadHint', tag: Tag.Boolean },
]

/** Writes a syncRequestValue into `w` (the provider and consumer write it inside a Control). */
export function writeSyncRequestValue(w: BerWriter, value: SyncRequestValue, form: SyncRequestForm = {}): void {
  const n = form.lengthOctets ?? 0
  w.startConstructed(Tag.Sequence, n)
  w.writeEnumerated(modeNumber(value.mode), Tag.Enumerated, n)
  if (value.cookie !== undefined) w.writeOctetString(value.cookie, Tag.OctetString, n)
  writeDefaultBoolean(w, value.reloadHint, false, form.reloadHint, n)
  w.endConstructed()
}

/**
 * Encodes a syncRequestValue; strict DER unless `form` asks for a peer's habits.
 *
 * @example encodeSyncRequestValue({ kind: 'syncRequest', mode: 'refreshOnly', reloadHint: false }) // 30 03 0a 01 01
 */
export function encodeSyncRequestValue(value: SyncRequestValue, form: SyncRequestForm = {}): Buffer {
  return encodeWith((w) => writeSyncRequestValue(w, value, form), 64 + (value.cookie?.length ?? 0))
}

/**
 * Decodes a syncRequestValue and reports the form it was written in. The cookie is a view of
 * `bytes`; copy it to keep it beyond the input buffer's life.
 *
 * @example decodeSyncRequestValue(hex('30060a0101010101')).value.reloadHint // true (python-ldap's TRUE)
 */
export function decodeSyncRequestValue(bytes: Uint8Array): DecodedSyncRequest {
  const r = new BerReader(bytes)
  const lengths = new LengthStyle()
  const seq = enterElement(r, Tag.Sequence, 'a syncRequestValue', lengths)
  const walk = new MemberWalk(MEMBERS, 'the syncRequestValue')
  let mode: SyncRequestMode | number = 0
  let cookie: Uint8Array | undefined
  let reloadHint = false
  let reloadHintForm = ABSENT_BOOLEAN
  while (!seq.atEnd()) {
    switch (walk.accept(seq.peekTag() as number, seq.offset)) {
      case 0:
        mode = modeFromNumber(readNumber(seq, lengths, Tag.Enumerated, 'the mode of a syncRequestValue').value)
        break
      case 1:
        cookie = readOctets(seq, lengths)
        break
      case 2: {
        const octet = readBooleanOctet(seq, lengths, Tag.Boolean, 'the reloadHint of a syncRequestValue')
        reloadHint = octet !== 0
        reloadHintForm = observedBoolean(octet)
        break
      }
    }
  }
  walk.require(0, seq.end)
  expectValueEnd(r, 'the syncRequestValue')
  const value: SyncRequestValue =
    cookie === undefined ? { kind: 'syncRequest', mode, reloadHint } : { kind: 'syncRequest', mode, cookie, reloadHint }
  return { value, form: { reloadHint: reloadHintForm, lengthOctets: lengths.lengthOctets }, uniformLengths: lengths.uniform }
}
