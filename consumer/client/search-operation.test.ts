import { describe, expect, it } from 'vitest'
import type { LdapMessage } from '../../protocol/index.js'
import { LdapClientError } from './errors.js'
import { SearchOperation } from './search-operation.js'
import type { SearchItem, SearchOperationHost } from './search-operation.js'

interface CountingHost extends SearchOperationHost {
  readonly counts: { relieved: number; abandoned: number }
}

function host(): CountingHost {
  const counts = { relieved: 0, abandoned: 0 }
  return {
    counts,
    relieved: () => void counts.relieved++,
    abandonOnReturn: () => void counts.abandoned++,
  }
}

function entry(n: number): SearchItem {
  const op = { kind: 'searchResultEntry', objectName: `cn=${n}`, attributes: [] } as const
  const message: LdapMessage = { messageId: 1, op, controls: [] }
  return { kind: 'entry', entry: op, message, controls: [] }
}

function done(): SearchItem {
  const op = { kind: 'searchResultDone', resultCode: 0, matchedDN: '', diagnosticMessage: '' } as const
  return { kind: 'done', result: op, message: { messageId: 1, op, controls: [] }, controls: [] }
}

describe('SearchOperation', () => {
  it('hands out buffered items in order, then ends after the done', async () => {
    const op = new SearchOperation(1, host(), 10)
    op.push(entry(1))
    op.push(entry(2))
    op.push(done())
    expect(op.finished).toBe(true)
    expect((await op.collect()).map((i) => i.kind)).toEqual(['entry', 'entry', 'done'])
    expect(await op.next()).toEqual({ value: undefined, done: true })
  })

  it('wakes a waiting consumer, and ignores items after the end', async () => {
    const op = new SearchOperation(1, host(), 10)
    const pending = op.next()
    op.push(entry(1))
    expect((await pending).value).toMatchObject({ kind: 'entry', entry: { objectName: 'cn=1' } })
    const last = op.next()
    op.push({ kind: 'abandoned', messageId: 1 })
    expect((await last).value).toEqual({ kind: 'abandoned', messageId: 1 })
    op.push(entry(2))
    expect(op.buffered).toBe(0)
  })

  it('throws the failure after the items received before it, to every waiter', async () => {
    const op = new SearchOperation(1, host(), 10)
    op.push(entry(1))
    op.fail(new LdapClientError('CLIENT_CONNECTION_LOST', 'Lost.'))
    expect((await op.next()).value).toMatchObject({ kind: 'entry' })
    await expect(op.next()).rejects.toMatchObject({ code: 'CLIENT_CONNECTION_LOST' })
    const other = new SearchOperation(2, host(), 10)
    const a = other.next()
    const b = other.next()
    other.fail(new LdapClientError('CLIENT_CLOSED', 'Closed.'))
    await expect(a).rejects.toMatchObject({ code: 'CLIENT_CLOSED' })
    await expect(b).rejects.toMatchObject({ code: 'CLIENT_CLOSED' })
  })

  it('reports crossing the high-water mark, and relief at half of it', async () => {
    const h = host()
    const op = new SearchOperation(1, h, 4)
    const over = [1, 2, 3, 4, 5].map((n) => op.push(entry(n)))
    expect(over).toEqual([false, false, false, false, true])
    expect(op.overflowing).toBe(true)
    await op.next()
    await op.next()
    expect(h.counts.relieved).toBe(0)
    await op.next()
    expect(op.buffered).toBe(2)
    expect(h.counts.relieved).toBe(1)
    expect(op.overflowing).toBe(false)
    expect(op.peakBuffered).toBe(5)
  })

  it('releases the socket once the stream has ended, even with items unread', () => {
    const h = host()
    const op = new SearchOperation(1, h, 2)
    op.push(entry(1))
    op.push(entry(2))
    expect(op.push(entry(3))).toBe(true)
    op.push(done())
    expect(h.counts.relieved).toBe(1)
  })

  it('abandons a running search when the consumer leaves the loop early, not a finished one', async () => {
    const h = host()
    const op = new SearchOperation(1, h, 10)
    op.push(entry(1))
    for await (const _ of op) break
    expect(h.counts.abandoned).toBe(1)
    const finished = new SearchOperation(2, h, 10)
    finished.push(entry(1))
    finished.push(done())
    for await (const _ of finished) break
    expect(h.counts.abandoned).toBe(1)
  })
})
