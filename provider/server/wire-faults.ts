/**
 * Wire faults: a stage in front of one connection's ordered output that delays, stalls, cuts,
 * repeats, renumbers or pads what the provider writes, or ends the connection (FIN or RST), at
 * an exact position in the byte stream. A scenario (provider/scenario) injects a fault at the
 * moment its trigger fires; the fault then acts on the bytes written after that moment, in
 * order, because the fault itself is queued behind anything still held.
 *
 * While no fault is pending the stage passes writes straight through, synchronously, so a
 * connection that never had a fault behaves exactly as before. When a fault holds bytes back,
 * `write` returns false and `drained` resolves once they are out, so producers wait instead of
 * piling messages up (the same contract as socket backpressure).
 */
import { messageIdOf, splitPdus, withMessageId } from './pdu-units.js'

export type WireFault =
  /** Hold everything written from now on for `ms`, then continue. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Send nothing more (the socket stays open) until the connection closes. */
  | { readonly kind: 'stall' }
  /** End the connection with FIN after what was written before. */
  | { readonly kind: 'close' }
  /** Reset the connection (RST) after what was written before. */
  | { readonly kind: 'reset' }
  /** Send only the first `bytes` octets (default half) of the next unit, then FIN. */
  | { readonly kind: 'truncate'; readonly bytes?: number }
  /** Write every following octet in a write (and a turn of the event loop) of its own. */
  | { readonly kind: 'byteByByte' }
  /** Send the next unit twice. */
  | { readonly kind: 'duplicate' }
  /** Send the next unit with this messageID (default its own + 1). */
  | { readonly kind: 'wrongMessageId'; readonly messageId?: number }
  /** Write these octets just before the next unit. */
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array }

/** How a write is cut into units: LDAPMessages (the default), or one raw unit as given. */
export type WriteUnits = 'pdus' | 'raw'

/** What the stage needs of the connection below it. */
export interface WireSink {
  /** Into the transport; false when the socket asked the writer to wait. */
  write(bytes: Buffer): boolean
  /** Resolves when the transport can take more (at once if it can). */
  drained(): Promise<void>
  /** Resolves once everything written so far was handed to the kernel. */
  flushed(): Promise<void>
  /** FIN. */
  end(): void
  /** RST. */
  reset(): void
  isClosed(): boolean
  /** A sentence for the event log: which fault acted, on what. */
  report(message: string): void
}

type Item =
  /** A unit not yet touched by the pending one-shot faults. */
  | { readonly kind: 'unit'; readonly bytes: Buffer }
  /** Bytes ready for the wire (a unit after the one-shot faults, or garbage). */
  | { readonly kind: 'out'; bytes: Buffer }
  | { readonly kind: 'fault'; readonly fault: WireFault; flushing?: boolean }

type OneShot = Extract<WireFault, { kind: 'truncate' | 'duplicate' | 'wrongMessageId' | 'garbage' }>

export class WireFaults {
  private readonly queue: Item[] = []
  /** One-shot faults waiting for the next unit, in injection order. */
  private readonly pending: OneShot[] = []
  private byteByByte = false
  private stalled = false
  /** After close, reset or truncate: everything later is dropped. */
  private finished = false
  private waiting = false
  private running = false
  private timer: NodeJS.Timeout | undefined
  private wake: (() => void) | undefined
  private readonly drainWaiters: (() => void)[] = []

  constructor(private readonly sink: WireSink) {}

  /**
   * True once a close or reset fault is queued: every byte written from now on is dropped, so
   * the provider must not report such messages as sent (the runner's wire log would show
   * messages the consumer never got).
   */
  get dropsLaterWrites(): boolean {
    return this.finished || this.queue.some((item) => item.kind === 'fault' && (item.fault.kind === 'close' || item.fault.kind === 'reset'))
  }

  /** Bytes held by the stage (for the provider's stats). */
  get heldBytes(): number {
    let n = 0
    for (const item of this.queue) if (item.kind !== 'fault') n += item.bytes.length
    return n
  }

  /** Queues a fault behind everything written before it. */
  inject(fault: WireFault): void {
    if (this.finished) return
    this.queue.push({ kind: 'fault', fault })
    this.run()
  }

  /** Writes bytes through the stage; false when the caller should await `drained()`. */
  write(bytes: Buffer, units: WriteUnits = 'pdus'): boolean {
    if (this.finished) return true
    if (this.passThrough) return this.sink.write(bytes)
    for (const bytesOfUnit of units === 'raw' ? [bytes] : splitPdus(bytes)) this.queue.push({ kind: 'unit', bytes: bytesOfUnit })
    this.run()
    return !this.waiting && this.queue.length === 0
  }

  /** Resolves when the stage holds nothing and the transport can take more (never while stalled). */
  drained(): Promise<void> {
    if (this.finished || this.sink.isClosed()) return Promise.resolve()
    if (!this.waiting && this.queue.length === 0) return this.sink.drained()
    return new Promise((resolve) => this.drainWaiters.push(resolve))
  }

  /** The connection closed: drop what is held, cancel timers, release every waiter. */
  dispose(): void {
    this.finished = true
    this.queue.length = 0
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.wake?.()
    this.settle()
  }

  private get passThrough(): boolean {
    return this.queue.length === 0 && !this.waiting && this.pending.length === 0 && !this.byteByByte && !this.stalled
  }

