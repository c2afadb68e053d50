/**
 * Why a session handshake did not let the sync start (389ds-session-hooks.md §5.6 item 3). The
 * error says which phase stopped it, the provider's NSDS50_REPL_* code by name, and whether and
 * how to retry. 0x0C and 0x0E are named for what they mean: 389's own logs print "unknown
 * error" for both (§2.5), a gap these messages do not copy.
 */
import { formatResponseCode, responseCodeInfo, responseCodeLabel, responseCodeText389 } from '../../protocol/replsession/index.js'
import { handshakeRetryPolicy } from './policy.js'
import type { HandshakePhase, RetryClass } from './policy.js'

/** Stable machine codes, one per way a handshake fails. */
export type HandshakeReason =
  /** init or pre threw, or pre returned `refuse()`: nothing was sent. */
  | 'HANDSHAKE_PRE_REFUSED'
  /** The root DSE does not list 2.16.840.1.113730.3.5.12 and `onUnsupported` is 'fail'. */
  | 'HANDSHAKE_UNSUPPORTED'
  /** No answer within `handshakeTimeoutMs`. */
  | 'HANDSHAKE_TIMEOUT'
  /** The connection dropped (or was closed) before the answer. */
  | 'HANDSHAKE_CONNECTION_LOST'
  /** The Start was answered with an LDAP resultCode other than success. */
  | 'HANDSHAKE_LDAP_ERROR'
  /** The Start response's responseName is not …3.5.13 (or …3.5.4 in lenient mode). */
  | 'HANDSHAKE_RESPONSE_NAME'
  /** The response value (or the LDAP message around it) does not decode. */
  | 'HANDSHAKE_BAD_RESPONSE'
  /** The provider answered a response code other than REPLICA_READY (0x00). */
  | 'HANDSHAKE_REFUSED'
  /** post threw or returned `refuse()` after READY: End was sent. */
  | 'HANDSHAKE_POST_REFUSED'

export interface HandshakeErrorDetails {
  readonly reason: HandshakeReason
  readonly phase: HandshakePhase
  readonly base: string
  readonly isTotal: boolean
  /** The NSDS50_REPL_* code the provider answered (phase "provider", and "post": 0x00). */
  readonly code?: number
  readonly ldapResultCode?: number
  readonly providerGuid?: string
  readonly providerData?: Uint8Array
  /** A decode error that 389's own supplier would have let through (§5.5): INTEGER for ENUMERATED, an RUV sent as a SET, extra elements. */
  readonly toleratedBy389?: boolean
  /** After a post refusal: the code End got back (0x09 expected), or undefined if End got no valid answer. */
  readonly endResponseCode?: number
  readonly cause?: unknown
}

export class HandshakeError extends Error {
  override readonly name = 'HandshakeError'
  /** Stable machine code (`code` is the provider's response code, as in §5.6). */
  readonly reason: HandshakeReason
  readonly phase: HandshakePhase
  /** The NSDS50_REPL_* response code, when the provider answered one. */
  readonly code: number | undefined
  /** The repl5.h macro of `code` (e.g. NSDS50_REPL_BACKOFF); undefined for a code 389 does not define. */
  readonly codeName: string | undefined
  readonly retry: RetryClass
  readonly retryable: boolean
  readonly providerGuid: string | undefined
  readonly providerData: Uint8Array | undefined
  readonly ldapResultCode: number | undefined
  readonly toleratedBy389: boolean
  readonly endResponseCode: number | undefined
  readonly base: string
  readonly isTotal: boolean

  constructor(message: string, details: HandshakeErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.reason = details.reason
    this.phase = details.phase
    this.code = details.code
    this.codeName = details.code === undefined ? undefined : responseCodeInfo(details.code)?.macro
    this.retry = handshakeRetryPolicy({ phase: details.phase, code: details.code, ldapResultCode: details.ldapResultCode }).retry
    this.retryable = this.retry !== 'fatal'
    this.providerGuid = details.providerGuid
    this.providerData = details.providerData
    this.ldapResultCode = details.ldapResultCode
    this.toleratedBy389 = details.toleratedBy389 ?? false
    this.endResponseCode = details.endResponseCode
    this.base = details.base
    this.isTotal = details.isTotal
  }
}

/** A hook or option broke its contract (a payload without data, a NUL inside a guid, …): a programming error. */
export class HandshakeConfigError extends Error {
  override readonly name = 'HandshakeConfigError'
  readonly code = 'HANDSHAKE_BAD_CONFIG'
}

/**
 * What a code means from the consumer's side of our handshake (the table's descriptions speak of
 * 389's supplier). Codes not listed use the table's description.
 */
const CONSUMER_MEANING: Readonly<Record<number, string>> = {
  0x01: 'another session holds the replica; try again after the busy wait',
  0x03: 'the bind identity is not allowed to replicate this content',
  0x04: "the provider could not decode this consumer's Start request",
  0x05: 'the provider does not understand the replProtocolOID',
  0x06: 'the provider holds no replica for this base',
  0x0c: "the replica or suffix is disabled, or the provider's recv hook rejected a total update (a full refresh)",
  0x0e: "a session hook on the provider (recv or reply) asked this consumer to back off and retry later",
}

const AFTER: Readonly<Record<RetryClass, string>> = {
  busy: 'retry after the fixed busy wait',
  exponential: 'retry with exponential backoff',
  fatal: 'this is fatal: do not retry until the provider or this consumer is reconfigured',
}

/** The sentence for a provider refusal (phase "provider"). */
export function refusedMessage(code: number, base: string, retry: RetryClass): string {
  const meaning = CONSUMER_MEANING[code] ?? lowerFirst((responseCodeInfo(code)?.description ?? '389-DS defines no such code.').replace(/\.$/, ''))
  const logs = responseCodeText389(code) === 'unknown error' && responseCodeInfo(code) !== undefined ? ` (389-DS's own logs call ${formatResponseCode(code)} "unknown error")` : ''
  return (
    `The provider refused the replication session for ${JSON.stringify(base)} with ${responseCodeLabel(code)}: ${meaning}${logs}. ` +
    `No sync search was sent and the replica and cookie are unchanged; ${AFTER[retry]}.`
  )
}

/** The closing clause every failure message shares. */
export function untouched(retry: RetryClass): string {
  return `No sync search was sent and the replica and cookie are unchanged; ${AFTER[retry]}.`
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1)
}
