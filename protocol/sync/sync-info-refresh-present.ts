import { contextConstructed, type BerReader, type BerWriter } from '../ber/index.js'
import type { BooleanForm, LengthStyle } from './encoding-form.js'
import { readRefreshBody, writeRefreshBody, type RefreshForm } from './sync-info-refresh-body.js'

/**
 * The refreshPresent alternative of syncInfoValue (RFC 4533 §2.5):
 *
 *     refreshPresent [2] SEQUENCE { cookie syncCookie OPTIONAL, refreshDone BOOLEAN DEFAULT TRUE }
 *
 * Ends a present phase (§3.3.2). With refreshDone FALSE it is the delimiter between a present
 * phase and a following delete phase; with refreshDone TRUE it ends the refresh stage of
 * refreshAndPersist (§3.4.1). slapd sends it only with refreshDone TRUE (digest §3.4).
 */

export const REFRESH_PRESENT_TAG = contextConstructed(2)

export interface RefreshPresentValue {
  readonly kind: 'refreshPresent'
  readonly cookie?: Uint8Array
  readonly refreshDone: boolean
}

export type RefreshPresentForm = RefreshForm

export function writeRefreshPresent(w: BerWriter, value: RefreshPresentValue, form: RefreshPresentForm = {}): void {
  writeRefreshBody(w, REFRESH_PRESENT_TAG, value, form)
}

export function readRefreshPresent(r: BerReader, lengths: LengthStyle): { value: RefreshPresentValue; refreshDone: BooleanForm } {
  const b = readRefreshBody(r, REFRESH_PRESENT_TAG, 'the refreshPresent syncInfoValue', lengths)
  const value: RefreshPresentValue =
    b.cookie === undefined
      ? { kind: 'refreshPresent', refreshDone: b.refreshDone }
      : { kind: 'refreshPresent', cookie: b.cookie, refreshDone: b.refreshDone }
  return { value, refreshDone: b.refreshDoneForm }
}
