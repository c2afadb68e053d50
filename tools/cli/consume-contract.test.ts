import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { CliError } from './cli-error.js'
import { eventLine, REPORT_FILE, reportText, ReportWriter } from './consume-contract-files.js'
import { contractSettings } from './consume-contract.js'
import type { ReplicaSnapshot } from '../../consumer/index.js'

const U1 = '5a030000-0000-4000-8000-000000000003'
const REQUIRED = { SYNCREPL_URL: 'ldap://127.0.0.1:3890', SYNCREPL_BASE: 'dc=example,dc=com', SYNCREPL_MODE: 'refreshOnly', SYNCREPL_STATE_DIR: '/tmp/state' }

function usageError(env: NodeJS.ProcessEnv): string {
  try {
    contractSettings(env)
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    expect((error as CliError).exitCode).toBe(2)
    return (error as Error).message
  }
  throw new Error('expected a usage error')
}

describe('contractSettings', () => {
  it('reads every SYNCREPL_* variable the runner sets', () => {
    const s = contractSettings({
      ...REQUIRED,
      SYNCREPL_SCOPE: 'one',
      SYNCREPL_FILTER: '(cn=*)',
      SYNCREPL_ATTRS: 'cn, sn,,+',
      SYNCREPL_MODE: 'refreshAndPersist',
      SYNCREPL_RELOAD_HINT: 'true',
      SYNCREPL_BIND_DN: 'cn=admin,dc=example,dc=com',
      SYNCREPL_BIND_PASSWORD: 'secret',
      SYNCREPL_CASE: 'rfc4533/3.3.2/x/rp',
      SYNCREPL_RUN: 'initial',
    })
    expect(s).toEqual({
      url: 'ldap://127.0.0.1:3890',
      base: 'dc=example,dc=com',
      scope: 'one',
      filter: '(cn=*)',
      attributes: ['cn', 'sn', '+'],
      mode: 'refreshAndPersist',
      reloadHint: true,
      bindDn: 'cn=admin,dc=example,dc=com',
      password: 'secret',
      stateDir: '/tmp/state',
    })
  })

  it('defaults the optional ones as the contract\'s empty values mean (sub, all objects, all attributes, anonymous)', () => {
    const s = contractSettings({ ...REQUIRED, SYNCREPL_ATTRS: '', SYNCREPL_BIND_DN: '', SYNCREPL_STATE_DIR: 'relative/dir' })
    expect(s).toMatchObject({ scope: 'sub', filter: '(objectClass=*)', attributes: [], reloadHint: false, bindDn: '', password: '', stateDir: resolve('relative/dir') })
    expect(s.hooks).toBeUndefined()
  })

  it('names every missing required variable, and each invalid value, with exit 2', () => {
    expect(usageError({})).toBe('consume --contract needs SYNCREPL_URL, SYNCREPL_BASE, SYNCREPL_MODE, SYNCREPL_STATE_DIR in the environment (docs/consumer-contract.md lists the variables the runner sets).')
    expect(usageError({ ...REQUIRED, SYNCREPL_STATE_DIR: '' })).toMatch(/^consume --contract needs SYNCREPL_STATE_DIR in the environment/)
    expect(usageError({ ...REQUIRED, SYNCREPL_URL: 'http://x' })).toBe('SYNCREPL_URL is "http://x"; it must be ldap://host:port or ldaps://host:port.')
    expect(usageError({ ...REQUIRED, SYNCREPL_SCOPE: 'subtree' })).toBe('SYNCREPL_SCOPE is "subtree"; it must be base, one or sub.')
    expect(usageError({ ...REQUIRED, SYNCREPL_MODE: 'persist' })).toBe('SYNCREPL_MODE is "persist"; it must be refreshOnly or refreshAndPersist.')
    expect(usageError({ ...REQUIRED, SYNCREPL_RELOAD_HINT: 'yes' })).toBe('SYNCREPL_RELOAD_HINT is "yes"; it must be true or false.')
  })

  it('turns the handshake on with SYNCREPL_HOOK_GUID: the data from _HEX (exact octets), else the text', () => {
    expect(contractSettings({ ...REQUIRED, SYNCREPL_HOOK_GUID: 'g', SYNCREPL_HOOK_DATA: 'ab', SYNCREPL_HOOK_DATA_HEX: '616200' }).hooks).toEqual({ guid: 'g', data: Uint8Array.of(0x61, 0x62, 0) })
    expect(contractSettings({ ...REQUIRED, SYNCREPL_HOOK_GUID: 'g', SYNCREPL_HOOK_DATA: 'é' }).hooks).toEqual({ guid: 'g', data: Uint8Array.of(0xc3, 0xa9) })
    expect(contractSettings({ ...REQUIRED, SYNCREPL_HOOK_GUID: 'g', SYNCREPL_HOOK_DATA_HEX: '' }).hooks).toEqual({ guid: 'g', data: new Uint8Array() })
    expect(usageError({ ...REQUIRED, SYNCREPL_HOOK_GUID: 'g', SYNCREPL_HOOK_DATA_HEX: 'abc' })).toBe('SYNCREPL_HOOK_DATA_HEX must be pairs of hex digits, not "abc".')
    expect(usageError({ ...REQUIRED, SYNCREPL_HOOK_GUID: 'g' })).toMatch(/^SYNCREPL_HOOK_GUID is set without SYNCREPL_HOOK_DATA_HEX or SYNCREPL_HOOK_DATA/)
  })
})

