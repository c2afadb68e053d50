/**
 * Dialect presets through a running provider: the server hands the bind DN to the engine (the
 * `389ds` cookie is bound to it), and an operation the dialect never answers stays open, silent,
 * until it is abandoned.
 */
import { describe, expect, it } from 'vitest'
import { useProvider } from '../../provider/testing.js'
import { searchDone } from '../support/sync-search.js'
import { WireClient } from '../support/wire-client.js'

const ADMIN = 'cn=Directory Manager,dc=example,dc=com'

describe('389ds preset over the wire', () => {
  const provider = useProvider({ generate: { count: 3, seed: 4533 }, bindDn: ADMIN, password: 'secret', sync: { preset: '389ds', dialect: { serverSignature: 'ldap.example:389' } } })

  it('binds the cookie to the connection\'s bind DN, and never answers a cookie with an inner NUL', async () => {
    const client = await WireClient.connect(provider.current.url)
    try {
      await client.bind(ADMIN, 'secret')
      const first = await client.search({ mode: 'refreshOnly' }).until(searchDone)
      const done = first.at(-1)
      expect(done).toMatchObject({ kind: 'done', resultCode: 0, syncDone: { refreshDeletes: false } })
      const cookie = done?.kind === 'done' ? done.syncDone?.cookie : undefined
      expect(Buffer.from(cookie ?? []).toString()).toBe(`ldap.example:389#cn=directory manager,dc=example,dc=com:dc=example,dc=com:(objectClass=*)#${provider.current.directory.lastChangeNumber}`)

      const silent = client.search({ mode: 'refreshOnly', cookie: Buffer.of(0x00, 0x41, 0x42) })
      // A later search on the same connection is answered in full: the silent one got nothing before it, nor after.
      const again = await client.search({ mode: 'refreshOnly', ...(cookie ? { cookie } : {}) }).until(searchDone)
      expect(again.map((m) => m.kind)).toEqual(['done'])
      expect(silent.messages).toEqual([])
      expect(provider.current.stats().operations).toBe(1)
      const ended = provider.current.events.waitFor('operationEnded', (e) => e.messageId === silent.messageId)
      client.abandon(silent)
      expect(await ended).toMatchObject({ outcome: 'abandoned' })
      expect(silent.messages).toEqual([])
    } finally {
      await client.close()
    }
  })
})
