/**
 * The consumer's LdapClient against our mock provider: bind, plain and Sync searches
 * (RFC 4533 §3.1 refreshOnly, §3.2 refreshAndPersist), Cancel (RFC 3909), Abandon, close,
 * connection loss and backpressure.
 */
import { describe, expect, it } from 'vitest'
import { LdapClient, LdapClientError, LdapResultError } from '../../consumer/client/index.js'
import type { SearchItem, SearchOperation } from '../../consumer/client/index.js'
import { ResultCode, SearchScope } from '../../protocol/index.js'
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_REQUEST_OID, SYNC_STATE_OID, decodeSyncDoneValue, decodeSyncStateValue, encodeSyncRequestValue } from '../../protocol/sync/index.js'
import type { SyncRequestMode } from '../../protocol/sync/index.js'
import { useProvider } from '../../provider/testing.js'

const ADMIN = 'cn=admin,dc=example,dc=com'
const BASE = 'dc=example,dc=com'

function syncControl(mode: SyncRequestMode) {
  return { type: SYNC_REQUEST_OID, critical: true, value: encodeSyncRequestValue({ kind: 'syncRequest', mode, reloadHint: false }) }
}

/** Pulls items until one of `kind` arrives; returns everything pulled. */
async function pullUntil(op: SearchOperation, kind: SearchItem['kind']): Promise<SearchItem[]> {
  const items: SearchItem[] = []
  for (;;) {
    const r = await op.next()
    if (r.done === true) throw new Error(`The stream ended before a ${kind} item arrived.`)
    items.push(r.value)
    if (r.value.kind === kind) return items
  }
}

async function connected(url: string, options = {}): Promise<LdapClient> {
  const client = await LdapClient.connect(url, { timeoutMs: 10_000, ...options })
  await client.bind(ADMIN, 'secret')
  return client
}

async function failureOf(promise: Promise<unknown>): Promise<LdapClientError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(LdapClientError)
  return error as LdapClientError
}

