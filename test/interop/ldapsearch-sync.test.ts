/**
 * ldapsearch (Debian's ldap-utils 2.5.13) as a sync consumer of our provider and of a live
 * slapd 2.5.13 holding the same data, with the same changes: its printed output (UUIDs, CSNs and
 * base64 control values masked) and exit status must be the same, and it must parse every
 * message without complaint.
 *
 * `-E 'sync=rp/<cookie>/<slimit>'`: after <slimit> entries ldapsearch sends a Cancel. It attaches
 * its search controls to that Cancel, so with a critical Sync control (`!sync=…`) both servers
 * refuse the Cancel with unavailableCriticalExtension (12) — an ldapsearch quirk slapd shares.
 * With a non-critical one the Cancel is accepted and the search ends with canceled (118).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProvider } from '../../provider/index.js'
import type { Provider } from '../../provider/index.js'
import { ldapModify, loadLdif } from '../support/ldap-tools.js'
import { startSlapd } from '../../tools/slapd/slapd.js'
import type { SlapdServer } from '../../tools/slapd/slapd.js'
import { traceDitLdif } from '../support/trace-dit.js'
import { requirePeers, skipInterop } from './peers.js'

const ROOT = 'cn=admin,dc=example,dc=com'
const PASSWORD = 'secret'

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs ldapsearch; `whileRunning` may act (e.g. write changes) once the refresh has been printed. */
async function ldapsearch(url: string, args: string[], whileRunning?: () => Promise<void>): Promise<Run> {
  const child = spawn('ldapsearch', ['-x', '-H', url, '-D', ROOT, '-w', PASSWORD, '-b', 'dc=example,dc=com', ...args])
  // 'close', not 'exit': 'exit' can come before the last stdout chunk has been read, and the
  // comparison then sees ldapsearch's output cut short (the flake this test used to have).
  const exited = once(child, 'close')
  let stdout = ''
  let stderr = ''
  let refreshed: () => void = () => {}
  const refreshPrinted = new Promise<void>((resolve) => (refreshed = resolve))
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    if (/refresh done, switching to persist stage|# SyncInfo Received/.test(stdout)) refreshed()
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  if (whileRunning) {
    await Promise.race([refreshPrinted, exited])
    await whileRunning()
  }
  const timer = setTimeout(() => child.kill(), 60_000) // only a safety net; ldapsearch exits by itself
  const [status] = (await exited) as [number | null]
  clearTimeout(timer)
  return { status, stdout, stderr }
}

/** Masks what differs between two servers holding the same data: UUIDs, CSNs, base64 values. */
function normalise(text: string): string {
  return text
    .replace(/^control: .*(\n .*)*/gm, 'control: <masked>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{14}\.\d{6}Z#[0-9a-f]{6}#[0-9a-f]{3}#[0-9a-f]{6}/g, '<csn>')
    .replace(/^(entryCSN|cookie): .*$/gm, '$1: <masked>')
}

const change = (v: string) => `dn: ou=people,dc=example,dc=com\nchangetype: modify\nreplace: description\ndescription: ${v}\n`

describe.skipIf(skipInterop('slapd', 'ldapsearch'))('ldapsearch -E sync against our provider and slapd 2.5.13', () => {
  let slapd: SlapdServer
  let provider: Provider

  beforeAll(async () => {
    requirePeers('slapd', 'ldapsearch')
    slapd = await startSlapd({ sessionLog: 100 })
    await loadLdif(slapd.url, traceDitLdif(5))
    provider = await createProvider({ port: 0, password: PASSWORD, sessionLog: 100, ldif: traceDitLdif(5) })
  })
  afterAll(async () => {
    await provider?.close()
    await slapd?.stop()
  })

  it("'!sync=ro' prints the same sessions, initial and resumed, without complaint", async () => {
    requirePeers('slapd', 'ldapsearch')
    const runs = await Promise.all([slapd.url, provider.url].map((url) => ldapsearch(url, ['-E', '!sync=ro', '*', 'entryCSN'])))
    const [theirs, ours] = runs as [Run, Run]
    expect(ours.stderr).toBe('')
    expect(ours.status).toBe(0)
    expect(ours.stdout).toMatch(/# numEntries: 7\n/)
    expect(normalise(ours.stdout)).toBe(normalise(theirs.stdout))
    // resume each with its own cookie: nothing changed
    const cookieOf = (r: Run) => (/^# cookie: (.*)$/m.exec(r.stdout)?.[1] ?? '')
    const resumed = await Promise.all([
      ldapsearch(slapd.url, ['-E', `!sync=ro/${cookieOf(theirs)}`]),
      ldapsearch(provider.url, ['-E', `!sync=ro/${cookieOf(ours)}`]),
    ])
    expect(resumed[1]?.stderr).toBe('')
    expect(normalise((resumed[1] as Run).stdout)).toBe(normalise((resumed[0] as Run).stdout))
  })

  for (const critical of [true, false]) {
    it(`'${critical ? '!' : ''}sync=rp/<cookie>/3': persist changes, then the Cancel ldapsearch sends after 3 entries`, async () => {
      requirePeers('slapd', 'ldapsearch')
      const runs: Run[] = []
      for (const [url, modify] of [
        [slapd.url, (ldif: string) => ldapModify(slapd.url, ldif)],
        [provider.url, (ldif: string) => ldapModify(provider.url, ldif, { dn: ROOT, password: PASSWORD })],
      ] as const) {
        // Only the persist stage counts toward slimit here: the refresh of a search from the
        // suffix with a cookie that is up to date sends no entries.
        const cookie = /^# cookie: (.*)$/m.exec((await ldapsearch(url, ['-E', '!sync=ro', '1.1'])).stdout)?.[1] ?? ''
        runs.push(
          await ldapsearch(url, ['-E', `${critical ? '!' : ''}sync=rp/${cookie}/3`, '1.1'], async () => {
            for (const v of ['one', 'two', 'three']) await modify(change(`${v} ${critical}`))
          }),
        )
      }
      const [theirs, ours] = runs as [Run, Run]
      expect(normalise(ours.stdout)).toBe(normalise(theirs.stdout))
      expect(ours.stderr).toBe(theirs.stderr)
      expect(ours.status).toBe(theirs.status)
      if (critical) expect(ours.stdout).toMatch(/result: 12 Critical extension is unavailable/)
      else expect(ours.stdout).toMatch(/result: 118 Cancelled\n[\s\S]*# extended result response\nextended:\nresult: 0 Success/)
    })
  }
})
