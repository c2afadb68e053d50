import { BerReader, encodeWith, type BerWriter } from '../ber/index.js'
import { BerError, SyncValueError, hexTag } from '../errors.js'
import { LengthStyle, type AllowInvalid, type Decoded } from './encoding-form.js'
import { expectValueEnd } from './sequence-members.js'
import { NEWCOOKIE_TAG, readNewcookie, writeNewcookie, type NewcookieForm, type NewcookieValue } from './sync-info-newcookie.js'
import { REFRESH_DELETE_TAG, readRefreshDelete, writeRefreshDelete, type RefreshDeleteForm, type RefreshDeleteValue } from './sync-info-refresh-delete.js'
import { REFRESH_PRESENT_TAG, readRefreshPresent, writeRefreshPresent, type RefreshPresentForm, type RefreshPresentValue } from './sync-info-refresh-present.js'
import { SYNC_ID_SET_TAG, readSyncIdSet, writeSyncIdSet, type SyncIdSetForm, type SyncIdSetValue } from './sync-info-sync-id-set.js'

/**
 * syncInfoValue, the responseValue of the Sync Info Message (an IntermediateResponse named
 * 1.3.6.1.4.1.4203.1.9.1.4, RFC 4533 §2.5):
 *
 *     syncInfoValue ::= CHOICE {
 *         newcookie      [0] syncCookie,
 *         refreshDelete  [1] SEQUENCE { … },
 *         refreshPresent [2] SEQUENCE { … },
 *         syncIdSet      [3] SEQUENCE { … } }
 *
 * The alternative is chosen by the tag alone (0x80, 0xa1, 0xa2, 0xa3). Dispatching on anything
 * else — such as which fields are present — is what made python-ldap read a syncIdSet as a
 * refreshDelete (python-ldap#351).
 */

export type SyncInfoValue = NewcookieValue | RefreshDeleteValue | RefreshPresentValue | SyncIdSetValue

/** Every form option of every alternative; each encoder reads only its own. */
export type SyncInfoForm = NewcookieForm & RefreshDeleteForm & RefreshPresentForm & SyncIdSetForm

export type DecodedSyncInfo =
  | ({ readonly kind: 'newcookie' } & Decoded<NewcookieValue, Required<NewcookieForm>>)
  | ({ readonly kind: 'refreshDelete' } & Decoded<RefreshDeleteValue, Required<RefreshDeleteForm>>)
  | ({ readonly kind: 'refreshPresent' } & Decoded<RefreshPresentValue, Required<RefreshPresentForm>>)
  | ({ readonly kind: 'syncIdSet' } & Decoded<SyncIdSetValue, Required<SyncIdSetForm>>)

const WHAT = 'the syncInfoValue'

/** Writes a syncInfoValue (whichever alternative) into `w`. */
export function writeSyncInfoValue(w: BerWriter, value: SyncInfoValue, options: SyncInfoForm & AllowInvalid = {}): void {
  switch (value.kind) {
    case 'newcookie':
      return writeNewcookie(w, value, options)
    case 'refreshDelete':
      return writeRefreshDelete(w, value, options)
    case 'refreshPresent':
      return writeRefreshPresent(w, value, options)
    case 'syncIdSet':
      return writeSyncIdSet(w, value, options)
    default: {
      const never: never = value
      throw new TypeError(`Unknown syncInfoValue kind ${(never as { kind: string }).kind}.`)
    }
  }
}

/**
 * Encodes a syncInfoValue.
 *
 * @example encodeSyncInfoValue({ kind: 'refreshDelete', refreshDone: true }) // a1 00
 */
export function encodeSyncInfoValue(value: SyncInfoValue, options: SyncInfoForm & AllowInvalid = {}): Buffer {
  const size = 64 + (value.cookie?.length ?? 0) + (value.kind === 'syncIdSet' ? value.syncUUIDs.length * 18 : 0)
  return encodeWith((w) => writeSyncInfoValue(w, value, options), size)
}

/**
 * Decodes a syncInfoValue, choosing the alternative by its tag.
 *
 * @example decodeSyncInfoValue(hex('a100')) // { kind: 'refreshDelete', value: { kind: 'refreshDelete', refreshDone: true }, … }
 */
export function decodeSyncInfoValue(bytes: Uint8Array): DecodedSyncInfo {
  const r = new BerReader(bytes)
  const lengths = new LengthStyle()
  const tag = r.peekTag()
  switch (tag) {
    case NEWCOOKIE_TAG: {
      const value = readNewcookie(r, lengths)
      expectValueEnd(r, WHAT)
      return { kind: 'newcookie', value, form: { lengthOctets: lengths.lengthOctets }, uniformLengths: lengths.uniform }
    }
    case REFRESH_DELETE_TAG: {
      const d = readRefreshDelete(r, lengths)
      expectValueEnd(r, WHAT)
      const form = { refreshDone: d.refreshDone, lengthOctets: lengths.lengthOctets }
      return { kind: 'refreshDelete', value: d.value, form, uniformLengths: lengths.uniform }
    }
    case REFRESH_PRESENT_TAG: {
      const d = readRefreshPresent(r, lengths)
      expectValueEnd(r, WHAT)
      const form = { refreshDone: d.refreshDone, lengthOctets: lengths.lengthOctets }
      return { kind: 'refreshPresent', value: d.value, form, uniformLengths: lengths.uniform }
    }
    case SYNC_ID_SET_TAG: {
      const d = readSyncIdSet(r, lengths)
      expectValueEnd(r, WHAT)
      const form = { refreshDeletes: d.refreshDeletes, uuidSetTag: d.uuidSetTag, lengthOctets: lengths.lengthOctets }
      return { kind: 'syncIdSet', value: d.value, form, uniformLengths: lengths.uniform }
    }
    case undefined:
      throw new BerError('BER_TRUNCATED', 'The syncInfoValue is empty; it must hold one of newcookie, refreshDelete, refreshPresent or syncIdSet (RFC 4533 §2.5).', {
        offset: 0,
      })
    default:
      throw new SyncValueError(
        'SYNC_UNKNOWN_INFO_CHOICE',
        `The syncInfoValue at offset 0 has tag ${hexTag(tag)}, which is none of its alternatives: newcookie (0x80), refreshDelete (0xa1), refreshPresent (0xa2), syncIdSet (0xa3) (RFC 4533 §2.5).`,
        { offset: 0, tag },
      )
  }
}
