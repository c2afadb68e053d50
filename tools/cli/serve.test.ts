import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { requirePeers } from '../../test/interop/peers.js'

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

describe('syncrepl-harness serve', () => {
  it('serves a generated directory to ldapsearch -E sync=ro, logs the session, stops cleanly on SIGINT', async () => {
    requirePeers('ldapsearch')
    const s = await startServe(['--generate', '10', '--seed', '7'])
    expect(s.output()).toMatch(/14 entries under dc=example,dc=com \(generated: 10 people, seed 7\)/)
    const r = spawnSync('ldapsearch', ['-x', '-H', s.url, '-b', 'dc=example,dc=com', '-E', '!sync=ro', '(objectClass=inetOrgPerson)', 'uid'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/# numEntries: 10/)
    expect(r.stdout).toMatch(/# SyncDone control refreshDeletes=1/)
    const exited = once(s.child, 'exit')
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
})
