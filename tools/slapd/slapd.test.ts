/**
 * The launcher's own options beyond what test/interop/slapd-harness.test.ts covers: a database
 * preloaded with slapadd (what the provider benchmarks use), its maxsize, and the failures of
 * both. Needs Debian's slapd (slapadd comes with it) and ldap-utils: like every interop test, a
 * missing peer fails (test/interop/peers.ts), unless SYNCREPL_SKIP_INTEROP=1 outside CI.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { generateLdifText } from '../../fixtures/index.js'
import { SLAPADD_BINARY, SUFFIX, startSlapd } from './slapd.js'
import { requirePeers, skipInterop } from '../../test/interop/peers.js'
import type { SlapdServer } from './slapd.js'

const LDAPSEARCH = '/usr/bin/ldapsearch'

/** DNs ldapsearch prints for the whole subtree (simple bind as the rootdn). */
async function searchDns(slapd: SlapdServer): Promise<string[]> {
  const { stdout } = await promisify(execFile)(LDAPSEARCH, ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', slapd.url, '-D', slapd.rootDn, '-w', slapd.rootPassword, '-b', SUFFIX, 'dn'])
  return stdout.split('\n').filter((line) => line.startsWith('dn: '))
}

describe.skipIf(skipInterop('slapd', 'ldapsearch'))('the throwaway slapd launcher', () => {
  requirePeers('slapd', 'ldapsearch')
  const work = mkdtempSync(join(tmpdir(), 'syncrepl-slapd-test-'))
  const started: SlapdServer[] = []
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()))
    rmSync(work, { recursive: true, force: true })
  })

  it('preloads an LDIF with slapadd -q before the first start, with the maxsize asked for, and keeps it across restart()', async () => {
    const ldif = join(work, 'small.ldif')
    // slapadd 2.5 stops at the blank line after `version: 1`, so the launcher's contract is an LDIF without it.
    writeFileSync(ldif, generateLdifText({ count: 10, seed: 4533, suffix: SUFFIX, version: false }))
    const slapd = await startSlapd({ preloadLdif: ldif, maxSize: 128 * 1024 * 1024, rootPassword: 'other' })
    started.push(slapd)
    expect(slapd.preload?.command).toBe(`${SLAPADD_BINARY} -q -f ${join(slapd.dir, 'slapd.conf')} -l ${ldif}`)
    expect(slapd.preload?.ms).toBeGreaterThanOrEqual(0)
    expect(readFileSync(join(slapd.dir, 'slapd.conf'), 'utf8')).toMatch(/^maxsize 134217728$/m)
    // suffix, ou=people, ou=groups, 10 people, 1 group (one per 50 people, at least one).
    const dns = await searchDns(slapd)
    expect(dns).toHaveLength(14)
    expect(dns[0]).toBe(`dn: ${SUFFIX}`)

    await slapd.restart()
    expect(await searchDns(slapd)).toHaveLength(14)
    const dir = slapd.dir
    await slapd.stop()
    expect(existsSync(dir)).toBe(false)
  })

  it('starts empty without preloadLdif, with the test-sized default map', async () => {
    const slapd = await startSlapd()
    started.push(slapd)
    expect(slapd.preload).toBeUndefined()
    expect(readFileSync(join(slapd.dir, 'slapd.conf'), 'utf8')).toMatch(/^maxsize 67108864$/m)
    await expect(searchDns(slapd)).rejects.toMatchObject({ stderr: expect.stringMatching(/No such object/) })
  })

  it('fails with slapadd\'s own words when the LDIF cannot be loaded, and leaves no temp dir behind', async () => {
    const ldif = join(work, 'bad.ldif')
    writeFileSync(ldif, 'dn: cn=outside,dc=elsewhere\nobjectClass: device\ncn: outside\n')
    const error: unknown = await startSlapd({ preloadLdif: ldif }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'SLAPADD_FAILED', message: expect.stringContaining(`loading ${ldif}`) })
    // slapadd's stderr names what is wrong: the entry's DN is under no database suffix.
    expect(error).toMatchObject({ message: expect.stringMatching(/not configured to hold "cn=outside,dc=elsewhere"/) })
    const config = /-f (\S+)\/slapd\.conf/.exec((error as Error).message)?.[1]
    expect(config).toBeDefined()
    expect(existsSync(config ?? '')).toBe(false)
  })

  it('rejects a maxSize that back_mdb cannot take before starting anything', async () => {
    await expect(startSlapd({ maxSize: 0 })).rejects.toMatchObject({ code: 'SLAPD_BAD_OPTION', message: expect.stringMatching(/got 0/) })
    await expect(startSlapd({ maxSize: 1.5 })).rejects.toMatchObject({ code: 'SLAPD_BAD_OPTION' })
  })
})
