/**
 * The handshake's entries in the consumer's typed event stream (`SyncreplConsumer.onEvent`),
 * in the order of 389ds-session-hooks.md §5.3.
 */
import type { HandshakeError } from './errors.js'

export type HandshakeEvent =
  /** The Start request (v2, …3.5.12) was sent, with the pre hook's payload if any. */
  | {
      readonly kind: 'handshakeStart'
      readonly base: string
      readonly isTotal: boolean
      /** …3.6.1 (resume from a sync cookie) or …3.6.2 (full refresh). */
      readonly protocolOid: string
      readonly csn: string
      readonly guid: string | undefined
      readonly data: Uint8Array | undefined
    }
  /** The provider does not list …3.5.12 and `onUnsupported` is 'skip': the sync runs without a handshake (389's fail-open). */
  | { readonly kind: 'handshakeSkipped'; readonly base: string }
  /** READY (0x00) and the post hook accepted: the sync search follows on this connection. */
  | {
      readonly kind: 'handshakeAccepted'
      readonly base: string
      readonly isTotal: boolean
      readonly providerGuid: string | undefined
      readonly providerData: Uint8Array | undefined
      readonly consumerRuv: readonly string[] | undefined
    }
  /** The handshake did not succeed; no sync search follows. The same error is thrown by `syncSearch`. */
  | { readonly kind: 'handshakeFailed'; readonly error: HandshakeError }
  /**
   * End Replication (…3.5.5) was sent: after a refreshOnly sync, after a post refusal, or on
   * close. `ok` is true when it got RELEASE_SUCCEEDED (0x09).
   */
  | {
      readonly kind: 'handshakeEnd'
      readonly base: string
      readonly trigger: 'refreshOnlyDone' | 'postRefused' | 'close'
      readonly ok: boolean
      readonly responseCode: number | undefined
      readonly message: string
    }
