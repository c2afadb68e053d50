import { Tag, contextConstructed, type BerReader, type BerWriter } from '../ber/index.js'
import { SyncValueError, hexTag } from '../errors.js'
import {
  ABSENT_BOOLEAN,
  observedBoolean,
  writeDefaultBoolean,
  type AllowInvalid,
  type BooleanForm,
  type LengthForm,
  type LengthStyle,
} from './encoding-form.js'
import { MemberWalk, enterElement, readBooleanOctet, readElement, readOctets, viewOf, type MemberSpec } from './sequence-members.js'
import { SYNC_UUID_LENGTH } from './uuid.js'

/**
 * The syncIdSet alternative of syncInfoValue (RFC 4533 §2.5):
 *
 *     syncIdSet [3] SEQUENCE {
 *         cookie         syncCookie OPTIONAL,
 *         refreshDeletes BOOLEAN DEFAULT FALSE,
 *         syncUUIDs      SET OF syncUUID }
 *
 * refreshDeletes FALSE lists present entries (present phase), TRUE lists deleted ones (§3.3.2).
 * The set may be empty (`31 00`). slapd sends present lists in batches of 256 UUIDs and, for
 * session-log deletes, one UUID per set with a `delcsn=` cookie (digest §3.8).
 *
 * Tag of syncUUIDs: SET OF is `31`, which is what slapd, 389-DS and pyasn1 write and what our
 * encoder writes by default. The decoder also accepts `30` (SEQUENCE OF) and records it as
 * `form.uuidSetTag`: slapd's own consumer reads the list without looking at its tag, so a
 * provider that wrote `30` would interoperate with slapd yet break pyasn1-based consumers. The
 * harness needs to see that deviation (and to reproduce it in script mode) rather than have the
 * codec fail the whole session over it; judging it is the verdict layer's job.
 */

export const SYNC_ID_SET_TAG = contextConstructed(3)

export interface SyncIdSetValue {
  readonly kind: 'syncIdSet'
  readonly cookie?: Uint8Array
  readonly refreshDeletes: boolean
  /** 16-octet UUIDs, in wire order; views of the decoder's input. */
  readonly syncUUIDs: readonly Uint8Array[]
}

export interface SyncIdSetForm extends LengthForm {
  readonly refreshDeletes?: BooleanForm
  /** 0x31 (SET OF, default) or 0x30 (SEQUENCE OF, tolerated; see the file comment). */
  readonly uuidSetTag?: number
}

const MEMBERS: readonly MemberSpec[] = [
  { name: 'cookie', tag: Tag.OctetString },
  { name: 'refreshDeletes', tag: Tag.Boolean },
  { name: 'syncUUIDs', tag: Tag.Set, altTag: Tag.Sequence },
]

export function writeSyncIdSet(w: BerWriter, value: SyncIdSetValue, options: SyncIdSetForm & AllowInvalid = {}): void {
  const uuids = value.syncUUIDs
  if (options.allowInvalid !== true) {
    for (let i = 0; i < uuids.length; i++) {
      const len = (uuids[i] as Uint8Array).length
      if (len !== SYNC_UUID_LENGTH) {
        throw new SyncValueError(
          'SYNC_BAD_UUID',
          `The syncIdSet member syncUUIDs[${i}] has ${len} octets; a syncUUID has exactly 16 (RFC 4533 §2.1.1). Pass allowInvalid to send it deliberately.`,
        )
      }
    }
  }
  const n = options.lengthOctets ?? 0
  w.startConstructed(SYNC_ID_SET_TAG, n)
  if (value.cookie !== undefined) w.writeOctetString(value.cookie, Tag.OctetString, n)
  writeDefaultBoolean(w, value.refreshDeletes, false, options.refreshDeletes, n)
  w.startConstructed(options.uuidSetTag ?? Tag.Set, n)
  for (let i = 0; i < uuids.length; i++) w.writeOctetString(uuids[i] as Uint8Array, Tag.OctetString, n)
  w.endConstructed()
  w.endConstructed()
}

export function readSyncIdSet(
  r: BerReader,
  lengths: LengthStyle,
): { value: SyncIdSetValue; refreshDeletes: BooleanForm; uuidSetTag: number } {
  const what = 'the syncIdSet syncInfoValue'
  const seq = enterElement(r, SYNC_ID_SET_TAG, what, lengths)
  const walk = new MemberWalk(MEMBERS, what)
  let cookie: Uint8Array | undefined
  let refreshDeletes = false
  let refreshDeletesForm = ABSENT_BOOLEAN
  let uuidSetTag: number = Tag.Set
  const syncUUIDs: Uint8Array[] = []
  while (!seq.atEnd()) {
    const tag = seq.peekTag() as number
    switch (walk.accept(tag, seq.offset)) {
      case 0:
        cookie = readOctets(seq, lengths)
        break
      case 1: {
        const octet = readBooleanOctet(seq, lengths, Tag.Boolean, `the refreshDeletes of ${what}`)
        refreshDeletes = octet !== 0
        refreshDeletesForm = observedBoolean(octet)
        break
      }
      case 2:
        uuidSetTag = tag
        readUuids(enterElement(seq, tag, 'the syncUUIDs of a syncIdSet', lengths), lengths, syncUUIDs)
        break
    }
  }
  walk.require(2, seq.end)
  const value: SyncIdSetValue =
    cookie === undefined
      ? { kind: 'syncIdSet', refreshDeletes, syncUUIDs }
      : { kind: 'syncIdSet', cookie, refreshDeletes, syncUUIDs }
  return { value, refreshDeletes: refreshDeletesForm, uuidSetTag }
}

/** The hot loop of a present phase: up to 256 (slapd) or any number of 18-octet elements. */
function readUuids(set: BerReader, lengths: LengthStyle, out: Uint8Array[]): void {
  const buf = set.buf
  while (!set.atEnd()) {
    const tag = set.peekTag() as number
    if (tag !== Tag.OctetString) {
      throw new SyncValueError(
        'SYNC_UNKNOWN_MEMBER',
        `The element at offset ${set.offset} inside the syncUUIDs of a syncIdSet has tag ${hexTag(tag)}; a SET OF syncUUID holds only OCTET STRINGs (0x04).`,
        { offset: set.offset, tag },
      )
    }
    const h = readElement(set, lengths)
    if (h.end - h.contentStart !== SYNC_UUID_LENGTH) {
      throw new SyncValueError(
        'SYNC_BAD_UUID',
        `The syncIdSet member syncUUIDs[${out.length}] at offset ${h.start} has ${h.end - h.contentStart} octets; a syncUUID has exactly 16 (RFC 4533 §2.1.1).`,
        { offset: h.start, tag },
      )
    }
    out.push(viewOf(buf, h.contentStart, h.end))
  }
}
