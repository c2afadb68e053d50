import { context, type BerReader, type BerWriter } from '../ber/index.js'
import type { LengthForm, LengthStyle } from './encoding-form.js'
import { readElement, viewOf } from './sequence-members.js'

/**
 * The newcookie alternative of syncInfoValue (RFC 4533 §2.5):
 *
 *     newcookie [0] syncCookie
 *
 * Tags are IMPLICIT in the RFC 4533 module, so this is a context-specific *primitive* element
 * (0x80) whose contents are the cookie octets. slapd sends it when a write changed the context
 * CSN without touching the search's content (persist stage, §3.4.2).
 */

export const NEWCOOKIE_TAG = context(0)

export interface NewcookieValue {
  readonly kind: 'newcookie'
  /** Required here (may be zero-length); a view of the decoder's input. */
  readonly cookie: Uint8Array
}

export type NewcookieForm = LengthForm

/** Writes the whole `[0]` element. */
export function writeNewcookie(w: BerWriter, value: NewcookieValue, form: NewcookieForm = {}): void {
  w.writeOctetString(value.cookie, NEWCOOKIE_TAG, form.lengthOctets ?? 0)
}

/** Reads the `[0]` element at the reader's position (the dispatcher has checked the tag). */
export function readNewcookie(r: BerReader, lengths: LengthStyle): NewcookieValue {
  const h = readElement(r, lengths)
  return { kind: 'newcookie', cookie: viewOf(r.buf, h.contentStart, h.end) }
}
