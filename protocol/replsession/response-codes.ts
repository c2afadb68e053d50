/**
 * The NSDS50_REPL_* response codes (389ds-session-hooks.md §2.5, from 389's repl5.h) with what
 * each means, the text 389 prints for it, who sends it, and how a 389 supplier treats it as the
 * answer to a Start request.
 *
 * 389's `protocol_response2string` has no case for 0x0C and 0x0E and prints "unknown error" for
 * them; `text389` keeps that fact (our tests and log comparisons need it), while `name` and
 * `description` say what the codes really mean, so our own errors never repeat the gap (§5.6 item 3).
 */

/** How a 389 supplier's `acquire_replica` classifies a Start response code (§2.5, "Supplier handling"). */
export type SupplierOutcome = 'success' | 'busy' | 'transient' | 'fatal'

/**
 * Who puts the code on the wire (§2.5 "Source"): the consumer's Start handler, the consumer's End
 * handler, only the supplier for its own status, defined but never produced, or unassigned.
 */
export type ResponseCodeSource = 'consumer' | 'consumerEnd' | 'supplierLocal' | 'neverProduced' | 'unassigned'

/** Our names for the codes (the macro without its prefix, in the harness's camelCase). */
export const ReplResponseCode = {
  replicaReady: 0x00,
  replicaBusy: 0x01,
  excessiveClockSkew: 0x02,
  permissionDenied: 0x03,
  decodingError: 0x04,
  unknownUpdateProtocol: 0x05,
  noSuchReplica: 0x06,
  belowPurgePoint: 0x07,
  internalError: 0x08,
  replicaReleaseSucceeded: 0x09,
  unassigned0A: 0x0a,
  replicaIdError: 0x0b,
  disabled: 0x0c,
  upToDate: 0x0d,
  backoff: 0x0e,
  changelogError: 0x0f,
  connectionError: 0x10,
  connectionTimeout: 0x11,
  transientError: 0x12,
  ruvError: 0x13,
  replicaNoResponse: 0xff,
} as const

export type ReplResponseCodeName = keyof typeof ReplResponseCode

export interface ReplResponseCodeInfo {
  readonly code: number
  /** Our name for the code. */
  readonly name: ReplResponseCodeName
  /** The repl5.h macro, or undefined for the unassigned 0x0A. */
  readonly macro: string | undefined
  /** What the code means, in our words; say this in errors and reports. */
  readonly description: string
  /** What 389's `protocol_response2string` prints (logs, `repl_rc_text` of the JSON status). */
  readonly text389: string
  readonly source: ResponseCodeSource
  /** True when a 389 consumer's Start or End handler can send this code. */
  readonly sentByConsumer: boolean
  /** How a 389 supplier classifies the code when it answers a Start request. */
  readonly supplierOutcome: SupplierOutcome
  /**
   * True when the code falls into the default branch of `acquire_replica` (fatal, with the
   * generic "Unable to acquire replica" status), rather than into a case of its own.
   */
  readonly supplierDefaultBranch: boolean
}

type Row = [ReplResponseCodeName, string | undefined, string, string, ResponseCodeSource, SupplierOutcome, boolean]

