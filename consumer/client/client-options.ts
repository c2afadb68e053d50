/** The client's options, result shape and the OIDs it handles itself (RFC 4511 §4.4.1, §4.14). */
import type { LdapMessage } from '../../protocol/index.js'
import type { ClientTlsOptions } from './socket-open.js'

export const START_TLS_OID = '1.3.6.1.4.1.1466.20037'
export const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036'

export interface LdapClientOptions {
  /** Time limit for connecting and for each bind / extended / StartTLS / Cancel operation. None by default. */
  readonly timeoutMs?: number
  readonly tls?: ClientTlsOptions
  /** Items a search may buffer unread before the client stops reading the socket. Default 1,000. */
  readonly highWaterMark?: number
  /** Called when the client stops (true) and resumes (false) reading because a search's consumer lags. */
  readonly onReadingPaused?: (paused: boolean) => void
}

/** A response to bind or an extended operation, with the message (and its controls) it came in. */
export interface OperationResult<Op> {
  readonly response: Op
  readonly message: LdapMessage
}
