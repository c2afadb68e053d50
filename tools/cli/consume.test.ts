import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FileStore, REPLICA_FILE } from '../../consumer/index.js'
import { ReplOid, decodeStartReplicationRequest, encodeReplicationResponse } from '../../protocol/replsession/index.js'
import { endResponse, replResponseMessage, startResponse, startScriptedSessionServer } from '../../test/support/scripted-session-server.js'
import type { ScriptedExtended, ScriptedSessionServer } from '../../test/support/scripted-session-server.js'
import { createProvider } from '../../provider/index.js'
import type { Provider } from '../../provider/index.js'

const BIN = fileURLToPath(new URL('../../bin/syncrepl-harness.js', import.meta.url))
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [BIN, 'consume', ...args], { encoding: 'utf8' }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  )

describe('syncrepl-harness consume', () => {
  let provider: Provider
  let state: string
  beforeAll(async () => {
    provider = await createProvider({ port: 0, password: 'secret', generate: { count: 12, seed: 'cli' } })
    state = mkdtempSync(join(tmpdir(), 'syncrepl-consume-'))
  })
  afterAll(async () => {
    await provider?.close()
    rmSync(state, { recursive: true, force: true })
  })

  it('synchronises into --state, resumes from the stored cookie, and dumps the replica offline', async () => {
    const auth = ['--url', provider.url, '--base', 'dc=example,dc=com', '--bind-dn', 'cn=admin,dc=example,dc=com', '--password', 'secret', '--state', state]
    const first = await run(auth)
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(new RegExp(`^synchronised: ${provider.directory.size} entries held, ${provider.directory.size} received, 0 deleted in [\\d.]+ s\\ncookie: rid=000,csn=\\S+\\n$`))
    const victim = [...provider.directory.search({ base: 'ou=people,dc=example,dc=com', scope: 'one' })][0]!
    provider.directory.apply({ kind: 'delete', dn: victim.dnText })
    const second = await run(auth)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(new RegExp(`^synchronised: ${provider.directory.size} entries held, 0 received, 1 deleted`))
    const ldif = await run(['--state', state, '--dump', 'ldif'])
    expect(ldif.code).toBe(0)
    expect(ldif.stdout.match(/^dn: /gm)).toHaveLength(provider.directory.size)
    expect(ldif.stdout).not.toMatch(new RegExp(`^dn: ${victim.dnText}$`, 'm')) // groups may still name it as a member
    const json = await run(['--state', state, '--dump', 'json'])
    expect(JSON.parse(json.stdout)).toBeTruthy()
  })

  it('exits 1 on a provider error and 2 on usage errors', async () => {
    const denied = await run(['--url', provider.url, '--base', 'dc=example,dc=com', '--bind-dn', 'cn=admin,dc=example,dc=com', '--password', 'wrong'])
    expect(denied.code).toBe(1)
    expect(denied.stderr).toMatch(/49|invalid ?credentials/i)
    expect((await run(['--base', 'dc=x'])).code).toBe(2)
    expect((await run(['--url', provider.url, '--base', 'dc=x', '--mode', 'sometimes'])).stderr).toMatch(/--mode takes refreshOnly or refreshAndPersist/)
    expect((await run(['--dump', 'ldif'])).stderr).toMatch(/--dump needs --state DIR/)
  })
})

