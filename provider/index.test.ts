import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, test } from 'vitest'
import { Directory, createProvider } from './index.js'
import { providerFixture } from './testing.js'

const LDIF = 'dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\ndn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n'

describe('createProvider', () => {
  it('serves a directory built beforehand, and refuses options that would build another', async () => {
    const directory = new Directory()
    directory.loadLdif(LDIF)
    const provider = await createProvider({ directory })
    try {
      expect(provider.directory).toBe(directory)
    } finally {
      await provider.close()
    }
    await expect(createProvider({ directory, ldif: LDIF, sessionLog: 3 })).rejects.toThrow(/a ready directory and also ldif, sessionLog/)
  })

  it('listens on a free port of 127.0.0.1 and loads LDIF text', async () => {
    const provider = await createProvider({ ldif: LDIF })
    try {
      expect(provider.url).toBe(`ldap://127.0.0.1:${provider.port}`)
      expect(provider.port).toBeGreaterThan(0)
      expect(provider.directory.size).toBe(2)
      expect(provider.bindDn).toBeUndefined()
    } finally {
      await provider.close()
    }
  })

  it('loads an LDIF file and generated entries under the chosen suffix, with a serverID and a session log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncrepl-harness-ldif-'))
    const file = join(dir, 'base.ldif')
    await writeFile(file, LDIF.replace(/dc=example,dc=com/g, 'dc=test').replace('dc: example', 'dc: test'))
    const provider = await createProvider({ ldif: { path: file }, suffix: 'dc=test', serverId: 7, sessionLog: 10, password: 'pw' })
    try {
      expect(provider.directory.size).toBe(2)
      expect(provider.directory.sid).toBe(7)
      expect(provider.directory.sessionLog).toBeDefined()
      expect(provider.bindDn).toBe('cn=admin,dc=test')
    } finally {
      await provider.close()
      await rm(dir, { recursive: true, force: true })
    }
    const generated = await createProvider({ generate: { count: 4, seed: 3, groups: 1 } })
    expect(generated.directory.size).toBe(4 + 4)
    await generated.close()
  })

  it('closes every connection and the listener, once, and ends the event stream', async () => {
    const provider = await createProvider({})
    const opened = provider.events.waitFor('connectionOpened')
    const socket = connect({ port: provider.port, host: '127.0.0.1' })
    socket.on('error', () => {})
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    await opened
    const closed = provider.events.waitFor('connectionClosed')
    const stream = provider.events.stream()
    const first = provider.close()
    expect(provider.close()).toBe(first)
    await first
    expect(await closed).toMatchObject({ reason: 'providerClosed' })
    await socketClosed
    const rest = []
    for await (const e of stream) rest.push(e.type)
    expect(rest).toContain('connectionClosed')
    expect(provider.stats()).toEqual({ connections: 0, queuedBytes: 0, operations: 0 })
    await expect(new Promise((resolve, reject) => connect({ port: provider.port, host: '127.0.0.1' }).once('error', reject).once('connect', resolve))).rejects.toThrow(/ECONNREFUSED/)
  })

  it('rejects with the listen error when the port is taken, releasing what it started', async () => {
    const first = await createProvider({})
    try {
      await expect(createProvider({ port: first.port })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await first.close()
    }
  })

  it('rejects LDIF that cannot be loaded before opening any socket', async () => {
    await expect(createProvider({ ldif: 'dn: ou=orphan,dc=example,dc=com\nobjectClass: organizationalUnit\nou: orphan\n' })).rejects.toThrow(/parents must come before their children/)
  })
})

const withProvider = test.extend({ provider: providerFixture({ ldif: LDIF, anonymous: true }) })

describe('providerFixture', () => {
  withProvider('gives the test a running provider', ({ provider }) => {
    expect(provider.directory.size).toBe(2)
    expect(provider.url).toMatch(/^ldap:\/\/127\.0\.0\.1:\d+$/)
  })
})
