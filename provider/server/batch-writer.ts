/**
 * Batches many small LDAPMessages (refresh entries, plain search entries) into one socket write
 * and honours backpressure between batches.
 *
 * The contract that keeps Cancel ordering right: bytes are only ever held in the batch while the
 * caller runs synchronously; every `await` here happens after the batch was handed to the
 * connection's FIFO. So when a Cancel or Abandon is handled (which can only happen while the
 * producer awaits), nothing of the cancelled operation is left unsent in user space.
 */
import { BerWriter } from '../../protocol/ber/index.js'
import type { LdapConnection } from './connection.js'

/** Default batch size: one socket write per ~64 KiB of messages. */
export const BATCH_BYTES = 64 * 1024
/** Without backpressure, let the event loop run (I/O, Cancel, Abandon) after this many bytes. */
const YIELD_BYTES = 1024 * 1024

export class BatchWriter {
  readonly writer: BerWriter
  private sinceYield = 0
  /** A handed-off batch met backpressure: the next flush waits for 'drain'. */
  private mustWait = false

  constructor(
    private readonly connection: LdapConnection,
    private readonly batchBytes: number = BATCH_BYTES,
  ) {
    this.writer = new BerWriter(batchBytes + 4096)
  }

  /** Whether the batch has reached its size. */
  get full(): boolean {
    return this.writer.length >= this.batchBytes
  }

  /** Sends the batch if it is full, or waits if a hand-off met backpressure (call after appending each message). */
  async maybeFlush(): Promise<void> {
    if (this.mustWait || this.writer.length >= this.batchBytes) await this.flush()
  }

  /**
   * Puts whatever is batched into the connection's FIFO now, without waiting: what anyone writes
   * next (a scenario step reacting to the last message) follows it on the wire. The next `flush`
   * waits if the socket asked to.
   */
  handOff(): void {
    if (this.writer.length === 0) return
    const bytes = this.writer.take()
    this.sinceYield += bytes.length
    if (!this.connection.write(bytes)) this.mustWait = true
  }

  /** Sends whatever is batched, then waits while the socket asks to (or briefly yields). */
  async flush(): Promise<void> {
    this.handOff()
    if (this.mustWait) {
      this.mustWait = false
      this.sinceYield = 0
      await this.connection.drained()
      return
    }
    if (this.sinceYield >= YIELD_BYTES) {
      this.sinceYield = 0
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  /** Drops anything batched (the operation was stopped while composing). */
  discard(): void {
    this.writer.reset()
  }
}
