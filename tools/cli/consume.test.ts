import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
