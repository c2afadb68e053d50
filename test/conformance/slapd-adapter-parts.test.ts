/**
 * The pure parts of the "slapd as a consumer" adapter (examples/consumers/slapd): reading slapd
 * 2.5.13's `-d sync` lines (captured on this project's test machine), slapcat's LDIF into
 * report.json, the cookie built from contextCSN (rfc4533.md §3.3), slapd.conf quoting, and the
 * monitor-based "refresh is over" rule. No slapd needed.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { SlapdConsumerError } from '../../examples/consumers/slapd/errors.js'
import { listeningInodes, listensOn } from '../../examples/consumers/slapd/port-owner.js'
import { generalizedTime, refreshIsOver } from '../../examples/consumers/slapd/refresh-watch.js'
import { cookieOf, reportFromLdif } from '../../examples/consumers/slapd/replica-report.js'
import { readSettings } from '../../examples/consumers/slapd/settings.js'
import { consumerConf, quote, slapdPaths, syncreplDirective } from '../../examples/consumers/slapd/slapd-consumer-conf.js'
import { SyncLog } from '../../examples/consumers/slapd/sync-log.js'

const P = '6b04a6b8.09254570 0x7f45a01fe6c0 '
const feed = (lines: string[]): { log: SyncLog; echoed: string[] } => {
  const log = new SyncLog()
  const echoed = lines.filter((l) => log.push(P + l))
  return { log, echoed }
}

describe('SyncLog (slapd 2.5.13 -d sync lines)', () => {
  it('a refresh that ends with SearchResultDone success is done, and its routine lines are not echoed', () => {
    const { log, echoed } = feed([
      'do_syncrep1: rid=001 starting refresh (sending cookie=rid=001)',
      'syncrepl_message_to_entry: rid=001 DN: dc=example,dc=com, UUID: 5a010000-0000-4000-8000-000000000001',
      'syncrepl_entry: rid=001 LDAP_RES_SEARCH_ENTRY(LDAP_SYNC_ADD) csn=(none) tid 0x7f22241fe6c0',
      'syncrepl_entry: rid=001 be_add dc=example,dc=com (0)',
      'do_syncrep2: rid=001 LDAP_RES_SEARCH_RESULT',
      'do_syncrep2: rid=001 cookie=rid=001,csn=20261123203750.033000Z#000000#000#000000',
      'slap_queue_csn: queueing 0x7f22181031d0 20261123203750.033000Z#000000#000#000000',
      'slap_graduate_commit_csn: removing 0x7f22181031d0 20261123203750.033000Z#000000#000#000000',
      'connection_read(10): no connection!',
    ])
    expect(log.outcome).toEqual({ kind: 'done' })
    expect(log.attempts).toBe(1)
    expect(echoed).toEqual([])
  })

  it('an error result fails the refresh with its code', () => {
    const { log, echoed } = feed([
      'do_syncrep1: rid=001 starting refresh (sending cookie=rid=001)',
      'do_syncrep2: rid=001 LDAP_RES_SEARCH_RESULT',
      'do_syncrep2: rid=001 LDAP_RES_SEARCH_RESULT (32) No such object',
      'do_syncrep2: rid=001 (32) No such object',
    ])
    expect(log.outcome).toMatchObject({ kind: 'failed', resultCode: 32 })
    expect(echoed).toHaveLength(2)
  })

  it('a 4096 is not an end: slapd starts a new refresh at once, and that one decides', () => {
    const { log } = feed([
      'do_syncrep1: rid=001 starting refresh (sending cookie=rid=001)',
      'do_syncrep2: rid=001 LDAP_RES_SEARCH_RESULT',
      'do_syncrep2: rid=001 delta-sync lost sync, switching to REFRESH',
      'do_syncrep2: rid=001 (4096) Content Sync Refresh Required',
    ])
    expect(log.outcome).toEqual({ kind: 'pending' })
    log.push(`${P}do_syncrep1: rid=001 starting refresh (sending cookie=rid=001)`)
    log.push(`${P}do_syncrep2: rid=001 LDAP_RES_SEARCH_RESULT`)
    expect(log.outcome).toEqual({ kind: 'done' })
    expect(log.attempts).toBe(2)
  })

  it('a failed bind names the provider, the identity and the result code', () => {
    const { log } = feed([
      'slap_client_connect: URI=ldap://127.0.0.1:3899 DN="cn=admin,dc=example,dc=com" ldap_sasl_bind_s failed (49)',
      'do_syncrepl: rid=001 rc 49 retrying',
    ])
    expect(log.outcome).toEqual({
      kind: 'failed',
      resultCode: 49,
      reason: 'slapd could not connect to ldap://127.0.0.1:3899 and bind as cn=admin,dc=example,dc=com: ldap_sasl_bind_s failed (49)',
    })
  })

  it('a protocol violation fails the refresh with the line that said so', () => {
    const { log, echoed } = feed([
      'do_syncrep1: rid=001 starting refresh (sending cookie=rid=001)',
      'do_syncrep2: rid=001 got search entry without Sync State control (ou=people,dc=example,dc=com)',
      'do_syncrepl: rid=001 rc -1 retrying',
    ])
    expect(log.outcome).toMatchObject({ kind: 'failed', resultCode: undefined })
    expect(log.outcome.kind === 'failed' && log.outcome.reason).toContain('got search entry without Sync State control')
    expect(echoed).toHaveLength(2)
  })
})

describe('report.json from slapcat', () => {
  const ldif = [
    'dn: dc=example,dc=com',
    'objectClass: glue',
    'structuralObjectClass: glue',
    'entryUUID: 11111111-2222-3333-4444-555555555555',
    'contextCSN: 20240101000000.000002Z#000000#002#000000',
    'contextCSN: 20240101000000.000001Z#000000#001#000000',
    '',
    'dn: uid=a,dc=example,dc=com',
    'objectClass: account',
    'uid: a',
    'description:: /w==',
    'entryUUID: 5A010000-0000-4000-8000-00000000000A',
    'entryCSN: 20240101000000.000001Z#000000#001#000000',
    'creatorsName: cn=syncrepl-consumer,dc=example,dc=com',
    '',
  ].join('\n')

  it('keeps replicated entries with user attributes only, skips glue, and builds the cookie from contextCSN sorted by serverID', () => {
    const report = reportFromLdif(Buffer.from(ldif))
    expect(report.entries).toEqual([
      { uuid: '5a010000-0000-4000-8000-00000000000a', dn: 'uid=a,dc=example,dc=com', attributes: { objectClass: ['account'], uid: ['a'], description: [{ base64: '/w==' }] } },
    ])
    expect(Buffer.from(report.cookie ?? '', 'base64').toString()).toBe('rid=001,csn=20240101000000.000001Z#000000#001#000000;20240101000000.000002Z#000000#002#000000')
  })

  it('has a null cookie before slapd stored any contextCSN', () => {
    expect(cookieOf([])).toBeNull()
    expect(reportFromLdif(Buffer.from(''))).toEqual({ cookie: null, entries: [] })
  })
})

describe('slapd.conf', () => {
  const env = {
    SYNCREPL_URL: 'ldap://127.0.0.1:3890',
    SYNCREPL_BASE: 'dc=example,dc=com',
    SYNCREPL_SCOPE: 'one',
    SYNCREPL_FILTER: '(cn=a\\2a "b")',
    SYNCREPL_ATTRS: 'cn,mail',
    SYNCREPL_MODE: 'refreshOnly',
    SYNCREPL_BIND_DN: 'cn=admin,dc=example,dc=com',
    SYNCREPL_BIND_PASSWORD: 'se"cret',
    SYNCREPL_STATE_DIR: '/tmp/state',
  }

  it('quotes values so that slapd reads them back exactly (a backslash keeps the next character)', () => {
    expect(quote('(cn=a\\2a "b")')).toBe('"(cn=a\\\\2a \\"b\\")"')
  })

  it('writes one syncrepl directive with the contract search, a one-day poll and bind credentials', () => {
    const text = syncreplDirective(readSettings(env))
    expect(text.split('\n').map((l) => l.trim())).toEqual([
      'syncrepl rid=001',
      'provider=ldap://127.0.0.1:3890',
      'type=refreshOnly',
      'interval=01:00:00:00',
      'retry="3600 1"',
      'searchbase="dc=example,dc=com"',
      'scope=one',
      'filter="(cn=a\\\\2a \\"b\\")"',
      'attrs="cn,mail"',
      'bindmethod=simple',
      'binddn="cn=admin,dc=example,dc=com"',
      'credentials="se\\"cret"',
    ])
  })

  it('uses the search base as the database suffix, keeps everything in the state directory, and adds the monitor database', () => {
    const settings = readSettings({ ...env, SYNCREPL_MODE: 'refreshAndPersist', SYNCREPL_ATTRS: '', SYNCREPL_BIND_DN: '', SYNCREPL_BIND_PASSWORD: '' })
    const text = consumerConf(slapdPaths(settings.stateDir), settings)
    expect(text).toContain('suffix "dc=example,dc=com"\n')
    expect(text).toContain('directory "/tmp/state/slapd/db"\n')
    expect(text).toContain('  type=refreshAndPersist\n  retry="1 5 5 +"\n')
    expect(text).toContain('  attrs="*"\n  bindmethod=simple\ndatabase monitor\n')
    expect(text).not.toContain('binddn=')
  })

  it('refuses a missing or unusable variable with a message naming it', () => {
    expect(() => readSettings({ ...env, SYNCREPL_MODE: '' })).toThrow(/SYNCREPL_MODE is not set/)
    expect(() => readSettings({ ...env, SYNCREPL_STATE_DIR: 'relative' })).toThrow(SlapdConsumerError)
    expect(() => readSettings({ ...env, SYNCREPL_FILTER: '(cn=a)\ninclude /etc/passwd' })).toThrow(/SYNCREPL_FILTER .* line breaks/)
  })
})

describe('the end of a refreshOnly session (monitor)', () => {
  const now = new Date(Date.UTC(2026, 10, 23, 20, 0, 0))

  it('is over when slapd is not connected and its next connection is a day (or an hour) away', () => {
    expect(refreshIsOver({ connected: false, nextConnect: generalizedTime('20261124200000Z'), phase: 'Refresh' }, now)).toBe(true)
    expect(refreshIsOver({ connected: false, nextConnect: generalizedTime('20261123210000Z'), phase: 'Refresh' }, now)).toBe(true)
  })

  it('is not over while connected, before the task was rescheduled, or when slapd retries at once (4096)', () => {
    expect(refreshIsOver({ connected: true, nextConnect: undefined, phase: 'Refresh' }, now)).toBe(false)
    expect(refreshIsOver({ connected: false, nextConnect: generalizedTime('20261123200000Z'), phase: 'Refresh' }, now)).toBe(false)
    expect(refreshIsOver({ connected: false, nextConnect: generalizedTime('00000101000000Z'), phase: 'Refresh' }, now)).toBe(false)
    expect(refreshIsOver(undefined, now)).toBe(false)
  })
})

describe('who listens on the port slapd was given (port-owner.ts)', () => {
  // Captured from /proc/net/tcp: a listener on 0.0.0.0:2024, one on 127.0.0.1:36705, and a
  // connection from 127.0.0.1:36705 (not listening: state 01).
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1045 1 000000000c4aeccf 100 0 0 10 0',
    '   1: 0100007F:8F61 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1454049 1 00000000154d7a91 100 0 0 10 0',
    '   2: 0100007F:8F61 0100007F:A623 01 00000000:00000000 00:00000000 00000000     0        0 1454050 1 00000000154d7a92 20 4 30 10 -1',
    '',
  ].join('\n')

  it('reads the inodes of the listening sockets on a port, and only those', () => {
    expect([...listeningInodes(table, 36705)]).toEqual(['1454049'])
    expect([...listeningInodes(table, 2024)]).toEqual(['1045'])
    expect(listeningInodes(table, 41507).size).toBe(0)
  })

  it.skipIf(process.platform !== 'linux')('tells our listener from another process\'s on the same machine', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const ours = (server.address() as AddressInfo).port
    const other = spawn(process.execPath, ['-e', "const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      const theirs = await new Promise<number>((resolve, reject) => {
        other.stdout.setEncoding('utf8').once('data', (text: string) => resolve(Number(text.trim())))
        other.once('exit', (code) => reject(new Error(`The listening child exited early (code ${code}).`)))
      })
      expect(await listensOn(process.pid, ours)).toBe(true)
      expect(await listensOn(process.pid, theirs)).toBe(false)
      expect(await listensOn(other.pid as number, theirs)).toBe(true)
      expect(await listensOn(other.pid as number, ours)).toBe(false)
    } finally {
      other.kill()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
    // A process that is gone listens nowhere.
    if (other.exitCode === null && other.signalCode === null) await new Promise((resolve) => other.once('exit', resolve))
    expect(await listensOn(other.pid as number, ours)).toBe(false)
  })
})