// Columns: name, macro, description, text389, source, supplier outcome, default branch.
// Supplier outcomes per §2.5: 0x00 success; 0x01 busy; 0x03, 0x0E transient; 0x02, 0x04, 0x06,
// 0x08, 0x0B fatal with their own status; everything else fatal through the default branch.
const ROWS: readonly Row[] = [
  ['replicaReady', 'NSDS50_REPL_REPLICA_READY', 'The replica is acquired; the supplier may go ahead.', 'replica acquired', 'consumer', 'success', false],
  ['replicaBusy', 'NSDS50_REPL_REPLICA_BUSY', 'Another supplier holds the replica; try again after the busy backoff.', 'replica busy', 'consumer', 'busy', false],
  ['excessiveClockSkew', 'NSDS50_REPL_EXCESSIVE_CLOCK_SKEW', "The supplier's clock is too far ahead of the consumer's.", 'excessive clock skew', 'consumer', 'fatal', false],
  ['permissionDenied', 'NSDS50_REPL_PERMISSION_DENIED', 'The bind DN is not an update DN of this replica.', 'permission denied', 'consumer', 'transient', false],
  ['decodingError', 'NSDS50_REPL_DECODING_ERROR', 'The consumer could not decode the request value.', 'decoding error', 'consumer', 'fatal', false],
  ['unknownUpdateProtocol', 'NSDS50_REPL_UNKNOWN_UPDATE_PROTOCOL', 'The consumer does not understand the replProtocolOID.', 'unknown update protocol', 'consumer', 'fatal', true],
  ['noSuchReplica', 'NSDS50_REPL_NO_SUCH_REPLICA', 'The consumer holds no replica for the replicatedTree.', 'no such replica', 'consumer', 'fatal', false],
  ['belowPurgePoint', 'NSDS50_REPL_BELOW_PURGEPOINT', "The supplier's CSN is below the consumer's purge point (defined, never produced).", 'csn below purge point', 'neverProduced', 'fatal', true],
  ['internalError', 'NSDS50_REPL_INTERNAL_ERROR', 'Something failed inside the consumer.', 'internal error', 'consumer', 'fatal', false],
  ['replicaReleaseSucceeded', 'NSDS50_REPL_REPLICA_RELEASE_SUCCEEDED', 'The End request was accepted and the replica released (also sent when no session was held).', 'replica released', 'consumerEnd', 'fatal', true],
  // Older 389 releases used 0x0A as NSDS50_REPL_LEGACY_CONSUMER; it went with legacy replication.
  ['unassigned0A', undefined, 'Unassigned in current 389-DS (older releases used it for a legacy consumer).', 'unknown error', 'unassigned', 'fatal', true],
  ['replicaIdError', 'NSDS50_REPL_REPLICAID_ERROR', "The supplier's replica ID is not unique (a duplicate replica ID was detected).", 'duplicate replica ID detected', 'consumer', 'fatal', false],
  ['disabled', 'NSDS50_REPL_DISABLED', "The replica or suffix is disabled; 389's recv hook rejection of a total update also answers this code.", 'unknown error', 'consumer', 'fatal', true],
  ['upToDate', 'NSDS50_REPL_UPTODATE', 'The supplier has no change to send (supplier-local status).', 'no change to send', 'supplierLocal', 'fatal', true],
  ['backoff', 'NSDS50_REPL_BACKOFF', 'A session hook (recv or reply) asked the supplier to back off and retry later.', 'unknown error', 'consumer', 'transient', false],
  ['changelogError', 'NSDS50_REPL_CL_ERROR', 'The supplier could not read its changelog (supplier-local status).', 'changelog error', 'supplierLocal', 'fatal', true],
  ['connectionError', 'NSDS50_REPL_CONN_ERROR', 'The replication connection failed (supplier-local status).', 'connection error', 'supplierLocal', 'fatal', true],
  ['connectionTimeout', 'NSDS50_REPL_CONN_TIMEOUT', 'The replication connection timed out (supplier-local status).', 'connection timeout', 'supplierLocal', 'fatal', true],
  ['transientError', 'NSDS50_REPL_TRANSIENT_ERROR', 'A transient problem occurred (supplier-local status).', 'transient warning', 'supplierLocal', 'fatal', true],
  ['ruvError', 'NSDS50_REPL_RUV_ERROR', 'The replica update vector (RUV) is unusable (supplier-local status).', 'RUV error', 'supplierLocal', 'fatal', true],
  ['replicaNoResponse', 'NSDS50_REPL_REPLICA_NO_RESPONSE', 'No response was received (supplier-local; the initial value of the last acquire code).', 'no response received', 'supplierLocal', 'fatal', true],
]

/** The complete table, ordered by code: 0x00..0x13, then 0xFF. */
export const REPL_RESPONSE_CODES: readonly ReplResponseCodeInfo[] = ROWS.map(
  ([name, macro, description, text389, source, supplierOutcome, supplierDefaultBranch]) =>
    Object.freeze({
      code: ReplResponseCode[name],
      name,
      macro,
      description,
      text389,
      source,
      sentByConsumer: source === 'consumer' || source === 'consumerEnd',
      supplierOutcome,
      supplierDefaultBranch,
    }),
)

const BY_CODE: ReadonlyMap<number, ReplResponseCodeInfo> = new Map(REPL_RESPONSE_CODES.map((info) => [info.code, info]))

/** The table row of a code, or undefined for a code 389 does not define. */
export function responseCodeInfo(code: number): ReplResponseCodeInfo | undefined {
  return BY_CODE.get(code)
}

/** The text 389 prints for a code; "unknown error" for 0x0A, 0x0C, 0x0E and any undefined code. */
export function responseCodeText389(code: number): string {
  return BY_CODE.get(code)?.text389 ?? 'unknown error'
}

/**
 * How a 389 supplier treats this code as a Start response; undefined codes are fatal (default
 * branch of `acquire_replica`, §2.5). Our consumer's retry policy follows the same classes (§5.6).
 */
export function supplierOutcomeOf(code: number): SupplierOutcome {
  return BY_CODE.get(code)?.supplierOutcome ?? 'fatal'
}

/** `0x0e` → `"0x0E"`: codes are written with two upper-case hex digits, as in the doc's table. */
export function formatResponseCode(code: number): string {
  if (!Number.isInteger(code) || code < 0) return String(code)
  return '0x' + code.toString(16).toUpperCase().padStart(2, '0')
}

/**
 * A label for messages that says what the code is, never just "unknown error".
 *
 * @example responseCodeLabel(0x0e) // 'NSDS50_REPL_BACKOFF (0x0E)'
 * @example responseCodeLabel(0x42) // 'undefined response code 0x42 (66)'
 */
export function responseCodeLabel(code: number): string {
  const info = BY_CODE.get(code)
  if (info === undefined) return `undefined response code ${formatResponseCode(code)} (${code})`
  if (info.macro === undefined) return `unassigned response code ${formatResponseCode(code)}`
  return `${info.macro} (${formatResponseCode(code)})`
}

/** A full-sentence description for reports: label plus meaning. */
export function describeResponseCode(code: number): string {
  const info = BY_CODE.get(code)
  if (info === undefined) {
    return `${responseCodeLabel(code)}: 389-DS defines no such code, and a 389 supplier treats it as fatal.`
  }
  return `${responseCodeLabel(code)}: ${info.description}`
}
