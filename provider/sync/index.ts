/** The sync engine: what an RFC 4533 provider sends, as typed messages (no bytes, no sockets). */
export { SyncEngine } from './engine.js'
export type { SyncEngineOptions } from './engine.js'
export { OPENLDAP_2_5 } from './dialect.js'
export type { DialectKnobs } from './dialect.js'
export { analyseCookie } from './cookie-state.js'
export type { CookieState, CookieVerdict } from './cookie-state.js'
export type { SyncDoneMessage, SyncEntryMessage, SyncInfoMessage, SyncMessage, SyncOperation, SyncPhase, SyncSearchRequest } from './types.js'
