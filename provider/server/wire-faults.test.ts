import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeMessage } from '../../protocol/index.js'
import { WireFaults } from './wire-faults.js'
import type { WireSink } from './wire-faults.js'

const pdu = (messageId: number): Buffer => encodeMessage({ messageId, op: { kind: 'unbindRequest' } })

/** A sink that records every write and every end, and can refuse writes (backpressure). */
class FakeSink implements WireSink {
  readonly writes: Buffer[] = []
  readonly events: string[] = []
  closed = false
  full = false
  private release: (() => void) | undefined
  private flush: (() => void) | undefined

  write(bytes: Buffer): boolean {
    this.writes.push(Buffer.from(bytes))
    return !this.full
  }
  drained(): Promise<void> {
    if (!this.full) return Promise.resolve()
    return new Promise((resolve) => (this.release = resolve))
  }
  flushed(): Promise<void> {
    return new Promise((resolve) => (this.flush = resolve))
  }
  end(): void {
    this.events.push('end')
  }
  reset(): void {
    this.events.push('reset')
  }
  isClosed(): boolean {
    return this.closed
  }
  report(message: string): void {
    this.events.push(message)
  }
  drain(): void {
    this.full = false
    this.release?.()
  }
  flushDone(): void {
    this.flush?.()
  }
  get bytes(): Buffer {
    return Buffer.concat(this.writes)
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('WireFaults', () => {
  it('passes writes straight through while no fault is pending', () => {
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    const batch = Buffer.concat([pdu(1), pdu(2)])
    expect(stage.write(batch)).toBe(true)
    expect(sink.writes).toEqual([batch])
  })

  it('duplicate, wrongMessageId and garbage act on the next message only, in injection order', () => {
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    stage.inject({ kind: 'garbage', bytes: Uint8Array.of(0xde, 0xad) })
    stage.inject({ kind: 'wrongMessageId', messageId: 9 })
    stage.inject({ kind: 'duplicate' })
    expect(stage.write(Buffer.concat([pdu(1), pdu(2)]))).toBe(true)
    expect(sink.bytes).toEqual(Buffer.concat([Buffer.of(0xde, 0xad), pdu(9), pdu(9), pdu(2)]))
    // Afterwards the stage is transparent again.
    stage.write(pdu(3))
    expect(sink.writes.at(-1)).toEqual(pdu(3))
  })

  it('truncate sends the first octets of the next message, then ends; later writes are dropped', () => {
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    stage.inject({ kind: 'truncate', bytes: 3 })
    stage.write(Buffer.concat([pdu(1), pdu(2)]))
    stage.write(pdu(3))
    expect(sink.bytes).toEqual(pdu(1).subarray(0, 3))
    expect(sink.events.filter((e) => e === 'end')).toEqual(['end'])
  })

  it('raw writes are one unit whatever they hold', () => {
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    stage.inject({ kind: 'duplicate' })
    stage.write(Buffer.from('30 not ber'), 'raw')
    expect(sink.bytes.toString()).toBe('30 not ber30 not ber')
  })

  it('delay holds everything written after it, in order, and releases it after the time', async () => {
    vi.useFakeTimers()
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    stage.write(pdu(1))
    stage.inject({ kind: 'delay', ms: 100 })
    expect(stage.write(pdu(2))).toBe(false)
    const drained = stage.drained()
    expect(sink.writes).toEqual([pdu(1)])
    await vi.advanceTimersByTimeAsync(99)
    expect(sink.writes).toEqual([pdu(1)])
    await vi.advanceTimersByTimeAsync(1)
    expect(sink.writes).toEqual([pdu(1), pdu(2)])
    await drained
  })

  it('stall keeps everything and never drains until disposed', async () => {
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    stage.inject({ kind: 'stall' })
    expect(stage.write(pdu(1))).toBe(false)
    expect(stage.heldBytes).toBe(pdu(1).length)
    let drained = false
    const waiting = stage.drained().then(() => (drained = true))
    await new Promise(setImmediate)
    expect(drained).toBe(false)
    stage.dispose()
    await waiting
    expect(sink.writes).toEqual([])
  })

  it('reset waits until the earlier octets reached the kernel, then resets', async () => {
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    stage.write(pdu(1))
    stage.inject({ kind: 'reset' })
    expect(sink.events).toEqual([])
    sink.flushDone()
    await new Promise(setImmediate)
    expect(sink.events).toEqual(['wire fault reset: the connection is reset (RST)', 'reset'])
  })

  it('byteByByte writes one octet per write, waiting for the socket when it is full', async () => {
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    stage.inject({ kind: 'byteByByte' })
    expect(stage.write(pdu(1))).toBe(false)
    await stage.drained()
    expect(sink.writes.map((w) => w.length)).toEqual(Array(pdu(1).length).fill(1))
    expect(sink.bytes).toEqual(pdu(1))
    sink.full = true
    stage.write(pdu(2))
    const before = sink.writes.length
    await new Promise(setImmediate)
    expect(sink.writes.length).toBe(before)
    sink.drain()
    await stage.drained()
    expect(sink.bytes).toEqual(Buffer.concat([pdu(1), pdu(2)]))
  })

  it('with backpressure from the socket, write returns false and drained waits for it', async () => {
    const sink = new FakeSink()
    const stage = new WireFaults(sink)
    stage.inject({ kind: 'duplicate' })
    sink.full = true
    expect(stage.write(Buffer.concat([pdu(1), pdu(2)]))).toBe(false)
    expect(sink.writes).toEqual([pdu(1)])
    sink.drain()
    await stage.drained()
    expect(sink.writes).toEqual([pdu(1), pdu(1), pdu(2)])
  })
})
