import { SyncValueError } from '../errors.js'

/**
 * syncUUID ::= OCTET STRING (SIZE(16)) — the entry's UUID as 16 raw octets, not its text form
 * (RFC 4533 §2.1.1). Text is only for people and traces: 8-4-4-4-12 lowercase hex, the form
 * python-ldap hands to applications and slapd shows as entryUUID.
 */

export const SYNC_UUID_LENGTH = 16


/** True when `bytes` can be a syncUUID (exactly 16 octets). */
export function isSyncUuid(bytes: Uint8Array): boolean {
  return bytes.length === SYNC_UUID_LENGTH
}

/**
 * The canonical text of a syncUUID.
 *
 * @example formatSyncUuid(bytes) // '63199adc-7b95-1041-9bf9-193a3b08c68d'
 * @throws SyncValueError SYNC_BAD_UUID when `bytes` is not 16 octets long.
 */
export function formatSyncUuid(bytes: Uint8Array): string {
  if (bytes.length !== SYNC_UUID_LENGTH) {
    throw new SyncValueError(
      'SYNC_BAD_UUID',
      `A syncUUID has exactly 16 octets (RFC 4533 §2.1.1), but this one has ${bytes.length}; it has no canonical text form.`,
    )
  }
  // One flat string from char codes: concatenating 20 pieces makes a rope that every Map lookup
  // by this UUID would have to flatten first (the consumer keys its replica by it).
  let at = 0
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) UUID_CODES[at++] = 0x2d
    const b = bytes[i] as number
    UUID_CODES[at++] = HEX_CODES[b >> 4] as number
    UUID_CODES[at++] = HEX_CODES[b & 15] as number
  }
  return String.fromCharCode.apply(null, UUID_CODES)
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0))
/** Scratch space of formatSyncUuid (36 char codes); synchronous use only. */
const UUID_CODES: number[] = new Array<number>(36).fill(0)

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const CANONICAL_UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** True for exactly the canonical form: 8-4-4-4-12 lowercase hex digits. */
export function isCanonicalUuidText(text: string): boolean {
  return CANONICAL_UUID_TEXT.test(text)
}

/**
 * The 16 octets of a UUID written as 8-4-4-4-12 hex digits (either case, as RFC 4122 §3 allows
 * on input).
 *
 * @example parseSyncUuid('63199adc-7b95-1041-9bf9-193a3b08c68d').length // 16
 * @throws SyncValueError SYNC_BAD_UUID for anything else.
 */
export function parseSyncUuid(text: string): Uint8Array {
  if (!UUID_TEXT.test(text)) {
    throw new SyncValueError(
      'SYNC_BAD_UUID',
      `"${text.length > 60 ? text.slice(0, 60) + '…' : text}" is not a UUID; expected 32 hex digits grouped 8-4-4-4-12, such as 63199adc-7b95-1041-9bf9-193a3b08c68d.`,
    )
  }
  const out = new Uint8Array(16)
  let j = 0
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x2d) continue
    out[j++] = parseInt(text.slice(i, i + 2), 16)
    i++
  }
  return out
}
