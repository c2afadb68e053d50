/**
 * `syncrepl-harness/consumer`: the reference RFC 4533 consumer — client, state machine, stores —
 * and its python-ldap-style API.
 */
export { SyncreplConsumer } from './consumer.js'
export type { PollOptions, PollOutcome, SyncSearchOptions, SyncreplConsumerOptions } from './consumer.js'
export * from './client/index.js'
export * from './store/index.js'
export * from './sync/index.js'
export type { ReplicaEntry, ReplicaSnapshot, ReplicaStore, ReplicaTransaction, ReplicaValue } from './types.js'
