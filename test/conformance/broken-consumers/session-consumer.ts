/**
 * The two ways a broken variant is built (ReferenceDriver's `consumerClass` and `createStore`):
 * a SyncreplConsumer whose `createSession` returns a SyncSession subclass changing one rule, or
 * the reference consumer over a store that keeps the replica wrongly. Either way the variant is
 * driven exactly as the reference consumer is, so any FAIL it earns is the one rule's doing.
 */
import { SyncreplConsumer } from '../../../consumer/index.js'
import type { ReplicaSnapshot, ReplicaStore, SyncSession, SyncSessionOptions } from '../../../consumer/index.js'
import { ReferenceDriver } from '../../../tools/conform/drivers/reference.js'

/** A SyncreplConsumer class whose sync operations run `Session` instead of SyncSession. */
export function consumerWithSession(Session: new (options: SyncSessionOptions) => SyncSession): typeof SyncreplConsumer {
  return class extends SyncreplConsumer {
    protected override createSession(options: SyncSessionOptions): SyncSession {
      return new Session(options)
    }
  }
}

export interface BrokenParts {
  readonly consumerClass?: typeof SyncreplConsumer
  readonly createStore?: (saved: ReplicaSnapshot | undefined) => ReplicaStore
}

/** The in-process driver of a broken variant, named `broken:<name>` in reports. */
export function brokenDriver(name: string, parts: BrokenParts): ReferenceDriver {
  return new ReferenceDriver({
    name: `broken:${name}`,
    ...(parts.consumerClass === undefined ? {} : { consumerClass: parts.consumerClass }),
    ...(parts.createStore === undefined ? {} : { createStore: parts.createStore }),
  })
}
