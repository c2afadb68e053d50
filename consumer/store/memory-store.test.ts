import { describe, expect, it } from 'vitest'
import { MemoryStore } from './memory-store.js'
import { StoreError } from './errors.js'
import { bytes, entry, uuidOf } from './store-test-data.js'

const A = uuidOf(1)
const B = uuidOf(2)
const C = uuidOf(3)

async function storeWith(...entries: ReturnType<typeof entry>[]): Promise<MemoryStore> {
  const store = new MemoryStore()
  const tx = await store.begin()
  for (const e of entries) tx.put(e)
  await tx.commit(bytes('c0'))
  return store
}

function dnsOf(entries: ReadonlyMap<string, { dn: string }>): Record<string, string> {
  return Object.fromEntries([...entries].map(([uuid, e]) => [uuid, e.dn]))
}

describe('MemoryStore transactions', () => {
  it('starts empty, with no cookie', async () => {
    const snap = await new MemoryStore().load()
    expect(snap.cookie).toBeUndefined()
    expect(snap.entries.size).toBe(0)
  })

  it('hides staged changes from the store until commit, and shows them to the transaction', async () => {
    const store = await storeWith(entry(A, 'uid=a,dc=x', { uid: ['a'] }))
    const tx = await store.begin()
    tx.put(entry(B, 'uid=b,dc=x'))
    tx.remove(A)
    expect(tx.get(B)?.dn).toBe('uid=b,dc=x')
    expect(tx.get(A)).toBeUndefined()
    expect([...tx.uuids()]).toEqual([B])
    const before = await store.load()
    expect([...before.entries.keys()]).toEqual([A])
    await tx.commit()
    const after = await store.load()
    expect([...after.entries.keys()]).toEqual([B])
    // The earlier snapshot did not change under its holder.
    expect([...before.entries.keys()]).toEqual([A])
  })

  it('rollback discards everything staged, cookie included', async () => {
    const store = await storeWith(entry(A, 'uid=a,dc=x'))
    const tx = await store.begin()
    tx.put(entry(B, 'uid=b,dc=x'))
    tx.remove(A)
    tx.rollback()
    const snap = await store.load()
    expect([...snap.entries.keys()]).toEqual([A])
    expect(snap.cookie).toEqual(bytes('c0'))
    expect(() => tx.put(entry(C, 'uid=c,dc=x'))).toThrow(expect.objectContaining({ code: 'STORE_TRANSACTION_FINISHED' }))
  })

  it('replaces an entry on put, and a put after remove brings it back', async () => {
    const store = await storeWith(entry(A, 'uid=a,dc=x', { cn: ['one', 'two'] }))
    const tx = await store.begin()
    tx.remove(A)
    tx.put(entry(A, 'uid=a2,dc=x', { sn: ['s'] }))
    await tx.commit()
    const got = (await store.load()).entries.get(A)
    expect(got?.dn).toBe('uid=a2,dc=x')
    expect([...(got?.attributes.keys() ?? [])]).toEqual(['sn'])
  })

  it('treats removing an unknown UUID as a no-op (rfc4533.md §5 cases 10, 19)', async () => {
    const store = await storeWith(entry(A, 'uid=a,dc=x'))
    const tx = await store.begin()
    tx.remove(C)
    tx.put(entry(B, 'uid=b,dc=x'))
    tx.remove(B) // staged only: simply unstaged
    expect([...tx.uuids()]).toEqual([A])
    await tx.commit()
    expect([...(await store.load()).entries.keys()]).toEqual([A])
  })

  it('allows one transaction at a time (STORE_TRANSACTION_OPEN), and another after commit', async () => {
    const store = new MemoryStore()
    const tx = await store.begin()
    await expect(store.begin()).rejects.toMatchObject({ code: 'STORE_TRANSACTION_OPEN' })
    await tx.commit()
    await expect(tx.commit()).rejects.toBeInstanceOf(StoreError)
    const tx2 = await store.begin()
    tx2.rollback()
    tx2.rollback() // harmless
    await (await store.begin()).commit()
  })

  it('stores the cookie only when given and non-empty (rfc4533.md §2.6)', async () => {
    const store = await storeWith()
    let tx = await store.begin()
    await tx.commit(new Uint8Array(0))
    expect((await store.load()).cookie).toEqual(bytes('c0'))
    tx = await store.begin()
    await tx.commit()
    expect((await store.load()).cookie).toEqual(bytes('c0'))
    tx = await store.begin()
    await tx.commit(bytes('c1'))
    expect((await store.load()).cookie).toEqual(bytes('c1'))
    // An empty first cookie stays "none", never an empty cookie.
    const fresh = new MemoryStore()
    await (await fresh.begin()).commit(new Uint8Array(0))
    expect((await fresh.load()).cookie).toBeUndefined()
  })

  it('keeps cookie and value bytes exact, non-UTF-8 included, and copies them', async () => {
    const cookie = Uint8Array.of(0xff, 0x00, 0xc3, 0x28, 0x80, 0xfe)
    const value = Buffer.from([0x00, 0xff, 0xed, 0xa0, 0x80])
    const store = new MemoryStore()
    const tx = await store.begin()
    tx.put(entry(A, 'uid=a,dc=x', { photo: [value.subarray(1)] }))
    await tx.commit(cookie)
    cookie[0] = 0
    value[1] = 0
    const snap = await store.load()
    expect(snap.cookie).toEqual(Uint8Array.of(0xff, 0x00, 0xc3, 0x28, 0x80, 0xfe))
    const stored = snap.entries.get(A)?.attributes.get('photo')?.[0]
    expect(stored).toEqual(Uint8Array.of(0xff, 0xed, 0xa0, 0x80))
    expect(Object.getPrototypeOf(stored)).toBe(Uint8Array.prototype)
    // Changing a loaded cookie does not change the stored one.
    snap.cookie![1] = 9
    expect((await store.load()).cookie?.[1]).toBe(0)
  })

  it('rejects malformed entries with STORE_BAD_ENTRY', async () => {
    const tx = await new MemoryStore().begin()
    expect(() => tx.put(entry('ABC', 'dc=x'))).toThrow(expect.objectContaining({ code: 'STORE_BAD_ENTRY' }))
    expect(() => tx.put(entry('AAAAAAAA-0000-4000-8000-000000000001', 'dc=x'))).toThrow(expect.objectContaining({ code: 'STORE_BAD_ENTRY' }))
    expect(() => tx.put({ uuid: A, dn: 'dc=x', attributes: new Map([['cn', ['text' as unknown as Uint8Array]]]) }))
      .toThrow(expect.objectContaining({ code: 'STORE_BAD_ENTRY' }))
  })

  it('refuses use after close (STORE_CLOSED)', async () => {
    const store = new MemoryStore()
    const tx = await store.begin()
    await store.close()
    await expect(store.load()).rejects.toMatchObject({ code: 'STORE_CLOSED' })
    await expect(store.begin()).rejects.toMatchObject({ code: 'STORE_CLOSED' })
    await expect(tx.commit()).rejects.toMatchObject({ code: 'STORE_CLOSED' })
  })

  it('leaves the committed state untouched when persisting fails', async () => {
    let fail = false
    const store = new MemoryStore({ persist: async () => { if (fail) throw new Error('disk full') } })
    await (await store.begin()).commit(bytes('c1'))
    fail = true
    const tx = await store.begin()
    tx.put(entry(A, 'uid=a,dc=x'))
    await expect(tx.commit(bytes('c2'))).rejects.toThrow('disk full')
    const snap = await store.load()
    expect(snap.entries.size).toBe(0)
    expect(snap.cookie).toEqual(bytes('c1'))
    await (await store.begin()).rollback() // the failed transaction released the store
  })

  it('hands persist the full post-commit state', async () => {
    const seen: string[][] = []
    const store = new MemoryStore({
      initial: { cookie: bytes('c0'), entries: new Map([[A, entry(A, 'uid=a,dc=x')], [B, entry(B, 'uid=b,dc=x')]]) },
      persist: async (pending) => { seen.push([...pending.entries()].map((e) => e.dn), [String(pending.cookie?.length)]) },
    })
    const tx = await store.begin()
    tx.remove(A)
    tx.put(entry(B, 'uid=b2,dc=x'))
    tx.put(entry(C, 'uid=c,dc=x'))
    await tx.commit()
    expect(seen).toEqual([['uid=b2,dc=x', 'uid=c,dc=x'], ['2']])
  })

  it('does not copy a large replica per transaction', async () => {
    const entries = new Map<string, ReturnType<typeof entry>>()
    for (let i = 0; i < 100_000; i++) entries.set(uuidOf(i), entry(uuidOf(i), `uid=u${i},dc=x`, { uid: [`u${i}`] }))
    const store = new MemoryStore({ initial: { cookie: undefined, entries } })
    const started = performance.now()
    for (let i = 0; i < 200; i++) {
      const tx = await store.begin()
      tx.put(entry(uuidOf(i), `uid=v${i},dc=x`))
      await tx.commit(bytes(`c${i}`))
    }
    // 200 transactions over 100,000 entries: copying would cost seconds, the overlay milliseconds.
    expect(performance.now() - started).toBeLessThan(1000)
    expect((await store.load()).entries.get(uuidOf(199))?.dn).toBe('uid=v199,dc=x')
  })
})

