/**
 * The reference consumer end to end: SyncreplConsumer over the real client, against our provider
 * and against a live slapd 2.5.13, converging after changes, in both modes, through a 4096, and
 * resuming from a file store.
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
import { startSlapd } from '../../tools/slapd/slapd.js'
import type { SlapdServer } from '../../tools/slapd/slapd.js'
import { ldapModify, loadLdif } from '../support/ldap-tools.js'
import { traceDitLdif } from '../support/trace-dit.js'
import { requirePeers, skipInterop } from '../interop/peers.js'

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

describe.skipIf(skipInterop('slapd', 'ldapsearch'))('SyncreplConsumer against a live slapd 2.5.13', () => {
  let slapd: SlapdServer
  beforeAll(async () => {
    requirePeers('slapd', 'ldapsearch')
    slapd = await startSlapd({ sessionLog: 100 })
    await loadLdif(slapd.url, traceDitLdif(5))
  })
  afterAll(async () => slapd?.stop())

  /** slapd's content by DN (its UUIDs are its own; the replica must hold the same DNs and count). */
  async function slapdDns(): Promise<string[]> {
    const c = await SyncreplConsumer.connect({ url: slapd.url, bindDn: slapd.rootDn, password: slapd.rootPassword })
    await c.syncSearch({ base: BASE })
    await c.poll()
    const dns = [...(await held(c)).values()].sort()
    await c.close()
    return dns
  }

  it('initial refresh, resume after modify / rename / delete, and persist with a live change', async () => {
    requirePeers('slapd', 'ldapsearch')
    const c = await SyncreplConsumer.connect({ url: slapd.url, bindDn: slapd.rootDn, password: slapd.rootPassword })
    await c.syncSearch({ base: BASE })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    expect([...(await held(c)).values()].sort()).toEqual(await slapdDns())
    await ldapModify(slapd.url, `dn: uid=user000001,ou=people,${BASE}\nchangetype: modify\nreplace: description\ndescription: x\n\ndn: uid=user000002,ou=people,${BASE}\nchangetype: modrdn\nnewrdn: uid=user000002b\ndeleteoldrdn: 1\n\ndn: uid=user000003,ou=people,${BASE}\nchangetype: delete\n`)
    await c.syncSearch({ base: BASE })
    expect(await c.poll()).toMatchObject({ kind: 'done', resultCode: 0 })
    expect([...(await held(c)).values()].sort()).toEqual(await slapdDns())
    await c.syncSearch({ base: BASE, mode: 'refreshAndPersist' })
    expect(await c.poll({ all: false })).toEqual({ kind: 'refreshDone' })
    const seen = new Promise<void>((resolve) => c.onEvent((e) => e.kind === 'delete' && resolve()))
    const polling = c.poll()
    await ldapModify(slapd.url, `dn: uid=user000004,ou=people,${BASE}\nchangetype: delete\n`)
    await seen
    await c.cancel()
    expect(await polling).toMatchObject({ kind: 'done', resultCode: 118 })
    expect([...(await held(c)).values()].sort()).toEqual(await slapdDns())
    await c.close()
  })
})
