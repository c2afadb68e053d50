import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { requirePeers } from '../../test/interop/peers.js'
import { CaptureClient } from '../../test/scenarios/runtime/support/capture-client.js'

const BIN = fileURLToPath(new URL('../../bin/syncrepl-harness.js', import.meta.url))

/** Starts `serve` and resolves with the process and its URL once the banner is printed. */
async function startServe(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /URL\s+(ldap:\/\/\S+)/.exec(out)
      if (m && out.includes('Ctrl-C stops')) resolve(m[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`serve exited early with ${code}: ${err}${out}`)))
  })
  return { child, url, output: () => out, errors: () => err }
}

/** Resolves once the child's stderr so far passes `test` (rejects if the child exits first). */
function stderrUntil(child: ReturnType<typeof spawn>, errors: () => string, test: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!test(errors())) return
      child.stderr?.off('data', check)
      resolve(errors())
    }
    child.stderr?.on('data', check)
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before the expected stderr: ${errors()}`)))
    check()
  })
}

const SCENARIO = `id: serve-scenario
title: serve --scenario reports each step
directory: { generate: { count: 2, seed: 3, groups: 0 } }
provider: { seed: 11 }
timeline:
  - name: greet
    on: syncRequest
    do: newcookie
  - on: { after: greet }
    do:
      - delete: uid=nobody,ou=people,dc=example,dc=com
      - modify: { dn: "ou=people,dc=example,dc=com", replace: { description: [changed] } }
`

describe('syncrepl-harness serve', () => {
  it('serves a generated directory to ldapsearch -E sync=ro, logs the session, stops cleanly on SIGINT', async () => {
    requirePeers('ldapsearch')
    const s = await startServe(['--generate', '10', '--seed', '7'])
    expect(s.output()).toMatch(/14 entries under dc=example,dc=com \(generated: 10 people, seed 7\)/)
    const r = spawnSync('ldapsearch', ['-x', '-H', s.url, '-b', 'dc=example,dc=com', '-E', '!sync=ro', '(objectClass=inetOrgPerson)', 'uid'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/# numEntries: 10/)
    expect(r.stdout).toMatch(/# SyncDone control refreshDeletes=1/)
    // 'close', not 'exit': the last output chunk may still be unread when 'exit' fires.
    const exited = once(s.child, 'close')
    s.child.kill('SIGINT')
    const [code] = await exited
    expect(code).toBe(0)
    expect(s.output()).toMatch(/\] ← #2 SearchRequest base="dc=example,dc=com" scope=wholeSubtree filter=\(objectClass=inetOrgPerson\) attrs=uid · syncRequest refreshOnly/)
    expect(s.output()).toMatch(/\] operation #2 ended: done \(result 0\)/)
    expect(s.output()).toMatch(/Stopped\.\n$/)
  })

  it('refuses bad options with exit 2 and a missing LDIF file with exit 1', () => {
    const bad = spawnSync(process.execPath, [BIN, 'serve', '--port', 'x'], { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--port takes a whole number from 0 to 65535, not "x"/)
    const both = spawnSync(process.execPath, [BIN, 'serve', '--ldif', 'a.ldif', '--generate', '3'], { encoding: 'utf8' })
    expect(both.status).toBe(2)
    const missing = spawnSync(process.execPath, [BIN, 'serve', '--ldif', '/nonexistent/x.ldif'], { encoding: 'utf8' })
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/The LDIF file "\/nonexistent\/x.ldif" does not exist/)
  })

  it('--scenario plays a scenario file: URL and seed on stderr, each fired step and failed action too, stops on SIGINT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'serve-scenario-'))
    try {
      const file = join(dir, 'steps.yaml')
      await writeFile(file, SCENARIO)
      const s = await startServe(['--scenario', file])
      expect(s.errors()).toContain(`scenario serve-scenario listening on ${s.url}, seed 11`)
      expect(s.output()).toMatch(/scenario serve-scenario: serve --scenario reports each step/)
      expect(s.output()).toMatch(/seed +11/)
      const client = await CaptureClient.connect(Number(new URL(s.url).port))
      client.syncSearch({ mode: 'refreshOnly' })
      const messages = await client.messagesUntil(7)
      expect(messages.map((m) => m.op.kind)).toEqual(['intermediateResponse', ...Array(5).fill('searchResultEntry'), 'searchResultDone'])
      const errors = await stderrUntil(s.child, s.errors, (t) => t.includes('scenario error'))
      expect(errors).toContain(`step 1 "greet" fired (syncRequest (connection 1)) at ${file}:6:5`)
      expect(errors).toMatch(/scenario error SCENARIO_ACTION_FAILED: .*steps\.yaml:11:9: The delete of "uid=nobody,ou=people,dc=example,dc=com" was refused/)
      expect(errors).toContain(`step 2 fired (after "greet" (connection 1)) at ${file}:9:5`)
      client.close()
      // 'close', not 'exit': the last output chunk may still be unread when 'exit' fires.
    const exited = once(s.child, 'close')
      s.child.kill('SIGINT')
      expect((await exited)[0]).toBe(0)
      expect(s.output()).toMatch(/Stopped\.\n$/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('--scenario refuses data options (exit 2), a missing file and a file with problems (exit 1)', () => {
    const clash = spawnSync(process.execPath, [BIN, 'serve', '--scenario', 'x.yaml', '--generate', '3'], { encoding: 'utf8' })
    expect(clash.status).toBe(2)
    expect(clash.stderr).toMatch(/--generate cannot be combined with --scenario/)
    const missing = spawnSync(process.execPath, [BIN, 'serve', '--scenario', '/nonexistent/x.yaml'], { encoding: 'utf8' })
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/The scenario file \/nonexistent\/x\.yaml cannot be read: it does not exist/)
    const broken = fileURLToPath(new URL('../../test/scenarios/broken/unknown-fault.yaml', import.meta.url))
    const bad = spawnSync(process.execPath, [BIN, 'serve', '--scenario', broken, '--port', '0'], { encoding: 'utf8' })
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/The scenario cannot be played:\n[\s\S]*unknown-fault\.yaml:9:16: timeline\[0\]\.do\[0\]\.fault is "rest"/)
  })

  it('shows --scenario in its help', () => {
    const help = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8' })
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/--scenario FILE +Play a scenario file/)
  })
})
