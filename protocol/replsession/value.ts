import { encodeEndReplicationRequest } from './end-request.js'
import type { EndReplicationRequest } from './end-request.js'
import type { ReplEncodeOptions } from './members.js'
import { encodeReplicationResponse } from './response.js'
import type { ReplicationResponse } from './response.js'
import { encodeStartReplicationRequest } from './start-request.js'
import type { StartReplicationRequest } from './start-request.js'

/** Every replication session value (389ds-session-hooks.md §2.2-§2.4), told apart by `kind`. */
export type ReplSessionValue = StartReplicationRequest | ReplicationResponse | EndReplicationRequest

/**
 * Encodes any replication session value, for callers that hold a scripted value of either kind
 * (the provider's script mode). Only the options every value shares apply here; the shape
 * faults (`ruvTag`, `codeTag`, `omit`) need the value's own encoder.
 */
export function encodeReplSessionValue(value: ReplSessionValue, options: ReplEncodeOptions = {}): Uint8Array {
  switch (value.kind) {
    case 'startReplicationRequest':
      return encodeStartReplicationRequest(value, options)
    case 'replicationResponse':
      return encodeReplicationResponse(value, options)
    case 'endReplicationRequest':
      return encodeEndReplicationRequest(value, options)
    default: {
      const never: never = value
      throw new TypeError(`Unknown replication session value kind ${String((never as { kind: unknown }).kind)}.`)
    }
  }
}
