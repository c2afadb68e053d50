/**
 * Every handshake exchange and every refused sync search of a provider run, for assertions
 * (389ds-session-hooks.md §5.5: `expectHandshakes(n)`, `lastHandshake()`,
 * `syncSearchesAfterRejection() === 0`). The same records travel in the `handshake` and
 * `handshakeViolation` events.
 */
import { HandshakeError } from './errors.js'
import type { HandshakeRecord, HandshakeState, HandshakeViolation } from './types.js'

export class HandshakeLog {
  private readonly all: HandshakeRecord[] = []
  private readonly refused: HandshakeViolation[] = []

  /** @param state the current state of a connection (the service's table). */
  constructor(private readonly state: (connectionId: number) => HandshakeState) {}

  /** Start and End exchanges, in the order they were answered. */
  get records(): readonly HandshakeRecord[] {
    return this.all
  }

  /** Start exchanges only. */
  get starts(): readonly HandshakeRecord[] {
    return this.all.filter((r) => r.kind === 'start')
  }

  /** End exchanges only. */
  get ends(): readonly HandshakeRecord[] {
    return this.all.filter((r) => r.kind === 'end')
  }

  /** Sync searches refused with 53 for want of an accepted handshake. */
  get violations(): readonly HandshakeViolation[] {
    return this.refused
  }

  /** The most recent Start exchange. */
  last(): HandshakeRecord | undefined {
    for (let i = this.all.length - 1; i >= 0; i--) if (this.all[i]?.kind === 'start') return this.all[i]
    return undefined
  }

  /** A connection's handshake state now (`none` for connections never seen). */
  stateOf(connectionId: number): HandshakeState {
    return this.state(connectionId)
  }

  /** Sync searches that arrived on a connection whose handshake had been refused. */
  syncSearchesAfterRejection(): number {
    return this.refused.filter((v) => v.state === 'rejected').length
  }

  /**
   * The Start exchanges, after checking there are exactly `n`.
   *
   * @throws HandshakeError HANDSHAKE_COUNT_MISMATCH listing what was recorded.
   */
  expectHandshakes(n: number): readonly HandshakeRecord[] {
    const starts = this.starts
    if (starts.length !== n) {
      const seen = starts.map((r) => `connection ${r.connectionId} attempt ${r.attempt ?? '?'}: ${r.codeLabel}`).join('; ')
      throw new HandshakeError('HANDSHAKE_COUNT_MISMATCH', `Expected ${n} Start exchange(s), but the provider recorded ${starts.length}${seen === '' ? '' : ` (${seen})`}.`)
    }
    return starts
  }

  /** @internal The service records here. */
  add(record: HandshakeRecord): void {
    this.all.push(record)
  }

  /** @internal */
  addViolation(violation: HandshakeViolation): void {
    this.refused.push(violation)
  }
}