describe('rebaseDescendants (rfc4533.md §5 case 21)', () => {
  it('rewrites every entry strictly below the old DN, nested ones included, RDN by RDN', async () => {
    const store = await storeWith(
      entry(A, 'ou=old,dc=x'),
      entry(B, 'uid=a,ou=old,dc=x'),
      entry(C, 'cn=deep,uid=a,ou=old,dc=x'),
      entry(uuidOf(4), 'uid=z,ou=other,dc=x'),
      entry(uuidOf(5), 'ou=older,dc=x'),
    )
    const tx = await store.begin()
    tx.rebaseDescendants('ou=old,dc=x', 'ou=new,dc=y')
    expect(tx.get(B)?.dn).toBe('uid=a,ou=new,dc=y')
    await tx.commit()
    expect(dnsOf((await store.load()).entries)).toEqual({
      [A]: 'ou=old,dc=x', // the renamed entry itself arrives in its own message
      [B]: 'uid=a,ou=new,dc=y',
      [C]: 'cn=deep,uid=a,ou=new,dc=y',
      [uuidOf(4)]: 'uid=z,ou=other,dc=x',
      [uuidOf(5)]: 'ou=older,dc=x',
    })
  })

  it('compares DNs by the DN rules: attribute type case, value case, spacing and escapes', async () => {
    const store = await storeWith(
      entry(A, 'UID=a,OU=Old\\2C Inc,DC=X'),
      entry(B, 'uid=b,ou=old\\, inc,dc=x'),
      entry(C, 'uid=c, ou = "Old, Inc" , dc=x'),
      entry(uuidOf(4), 'uid=d,ou=Old\\2C Incorporated,dc=x'),
    )
    const tx = await store.begin()
    tx.rebaseDescendants('ou=Old\\, Inc,dc=x', 'ou=New\\+Co,dc=x')
    await tx.commit()
    expect(dnsOf((await store.load()).entries)).toEqual({
      [A]: 'UID=a,ou=New\\+Co,dc=x',
      [B]: 'uid=b,ou=New\\+Co,dc=x',
      [C]: 'uid=c,ou=New\\+Co,dc=x',
      [uuidOf(4)]: 'uid=d,ou=Old\\2C Incorporated,dc=x',
    })
  })

  it('sees and rewrites staged entries, and keeps their attributes', async () => {
    const store = await storeWith()
    const tx = await store.begin()
    tx.put(entry(A, 'uid=a,ou=old,dc=x', { uid: ['a'] }))
    tx.rebaseDescendants('ou=old,dc=x', 'ou=new,dc=x')
    tx.rebaseDescendants('ou=new,dc=x', 'ou=newer,dc=x')
    expect(tx.get(A)?.dn).toBe('uid=a,ou=newer,dc=x')
    expect(tx.get(A)?.attributes.get('uid')).toEqual([bytes('a')])
    tx.rollback()
    expect((await store.load()).entries.size).toBe(0)
  })

  it('rejects an unparsable base DN with STORE_BAD_DN and skips entries whose DN does not parse', async () => {
    const store = await storeWith(entry(A, 'not a dn'), entry(B, 'uid=b,ou=old,dc=x'))
    const tx = await store.begin()
    expect(() => tx.rebaseDescendants('ou=old,,dc=x', 'ou=new,dc=x')).toThrow(expect.objectContaining({ code: 'STORE_BAD_DN' }))
    expect(() => tx.rebaseDescendants('ou=old,dc=x', '=x')).toThrow(expect.objectContaining({ code: 'STORE_BAD_DN' }))
    tx.rebaseDescendants('ou=old,dc=x', 'ou=new,dc=x')
    expect(tx.get(A)?.dn).toBe('not a dn')
    expect(tx.get(B)?.dn).toBe('uid=b,ou=new,dc=x')
  })
})
