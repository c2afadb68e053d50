/**
 * `syncrepl-harness/protocol`: the pure wire codecs shared by the provider, the consumer and the
 * runner. No sockets, timers or files here.
 *
 * DN functions have generic names (`parse`, `equals`, `parent` …), so they come as the `DN`
 * namespace; the 389-DS replication session values likewise as `ReplSession`.
 */
export * from './errors.js'
export * from './ber/index.js'
export * from './ldap/index.js'
export * from './sync/index.js'
// Both layers define MessageID's bound; it is the same RFC 4511 constant.
export { MAX_MESSAGE_ID } from './ldap/index.js'
export * as DN from './dn/index.js'
export * as ReplSession from './replsession/index.js'
export { describeMessage, describeControl, describeSyncInfo } from './describe-message.js'
export type { DescribeOptions } from './describe-message.js'
