/**
 * `syncrepl-harness/consumer`: the reference RFC 4533 consumer — client, state machine, stores —
 * its python-ldap-style API, and the 389-DS style session hooks (consumer/hooks).
 */
export { SyncreplConsumer } from './consumer.js'
export type { ConnectRetryOptions, PollOptions, PollOutcome, SyncSearchOptions, SyncreplConsumerOptions } from './consumer.js'
export * from './client/index.js'
export * from './store/index.js'
export * from './sync/index.js'
export * from './hooks/index.js'
export type { ReplicaEntry, ReplicaSnapshot, ReplicaStore, ReplicaTransaction, ReplicaValue } from './types.js'