describe('syncrepl-harness consume --hook-*', () => {
  let server: ScriptedSessionServer | undefined
  let dir: string | undefined
  afterEach(async () => {
    await server?.close()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    server = undefined
    dir = undefined
  })
  const serveStarts = async (answer: (x: ScriptedExtended) => void, extensions?: readonly string[]) => {
    server = await startScriptedSessionServer({
      onExtended: (x) => (x.requestName === ReplOid.endRequest ? x.send(endResponse(x.messageId)) : answer(x)),
      ...(extensions === undefined ? {} : { extensions }),
    })
    return server
  }
  /** A --state directory holding a replica and cookie, and the bytes of its file. */
  const seededState = async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncrepl-consume-hooks-'))
    const store = await FileStore.open(dir)
    const tx = await store.begin()
    tx.put({ uuid: '00000000-0000-4000-8000-000000000001', dn: 'uid=ann,dc=example,dc=com', attributes: new Map([['uid', [Buffer.from('ann')]]]) })
    await tx.commit(Buffer.from('389-cookie-0001'))
    await store.close()
    return { dir, file: () => readFileSync(join(dir!, REPLICA_FILE)).toString('hex') }
  }
  const start = (s: ScriptedSessionServer) => {
    const op = s.received.find((r) => r.what === 'start')?.message.op
    return op?.kind === 'extendedRequest' ? decodeStartReplicationRequest(op.requestValue, { version: 2 }) : undefined
  }

  it('sends the payload (with 389’s trailing NUL), prints the provider’s, syncs and exits 0', async () => {
    const ready = encodeReplicationResponse({ kind: 'replicationResponse', responseCode: 0, dataGuid: 'test-reply-guid', data: Buffer.from('test-reply-data\u0000') })
    const s = await serveStarts((x) => x.send(replResponseMessage(x.messageId, ready)))
    const r = await run(['--url', s.url, '--base', 'dc=example,dc=com', '--hook-guid', 'test-guid', '--hook-data', 'test-data', '--hook-data-nul'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^synchronised: 0 entries held.*\ncookie: \(none\)\nhandshake: READY; provider payload "test-reply-guid" "test-reply-data\\0" \(16 bytes\)\n$/)
    expect(start(s)).toMatchObject({ replProtocolOid: ReplOid.totalProtocol, replicatedTree: 'dc=example,dc=com', dataGuid: 'test-guid' })
    expect(Buffer.from(start(s)!.data!).toString('hex')).toBe('746573742d6461746100')
    expect(s.trail()).toEqual(['1:rootDse', '1:start', '1:syncSearch', '1:end', '1:unbind'])
  })

  it('exits 4 on a retryable refusal (0x0E) and 5 on a fatal one (0x0C); the --state file is byte-identical', async () => {
    const state = await seededState()
    const before = state.file()
    const backoff = await serveStarts((x) => x.send(startResponse(x.messageId, 0x0e)))
    const r4 = await run(['--url', backoff.url, '--base', 'dc=example,dc=com', '--state', state.dir, '--hook-guid', 'g', '--hook-data-hex', '34 2e 39'])
    expect(r4.code).toBe(4)
    expect(r4.stderr).toMatch(/session handshake failed \(HANDSHAKE_REFUSED, phase provider, NSDS50_REPL_BACKOFF 0x0E, retry exponential\): The provider refused .* with NSDS50_REPL_BACKOFF \(0x0E\)/)
    expect(Buffer.from(start(backoff)!.data!).toString('hex')).toBe('342e39')
    expect(backoff.trail()).not.toContain('1:syncSearch')
    expect(state.file()).toBe(before)
    await backoff.close()
    const disabled = await serveStarts((x) => x.send(startResponse(x.messageId, 0x0c)))
    const r5 = await run(['--url', disabled.url, '--base', 'dc=example,dc=com', '--state', state.dir, '--hook-on-unsupported', 'fail'])
    expect(r5.code).toBe(5)
    expect(r5.stderr).toMatch(/NSDS50_REPL_DISABLED \(0x0C\)/)
    expect(state.file()).toBe(before)
  })

  it('a provider without 3.5.12: exit 5 by default, a plain sync with --hook-on-unsupported skip', async () => {
    const s = await serveStarts(() => undefined, ['1.3.6.1.1.8'])
    const fail = await run(['--url', s.url, '--base', 'dc=example,dc=com', '--hook-timeout', '5'])
    expect(fail.code).toBe(5)
    expect(fail.stderr).toMatch(/HANDSHAKE_UNSUPPORTED, phase capability/)
    const skip = await run(['--url', s.url, '--base', 'dc=example,dc=com', '--hook-on-unsupported', 'skip'])
    expect(skip.code).toBe(0)
    expect(skip.stdout).toMatch(/\nhandshake: skipped \(the provider does not list 2\.16\.840\.1\.113730\.3\.5\.12\)\n$/)
  })

  it('--hook-timeout: no answer in time exits 4', async () => {
    const s = await serveStarts(() => undefined)
    const r = await run(['--url', s.url, '--base', 'dc=example,dc=com', '--hook-timeout', '0.2'])
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/HANDSHAKE_TIMEOUT, phase transport.*within 200 ms/)
  })

  it('exits 2 on hook usage errors, before connecting', async () => {
    const base = ['--url', 'ldap://127.0.0.1:1', '--base', 'dc=x']
    const cases: Array<[string[], RegExp]> = [
      [['--hook-data', 'x'], /needs --hook-guid GUID/],
      [['--hook-guid', 'g'], /--hook-guid needs --hook-data TEXT or --hook-data-hex HEX/],
      [['--hook-guid', 'g', '--hook-data', 'x', '--hook-data-hex', '00'], /not both/],
      [['--hook-guid', 'g', '--hook-data-hex', 'abc'], /pairs of hex digits/],
      [['--hook-data-nul'], /appends a NUL/],
      [['--hook-on-unsupported', 'maybe'], /takes fail or skip/],
      [['--hook-timeout', '0'], /--hook-timeout takes a number of seconds above 0/],
    ]
    for (const [args, message] of cases) {
      const r = await run([...base, ...args])
      expect([r.code, r.stderr], args.join(' ')).toEqual([2, expect.stringMatching(message)])
    }
  })
})
