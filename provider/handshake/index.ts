/**
 * The provider's side of the 389-DS style replication session-hook handshake
 * (389ds-session-hooks.md §5; docs/provider.md "Session hooks"). In syncrepl the consumer plays
 * the 389 supplier's hook role; the provider plays the 389 consumer's: recv and reply.
 */
export { HandshakeService, ADVERTISED_OIDS, HANDSHAKE_REQUIRED_MESSAGE, endTreeOnly } from './service.js'
export type { HandshakeServiceOptions } from './service.js'
export { HandshakeLog } from './log.js'
export { HandshakeError } from './errors.js'
export type { HandshakeErrorCode } from './errors.js'
export { normalizeScript, attemptScript, NO_SESSION_HOOKS } from './script.js'
export type { NormalizedScript } from './script.js'
export { decideStart } from './decide.js'
export type { StartDecision, StartInput } from './decide.js'
export { startAnswer, endAnswer, malformedValue, stateAfterAnswer, UNKNOWN_CODE, TRAILING_GARBAGE, LONE_GUID, DEFAULT_RUV } from './answer.js'
export { compareVersions, parseVersion } from './criteria.js'
export { decodePayload } from './payload.js'
export { MALFORMED_VARIANTS } from './types.js'
export type {
  Criterion,
  DecodedPayload,
  HandshakeFault,
  HandshakeRecord,
  HandshakeRequest,
  HandshakeState,
  HandshakeViolation,
  JsonScalar,
  MalformedVariant,
  PayloadCodec,
  PayloadRecord,
  PredicateResult,
  RecvOutcome,
  RecvScript,
  ReplyScript,
  SentResponse,
  SessionHookAttempt,
  SessionHookScript,
} from './types.js'