  /** Processes the queue synchronously until something has to wait (a timer, the socket, a stall). */
  private run(): void {
    if (this.running || this.waiting) return
    this.running = true
    try {
      while (!this.waiting && this.queue.length > 0) {
        if (this.finished || this.sink.isClosed()) {
          this.queue.length = 0
          break
        }
        if (this.stalled) break
        this.step(this.queue[0] as Item)
      }
    } finally {
      this.running = false
    }
    if (!this.waiting && (this.queue.length === 0 || this.finished)) this.settle()
  }

  private step(item: Item): void {
    switch (item.kind) {
      case 'fault':
        return this.apply(item)
      case 'unit':
        this.queue.splice(0, 1, ...this.shape(item.bytes))
        return
      case 'out':
        return this.emit(item)
      default: {
        const never: never = item
        throw new Error(`Unknown wire item ${JSON.stringify(never)}.`)
      }
    }
  }

  private apply(item: Extract<Item, { kind: 'fault' }>): void {
    const fault = item.fault
    switch (fault.kind) {
      case 'delay':
        this.queue.shift()
        this.sink.report(`wire fault delay: holding everything written from now on for ${fault.ms} ms`)
        this.pause(new Promise((resolve) => {
          this.timer = setTimeout(resolve, fault.ms)
        }))
        return
      case 'stall':
        this.queue.shift()
        this.stalled = true
        this.sink.report('wire fault stall: nothing more is sent on this connection')
        return
      case 'close':
        this.queue.length = 0
        this.finished = true
        this.sink.report('wire fault close: the connection is closed (FIN)')
        this.sink.end()
        return
      case 'reset':
        // An RST discards what the kernel still holds, so wait until the earlier bytes left.
        if (item.flushing !== true) {
          item.flushing = true
          this.pause(this.sink.flushed())
          return
        }
        this.queue.length = 0
        this.finished = true
        this.sink.report('wire fault reset: the connection is reset (RST)')
        this.sink.reset()
        return
      case 'byteByByte':
        this.queue.shift()
        this.byteByByte = true
        this.sink.report('wire fault byteByByte: every following octet goes out in a write of its own')
        return
      case 'truncate':
      case 'duplicate':
      case 'wrongMessageId':
      case 'garbage':
        this.queue.shift()
        this.pending.push(fault)
        return
      default: {
        const never: never = fault
        throw new Error(`Unknown wire fault ${JSON.stringify(never)}.`)
      }
    }
  }

  /** The next unit after the pending one-shot faults: what goes on the wire in its place. */
  private shape(unit: Buffer): Item[] {
    const faults = this.pending.splice(0)
    if (faults.length === 0) return [{ kind: 'out', bytes: unit }]
    const before: Item[] = []
    let bytes = unit
    let copies = 1
    let cut: number | undefined
    for (const fault of faults) {
      switch (fault.kind) {
        case 'garbage':
          before.push({ kind: 'out', bytes: Buffer.from(fault.bytes) })
          this.sink.report(`wire fault garbage: ${fault.bytes.length} octets written before the next message`)
          break
        case 'wrongMessageId': {
          const own = messageIdOf(bytes)
          const id = fault.messageId ?? (own === undefined ? undefined : own + 1)
          const renumbered = id === undefined ? undefined : withMessageId(bytes, id)
          if (renumbered === undefined) {
            this.sink.report('wire fault wrongMessageId: the next unit is not an LDAPMessage, so it was sent unchanged')
          } else {
            this.sink.report(`wire fault wrongMessageId: message ${String(own)} sent as message ${id}`)
            bytes = renumbered
          }
          break
        }
        case 'duplicate':
          copies++
          this.sink.report(`wire fault duplicate: the next message (${bytes.length} octets) is sent twice`)
          break
        case 'truncate':
          cut = Math.min(fault.bytes ?? Math.floor(bytes.length / 2), bytes.length)
          break
        default: {
          const never: never = fault
          throw new Error(`Unknown one-shot fault ${JSON.stringify(never)}.`)
        }
      }
    }
    if (cut !== undefined) {
      this.sink.report(`wire fault truncate: ${cut} of ${bytes.length} octets of the next message are sent, then the connection is closed (FIN)`)
      return [...before, { kind: 'out', bytes: bytes.subarray(0, cut) }, { kind: 'fault', fault: { kind: 'close' } }]
    }
    const out: Item[] = [...before]
    for (let i = 0; i < copies; i++) out.push({ kind: 'out', bytes })
    return out
  }

  private emit(item: Extract<Item, { kind: 'out' }>): void {
    if (!this.byteByByte || item.bytes.length <= 1) {
      this.queue.shift()
      if (item.bytes.length > 0 && !this.sink.write(item.bytes)) this.pause(this.sink.drained())
      return
    }
    const ok = this.sink.write(item.bytes.subarray(0, 1))
    item.bytes = item.bytes.subarray(1)
    // A turn of the event loop between octets, so each leaves in a segment of its own.
    this.pause(ok ? new Promise((resolve) => setImmediate(resolve)) : this.sink.drained())
  }

  private pause(until: Promise<unknown>): void {
    this.waiting = true
    let resumed = false
    const resume = (): void => {
      if (resumed) return
      resumed = true
      this.wake = undefined
      this.timer = undefined
      this.waiting = false
      this.run()
    }
    this.wake = resume
    void until.then(resume, resume)
  }

  private settle(): void {
    if (this.waiting) return
    const waiters = this.drainWaiters.splice(0)
    if (waiters.length === 0) return
    const release = (): void => {
      for (const w of waiters) w()
    }
    if (this.finished || this.sink.isClosed()) release()
    else void this.sink.drained().then(release, release)
  }
}
