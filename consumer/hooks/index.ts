/**
 * The 389-DS style replication session handshake, consumer side (389ds-session-hooks.md §5):
 * the init / pre / post / destroy hooks, the handshake on the sync connection, its structured
 * error and the §5.6 retry policy.
 */
export { refuse, isHookRefusal } from './types.js'
export type { BackoffOptions, DestroyContext, HookContext, HookPayload, HookRefusal, InitContext, MaybePromise, PostContext, SessionHooks, SessionHooksOptions } from './types.js'
export { cstringPayload, payloadBytes, csn389, startCsn, supplierRuv, DEFAULT_REPLICA_GENERATION } from './payload.js'
export { HandshakeError, HandshakeConfigError } from './errors.js'
export type { HandshakeErrorDetails, HandshakeReason } from './errors.js'
export { DEFAULT_BACKOFF, handshakeRetryPolicy, resolveBackoff, retryDelayMs } from './policy.js'
export type { HandshakeOutcome, HandshakePhase, RetryClass, RetryDecision } from './policy.js'
export { checkStartResponse, checkResponseValue, toleratedBy389 } from './response-check.js'
export type { ResponseCheck } from './response-check.js'
export { SessionAgreement, DEFAULT_HANDSHAKE_TIMEOUT_MS } from './handshake.js'
export type { AcquireOutcome, EndOutcome } from './handshake.js'
export { readSupportedExtensions } from './root-dse.js'
export { runWithHandshakeRetry, retryClassOf } from './retry.js'
export type { HandshakeRetryOptions, RetryInfo } from './retry.js'
export type { HandshakeEvent } from './events.js'
