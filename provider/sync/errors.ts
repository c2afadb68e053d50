/** Why the sync engine refused its configuration. */
export type SyncEngineErrorCode =
  /** `preset` (or `dialectByName`) names no preset. */
  | 'SYNC_UNKNOWN_DIALECT'
  /** A knob has a value the engine cannot work with. */
  | 'SYNC_BAD_DIALECT'

/** A refused sync engine configuration, with a stable `code` and a full-sentence message. */
export class SyncEngineError extends Error {
  override readonly name = 'SyncEngineError'

  constructor(
    readonly code: SyncEngineErrorCode,
    message: string,
  ) {
    super(message)
  }
}
