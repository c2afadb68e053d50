import { describe, expect, it } from 'vitest'
import { encodeAttributeList } from '../../protocol/ldap/attribute-list.js'
import { StoreError } from './errors.js'
import { MemoryStore } from './memory-store.js'
import { PackedEntry, ownCopy } from './packed-entry.js'
import { ownEntry } from './replica-entry.js'
import { bytes, entry, uuidOf } from './store-test-data.js'

const A = uuidOf(1)
const list = () => encodeAttributeList([{ type: 'uid', vals: [bytes('a')] }, { type: 'cn', vals: [bytes('Ann'), bytes('Anne')] }])

describe('PackedEntry: the store keeps attributes as one encoded list per entry', () => {
  it('reads as the Map it was packed from', () => {
    const packed = PackedEntry.owned(A, 'uid=a,dc=x', list())
    const attributes = packed.attributes
    expect(packed.attributes).not.toBe(attributes)
    expect(attributes).toEqual(new Map([['uid', [bytes('a')]], ['cn', [bytes('Ann'), bytes('Anne')]]]))
    expect(attributes.size).toBe(2)
    expect([...attributes.keys()]).toEqual(['uid', 'cn'])
    expect(attributes.get('cn')?.map((v) => new TextDecoder().decode(v))).toEqual(['Ann', 'Anne'])
  })

  it('a later duplicate description replaces an earlier one, as the Map-based store did', () => {
    const dup = encodeAttributeList([{ type: 'cn', vals: [bytes('one')] }, { type: 'cn', vals: [bytes('two')] }])
    expect(PackedEntry.owned(A, 'uid=a,dc=x', dup).attributes).toEqual(new Map([['cn', [bytes('two')]]]))
  })

  it('hands out fresh copies: changing a value read from the store changes nothing stored', async () => {
    const store = new MemoryStore()
    const tx = await store.begin()
    tx.put(entry(A, 'uid=a,dc=x', { cn: ['Ann'] }))
    await tx.commit()
    const first = (await store.load()).entries.get(A)
    first?.attributes.get('cn')?.[0]?.fill(0x58)
    const again = (await store.load()).entries.get(A)
    expect(again?.attributes.get('cn')).toEqual([bytes('Ann')])
  })

  it('copies an entry off the wire once: the message buffer can be reused afterwards', async () => {
    const wire = list()
    const fromWire = PackedEntry.fromDecoder(A, 'uid=a,dc=x', wire)
    const owned = ownEntry(fromWire)
    expect(PackedEntry.isOwned(owned)).toBe(true)
    expect(ownEntry(owned)).toBe(owned)
    wire.fill(0)
    expect(owned.attributes.get('uid')).toEqual([bytes('a')])
  })

  it('refuses a hand-made PackedEntry whose bytes are not an attribute list, with a coded error', () => {
    const bad = new PackedEntry(A, 'uid=a,dc=x', new Uint8Array([0x30, 0x05, 0x04, 0x01]))
    expect(() => ownEntry(bad)).toThrow(StoreError)
    expect(() => ownEntry(bad)).toThrow(/not a well-formed PartialAttributeList/)
  })

  it('keeps slab copies independent of each other and of their sources', () => {
    const sources = Array.from({ length: 500 }, (_, i) => bytes(`value-${i}-`.repeat(1 + (i % 40))))
    const copies = sources.map((s) => ownCopy(s))
    for (const s of sources) s.fill(0)
    copies.forEach((c, i) => expect(new TextDecoder().decode(c)).toBe(`value-${i}-`.repeat(1 + (i % 40))))
    const big = new Uint8Array(100_000).fill(7)
    const bigCopy = ownCopy(big)
    big.fill(0)
    expect(bigCopy.every((b) => b === 7)).toBe(true)
  })

  it('a rename keeps the attribute buffer and ownership', () => {
    const packed = PackedEntry.owned(A, 'uid=a,dc=x', list())
    const moved = packed.withDn('uid=a,ou=y,dc=x')
    expect(moved.packed).toBe(packed.packed)
    expect(PackedEntry.isOwned(moved)).toBe(true)
    expect(Object.isFrozen(moved)).toBe(true)
  })
})
