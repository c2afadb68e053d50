/**
 * Interop: python-ldap performs the session-hook handshake against our provider with `extop_s`
 * and request values it builds by hand from the documented layout (389ds-session-hooks.md §2.2,
 * §2.4; test/interop/python/handshake.py checks its Start value against §2.7's 136 bytes), then
 * runs a sync search on the same connection. Our own consumer agreeing with our own provider
 * would only prove the two self-consistent; this proves the wire is the documented one.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createProvider } from '../../provider/index.js'
import type { Provider, SessionHookScript } from '../../provider/index.js'
import { SYSTEM_PYTHON, requirePeers, skipInterop } from './peers.js'

const SCRIPT = fileURLToPath(new URL('./python/handshake.py', import.meta.url))
const BASE = 'dc=example,dc=com'
const ADMIN = `cn=admin,${BASE}`
const RUV = '{replicageneration} 65a0c1d2000000010000'
const hexOf = (s: string) => Buffer.from(s).toString('hex')

/** §2.7: the 84-byte READY response value, for the reply inputs below. */
const READY_84 = `30520a0100302a0428${hexOf(RUV)}040f${hexOf('test-reply-guid')}0410${hexOf('test-reply-data\0')}`

interface PyOutput {
  start?: { oid: string | null; value: string | null }
  end?: { oid: string | null; value: string | null }
  sync?: { entries: number; dns: string[] } | { error: { result: number | null; info: string | null; desc: string | null } }
}

/** Runs the python-ldap script (asynchronously: the provider lives in this process). */
async function python(provider: Provider, steps: string): Promise<PyOutput> {
  const { stdout } = await promisify(execFile)(SYSTEM_PYTHON, [SCRIPT, provider.url, ADMIN, 'secret', BASE, steps], { timeout: 30_000 })
  return JSON.parse(stdout) as PyOutput
}

async function withProvider(sessionHooks: SessionHookScript, run: (provider: Provider) => Promise<void>): Promise<void> {
  const provider = await createProvider({ generate: { count: 5, seed: 'python-handshake' }, password: 'secret', sessionHooks })
  try {
    await run(provider)
  } finally {
    await provider.close()
  }
}

describe.skipIf(skipInterop('python-ldap'))('python-ldap does the session-hook handshake with our provider', () => {
  it('Start (§2.7 bytes) → READY with §2.7’s 84-byte value, then a sync search with data, then End 0x09', async () => {
    requirePeers('python-ldap')
    await withProvider({ reply: { guid: 'test-reply-guid', data: 'test-reply-data', appendNul: true, includeRuv: [RUV] } }, async (provider) => {
      const out = await python(provider, 'start,sync,end')
      expect(out.start).toEqual({ oid: '2.16.840.1.113730.3.5.13', value: READY_84 })
      expect(out.sync).toMatchObject({ entries: provider.directory.size })
      expect((out.sync as { dns: string[] }).dns).toContain(BASE)
      expect(out.end).toEqual({ oid: '2.16.840.1.113730.3.5.4', value: '30030a0109' })
      // What python-ldap sent is what §2.2 describes, as our decoder and the record read it.
      const [start, end] = provider.handshakes.records
      expect(start).toMatchObject({
        kind: 'start',
        protocolOid: '2.16.840.1.113730.3.6.1',
        base: BASE,
        supplierRuv: [RUV],
        csn: '65a0c200000000010000',
        payload: { guid: 'test-guid', dataHex: hexOf('test-data\0'), decoded: { text: 'test-data' } },
        stateAfter: 'accepted',
      })
      expect(end).toMatchObject({ kind: 'end', base: BASE, supplierRuv: [RUV], code: 9, stateBefore: 'accepted', stateAfter: 'none' })
      expect(provider.handshakes.violations).toEqual([])
    })
  })

  it('without the handshake the sync search fails with unwillingToPerform (53) naming it', async () => {
    requirePeers('python-ldap')
    await withProvider({}, async (provider) => {
      const out = await python(provider, 'sync')
      expect(out.sync).toEqual({ error: { result: 53, info: 'replication session handshake required (2.16.840.1.113730.3.5.12)', desc: 'Server is unwilling to perform' } })
      expect(provider.handshakes.violations).toMatchObject([{ state: 'none', required: true }])
    })
  })

  it('a refused handshake (0x0E) is followed by 53 for the sync search on that connection', async () => {
    requirePeers('python-ldap')
    await withProvider({ recv: { expectGuid: 'test-guid', accept: { minVersion: '2.0' } } }, async (provider) => {
      const out = await python(provider, 'start,sync')
      expect(out.start).toEqual({ oid: '2.16.840.1.113730.3.5.13', value: '30030a010e' })
      expect(out.sync).toMatchObject({ error: { result: 53 } })
      expect(provider.handshakes.last()?.recv?.reason).toContain('"test-data" is not a version')
      expect(provider.handshakes.syncSearchesAfterRejection()).toBe(1)
    })
  })
})
