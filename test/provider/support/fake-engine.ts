/**
 * A scripted stand-in for the sync engine (injected with `engineFactory`): its refresh is a
 * fixed list of messages, and a test pushes persist messages by hand. Records every request and
 * every stop, so tests can check what the server did with it.
 */
import type { SyncEngineLike } from '../../../provider/index.js'
import type { SyncMessage, SyncOperation, SyncSearchRequest } from '../../../provider/sync/types.js'

export class FakeOperation implements SyncOperation {
  stopped = false
  private sink: ((m: SyncMessage) => void) | undefined
  private ended = false

  constructor(
    readonly request: SyncSearchRequest,
    private readonly messages: () => Iterable<SyncMessage>,
    private readonly persist: boolean,
  ) {}

  get persisting(): boolean {
    return this.persist && this.ended && !this.stopped
  }

  refresh(): Iterator<SyncMessage> {
    const self = this
    return (function* () {
      for (const m of self.messages()) {
        if (self.stopped) return
        yield m
      }
      self.ended = true
    })()
  }

  onPersist(send: (message: SyncMessage) => void): void {
    this.sink = send
  }

  /** Pushes a persist message as the engine would on a directory change. */
  push(message: SyncMessage): void {
    if (this.stopped) return
    this.sink?.(message)
  }

  stop(): void {
    this.stopped = true
  }
}

export class FakeEngine implements SyncEngineLike {
  readonly operations: FakeOperation[] = []

  constructor(private readonly script: (request: SyncSearchRequest) => { messages: () => Iterable<SyncMessage>; persist: boolean }) {}

  start(request: SyncSearchRequest): SyncOperation {
    const { messages, persist } = this.script(request)
    const op = new FakeOperation(request, messages, persist)
    this.operations.push(op)
    return op
  }
}

/** `count` add-state entries with distinct UUIDs and a little payload each. */
export function* addEntries(count: number, payloadBytes = 200): Generator<SyncMessage> {
  const filler = 'x'.repeat(payloadBytes)
  for (let i = 0; i < count; i++) {
    const uuid = new Uint8Array(16)
    new DataView(uuid.buffer).setUint32(12, i)
    yield { kind: 'entry', state: 'add', dn: `uid=u${i},ou=people,dc=example,dc=com`, attributes: [{ type: 'uid', vals: [`u${i}`] }, { type: 'description', vals: [filler] }], uuid }
  }
}
