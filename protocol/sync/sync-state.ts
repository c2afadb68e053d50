import { BerReader, Tag, encodeWith, type BerWriter } from '../ber/index.js'
import { SyncValueError } from '../errors.js'
import { LengthStyle, type AllowInvalid, type Decoded, type LengthForm } from './encoding-form.js'
import { MemberWalk, enterElement, expectValueEnd, readElement, readNumber, readOctets, viewOf, type MemberSpec } from './sequence-members.js'
import { SYNC_UUID_LENGTH } from './uuid.js'

/**
 * syncStateValue, the controlValue of the Sync State Control (RFC 4533 §2.3):
 *
 *     syncStateValue ::= SEQUENCE {
 *         state ENUMERATED { present (0), add (1), modify (2), delete (3) },
 *         entryUUID syncUUID,
 *         cookie    syncCookie OPTIONAL }
 *
 * Decoding is strict: a state outside 0..3 (SYNC_BAD_ENUM) or an entryUUID that is not 16 octets
 * (SYNC_BAD_UUID) is an error, because a consumer must reject such a message (slapd's consumer
 * ends the session on a bad UUID length; python-ldap's decoder raises on both). The provider's
 * script mode can still send them: the encoder takes a raw number for `state`, and
 * `allowInvalid` lets both through.
 */

export type SyncStateName = 'present' | 'add' | 'modify' | 'delete'

export interface SyncStateValue {
  readonly kind: 'syncState'
  readonly state: SyncStateName
  /** 16 raw octets; a view of the decoder's input. */
  readonly entryUUID: Uint8Array
  readonly cookie?: Uint8Array
}

/** What the encoder takes: a valid value, or with `allowInvalid` any state number and UUID length. */
export interface SyncStateValueToEncode {
  readonly kind: 'syncState'
  readonly state: SyncStateName | number
  readonly entryUUID: Uint8Array
  readonly cookie?: Uint8Array
}

export type SyncStateForm = LengthForm

export type DecodedSyncState = Decoded<SyncStateValue, Required<SyncStateForm>>

const STATE_NAMES: readonly SyncStateName[] = ['present', 'add', 'modify', 'delete']
const STATE_NUMBER: Record<SyncStateName, number> = { present: 0, add: 1, modify: 2, delete: 3 }

const MEMBERS: readonly MemberSpec[] = [
  { name: 'state', tag: Tag.Enumerated },
  { name: 'entryUUID', tag: Tag.OctetString },
  { name: 'cookie', tag: Tag.OctetString },
]

/*
 * entryUUID and cookie share the OCTET STRING tag, so the general rule "a tag names one member"
 * needs help here: the first OCTET STRING is entryUUID (it is required and comes first), the
 * second is the cookie, a third is a duplicate cookie. The walk is therefore driven by position
 * among the OCTET STRINGs, which is still tag dispatch: nothing depends on the child count.
 */
function memberFor(tag: number, octetStringsSeen: number): number {
  if (tag === Tag.Enumerated) return 0
  if (tag === Tag.OctetString) return octetStringsSeen === 0 ? 1 : 2
  return -1
}

/** Writes a syncStateValue into `w`. */
export function writeSyncStateValue(w: BerWriter, value: SyncStateValueToEncode, options: SyncStateForm & AllowInvalid = {}): void {
  const state = typeof value.state === 'number' ? value.state : STATE_NUMBER[value.state]
  if (options.allowInvalid !== true) {
    if (!(state >= 0 && state <= 3 && Number.isInteger(state))) {
      throw new SyncValueError('SYNC_BAD_ENUM', `A syncStateValue state must be 0..3 (RFC 4533 §2.3), not ${state}; pass allowInvalid to send it deliberately.`)
    }
    if (value.entryUUID.length !== SYNC_UUID_LENGTH) {
      throw new SyncValueError(
        'SYNC_BAD_UUID',
        `A syncStateValue entryUUID must be 16 octets (RFC 4533 §2.1.1), not ${value.entryUUID.length}; pass allowInvalid to send it deliberately.`,
      )
    }
  }
  const n = options.lengthOctets ?? 0
  w.startConstructed(Tag.Sequence, n)
  w.writeEnumerated(state, Tag.Enumerated, n)
  w.writeOctetString(value.entryUUID, Tag.OctetString, n)
  if (value.cookie !== undefined) w.writeOctetString(value.cookie, Tag.OctetString, n)
  w.endConstructed()
}

/**
 * Encodes a syncStateValue.
 *
 * @example encodeSyncStateValue({ kind: 'syncState', state: 'add', entryUUID: parseSyncUuid(text) })
 */
export function encodeSyncStateValue(value: SyncStateValueToEncode, options: SyncStateForm & AllowInvalid = {}): Buffer {
  return encodeWith((w) => writeSyncStateValue(w, value, options), 64 + (value.cookie?.length ?? 0))
}

/**
 * Decodes a syncStateValue strictly (see the file comment) and reports its length form.
 *
 * @example decodeSyncStateValue(bytes).value.state // 'add'
 */
export function decodeSyncStateValue(bytes: Uint8Array): DecodedSyncState {
  const r = new BerReader(bytes)
  const lengths = new LengthStyle()
  const seq = enterElement(r, Tag.Sequence, 'a syncStateValue', lengths)
  const walk = new MemberWalk(MEMBERS, 'the syncStateValue')
  let state: SyncStateName = 'present'
  let entryUUID: Uint8Array | undefined
  let cookie: Uint8Array | undefined
  let octetStrings = 0
  while (!seq.atEnd()) {
    const tag = seq.peekTag() as number
    const at = seq.offset
    const member = memberFor(tag, octetStrings)
    walk.acceptIndex(member, tag, at)
    switch (member) {
      case 0: {
        const n = readNumber(seq, lengths, Tag.Enumerated, 'the state of a syncStateValue')
        const name = STATE_NAMES[n.value]
        if (name === undefined) {
          throw new SyncValueError(
            'SYNC_BAD_ENUM',
            `The state of the syncStateValue at offset ${n.offset} is ${n.value}; RFC 4533 §2.3 defines only present (0), add (1), modify (2) and delete (3).`,
            { offset: n.offset, tag: Tag.Enumerated },
          )
        }
        state = name
        break
      }
      case 1: {
        const h = readElement(seq, lengths)
        if (h.end - h.contentStart !== SYNC_UUID_LENGTH) {
          throw new SyncValueError(
            'SYNC_BAD_UUID',
            `The entryUUID of the syncStateValue at offset ${h.start} has ${h.end - h.contentStart} octets; a syncUUID has exactly 16 (RFC 4533 §2.1.1).`,
            { offset: h.start, tag: Tag.OctetString },
          )
        }
        entryUUID = viewOf(bytes, h.contentStart, h.end)
        octetStrings++
        break
      }
      case 2:
        cookie = readOctets(seq, lengths)
        octetStrings++
        break
    }
  }
  walk.require(0, seq.end)
  walk.require(1, seq.end)
  expectValueEnd(r, 'the syncStateValue')
  const uuid = entryUUID as Uint8Array
  const value: SyncStateValue =
    cookie === undefined ? { kind: 'syncState', state, entryUUID: uuid } : { kind: 'syncState', state, entryUUID: uuid, cookie }
  return { value, form: { lengthOctets: lengths.lengthOctets }, uniformLengths: lengths.uniform }
}
