/** Why a sync session was ended by the consumer (the provider broke RFC 4533). */
export type SyncProtocolErrorCode =
  | 'SYNC_STATE_CONTROL_MISSING'
  | 'SYNC_STATE_CONTROL_DUPLICATE'
  | 'SYNC_STATE_INVALID'
  | 'SYNC_SECOND_REFRESH_DONE'
  | 'SYNC_INFO_INVALID'
  | 'SYNC_DONE_CONTROL_INVALID'
  | 'SYNC_UNEXPECTED_MESSAGE'

/**
 * The provider sent something RFC 4533 does not allow where it came; the session ends and
 * nothing of the refresh in progress reaches the store (rfc4533.md §5 cases 40–42).
 */
export class SyncProtocolError extends Error {
  override readonly name = 'SyncProtocolError'
  constructor(
    readonly code: SyncProtocolErrorCode,
    message: string,
    readonly messageId?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
