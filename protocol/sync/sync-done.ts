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
import { MemberWalk, enterElement, expectValueEnd, readBooleanOctet, readOctets, type MemberSpec } from './sequence-members.js'

/**
 * syncDoneValue, the controlValue of the Sync Done Control (RFC 4533 §2.4):
 *
 *     syncDoneValue ::= SEQUENCE {
 *         cookie          syncCookie OPTIONAL,
 *         refreshDeletes  BOOLEAN DEFAULT FALSE }
 *
 * slapd writes refreshDeletes only when TRUE (`30 03 01 01 ff` for "up to date, no cookie"), and
 * 2.6.14+ may send a zero-length cookie (`30 02 04 00`), which is not the same as no cookie.
 */

export interface SyncDoneValue {
  readonly kind: 'syncDone'
  readonly cookie?: Uint8Array
  readonly refreshDeletes: boolean
}

export interface SyncDoneForm extends LengthForm {
  readonly refreshDeletes?: BooleanForm
}

export type DecodedSyncDone = Decoded<SyncDoneValue, Required<SyncDoneForm>>

const MEMBERS: readonly MemberSpec[] = [
  { name: 'cookie', tag: Tag.OctetString },
  { name: 'refreshDeletes', tag: Tag.Boolean },
]

/** Writes a syncDoneValue into `w`. */
export function writeSyncDoneValue(w: BerWriter, value: SyncDoneValue, form: SyncDoneForm = {}): void {
  const n = form.lengthOctets ?? 0
  w.startConstructed(Tag.Sequence, n)
  if (value.cookie !== undefined) w.writeOctetString(value.cookie, Tag.OctetString, n)
  writeDefaultBoolean(w, value.refreshDeletes, false, form.refreshDeletes, n)
  w.endConstructed()
}

/**
 * Encodes a syncDoneValue.
 *
 * @example encodeSyncDoneValue({ kind: 'syncDone', refreshDeletes: true }) // 30 03 01 01 ff
 */
export function encodeSyncDoneValue(value: SyncDoneValue, form: SyncDoneForm = {}): Buffer {
  return encodeWith((w) => writeSyncDoneValue(w, value, form), 32 + (value.cookie?.length ?? 0))
}

/**
 * Decodes a syncDoneValue and reports its form (was refreshDeletes on the wire, with which octet).
 *
 * @example decodeSyncDoneValue(hex('30030101ff')).form.refreshDeletes // { explicit: true, trueOctet: 255 }
 */
export function decodeSyncDoneValue(bytes: Uint8Array): DecodedSyncDone {
  const r = new BerReader(bytes)
  const lengths = new LengthStyle()
  const seq = enterElement(r, Tag.Sequence, 'a syncDoneValue', lengths)
  const walk = new MemberWalk(MEMBERS, 'the syncDoneValue')
  let cookie: Uint8Array | undefined
  let refreshDeletes = false
  let refreshDeletesForm = ABSENT_BOOLEAN
  while (!seq.atEnd()) {
    switch (walk.accept(seq.peekTag() as number, seq.offset)) {
      case 0:
        cookie = readOctets(seq, lengths)
        break
      case 1: {
        const octet = readBooleanOctet(seq, lengths, Tag.Boolean, 'the refreshDeletes of a syncDoneValue')
        refreshDeletes = octet !== 0
        refreshDeletesForm = observedBoolean(octet)
        break
      }
    }
  }
  expectValueEnd(r, 'the syncDoneValue')
  const value: SyncDoneValue =
    cookie === undefined ? { kind: 'syncDone', refreshDeletes } : { kind: 'syncDone', cookie, refreshDeletes }
  return { value, form: { refreshDeletes: refreshDeletesForm, lengthOctets: lengths.lengthOctets }, uniformLengths: lengths.uniform }
}
