/**
 * The Duplex ldapjs believes is its socket (ldapjs-findings.md §6 "Conn"). ldapjs binds its
 * parser, its writes and its listeners to whatever `server.newConnection` receives; handing it
 * this object instead of the TCP socket means:
 *
 * - ldapjs's writes (`res.end()`, its error replies) land in `sink.write`, i.e. the connection's
 *   one ordered FIFO, synchronously and in order (the write callback is called at once, so the
 *   Duplex never buffers behind the FIFO's back);
 * - ldapjs never reads the socket: the connection frames and decodes every request first and
 *   feeds whole, valid PDUs to ldapjs's parser itself;
 * - the TLS switch of StartTLS happens below this object, invisible to ldapjs.
 */
import { Duplex } from 'node:stream'

export interface LdapjsDuplexSink {
  /** Bytes ldapjs wrote. */
  write(bytes: Buffer): void
  /** ldapjs ended the stream (it does after an unbind it handled itself). */
  end(): void
  /** ldapjs destroyed the stream (it does on errors it detected). */
  destroy(): void
}

export class LdapjsDuplex extends Duplex {
  /** ldapjs reads these in setupConnection to name the connection in its logs. */
  readonly remoteAddress: string
  readonly remotePort: number

  constructor(
    private readonly sink: LdapjsDuplexSink,
    remoteAddress: string,
    remotePort: number,
  ) {
    super({ allowHalfOpen: false })
    this.remoteAddress = remoteAddress
    this.remotePort = remotePort
  }

  override _read(): void {
    // Nothing to do: requests reach ldapjs's parser directly (see the file comment).
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sink.write(chunk)
    callback()
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sink.end()
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.sink.destroy()
    callback(error)
  }
}
