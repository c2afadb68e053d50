import { Tag, type BerReader, type BerWriter } from '../ber/index.js'
import {
  ABSENT_BOOLEAN,
  observedBoolean,
  writeDefaultBoolean,
  type BooleanForm,
  type LengthForm,
  type LengthStyle,
} from './encoding-form.js'
import { MemberWalk, enterElement, readBooleanOctet, readOctets, type MemberSpec } from './sequence-members.js'

/**
 * The SEQUENCE shared by the refreshDelete [1] and refreshPresent [2] alternatives of
 * syncInfoValue (RFC 4533 §2.5):
 *
 *     SEQUENCE { cookie syncCookie OPTIONAL, refreshDone BOOLEAN DEFAULT TRUE }
 *
 * Note the DEFAULT is TRUE: slapd omits refreshDone when TRUE, so `a1 00` is a complete
 * refreshDelete with no cookie and refreshDone TRUE (its up-to-date refreshAndPersist reply), and
 * refreshDone FALSE is always on the wire as `01 01 00`.
 */

export interface RefreshForm extends LengthForm {
  readonly refreshDone?: BooleanForm
}

export interface RefreshBody {
  readonly cookie?: Uint8Array
  readonly refreshDone: boolean
}

const MEMBERS: readonly MemberSpec[] = [
  { name: 'cookie', tag: Tag.OctetString },
  { name: 'refreshDone', tag: Tag.Boolean },
]

export function writeRefreshBody(w: BerWriter, tag: number, body: RefreshBody, form: RefreshForm): void {
  const n = form.lengthOctets ?? 0
  w.startConstructed(tag, n)
  if (body.cookie !== undefined) w.writeOctetString(body.cookie, Tag.OctetString, n)
  writeDefaultBoolean(w, body.refreshDone, true, form.refreshDone, n)
  w.endConstructed()
}

export function readRefreshBody(
  r: BerReader,
  tag: number,
  what: string,
  lengths: LengthStyle,
): { cookie: Uint8Array | undefined; refreshDone: boolean; refreshDoneForm: BooleanForm } {
  const seq = enterElement(r, tag, what, lengths)
  const walk = new MemberWalk(MEMBERS, what)
  let cookie: Uint8Array | undefined
  let refreshDone = true
  let refreshDoneForm = ABSENT_BOOLEAN
  while (!seq.atEnd()) {
    switch (walk.accept(seq.peekTag() as number, seq.offset)) {
      case 0:
        cookie = readOctets(seq, lengths)
        break
      case 1: {
        const octet = readBooleanOctet(seq, lengths, Tag.Boolean, `the refreshDone of ${what}`)
        refreshDone = octet !== 0
        refreshDoneForm = observedBoolean(octet)
        break
      }
    }
  }
  return { cookie, refreshDone, refreshDoneForm }
}