describe('LdapClient against the mock provider', () => {
  const provider = useProvider({ generate: { count: 20, seed: 'client' }, password: 'secret' })

  it('binds, and reports a wrong password as an LdapResultError with invalidCredentials (49)', async () => {
    const client = await LdapClient.connect(provider.current.url)
    const error = await client.bind(ADMIN, 'wrong').then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(LdapResultError)
    expect(error).toMatchObject({ resultCode: ResultCode.invalidCredentials, operation: 'bind' })
    const ok = await client.bind(ADMIN, 'secret')
    expect(ok.response).toMatchObject({ kind: 'bindResponse', resultCode: ResultCode.success })
    expect(ok.message.messageId).toBe(2)
    await client.close()
  })

  it('streams a plain search: entries, then one done with success', async () => {
    const client = await connected(provider.current.url)
    const op = client.search({ baseObject: BASE, scope: SearchScope.singleLevel, attributes: ['1.1'] })
    expect(op.messageId).toBe(2)
    const items = await op.collect()
    expect(items.map((i) => (i.kind === 'entry' ? i.entry.objectName : i.kind))).toEqual(['ou=people,dc=example,dc=com', 'ou=groups,dc=example,dc=com', 'done'])
    const done = items.at(-1)
    expect(done?.kind === 'done' && done.result.resultCode).toBe(ResultCode.success)
    await client.close()
  })

  it('runs a refreshOnly Sync search: entries with Sync State controls, a done with Sync Done', async () => {
    const client = await connected(provider.current.url)
    const items = await client.search({ baseObject: BASE, filter: '(uid=*)' }, [syncControl('refreshOnly')]).collect()
    const entries = items.filter((i) => i.kind === 'entry')
    expect(entries).toHaveLength(20)
    for (const e of entries) {
      const state = e.controls.find((c) => c.type === SYNC_STATE_OID)
      expect(state?.value).toBeInstanceOf(Uint8Array)
      const value = decodeSyncStateValue(state?.value as Uint8Array).value
      expect(value.state).toBe('add')
      expect(value.entryUUID).toHaveLength(16)
    }
    const done = items.at(-1)
    if (done?.kind !== 'done') throw new Error('The last item is not the done.')
    expect(done.result.resultCode).toBe(ResultCode.success)
    const syncDone = done.controls.find((c) => c.type === SYNC_DONE_OID)
    expect(decodeSyncDoneValue(syncDone?.value as Uint8Array).value.cookie).toBeInstanceOf(Uint8Array)
    await client.close()
  })

  it('runs refreshAndPersist: the refresh ends with an intermediate, then changes arrive as entries; Cancel ends it with 118', async () => {
    const client = await connected(provider.current.url)
    const op = client.search({ baseObject: BASE, filter: '(uid=*)' }, [syncControl('refreshAndPersist')])
    const refresh = await pullUntil(op, 'intermediate')
    expect(refresh.filter((i) => i.kind === 'entry')).toHaveLength(20)
    const info = refresh.at(-1)
    expect(info?.kind === 'intermediate' && info.response.responseName).toBe(SYNC_INFO_OID)

    provider.current.directory.apply({
      kind: 'add',
      dn: 'uid=newcomer,ou=people,dc=example,dc=com',
      attributes: { objectClass: ['inetOrgPerson'], uid: 'newcomer', cn: 'New Comer', sn: 'Comer' },
    })
    const persisted = await pullUntil(op, 'entry')
    const added = persisted.at(-1)
    if (added?.kind !== 'entry') throw new Error('Expected an entry.')
    expect(added.entry.objectName).toBe('uid=newcomer,ou=people,dc=example,dc=com')
    expect(decodeSyncStateValue(added.controls.find((c) => c.type === SYNC_STATE_OID)?.value as Uint8Array).value.state).toBe('add')

    const cancelled = await client.cancel(op.messageId)
    expect(cancelled.response.resultCode).toBe(ResultCode.success)
    const rest = await op.collect()
    const done = rest.at(-1)
    expect(done?.kind === 'done' && done.result.resultCode).toBe(ResultCode.canceled)
    expect(client.outstanding).toBe(0)
    await client.close()
  })

  it('abandons a persist search: the stream ends with an abandoned item and the connection stays usable', async () => {
    const client = await connected(provider.current.url)
    const op = client.search({ baseObject: BASE, filter: '(uid=*)' }, [syncControl('refreshAndPersist')])
    await pullUntil(op, 'intermediate')
    client.abandon(op.messageId)
    expect(await op.collect()).toEqual([{ kind: 'abandoned', messageId: op.messageId }])
    // A change after the abandon must not reach a stream, nor upset the client.
    provider.current.directory.apply({
      kind: 'add',
      dn: 'uid=late,ou=people,dc=example,dc=com',
      attributes: { objectClass: ['inetOrgPerson'], uid: 'late', cn: 'Late', sn: 'Late' },
    })
    const again = await client.search({ baseObject: BASE, scope: SearchScope.baseObject, attributes: ['1.1'] }).collect()
    expect(again.map((i) => i.kind)).toEqual(['entry', 'done'])
    await client.close()
  })

  it('close() sends Unbind and ends a pending search with CLIENT_CLOSED', async () => {
    const client = await connected(provider.current.url)
    const op = client.search({ baseObject: BASE, filter: '(uid=*)' }, [syncControl('refreshAndPersist')])
    await pullUntil(op, 'intermediate')
    await client.close()
    expect((await failureOf(op.next())).code).toBe('CLIENT_CLOSED')
    expect((await failureOf(client.bind(ADMIN, 'secret'))).code).toBe('CLIENT_CLOSED')
  })

  it('reports CLIENT_CONNECTION_LOST to a running search when the provider goes away', async () => {
    const client = await connected(provider.current.url)
    const op = client.search({ baseObject: BASE, filter: '(uid=*)' }, [syncControl('refreshAndPersist')])
    await pullUntil(op, 'intermediate')
    await provider.current.close()
    const error = await failureOf(op.collect())
    expect(error.code).toBe('CLIENT_CONNECTION_LOST')
    expect(error.messageId).toBe(op.messageId)
    await client.close()
  })
})

describe('LdapClient backpressure', () => {
  const provider = useProvider({ generate: { count: 5000, seed: 'slow' }, password: 'secret' })

  it('stops reading while a slow consumer leaves more than highWaterMark items unread', async () => {
    let paused!: () => void
    const firstPause = new Promise<void>((resolve) => (paused = resolve))
    let pauses = 0
    const client = await connected(provider.current.url, {
      highWaterMark: 1000,
      onReadingPaused: (p: boolean) => {
        if (p) {
          pauses++
          paused()
        }
      },
    })
    const op = client.search({ baseObject: BASE, filter: '(uid=*)' })
    await firstPause
    expect(client.readingPaused).toBe(true)
    // One socket chunk may complete a few hundred small PDUs after the mark is crossed; no more.
    const bound = 1000 + 1000
    expect(op.buffered).toBeLessThanOrEqual(bound)
    let entries = 0
    for await (const item of op) {
      if (item.kind === 'entry') entries++
      expect(op.buffered).toBeLessThanOrEqual(bound)
    }
    expect(entries).toBe(5000)
    expect(op.peakBuffered).toBeGreaterThan(1000)
    expect(op.peakBuffered).toBeLessThanOrEqual(bound)
    expect(pauses).toBeGreaterThanOrEqual(1)
    expect(client.readingPaused).toBe(false)
    await client.close()
  })
})
