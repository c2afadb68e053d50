import { BerError, LdapDecodeError, hexTag } from '../errors.js'

export interface FramerOptions {
  /**
   * Largest LDAPMessage accepted, in octets (header included). A peer announcing more is
   * refused before anything is buffered, so a hostile length cannot make us allocate it.
   * Default 64 MiB: far above any real entry, far below what would hurt the process.
   */
  maxPduSize?: number
}

/** Longest long-form length we read: 0x88 plus eight octets (leading zeros are legal BER). */
const MAX_LENGTH_OCTETS = 8

/**
 * Streaming LDAP framing: feed arbitrary chunks of a byte stream, get whole LDAPMessages.
 *
 * A PDU may arrive split over any number of chunks (down to one byte each), and one chunk may
 * hold many PDUs. Whole PDUs inside a chunk are returned as views of that chunk (no copy); a PDU
 * spanning chunks is assembled once into a buffer of its exact size (no quadratic
 * re-concatenation). The framer only reads each PDU's outer tag and length; decoding is
 * `decodeMessage`'s job.
 *
 * After a framing error the stream has lost synchronisation and cannot be recovered (RFC 4511
 * §4.1.1: the server should then send a Notice of Disconnection and close), so every later
 * `push` throws the same error. Errors carry the stream offset of the offending PDU.
 *
 * Whole PDUs that precede the fault in the same chunk are still delivered — a peer's good
 * requests are served before its garbage ends the connection, as a real server reads them — so
 * when `push` has PDUs to return it returns them and leaves the error in `error`, to be thrown
 * by the next `push` or `end`. Callers check `error` after handling what `push` returned.
 */
export class LdapFramer {
  private readonly maxPduSize: number
  /** Header octets of a PDU whose header itself is split across chunks. */
  private readonly header = new Uint8Array(2 + MAX_LENGTH_OCTETS)
  private headerFill = 0
  /** The PDU being assembled across chunks, allocated at its exact final size. */
  private partial: Buffer | null = null
  private partialFill = 0
  /** Stream offset of the first octet of the PDU being read. */
  private pduOffset = 0
  private failure: Error | null = null

  constructor(options: FramerOptions = {}) {
    this.maxPduSize = options.maxPduSize ?? 64 * 1024 * 1024
  }

  /** The framing error, once the stream has lost synchronisation; undefined until then. */
  get error(): Error | undefined {
    return this.failure ?? undefined
  }

  /** Octets received that do not yet form a whole PDU. */
  get buffered(): number {
    return this.partial ? this.partialFill : this.headerFill
  }

  /** Feeds one chunk; returns the PDUs it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure) throw this.failure
    const out: Uint8Array[] = []
    try {
      this.scan(chunk, out)
    } catch (error) {
      // `fail` has recorded it; PDUs completed before the fault are still delivered.
      if (out.length === 0 || this.failure === null) throw error
    }
    return out
  }

  private scan(chunk: Uint8Array, out: Uint8Array[]): void {
    let p = 0
    const n = chunk.length
    while (p < n) {
      if (this.partial) {
        const need = this.partial.length - this.partialFill
        const take = Math.min(need, n - p)
        this.partial.set(chunk.subarray(p, p + take), this.partialFill)
        this.partialFill += take
        p += take
        if (this.partialFill === this.partial.length) {
          out.push(this.partial)
          this.partial = null
          this.pduOffset += this.partialFill
        }
        continue
      }
      if (this.headerFill === 0) {
        // Fast path: the whole header is in this chunk.
        const h = this.readHeader(chunk, p, n)
        if (h !== undefined) {
          const total = h.headerLength + h.contentLength
          if (n - p >= total) {
            out.push(chunk.subarray(p, p + total))
            p += total
            this.pduOffset += total
          } else {
            this.partial = Buffer.allocUnsafe(total)
            this.partial.set(chunk.subarray(p, n), 0)
            this.partialFill = n - p
            p = n
          }
          continue
        }
      }
      // Slow path: the header is split; gather it octet by octet (at most ten octets).
      this.header[this.headerFill++] = chunk[p++] as number
      const h = this.readHeader(this.header, 0, this.headerFill)
      if (h !== undefined) {
        const total = h.headerLength + h.contentLength
        this.partial = Buffer.allocUnsafe(total)
        this.partial.set(this.header.subarray(0, this.headerFill), 0)
        this.partialFill = this.headerFill
        this.headerFill = 0
        if (this.partialFill === total) {
          out.push(this.partial)
          this.partial = null
          this.pduOffset += total
        }
      }
    }
  }

  /**
   * Declares the end of the stream. Throws if a PDU was cut off, so a peer that closes in the
   * middle of a message is reported rather than silently ignored.
   */
  end(): void {
    if (this.failure) throw this.failure
    if (this.buffered > 0) {
      throw new BerError(
        'BER_TRUNCATED',
        `The stream ended in the middle of an LDAPMessage that started at stream offset ${this.pduOffset} (${this.buffered} octets received).`,
        { offset: this.pduOffset },
      )
    }
  }

  /**
   * Parses tag and length at `start`; undefined if more octets are needed. Throws (and poisons
   * the framer) on anything that cannot start an LDAPMessage.
   */
  private readHeader(buf: Uint8Array, start: number, end: number): { headerLength: number; contentLength: number } | undefined {
    const tag = buf[start] as number
    if (tag !== 0x30) {
      this.fail(
        new LdapDecodeError(
          'LDAP_BAD_MESSAGE',
          `Expected an LDAPMessage (tag 0x30) at stream offset ${this.pduOffset}, found tag ${hexTag(tag)}; the stream is not LDAP or has lost synchronisation.`,
          { offset: this.pduOffset, tag },
        ),
      )
    }
    if (end - start < 2) return undefined
    const first = buf[start + 1] as number
    if (first < 0x80) return { headerLength: 2, contentLength: first }
    const octets = first & 0x7f
    if (octets === 0) {
      this.fail(
        new BerError('BER_INDEFINITE_LENGTH', `The LDAPMessage at stream offset ${this.pduOffset} uses the indefinite length form, which LDAP forbids (RFC 4511 §5.1).`, { offset: this.pduOffset, tag }),
      )
    }
    if (octets > MAX_LENGTH_OCTETS) {
      this.fail(
        new BerError('BER_LENGTH_TOO_LARGE', `The LDAPMessage at stream offset ${this.pduOffset} announces ${octets} length octets; no real length needs more than ${MAX_LENGTH_OCTETS}.`, { offset: this.pduOffset, tag }),
      )
    }
    if (end - start < 2 + octets) return undefined
    let len = 0
    for (let i = 0; i < octets; i++) len = len * 256 + (buf[start + 2 + i] as number)
    if (len + 2 + octets > this.maxPduSize) {
      this.fail(
        new LdapDecodeError(
          'LDAP_PDU_TOO_LARGE',
          `The LDAPMessage at stream offset ${this.pduOffset} announces ${len} content octets, more than the limit of ${this.maxPduSize} octets per message.`,
          { offset: this.pduOffset, tag },
        ),
      )
    }
    return { headerLength: 2 + octets, contentLength: len }
  }

  private fail(err: Error): never {
    this.failure = err
    throw err
  }
}
