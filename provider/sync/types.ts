/**
 * The contract between the sync engine (which decides what to send) and the server (which
 * writes bytes). The engine never touches a socket; the server never decides protocol content.
 */
import type { Dn } from '../../protocol/dn/index.js'
import type { Filter } from '../../protocol/ldap/filter.js'
import type { EntryAttributeInput } from '../../protocol/ldap/search-result-entry.js'
import type { SyncDoneValue, SyncInfoValue, SyncRequestValue } from '../../protocol/sync/index.js'

/** A sync search as the server hands it to the engine (already decoded and validated). */
export interface SyncSearchRequest {
  readonly messageId: number
  readonly base: Dn
  readonly scope: 'base' | 'one' | 'sub'
  readonly filter: Filter
  /** The requested attribute list exactly as sent (`*`, `+`, names, `1.1`, or empty). */
  readonly attributes: readonly string[]
  /** 0 = no limit. Counts refresh entry messages only, never persist ones (RFC 4533 §3.5.3). */
  readonly sizeLimit: number
  readonly sync: SyncRequestValue
  /**
   * The DN the connection is bound as, as configured (absent: anonymous). Only the `389ds`
   * dialect uses it: its cookies are bound to the bind DN (389-DS's client signature).
   */
  readonly bindDn?: string
}

/**
 * One message the engine wants sent, in order. `entry` becomes a SearchResultEntry with a Sync
 * State control; `info` an IntermediateResponse with a Sync Info value; `done` a
 * SearchResultDone (optionally with a Sync Done control) and ends the operation.
 */
export type SyncMessage = SyncEntryMessage | SyncInfoMessage | SyncDoneMessage

export interface SyncEntryMessage {
  readonly kind: 'entry'
  readonly state: 'present' | 'add' | 'modify' | 'delete'
  readonly dn: string
  /** Empty for present and delete states (RFC 4533 §3.3.2, §3.4.2). */
  readonly attributes: readonly EntryAttributeInput[]
  readonly uuid: Uint8Array
  readonly cookie?: Uint8Array
}

export interface SyncInfoMessage {
  readonly kind: 'info'
  readonly info: SyncInfoValue
}

export interface SyncDoneMessage {
  readonly kind: 'done'
  readonly resultCode: number
  readonly diagnosticMessage: string
  /** For noSuchObject: the closest existing ancestor of the base. */
  readonly matchedDN?: string
  /** Absent: no Sync Done control (slapd sends none with 4096, 53, 118, limits). */
  readonly syncDone?: SyncDoneValue
}

/** Why a message was sent, for the provider's event log and the runner's verdicts. */
export type SyncPhase = 'refresh' | 'persist'

/**
 * One running sync operation. The server pulls refresh messages (so it can wait for the socket
 * to drain between them), then receives persist messages by callback.
 */
export interface SyncOperation {
  /**
   * The refresh stage, generated lazily. Ends with a `done` (refreshOnly, or any failure) or with
   * the terminating `info` of a refreshAndPersist refresh, after which `persisting` is true.
   */
  refresh(): Iterator<SyncMessage>
  /**
   * True once a refreshAndPersist refresh has ended and persist messages may flow — and also
   * for an operation the dialect never answers (`unanswered`): it stays open, silent, until
   * Abandon, Cancel or the connection's end, so the server neither ends nor fails it.
   */
  readonly persisting: boolean
  /**
   * True when the dialect deliberately sends nothing at all for this operation (389-DS with a
   * NUL inside the cookie, trace f1: no SearchResultDone ever).
   */
  readonly unanswered?: boolean
  /**
   * Registers the persist sink. Messages that arose while the refresh was still being sent are
   * queued and delivered first (slapd replays them after refreshDone: duplicates, never gaps).
   * A `done` message (base changed → 4096) ends the operation.
   */
  onPersist(send: (message: SyncMessage) => void): void
  /** Stops everything (Cancel, Abandon, connection closed); no message is produced after this. */
  stop(): void
}
