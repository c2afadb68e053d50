import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileStore, REPLICA_FILE } from './file-store.js'
import { bytes, entry, uuidOf } from './store-test-data.js'

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'replica-store-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

const COOKIE = Uint8Array.of(0x72, 0x69, 0x64, 0xff, 0x00, 0xc0, 0x80, 0x0a)

async function committedStore(dir: string): Promise<FileStore> {
  const store = await FileStore.open(dir)
  const tx = await store.begin()
  tx.put(entry(uuidOf(1), 'uid=a,ou=People,dc=example', { uid: ['a'], jpegPhoto: [Uint8Array.of(0xff, 0xd8, 0x00, 0x0a)] }))
  tx.put(entry(uuidOf(2), 'cn=Ünïcode\\, Sr.,dc=example', { cn: ['Ünïcode, Sr.', ''], 'cn;lang-en': ['x '] }))
  await tx.commit(COOKIE)
  return store
}

describe('FileStore durability', () => {
  it('opens an empty directory (created if missing) as an empty replica with no cookie', async () => {
    const dir = join(await tempDir(), 'nested', 'store')
    const store = await FileStore.open(dir)
    const snap = await store.load()
    expect(snap.cookie).toBeUndefined()
    expect(snap.entries.size).toBe(0)
    await store.close()
  })

  it('gives back exactly the committed state after reopening, bytes included', async () => {
    const dir = await tempDir()
    const store = await committedStore(dir)
    const expected = await store.load()
    await store.close()
    const reopened = await FileStore.open(dir)
    const snap = await reopened.load()
    expect(snap).toEqual(expected)
    expect(snap.cookie).toEqual(COOKIE)
    expect(snap.entries.get(uuidOf(2))?.attributes.get('cn')).toEqual([bytes('Ünïcode, Sr.'), new Uint8Array(0)])
    expect([...(snap.entries.get(uuidOf(2))?.attributes.keys() ?? [])]).toEqual(['cn', 'cn;lang-en'])
    expect(await readdir(dir)).toEqual([REPLICA_FILE])
  })

  it('persists removals, rebases and kept cookies; a rolled back transaction leaves the file alone', async () => {
    const dir = await tempDir()
    const store = await committedStore(dir)
    let tx = await store.begin()
    tx.remove(uuidOf(2))
    tx.rebaseDescendants('ou=people,dc=EXAMPLE', 'ou=staff,dc=example')
    await tx.commit(new Uint8Array(0))
    const before = await readFile(join(dir, REPLICA_FILE))
    tx = await store.begin()
    tx.remove(uuidOf(1))
    tx.rollback()
    expect(await readFile(join(dir, REPLICA_FILE))).toEqual(before)
    const snap = await (await FileStore.open(dir)).load()
    expect([...snap.entries.values()].map((e) => e.dn)).toEqual(['uid=a,ou=staff,dc=example'])
    expect(snap.cookie).toEqual(COOKIE)
  })

  it('ignores and removes a temp file left by a crash before the rename', async () => {
    const dir = await tempDir()
    const expected = await (await committedStore(dir)).load()
    // A crash between write and rename: a complete new state that never became committed.
    const other = await tempDir()
    const newer = await FileStore.open(other)
    const tx = await newer.begin()
    tx.put(entry(uuidOf(9), 'uid=new,dc=example'))
    await tx.commit(bytes('newer'))
    await writeFile(join(dir, `${REPLICA_FILE}.tmp-123-abcdef`), await readFile(join(other, REPLICA_FILE)))
    // And a crash in the middle of writing: a truncated temp file.
    await writeFile(join(dir, `${REPLICA_FILE}.tmp-456-012345`), '{"format":"syncrepl-harness-replica","vers')
    const reopened = await FileStore.open(dir)
    expect(await reopened.load()).toEqual(expected)
    expect(await readdir(dir)).toEqual([REPLICA_FILE])
  })

  it('reports a truncated main file as STORE_CORRUPT naming the file', async () => {
    const dir = await tempDir()
    await (await committedStore(dir)).close()
    const file = join(dir, REPLICA_FILE)
    const size = (await readFile(file)).length
    for (const cut of [0, 10, size - 30, size - 1]) {
      const copy = await tempDir()
      await writeFile(join(copy, REPLICA_FILE), await readFile(file))
      await truncate(join(copy, REPLICA_FILE), cut)
      const attempt = FileStore.open(copy)
      await expect(attempt).rejects.toMatchObject({ code: 'STORE_CORRUPT', file: join(copy, REPLICA_FILE) })
      await expect(attempt).rejects.toThrow(join(copy, REPLICA_FILE))
    }
  })

  it('reports an edited or foreign main file as STORE_CORRUPT', async () => {
    const dir = await tempDir()
    await (await committedStore(dir)).close()
    const file = join(dir, REPLICA_FILE)
    const text = await readFile(file, 'utf8')
    const variants = [
      text.replace('uid=a', 'uid=b'), // digest mismatch
      'not json at all\n',
      '{"hello":1}\n',
      text.split('\n').slice(0, -2).join('\n') + '\n', // trailer dropped
    ]
    for (const variant of variants) {
      await writeFile(file, variant)
      await expect(FileStore.open(dir)).rejects.toMatchObject({ code: 'STORE_CORRUPT', file })
    }
  })

  it('reports an unreadable store path as STORE_IO', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'plain-file'), 'x')
    await expect(FileStore.open(join(dir, 'plain-file'))).rejects.toMatchObject({ code: 'STORE_IO' })
  })

  // 100,000 entries when STORE_BENCH=1 (the figures in the report); fewer by default so the suite stays fast.
  const BIG = process.env['STORE_BENCH'] === '1' ? 100_000 : 20_000
  it(`commits ${BIG} entries of 10 attributes in reasonable time`, async () => {
    const dir = await tempDir()
    const store = await FileStore.open(dir)
    const tx = await store.begin()
    const value = bytes('value-of-some-typical-length')
    const names = ['objectClass', 'uid', 'cn', 'sn', 'givenName', 'mail', 'telephoneNumber', 'title', 'description', 'employeeNumber']
    for (let i = 0; i < BIG; i++) {
      tx.put({ uuid: uuidOf(i), dn: `uid=u${i},ou=people,dc=example`, attributes: new Map(names.map((n) => [n, [value]])) })
    }
    let started = performance.now()
    await tx.commit(bytes('big'))
    const commitMs = performance.now() - started
    const tx2 = await store.begin()
    tx2.put(entry(uuidOf(5), 'uid=changed,dc=example'))
    started = performance.now()
    await tx2.commit()
    const smallCommitMs = performance.now() - started
    started = performance.now()
    const snap = await (await FileStore.open(dir)).load()
    const openMs = performance.now() - started
    const size = (await readFile(join(dir, REPLICA_FILE))).length
    console.log(`${BIG}×10: first commit ${commitMs.toFixed(0)} ms, one-entry commit ${smallCommitMs.toFixed(0)} ms, ` +
      `open ${openMs.toFixed(0)} ms, file ${(size / 1e6).toFixed(1)} MB`)
    expect(snap.entries.size).toBe(BIG)
    expect(snap.entries.get(uuidOf(5))?.dn).toBe('uid=changed,dc=example')
    expect(commitMs).toBeLessThan(10_000)
  })
})
