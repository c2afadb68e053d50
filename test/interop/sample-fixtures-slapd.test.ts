/**
 * The sample LDIF files (fixtures/samples) and the output of `syncrepl-harness fixtures
 * generate` against Debian's slapd 2.5: each loads with slapadd into a throwaway slapd (core,
 * cosine, inetorgperson and nis schemas, tools/slapd/slapd-conf.ts), and ldapsearch reads back
 * exactly what our LDIF reader made of the file: the same DNs (compared by RFC 4514 meaning,
 * since slapd rewrites escapes as hex pairs), the same values octet for octet, and the fixed
 * entryUUIDs. Our provider, loaded from the same file, serves the same to the same ldapsearch.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listSampleFixtures, parseLdif, readLdifFile, valueAsString } from '../../fixtures/index.js'
import type { LdifRecord } from '../../fixtures/index.js'
import * as DN from '../../protocol/dn/index.js'
import { createProvider } from '../../provider/index.js'
import type { Provider } from '../../provider/index.js'
import { runFixtures } from '../../tools/cli/fixtures.js'
import { ROOT_DN, ROOT_PASSWORD, SUFFIX, startSlapd } from '../../tools/slapd/slapd.js'
import type { SlapdServer } from '../../tools/slapd/slapd.js'
import { runTool, simpleAuth } from '../provider/support/ldap-tools.js'
import { requirePeers, skipInterop } from './peers.js'

/** An entry in comparable form: attributes by lower-cased description, values as text (or base64 when not UTF-8), sorted. */
type Comparable = Record<string, string[]>

/** Entries keyed by normalised DN (RFC 4514 meaning, not spelling), with the DN as given. */
function comparable(records: readonly LdifRecord[]): Map<string, { dn: string; attributes: Comparable }> {
  const entries = new Map<string, { dn: string; attributes: Comparable }>()
  for (const record of records) {
    if (record.kind !== 'content') throw new Error(`Expected entries, got a ${record.kind} record for ${record.dn}.`)
    const attributes: Comparable = {}
    for (const attribute of record.attributes) {
      const values = attribute.values.map((v) => {
        const text = valueAsString(v)
        return text === undefined ? `base64:${Buffer.from(v).toString('base64')}` : text
      })
      attributes[attribute.description.toLowerCase()] = values.sort()
    }
    entries.set(DN.normalize(record.dn), { dn: record.dn, attributes })
  }
  return entries
}

/** Every entry under the suffix, user attributes and entryUUID, as ldapsearch prints them (bound as the rootdn). */
async function searchAll(url: string): Promise<LdifRecord[]> {
  const args = [...simpleAuth(url, ROOT_DN, ROOT_PASSWORD), '-LLL', '-o', 'ldif-wrap=no', '-b', SUFFIX, '(objectClass=*)', '*', 'entryUUID']
  const result = await runTool('ldapsearch', args, { env: { LDAPNOINIT: '1' } })
  if (result.code !== 0) throw new Error(`ldapsearch against ${url} exited with ${result.code}: ${result.stderr}`)
  return parseLdif(result.stdout, { file: `ldapsearch ${url}` })
}

/** What was read back equals what our reader read from the file, entry by entry. */
function expectSameEntries(actual: readonly LdifRecord[], expected: readonly LdifRecord[]): void {
  const got = comparable(actual)
  const want = comparable(expected)
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort())
  for (const [key, entry] of want) {
    expect({ dn: entry.dn, attributes: got.get(key)?.attributes }).toEqual({ dn: entry.dn, attributes: entry.attributes })
  }
}

describe.skipIf(skipInterop('slapd', 'ldapsearch'))('sample fixtures in slapd 2.5 and in our provider', () => {
  const slapds: SlapdServer[] = []
  const providers: Provider[] = []
  const work = mkdtempSync(join(tmpdir(), 'syncrepl-sample-fixtures-'))
  afterAll(async () => {
    await Promise.all([...slapds.map((s) => s.stop()), ...providers.map((p) => p.close())])
    rmSync(work, { recursive: true, force: true })
  })

  const samples = listSampleFixtures()

  it('has the five samples to check', () => {
    expect(samples.map((s) => s.name)).toEqual(['binary', 'deep-tree', 'groups', 'i18n-dns', 'small-org'])
  })

  describe.each(samples.map((s) => [s.name, s] as const))('%s.ldif', (_name, sample) => {
    const fromFile = readLdifFile(sample.path)

    it('loads into slapd with slapadd, and ldapsearch reads back every DN, value and entryUUID our reader read', async () => {
      requirePeers('slapd', 'ldapsearch')
      const slapd = await startSlapd({ preloadLdif: sample.path })
      slapds.push(slapd)
      const fromSlapd = await searchAll(slapd.url)
      expect(fromSlapd).toHaveLength(fromFile.length)
      expectSameEntries(fromSlapd, fromFile)
      await slapd.stop()
    })

    it('is served the same by our provider, which keeps the file’s entryUUIDs', async () => {
      requirePeers('ldapsearch')
      const provider = await createProvider({ ldif: { path: sample.path }, password: ROOT_PASSWORD })
      providers.push(provider)
      const fromProvider = await searchAll(provider.url)
      expect(fromProvider).toHaveLength(fromFile.length)
      expectSameEntries(fromProvider, fromFile)
      for (const record of fromFile) {
        if (record.kind !== 'content') continue
        const uuid = valueAsString(record.attributes.find((a) => a.description === 'entryUUID')!.values[0]!)!
        expect(DN.equals(provider.directory.getByUuid(uuid)!.dnText, record.dn), `${uuid} names ${record.dn}`).toBe(true)
      }
      await provider.close()
    })
  })

  it('loads the output of `fixtures generate` with slapadd and with ldapadd -e relax, as written, and our provider generates the same', async () => {
    requirePeers('slapd', 'ldapsearch')
    const path = join(work, 'generated.ldif')
    expect(await runFixtures(['generate', '--count', '120', '--seed', '42', '--out', path])).toBe(0)
    const fromFile = readLdifFile(path)
    expect(fromFile).toHaveLength(3 + 120 + 2)

    const preloaded = await startSlapd({ preloadLdif: path })
    slapds.push(preloaded)
    expectSameEntries(await searchAll(preloaded.url), fromFile)
    await preloaded.stop()

    // entryUUID is NO-USER-MODIFICATION: slapd takes it over LDAP only with the Relax Rules control.
    const empty = await startSlapd()
    slapds.push(empty)
    const added = await runTool('ldapadd', [...simpleAuth(empty.url, ROOT_DN, ROOT_PASSWORD), '-e', 'relax'], {
      input: readFileSync(path, 'utf8'),
      env: { LDAPNOINIT: '1' },
    })
    expect([added.code, added.stderr]).toEqual([0, ''])
    expectSameEntries(await searchAll(empty.url), fromFile)
    await empty.stop()

    // The same seed and count give the directory `serve --generate 120 --seed 42` serves.
    const provider = await createProvider({ generate: { count: 120, seed: 42 }, password: ROOT_PASSWORD })
    providers.push(provider)
    expectSameEntries(await searchAll(provider.url), fromFile)
    await provider.close()
  })

  it('refuses a version line in slapadd 2.5, which is why neither the samples nor the generator write one', async () => {
    requirePeers('slapd')
    const path = join(work, 'versioned.ldif')
    writeFileSync(path, 'version: 1\n\n' + readFileSync(listSampleFixtures()[0]!.path, 'utf8'))
    await expect(startSlapd({ preloadLdif: path })).rejects.toMatchObject({ code: 'SLAPADD_FAILED', message: expect.stringMatching(/has no dn/) })
  })
})
