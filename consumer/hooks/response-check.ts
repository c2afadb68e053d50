/**
 * Checking a Start response (389ds-session-hooks.md §5.3 step 6): LDAP resultCode 0,
 * responseName …3.5.13 (…3.5.4 too in lenient mode, since 389 ignores the name), and a value
 * that decodes strictly. The decoder is stricter than 389's supplier on purpose (§5.5): an
 * INTEGER where the ENUMERATED code belongs, an RUV sent as a SET, or elements 389 would stop
 * reading at are decode errors here, flagged `toleratedBy389` so reports can say that a 389
 * supplier would have accepted them (and lost whatever followed).
 */
import { Tag } from '../../protocol/ber/index.js'
import { ProtocolError } from '../../protocol/errors.js'
import type { ExtendedResponse } from '../../protocol/ldap/extended.js'
import { ReplOid, decodeReplicationResponse } from '../../protocol/replsession/index.js'
import type { ReplicationResponse } from '../../protocol/replsession/index.js'

export type ResponseCheck =
  | { readonly ok: true; readonly response: ReplicationResponse }
  | { readonly ok: false; readonly reason: 'HANDSHAKE_RESPONSE_NAME' | 'HANDSHAKE_BAD_RESPONSE'; readonly detail: string; readonly toleratedBy389: boolean; readonly cause?: unknown }

/**
 * Checks the name and value of a successful (resultCode 0) ExtendedResponse to a v2 Start. The
 * resultCode itself is the client's business (it rejects anything but success).
 */
export function checkStartResponse(response: ExtendedResponse, lenientResponseName: boolean): ResponseCheck {
  const name = response.responseName
  const nameOk = name === ReplOid.nsds90Response || (lenientResponseName && name === ReplOid.nsds50Response)
  if (!nameOk) {
    const expected = lenientResponseName ? `${ReplOid.nsds90Response} (or ${ReplOid.nsds50Response})` : ReplOid.nsds90Response
    return {
      ok: false,
      reason: 'HANDSHAKE_RESPONSE_NAME',
      detail: `the Start response's responseName is ${name === undefined ? 'absent' : JSON.stringify(name)}; expected ${expected}` +
        (name === ReplOid.nsds50Response ? " (389's supplier ignores the name; the lenientResponseName option accepts it)" : ''),
      toleratedBy389: true,
    }
  }
  return checkResponseValue(response.responseValue, 'Start')
}

/** Decodes a response value strictly, for a Start or an End response. */
export function checkResponseValue(value: Uint8Array | undefined, what: 'Start' | 'End'): ResponseCheck {
  try {
    return { ok: true, response: decodeReplicationResponse(value) }
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error
    const tolerated = toleratedBy389(error)
    return {
      ok: false,
      reason: 'HANDSHAKE_BAD_RESPONSE',
      detail: `the ${what} response value does not decode (${error.code}): ${error.message}` +
        (tolerated ? " 389's own supplier would have accepted it without complaint; this consumer is stricter on purpose (389ds-session-hooks.md §5.5)." : ''),
      toleratedBy389: tolerated,
      cause: error,
    }
  }
}

/**
 * True for the decode errors a 389 supplier's `decode_repl_ext_response` lets through (§2.3,
 * §5.5): it reads the code without checking its tag (an INTEGER passes), and it stops reading
 * silently at the first element it does not expect (an RUV sent as a SET, anything after the
 * data, bytes after the SEQUENCE) — losing what follows, without an error.
 */
export function toleratedBy389(error: ProtocolError): boolean {
  switch (error.code) {
    case 'REPL_BAD_ENUM':
      return error.tag === Tag.Integer
    case 'REPL_UNKNOWN_MEMBER':
    case 'REPL_TRAILING_BYTES':
      return true
    default:
      return false
  }
}
