/** The reference consumer's RFC 4533 state machine (rfc4533.md §2.6). */
export { SyncSession } from './session.js'
export type { SyncEvent, SyncSessionOptions, SyncStep } from './session.js'
export { SyncProtocolError } from './errors.js'
export type { SyncProtocolErrorCode } from './errors.js'
export { nextCookie } from './cookie-policy.js'
