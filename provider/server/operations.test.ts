import { describe, expect, it } from 'vitest'
import { ProviderEvents } from './events.js'
import type { OperationEndedEvent } from './events.js'
import { OperationRegistry } from './operations.js'

function setup(): { registry: OperationRegistry; ended: OperationEndedEvent[] } {
  const events = new ProviderEvents(() => 0)
  const ended: OperationEndedEvent[] = []
  events.on('operationEnded', (e) => ended.push(e))
  return { registry: new OperationRegistry(5, events), ended }
}

describe('OperationRegistry', () => {
  it('finishes an operation once, stopping it and reporting the result code', () => {
    const { registry, ended } = setup()
    let stops = 0
    const op = registry.register(2, 'syncSearch', () => stops++)
    expect(op.stopped).toBe(false)
    registry.finish(op, 0)
    registry.finish(op, 0)
    expect(op.stopped).toBe(true)
    expect(stops).toBe(1)
    expect(registry.size).toBe(0)
    expect(ended).toEqual([{ type: 'operationEnded', connectionId: 5, messageId: 2, outcome: 'done', resultCode: 0, time: 0 }])
  })

  it('cancels a running operation, refuses a second Cancel while it is served, then forgets it', () => {
    const { registry, ended } = setup()
    let stops = 0
    const op = registry.register(3, 'syncSearch', () => stops++)
    const decision = registry.cancel(3)
    expect(decision).toEqual({ kind: 'cancel', operation: op })
    expect(op.state).toBe('cancelling')
    expect(stops).toBe(1)
    expect(registry.cancel(3)).toEqual({ kind: 'alreadyCancelling' })
    registry.completeCancel(op, 118)
    expect(registry.cancel(3)).toEqual({ kind: 'noSuchOperation' })
    expect(ended.map((e) => [e.outcome, e.resultCode])).toEqual([['cancelled', 118]])
  })

  it('abandons silently, ignoring unknown IDs and operations being cancelled', () => {
    const { registry, ended } = setup()
    const op = registry.register(4, 'search')
    expect(registry.abandon(99)).toBe(false)
    expect(registry.abandon(4)).toBe(true)
    expect(op.stopped).toBe(true)
    expect(registry.cancel(4)).toEqual({ kind: 'noSuchOperation' })
    const other = registry.register(6, 'search')
    registry.cancel(6)
    expect(registry.abandon(6)).toBe(false)
    expect(other.state).toBe('cancelling')
    expect(ended).toEqual([expect.objectContaining({ messageId: 4, outcome: 'abandoned' })])
    expect(ended[0]).not.toHaveProperty('resultCode')
  })

  it('stops everything when the connection closes', () => {
    const { registry, ended } = setup()
    const stopped: number[] = []
    for (const id of [1, 2, 3]) registry.register(id, 'syncSearch', () => stopped.push(id))
    registry.stopAll()
    expect(stopped).toEqual([1, 2, 3])
    expect(registry.size).toBe(0)
    expect(ended.map((e) => e.outcome)).toEqual(['connectionClosed', 'connectionClosed', 'connectionClosed'])
  })

  it('stops the older operation when a client reuses an outstanding message ID', () => {
    const { registry } = setup()
    const older = registry.register(8, 'search')
    const newer = registry.register(8, 'search')
    expect(older.stopped).toBe(true)
    expect(registry.get(8)).toBe(newer)
  })

  it('keeps going when a stop hook throws', () => {
    const { registry } = setup()
    const op = registry.register(1, 'syncSearch', () => {
      throw new Error('engine broke')
    })
    expect(() => registry.abandon(1)).not.toThrow()
    expect(op.stopped).toBe(true)
  })
})
