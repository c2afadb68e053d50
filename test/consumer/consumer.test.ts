/**
 * The reference consumer end to end against our provider: SyncreplConsumer over the real client,
 * converging after changes, in both modes, through a 4096, and resuming from a file store. The
 * same consumer against a live slapd 2.5 (and our provider, step for step) is the battery in
 * test/interop/consumer-battery.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SyncreplConsumer, FileStore } from '../../consumer/index.js'
import type { SyncEvent } from '../../consumer/index.js'
import type { Directory } from '../../provider/directory/index.js'
import { createProvider } from '../../provider/index.js'
import type { Provider } from '../../provider/index.js'

const BASE = 'dc=example,dc=com'
const ADMIN = 'cn=admin,dc=example,dc=com'

async function held(c: SyncreplConsumer): Promise<Map<string, string>> {
  const r = await c.replica()
  return new Map([...r.entries.values()].map((e) => [e.uuid, e.dn.toLowerCase()]))
}

function content(d: Directory): Map<string, string> {
  const out = new Map<string, string>()
  for (const e of d.entries()) out.set(e.uuid, e.dnText.toLowerCase())
  return out
}

describe('SyncreplConsumer against our provider', () => {
  let provider: Provider
  beforeAll(async () => {
    provider = await createProvider({ port: 0, password: 'secret', sessionLog: 50, generate: { count: 30, seed: 'consumer' } })
  })
  afterAll(async () => provider?.close())

  it('refreshOnly: initial content, then resumes after changes with the stored cookie', async () => {
    const c = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret' })
    await c.syncSearch({ base: BASE })
    expect(await c.poll()).toEqual({ kind: 'done', resultCode: 0, diagnosticMessage: '' })
    expect(await held(c)).toEqual(content(provider.directory))
    const people = [...provider.directory.search({ base: `ou=people,${BASE}`, scope: 'one' })]
    provider.directory.apply({ kind: 'delete', dn: people[0]!.dnText })
    provider.directory.apply({ kind: 'modDN', dn: people[1]!.dnText, newRdn: 'uid=renamed', deleteOldRdn: true })
    await c.syncSearch({ base: BASE })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    expect(await held(c)).toEqual(content(provider.directory))
    await c.close()
  })

  it('hands attributes to an overriding entry() callback and to event listeners, readable after the poll', async () => {
    const seen = new Map<string, ReadonlyMap<string, readonly Uint8Array[]>>()
    class Recording extends SyncreplConsumer {
      override entry(dn: string, attrs: ReadonlyMap<string, readonly Uint8Array[]>): void {
        seen.set(dn.toLowerCase(), attrs)
      }
    }
    const c = await Recording.connect({ url: provider.url, bindDn: ADMIN, password: 'secret' })
    const events: SyncEvent[] = []
    c.onEvent((e) => events.push(e))
    await c.syncSearch({ base: BASE, mode: 'refreshOnly' })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    await c.close()
    const utf8 = (v: Uint8Array) => new TextDecoder().decode(v)
    const sample = [...provider.directory.search({ base: `ou=people,${BASE}`, scope: 'one' })][0]!
    const fromCallback = seen.get(sample.dnText.toLowerCase())
    expect(fromCallback?.get('uid')?.map(utf8)).toEqual([sample.dnText.split(',')[0]!.slice(4)])
    const event = events.find((e) => e.kind === 'entry' && e.dn.toLowerCase() === sample.dnText.toLowerCase())
    expect(event?.kind === 'entry' ? [...event.attributes.keys()] : []).toEqual([...(fromCallback?.keys() ?? [])])
    expect(seen.size).toBe(provider.directory.size)
  })

  it('refreshAndPersist: refreshDone, then live changes, then Cancel ends it with 118', async () => {
    const c = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret' })
    const events: SyncEvent[] = []
    c.onEvent((e) => events.push(e))
    await c.syncSearch({ base: BASE, mode: 'refreshAndPersist' })
    expect(await c.poll({ all: false })).toEqual({ kind: 'refreshDone' })
    expect(await held(c)).toEqual(content(provider.directory))
    provider.directory.apply({ kind: 'add', dn: `uid=live,ou=people,${BASE}`, attributes: { objectClass: 'inetOrgPerson', uid: 'live', cn: 'Live', sn: 'L' } })
    // poll until the change's cookie is committed (a timed-out poll just returns; poll again)
    let committed = false
    c.onEvent((e) => e.kind === 'cookie' && (committed = true))
    while (!committed) expect(await c.poll({ timeoutMs: 100 })).toEqual({ kind: 'timeout' })
    expect(await held(c)).toEqual(content(provider.directory))
    await c.cancel()
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 118 })
    expect(events.some((e) => e.kind === 'entry' && e.dn === `uid=live,ou=people,${BASE}`)).toBe(true)
    await c.close()
  })

  it('a file store survives a reconnect and resumes incrementally', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncrepl-consumer-'))
    try {
      const first = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret', store: await FileStore.open(dir) })
      await first.syncSearch({ base: BASE })
      await first.poll()
      await first.close()
      provider.directory.apply({ kind: 'add', dn: `uid=later,ou=people,${BASE}`, attributes: { objectClass: 'inetOrgPerson', uid: 'later', cn: 'Later', sn: 'L' } })
      const second = await SyncreplConsumer.connect({ url: provider.url, bindDn: ADMIN, password: 'secret', store: await FileStore.open(dir) })
      const entries: string[] = []
      second.onEvent((e) => e.kind === 'entry' && entries.push(e.dn))
      await second.syncSearch({ base: BASE })
      await second.poll()
      expect(entries).toEqual([`uid=later,ou=people,${BASE}`]) // only what changed
      expect(await held(second)).toEqual(content(provider.directory))
      await second.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a stale cookie with reloadhint on: 4096, then a reload from scratch that converges', async () => {
    const p = await createProvider({ port: 0, password: 'secret', generate: { count: 5, seed: 'stale' }, sync: { dialect: { reloadHint: true } } })
    try {
      const c = await SyncreplConsumer.connect({ url: p.url, bindDn: ADMIN, password: 'secret' })
      await c.syncSearch({ base: BASE, cookie: Buffer.from('rid=000,csn=20000101000000.000000Z#000000#000#000000') })
      expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
      expect(await held(c)).toEqual(content(p.directory))
      await c.close()
    } finally {
      await p.close()
    }
  })
})