describe('report.json and events.jsonl lines', () => {
  const snapshot: ReplicaSnapshot = {
    cookie: Uint8Array.from(Buffer.from('rid=000,csn=1')),
    entries: new Map([[U1, { uuid: U1, dn: 'uid=b,dc=example,dc=com', attributes: new Map([['cn', [Uint8Array.from(Buffer.from('Bäbs'))]], ['jpegPhoto', [Uint8Array.of(0xff, 0xd8)]]]) }]]),
  }

  it('writes values as text when valid UTF-8, else {"base64"}; the cookie as base64, or null', () => {
    expect(JSON.parse(reportText(snapshot))).toEqual({
      cookie: Buffer.from('rid=000,csn=1').toString('base64'),
      entries: [{ uuid: U1, dn: 'uid=b,dc=example,dc=com', attributes: { cn: ['Bäbs'], jpegPhoto: [{ base64: '/9g=' }] } }],
    })
    expect(JSON.parse(reportText({ cookie: undefined, entries: new Map() }))).toEqual({ cookie: null, entries: [] })
  })

  it('one line per callback, in the contract\'s shapes; other events write nothing', () => {
    expect(eventLine({ kind: 'entry', uuid: U1, dn: 'cn=x', state: 'add', attributes: new Map() })).toBe(`{"event":"entry","uuid":"${U1}","dn":"cn=x"}`)
    expect(eventLine({ kind: 'delete', uuids: [U1] })).toBe(`{"event":"delete","uuids":["${U1}"]}`)
    expect(eventLine({ kind: 'present', uuids: [U1], refreshDeletes: false })).toBe(`{"event":"present","uuids":["${U1}"],"refreshDeletes":false}`)
    expect(eventLine({ kind: 'present', uuids: null, refreshDeletes: true })).toBe('{"event":"present","refreshDeletes":true}')
    expect(eventLine({ kind: 'refreshDone' })).toBe('{"event":"refreshDone"}')
    expect(eventLine({ kind: 'cookie', cookie: Uint8Array.of(0, 1) })).toBe('{"event":"cookie","cookie":"AAE="}')
    expect(eventLine({ kind: 'refreshRequired', cookie: undefined, diagnosticMessage: '' })).toBeUndefined()
  })
})

describe('ReportWriter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-writer-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** A store whose loads are counted and announced; each load sees a cookie one higher. */
  function countingStore(): { load: () => Promise<ReplicaSnapshot>; loads: () => number; nextLoad: () => Promise<void> } {
    let count = 0
    let waiter: (() => void) | undefined
    return {
      load: async () => {
        count++
        waiter?.()
        waiter = undefined
        return { cookie: Uint8Array.from(Buffer.from(`c${count}`)), entries: new Map() }
      },
      loads: () => count,
      nextLoad: () => new Promise<void>((r) => (waiter = r)),
    }
  }
  const reported = (): string => Buffer.from(JSON.parse(readFileSync(join(dir, REPORT_FILE), 'utf8')).cookie as string, 'base64').toString()

  it('coalesces a burst of commits into few writes, and the last write shows the last state', async () => {
    const store = countingStore()
    const writer = new ReportWriter(dir, store.load, (e) => { throw e }, 50)
    for (let i = 0; i < 10_000; i++) writer.changed()
    await writer.flush()
    expect(store.loads()).toBeLessThanOrEqual(2)
    expect(reported()).toBe(`c${store.loads()}`)
  })

  it('changed(true) writes at once instead of waiting for the interval', async () => {
    const store = countingStore()
    const writer = new ReportWriter(dir, store.load, (e) => { throw e }, 3_600_000)
    let next = store.nextLoad()
    writer.changed() // nothing written yet: the first write goes out at once
    await next
    next = store.nextLoad()
    writer.changed() // within the interval: waits (an hour here)
    writer.changed(true) // the end of a refresh: now
    await next
    expect(store.loads()).toBe(2)
    await writer.flush()
    expect(store.loads()).toBe(3)
    expect(reported()).toBe('c3')
  })

  it('reports a failed write to onError; the write at exit throws', async () => {
    let writer: ReportWriter | undefined
    const failed = new Promise<Error>((resolve) => (writer = new ReportWriter(join(dir, 'missing', 'dir'), async () => ({ cookie: undefined, entries: new Map() }), resolve, 50)))
    writer?.changed()
    expect((await failed).message).toMatch(/ENOENT/)
    await expect(writer?.flush()).rejects.toThrow(/ENOENT/)
  })
})

describe('syncrepl-harness consume --contract (the program)', () => {
  const BIN = fileURLToPath(new URL('../../bin/syncrepl-harness.js', import.meta.url))
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    promisify(execFile)(process.execPath, [BIN, 'consume', ...args], { encoding: 'utf8', env }).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    )
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYNCREPL_')))

  it('exits 2 naming the missing variable, and refuses other consume options', async () => {
    const missing = await run(['--contract'], { ...clean, ...REQUIRED, SYNCREPL_BASE: '' })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('consume --contract needs SYNCREPL_BASE in the environment')
    const mixed = await run(['--contract', '--url', 'ldap://x'], { ...clean, ...REQUIRED })
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toContain('--contract reads every setting from the SYNCREPL_* variables; drop --url.')
  })
})
