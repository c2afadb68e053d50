import { contextConstructed, type BerReader, type BerWriter } from '../ber/index.js'
import type { BooleanForm, LengthStyle } from './encoding-form.js'
import { readRefreshBody, writeRefreshBody, type RefreshForm } from './sync-info-refresh-body.js'

/**
 * The refreshDelete alternative of syncInfoValue (RFC 4533 §2.5):
 *
 *     refreshDelete [1] SEQUENCE { cookie syncCookie OPTIONAL, refreshDone BOOLEAN DEFAULT TRUE }
 *
 * Ends a delete phase (§3.3.2); with refreshDone TRUE it ends the refresh stage of
 * refreshAndPersist (§3.4.1). slapd also ends *initial* content with it (digest §3.4).
 */

export const REFRESH_DELETE_TAG = contextConstructed(1)

export interface RefreshDeleteValue {
  readonly kind: 'refreshDelete'
  readonly cookie?: Uint8Array
  readonly refreshDone: boolean
}

export type RefreshDeleteForm = RefreshForm

export function writeRefreshDelete(w: BerWriter, value: RefreshDeleteValue, form: RefreshDeleteForm = {}): void {
  writeRefreshBody(w, REFRESH_DELETE_TAG, value, form)
}

export function readRefreshDelete(r: BerReader, lengths: LengthStyle): { value: RefreshDeleteValue; refreshDone: BooleanForm } {
  const b = readRefreshBody(r, REFRESH_DELETE_TAG, 'the refreshDelete syncInfoValue', lengths)
  const value: RefreshDeleteValue =
    b.cookie === undefined
      ? { kind: 'refreshDelete', refreshDone: b.refreshDone }
      : { kind: 'refreshDelete', cookie: b.cookie, refreshDone: b.refreshDone }
  return { value, refreshDone: b.refreshDoneForm }
}
