import type {
  Control,
  IntermediateResponse,
  LdapMessage,
  SearchResultDone,
  SearchResultEntry,
  SearchResultReference,
} from '../../protocol/index.js'
import type { LdapClientError } from './errors.js'

/** One response to a search, as received: the decoded op, the whole message and its raw controls. */
export type SearchItem =
  | { readonly kind: 'entry'; readonly entry: SearchResultEntry; readonly message: LdapMessage; readonly controls: readonly Control[] }
  | { readonly kind: 'reference'; readonly reference: SearchResultReference; readonly message: LdapMessage; readonly controls: readonly Control[] }
  | { readonly kind: 'intermediate'; readonly response: IntermediateResponse; readonly message: LdapMessage; readonly controls: readonly Control[] }
  | { readonly kind: 'done'; readonly result: SearchResultDone; readonly message: LdapMessage; readonly controls: readonly Control[] }
  /** We abandoned the search (RFC 4511 §4.11): the server sends nothing more, so the stream ends here. */
  | { readonly kind: 'abandoned'; readonly messageId: number }

/** What the client gives a SearchOperation to steer the socket and abandon on early exit. */
export interface SearchOperationHost {
  /** The operation's buffer has fallen to its low-water mark (or it ended): reading may resume. */
  relieved(op: SearchOperation): void
  /** The consumer stopped iterating before the end: abandon the search on the server. */
  abandonOnReturn(op: SearchOperation): void
}

interface Waiter {
  readonly resolve: (result: IteratorResult<SearchItem>) => void
  readonly reject: (error: unknown) => void
}

/**
 * The stream of one search's responses (RFC 4511 §4.5.2), consumed with `for await`.
 *
 * It ends after the SearchResultDone item (the server ended the search, whatever its result code)
 * or after an `abandoned` item; it throws an LdapClientError when the search ended for any other
 * reason (CLIENT_CONNECTION_LOST, CLIENT_CLOSED, CLIENT_PROTOCOL_ERROR, CLIENT_TIMEOUT), after
 * handing out what had been received before. Items are buffered until pulled; past the client's
 * high-water mark the client stops reading the socket (so memory stays bounded, and the server's
 * TCP window closes) until the consumer has drained the buffer to the low-water mark.
 *
 * Leaving a `for await` loop early (`break`, `return`, an exception) abandons a search that is
 * still running.
 */
export class SearchOperation implements AsyncIterableIterator<SearchItem> {
  private readonly queue: SearchItem[] = []
  private head = 0
  private readonly waiters: Waiter[] = []
  private ended = false
  private failure: LdapClientError | undefined
  private overHighWater = false
  private peak = 0

  constructor(
    /** The message ID of the SearchRequest: the one to pass to `cancel` or `abandon`. */
    readonly messageId: number,
    private readonly host: SearchOperationHost,
    private readonly highWaterMark: number,
  ) {}

  /** Items received and not yet pulled. */
  get buffered(): number {
    return this.queue.length - this.head
  }

  /** The most items ever buffered at once (to check that a slow consumer stays bounded). */
  get peakBuffered(): number {
    return this.peak
  }

  /** True once no more items will arrive (the buffer may still hold some). */
  get finished(): boolean {
    return this.ended
  }

  /** True while this operation's buffer holds the socket paused. */
  get overflowing(): boolean {
    return this.overHighWater
  }

  /** Client side: delivers one item; returns true when the buffer is now above the high-water mark. */
  push(item: SearchItem): boolean {
    if (this.ended) return false
    if (item.kind === 'done' || item.kind === 'abandoned') this.ended = true
    const waiter = this.waiters.shift()
    if (waiter !== undefined) waiter.resolve({ value: item, done: false })
    else this.queue.push(item)
    if (this.buffered > this.peak) this.peak = this.buffered
    if (!this.overHighWater && !this.ended && this.buffered > this.highWaterMark) this.overHighWater = true
    if (this.ended) this.settleWaiters()
    return this.overHighWater
  }

  /** Client side: ends the stream with an error (thrown after the buffered items). */
  fail(error: LdapClientError): void {
    if (this.ended) return
    this.ended = true
    this.failure = error
    this.settleWaiters()
  }

  next(): Promise<IteratorResult<SearchItem>> {
    if (this.buffered > 0) {
      const item = this.queue[this.head] as SearchItem
      this.head++
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        // Drop the consumed prefix now and then, so the array does not keep every item alive.
        this.queue.splice(0, this.head)
        this.head = 0
      }
      this.checkRelief()
      return Promise.resolve({ value: item, done: false })
    }
    if (this.ended) return this.failure === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.failure)
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  return(): Promise<IteratorResult<SearchItem>> {
    if (!this.ended) this.host.abandonOnReturn(this)
    this.queue.length = 0
    this.head = 0
    this.checkRelief()
    return Promise.resolve({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  /**
   * Pulls everything up to the end and returns it (for finite searches; a refreshAndPersist
   * search only ends when cancelled or abandoned).
   */
  async collect(): Promise<SearchItem[]> {
    const items: SearchItem[] = []
    for await (const item of this) items.push(item)
    return items
  }

  private settleWaiters(): void {
    // Waiters exist only while the buffer is empty, so nothing is pending delivery here.
    for (const w of this.waiters.splice(0)) {
      if (this.failure === undefined) w.resolve({ value: undefined, done: true })
      else w.reject(this.failure)
    }
    this.checkRelief()
  }

  private checkRelief(): void {
    if (!this.overHighWater) return
    // An ended stream cannot grow any more, so it never needs the socket held.
    if (this.buffered <= Math.floor(this.highWaterMark / 2) || this.ended) {
      this.overHighWater = false
      this.host.relieved(this)
    }
  }
}
