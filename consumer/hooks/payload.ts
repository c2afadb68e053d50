/**
 * Building what the consumer puts into a Start request (389ds-session-hooks.md §2.2, §5.2): the
 * hook payload bytes, the supplierRUV and the CSN.
 */
import { compareCsn, csnDate, parseOpenLdapCookie } from '../../protocol/sync/index.js'
import { HandshakeConfigError } from './errors.js'
import type { HookPayload } from './types.js'

const utf8 = new TextEncoder()

/**
 * A C-string payload as 389 peers send it: the UTF-8 text with its terminating NUL counted
 * (`bv_len = strlen + 1`, §1.3; the sample plugin and FreeIPA both do this).
 *
 * @example cstringPayload('test-data') // 74 65 73 74 2d 64 61 74 61 00 (10 bytes)
 */
export function cstringPayload(text: string): Uint8Array {
  if (text.includes('\u0000')) {
    throw new HandshakeConfigError(`The C-string payload ${JSON.stringify(text)} contains a NUL character; a C string ends at its first NUL, so the receiver would see less. Send bytes instead.`)
  }
  const body = utf8.encode(text)
  const out = new Uint8Array(body.length + 1)
  out.set(body)
  return out
}

/** The payload's bytes: a string as UTF-8, exactly (no NUL added). */
export function payloadBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data
}

/**
 * Checks what a pre hook (or the guid/data shortcut) produced: a non-empty GUID without NUL
 * octets except a last one (389 reads it as a C string, §2.2) and data, both present.
 */
export function checkPayload(payload: HookPayload, where: string): { readonly guid: string; readonly data: Uint8Array } {
  const { guid, data } = payload as { guid: unknown; data: unknown }
  if (typeof guid !== 'string' || guid === '') {
    throw new HandshakeConfigError(`${where} gave a payload without a guid; a session-hook payload needs a format identifier (a non-empty string) and data, both or neither (389ds-session-hooks.md §1.3).`)
  }
  const nul = guid.indexOf('\u0000')
  if (nul !== -1 && nul < guid.length - 1) {
    throw new HandshakeConfigError(`${where} gave the guid ${JSON.stringify(guid)}, which has a NUL character before its end; 389 reads the guid as a C string and would refuse it.`)
  }
  if (!(data instanceof Uint8Array) && typeof data !== 'string') {
    throw new HandshakeConfigError(`${where} gave the guid ${JSON.stringify(guid)} without data; a session-hook payload goes on the wire as both or neither (389ds-session-hooks.md §1.3). Give data as bytes or a string.`)
  }
  return { guid, data: payloadBytes(data) }
}

/** The supplierRUV our Start and End requests carry (§5.2: at least the replica generation). */
export function supplierRuv(replicaGeneration: string): string[] {
  return [`{replicageneration} ${replicaGeneration}`]
}

/** The default replica generation token: stable, and CSN-shaped like 389's. */
export const DEFAULT_REPLICA_GENERATION = '00000000000000000000'

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0')
}

/**
 * A 389 CSN (§2.2): 20 lowercase hex digits, 8 of seconds since the epoch, 4 of sequence
 * number, 4 of replica ID, 4 of sub-sequence number.
 *
 * @example csn389(1705034240, 0, 1, 0) // '65a0c200000000010000'
 */
export function csn389(seconds: number, seq: number, rid: number, subseq: number): string {
  const check = (name: string, v: number, max: number) => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new HandshakeConfigError(`A 389 CSN's ${name} must be an integer in 0..${max}, not ${v}.`)
  }
  check('timestamp', seconds, 0xffffffff)
  check('sequence number', seq, 0xffff)
  check('replica ID', rid, 0xffff)
  check('sub-sequence number', subseq, 0xffff)
  return hex(seconds, 8) + hex(seq, 4) + hex(rid, 4) + hex(subseq, 4)
}

/**
 * The CSN for a Start request (§5.2): the newest CSN of an OpenLDAP cookie, rewritten in 389's
 * form (seconds, count, serverID, modification number; count and mod beyond 0xffff are capped),
 * or, for any other cookie or none, one derived from the clock with our replica ID.
 */
export function startCsn(syncCookie: Uint8Array | undefined, nowMs: number, replicaId: number): string {
  if (syncCookie !== undefined) {
    const parsed = parseOpenLdapCookie(syncCookie)
    if (parsed.usable && parsed.csns.length > 0) {
      const newest = parsed.csns.reduce((a, b) => (compareCsn(a.text, b.text) >= 0 ? a : b))
      const seconds = Math.floor(csnDate(newest).date.getTime() / 1000)
      // A CSN before 1970 or after 2106 has no 389 form; the clock gives one that does.
      if (seconds >= 0 && seconds <= 0xffffffff) return csn389(seconds, Math.min(newest.count, 0xffff), newest.sid, Math.min(newest.mod, 0xffff))
    }
  }
  return csn389(Math.floor(nowMs / 1000), 0, replicaId, 0)
}
