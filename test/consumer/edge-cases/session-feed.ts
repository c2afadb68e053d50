/**
 * The consumer's state machine (SyncSession) over a real MemoryStore, fed without a socket, for
 * the edge-case tests that must look at the store between two messages: either frames built by
 * test/support/scripted-sync-server.ts (exact bytes, decoded by our codec), or our engine's
 * messages encoded and decoded as on the wire, with a hook between two refresh messages.
 */
import { BerWriter, decodeMessage, parseFilter } from '../../../protocol/index.js'
import { parse as parseDn } from '../../../protocol/dn/index.js'
import type { Directory } from '../../../provider/directory/index.js'
import type { Change } from '../../../provider/directory/index.js'
import { SyncEngine } from '../../../provider/sync/index.js'
import type { DialectKnobs, SyncMessage } from '../../../provider/sync/index.js'
import { writeSyncMessage } from '../../../provider/server/encode-sync.js'
import { SyncSession } from '../../../consumer/sync/index.js'
import type { SyncEvent, SyncStep } from '../../../consumer/sync/index.js'
import type { ReplicaStore } from '../../../consumer/types.js'
import { SUFFIX } from './people.js'

export interface FedSession {
  readonly session: SyncSession
  readonly events: SyncEvent[]
  /** Handles the frames in order; returns the steps. */
  feed(...frames: Uint8Array[]): Promise<SyncStep[]>
}

/** A session over `store` whose request carried `requestCookie`; the committed cookie is the store's. */
export async function openSession(store: ReplicaStore, mode: 'refreshOnly' | 'refreshAndPersist', requestCookie: Uint8Array | undefined): Promise<FedSession> {
  const events: SyncEvent[] = []
  const committedCookie = (await store.load()).cookie
  const session = new SyncSession({ mode, requestCookie, committedCookie, begin: () => store.begin(), onEvent: (e) => events.push(e) })
  return {
    session,
    events,
    async feed(...frames) {
      const steps: SyncStep[] = []
      for (const frame of frames) steps.push(await session.handle(decodeMessage(frame)))
      return steps
    },
  }
}

export interface EngineSyncOptions {
  readonly mode?: 'refreshOnly' | 'refreshAndPersist'
  /** The request cookie; default the store's committed cookie, `null` for none. */
  readonly cookie?: Uint8Array | null
  readonly base?: string
  readonly filter?: string
  readonly knobs?: Partial<DialectKnobs>
  readonly sizeLimit?: number
  /** Called after each refresh message has been handled, before the engine makes the next. */
  readonly between?: (message: SyncMessage, index: number) => void
}

export interface EngineRun {
  readonly steps: SyncStep[]
  readonly events: SyncEvent[]
  /** What the engine sent, in order (refresh, then persist). */
  readonly messages: SyncMessage[]
  /** Applies a change (if given) and hands the persist messages waiting to the session. */
  persist(change?: Change): Promise<SyncStep[]>
  stop(): void
}

/** One sync operation of our engine against `store`, every message through the codec. */
export async function syncWithEngine(d: Directory, store: ReplicaStore, options: EngineSyncOptions = {}): Promise<EngineRun> {
  const mode = options.mode ?? 'refreshOnly'
  const cookie = options.cookie === null ? undefined : options.cookie ?? (await store.load()).cookie
  const op = new SyncEngine(d, { dialect: options.knobs ?? {} }).start({
    messageId: 2,
    base: parseDn(options.base ?? SUFFIX),
    scope: 'sub',
    filter: parseFilter(options.filter ?? '(objectClass=*)'),
    attributes: [],
    sizeLimit: options.sizeLimit ?? 0,
    sync: { kind: 'syncRequest', mode, reloadHint: false, ...(cookie === undefined ? {} : { cookie }) },
  })
  const fed = await openSession(store, mode, cookie)
  const messages: SyncMessage[] = []
  const steps: SyncStep[] = []
  const refresh = op.refresh()
  for (let r = refresh.next(); !r.done; r = refresh.next()) {
    messages.push(r.value)
    steps.push(await fed.session.handle(wire(r.value)))
    options.between?.(r.value, messages.length - 1)
    if (r.value.kind === 'done') break // the server stops at the first Done, and so do we
  }
  const queue: SyncMessage[] = []
  if (mode === 'refreshAndPersist') op.onPersist((m) => queue.push(m))
  return {
    steps,
    events: fed.events,
    messages,
    async persist(change) {
      if (change !== undefined) d.apply(change)
      const out: SyncStep[] = []
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        messages.push(m)
        out.push(await fed.session.handle(wire(m)))
      }
      return out
    },
    stop: () => op.stop(),
  }
}

/** One engine message as the wire carries it. */
function wire(m: SyncMessage): ReturnType<typeof decodeMessage> {
  const w = new BerWriter(1024)
  writeSyncMessage(w, 2, m)
  return decodeMessage(w.toBuffer())
}
