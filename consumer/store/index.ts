/**
 * The reference consumer's replica store: entries by syncUUID plus the sync cookie, committed
 * together atomically (consumer/types.ts). `MemoryStore` for tests and short runs, `FileStore`
 * for a replica that survives restarts and crashes, and human-readable exports for `--dump`.
 */
export { StoreError } from './errors.js'
export type { StoreErrorCode } from './errors.js'
export { MemoryStore } from './memory-store.js'
export { wrapCommit } from './wrap-commit.js'
export type { MemoryStoreOptions, PendingCommit } from './memory-store.js'
export { FileStore, REPLICA_FILE } from './file-store.js'
export { exportJson, exportLdif } from './export.js'
export { REPLICA_FORMAT, REPLICA_VERSION, decodeReplicaFile } from './replica-file.js'
