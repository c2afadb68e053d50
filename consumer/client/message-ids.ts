import { MAX_MESSAGE_ID } from '../../protocol/index.js'

/** IDs given up on are remembered this long (oldest dropped first). */
const MAX_FORGOTTEN = 10_000

/**
 * Message ID allocation (RFC 4511 §4.1.1.1): IDs count up from 1, wrap before 2^31, and skip any
 * still in use, including IDs of operations we gave up on (abandoned, timed out), whose late
 * responses must be recognised and dropped rather than taken for a new operation's.
 */
export class MessageIds {
  private last = 0
  private readonly forgotten = new Set<number>()

  next(inUse: (id: number) => boolean): number {
    do {
      this.last = this.last >= MAX_MESSAGE_ID ? 1 : this.last + 1
    } while (inUse(this.last) || this.forgotten.has(this.last))
    return this.last
  }

  /** Remembers an operation we stopped waiting for. */
  forget(id: number): void {
    this.forgotten.add(id)
    if (this.forgotten.size > MAX_FORGOTTEN) this.forgotten.delete(this.forgotten.values().next().value as number)
  }

  isForgotten(id: number): boolean {
    return this.forgotten.has(id)
  }
}
