/**
 * The 389-DS replication session messages (389ds-session-hooks.md §2) that our session-hook
 * handshake reuses unchanged (§5.2): Start request, response, End request, their OIDs and the
 * NSDS50_REPL_* response codes.
 */
export { NETSCAPE_ARC, ReplOid, startOids, startVersionOfRequestOid, startVersionOfResponseOid, replProtocolOf, replProtocolOid } from './oids.js'
export type { StartVersion, StartOids, ReplProtocol } from './oids.js'
export {
  ReplResponseCode,
  REPL_RESPONSE_CODES,
  responseCodeInfo,
  responseCodeText389,
  supplierOutcomeOf,
  formatResponseCode,
  responseCodeLabel,
  describeResponseCode,
} from './response-codes.js'
export type { ReplResponseCodeInfo, ReplResponseCodeName, ResponseCodeSource, SupplierOutcome } from './response-codes.js'
export type { TrailingMode, ReplDecodeOptions, ReplEncodeOptions } from './members.js'
export { encodeStartReplicationRequest, decodeStartReplicationRequest } from './start-request.js'
export type { StartReplicationRequest, StartRequestEncodeOptions, StartRequestDecodeOptions, StartRequestRequiredMember } from './start-request.js'
export { encodeReplicationResponse, decodeReplicationResponse, endReplicationResponse } from './response.js'
export type { ReplicationResponse, ResponseEncodeOptions } from './response.js'
export { encodeEndReplicationRequest, decodeEndReplicationRequest } from './end-request.js'
export type { EndReplicationRequest, EndRequestEncodeOptions } from './end-request.js'
export { encodeReplSessionValue } from './value.js'
export type { ReplSessionValue } from './value.js'
