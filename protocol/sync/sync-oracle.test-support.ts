/**
 * Test-only: asn1js as an independent oracle for the sync values. Builders make the bytes of a
 * value with asn1js (never with our writer); readers walk an asn1js parse by tag and return plain
 * fields. Production code never imports this file.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as asn1js from 'asn1js'
import { expect } from 'vitest'

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** How a DEFAULT boolean should appear in an asn1js-built value: absent, or this content octet. */
export type WireBoolean = undefined | number

function octets(b: Uint8Array): asn1js.OctetString {
  return new asn1js.OctetString({ valueHex: b })
}

function boolean(octet: number): asn1js.Boolean {
  return new asn1js.Boolean({ valueHex: new Uint8Array([octet]) })
}

function der(block: asn1js.BaseBlock): Uint8Array {
  return new Uint8Array(block.toBER())
}

export function asn1SyncRequest(mode: number, cookie: Uint8Array | undefined, reloadHint: WireBoolean): Uint8Array {
  const value: asn1js.BaseBlock[] = [new asn1js.Enumerated({ value: mode })]
  if (cookie !== undefined) value.push(octets(cookie))
  if (reloadHint !== undefined) value.push(boolean(reloadHint))
  return der(new asn1js.Sequence({ value }))
}

export function asn1SyncState(state: number, uuid: Uint8Array, cookie: Uint8Array | undefined): Uint8Array {
  const value: asn1js.BaseBlock[] = [new asn1js.Enumerated({ value: state }), octets(uuid)]
  if (cookie !== undefined) value.push(octets(cookie))
  return der(new asn1js.Sequence({ value }))
}

export function asn1SyncDone(cookie: Uint8Array | undefined, refreshDeletes: WireBoolean): Uint8Array {
  const value: asn1js.BaseBlock[] = []
  if (cookie !== undefined) value.push(octets(cookie))
  if (refreshDeletes !== undefined) value.push(boolean(refreshDeletes))
  return der(new asn1js.Sequence({ value }))
}

export function asn1Newcookie(cookie: Uint8Array): Uint8Array {
  return der(new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: cookie }))
}

export function asn1Refresh(tagNumber: 1 | 2, cookie: Uint8Array | undefined, refreshDone: WireBoolean): Uint8Array {
  const value: asn1js.BaseBlock[] = []
  if (cookie !== undefined) value.push(octets(cookie))
  if (refreshDone !== undefined) value.push(boolean(refreshDone))
  return der(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value }))
}

export function asn1SyncIdSet(cookie: Uint8Array | undefined, refreshDeletes: WireBoolean, uuids: readonly Uint8Array[], asSequence = false): Uint8Array {
  const value: asn1js.BaseBlock[] = []
  if (cookie !== undefined) value.push(octets(cookie))
  if (refreshDeletes !== undefined) value.push(boolean(refreshDeletes))
  const list = uuids.map(octets)
  value.push(asSequence ? new asn1js.Sequence({ value: list }) : new asn1js.Set({ value: list }))
  return der(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 3 }, value }))
}

export function asn1CancelRequest(id: number): Uint8Array {
  return der(new asn1js.Sequence({ value: [new asn1js.Integer({ value: id })] }))
}

/** Plain fields read back through asn1js, in wire order: octets as hex, booleans as their octet. */
export interface OracleFields {
  /** asn1js's view of the outer tag: class/number/(c)onstructed or (p)rimitive. */
  tag: string
  enumerated?: number
  integer?: number
  /** Every OCTET STRING member in order (for a primitive [0] element: its contents). */
  octetStrings: string[]
  /** The content octet of the BOOLEAN member, or null when absent. */
  boolean: number | null
  setTag?: number
  uuids?: string[]
}

const ASN1JS_UNIVERSAL_CLASS = 1

/** Parses `bytes` with asn1js (which must consume all of it) and collects the members by tag. */
export function asn1Read(bytes: Uint8Array): OracleFields {
  // A copy: a Buffer may be a view of a shared pool. maxNodes: asn1js stops at 10,000 nodes by default.
  const parsed = asn1js.fromBER(new Uint8Array(bytes).buffer, { maxNodes: 100_000 })
  expect(parsed.result.error).toBe('')
  expect(parsed.offset).toBe(bytes.length)
  const top = parsed.result
  const id = top.idBlock
  const fields: OracleFields = { tag: `${id.tagClass}/${id.tagNumber}/${id.isConstructed ? 'c' : 'p'}`, octetStrings: [], boolean: null }
  if (!id.isConstructed) {
    fields.octetStrings.push(toHex((top as asn1js.Primitive).valueBlock.valueHexView))
    return fields
  }
  for (const child of (top as asn1js.Constructed).valueBlock.value) {
    const cid = child.idBlock
    expect(cid.tagClass, 'members are universal').toBe(ASN1JS_UNIVERSAL_CLASS)
    switch (cid.tagNumber) {
      case 10:
        fields.enumerated = (child as asn1js.Enumerated).valueBlock.valueDec
        break
      case 2:
        fields.integer = Number((child as asn1js.Integer).toBigInt()) // valueDec is only exact for small values
        break
      case 4:
        fields.octetStrings.push(toHex((child as asn1js.OctetString).valueBlock.valueHexView))
        break
      case 1:
        fields.boolean = (child as asn1js.Boolean).valueBlock.valueHexView[0] as number
        break
      case 16:
      case 17:
        fields.setTag = cid.tagNumber === 17 ? 0x31 : 0x30
        fields.uuids = (child as asn1js.Constructed).valueBlock.value.map((u) => {
          // plain checks, not expect(): this runs for every one of thousands of UUIDs
          if (u.idBlock.tagClass !== ASN1JS_UNIVERSAL_CLASS || u.idBlock.tagNumber !== 4) throw new Error('a syncUUID that is not an OCTET STRING')
          return toHex((u as asn1js.OctetString).valueBlock.valueHexView)
        })
        break
      default:
        throw new Error(`unexpected member tag number ${cid.tagNumber}`)
    }
  }
  return fields
}

/** Cookies every round trip uses: absent, zero-length, all 256 octet values, 4 KiB. */
export function cookieVariants(): { name: string; cookie: Uint8Array | undefined; large: boolean }[] {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i)
  const big = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff)
  return [
    { name: 'absent', cookie: undefined, large: false },
    { name: 'empty', cookie: new Uint8Array(0), large: false },
    { name: 'slapd text', cookie: new Uint8Array(Buffer.from('rid=000,csn=20261123142450.416101Z#000000#000#000000')), large: false },
    { name: 'all 256 byte values', cookie: all, large: true },
    { name: '4 KiB', cookie: big, large: true },
  ]
}

/** Length styles to try with a value: every style when everything is short, else those that fit. */
export function lengthStyles(large: boolean): number[] {
  return large ? [0, 2, 3, 4] : [0, 1, 2, 3, 4]
}

/** Deterministic distinct UUIDs. */
export function uuids(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const u = new Uint8Array(16)
    u[0] = 0x63
    u[12] = (i >>> 24) & 0xff
    u[13] = (i >>> 16) & 0xff
    u[14] = (i >>> 8) & 0xff
    u[15] = i & 0xff
    u[6] = 0x41
    return u
  })
}

/** Catches a thrown error and returns it, failing the test when nothing is thrown. */
export function thrown(fn: () => unknown): { code: string; offset?: number; tag?: number; message: string; name: string } {
  try {
    fn()
  } catch (e) {
    return e as { code: string; offset?: number; tag?: number; message: string; name: string }
  }
  throw new Error('expected an error, but none was thrown')
}

/** One way of writing a BOOLEAN DEFAULT member: the value, the form to ask for, the octet on the wire. */
export interface BooleanVariant {
  name: string
  value: boolean
  form: { explicit?: boolean; trueOctet?: number }
  wire: WireBoolean
}

/** Every way to write a `BOOLEAN DEFAULT FALSE` (reloadHint, refreshDeletes). */
export const DEFAULT_FALSE_VARIANTS: readonly BooleanVariant[] = [
  { name: 'absent (FALSE by default)', value: false, form: {}, wire: undefined },
  { name: 'TRUE as 0xFF', value: true, form: {}, wire: 0xff },
  { name: 'TRUE as 0x01 (python-ldap)', value: true, form: { trueOctet: 0x01 }, wire: 0x01 },
  { name: 'explicit FALSE', value: false, form: { explicit: true }, wire: 0x00 },
]

/** Every way to write a `BOOLEAN DEFAULT TRUE` (refreshDone). */
export const DEFAULT_TRUE_VARIANTS: readonly BooleanVariant[] = [
  { name: 'absent (TRUE by default)', value: true, form: {}, wire: undefined },
  { name: 'FALSE', value: false, form: {}, wire: 0x00 },
  { name: 'explicit TRUE as 0xFF', value: true, form: { explicit: true }, wire: 0xff },
  { name: 'explicit TRUE as 0x01', value: true, form: { explicit: true, trueOctet: 0x01 }, wire: 0x01 },
]

/** The BooleanForm a decoder must report for a member written as `wire`. */
export function observedForm(wire: WireBoolean): { explicit: boolean; trueOctet?: number } {
  if (wire === undefined) return { explicit: false }
  return wire === 0 ? { explicit: true } : { explicit: true, trueOctet: wire }
}

/** Decodes the outer length octets of an element: how many long-form octets (0 = short form). */
export function outerLengthOctets(bytes: Uint8Array): number {
  const b = bytes[1] as number
  return b & 0x80 ? b & 0x7f : 0
}

/**
 * The long-form octet count of every element's length (0 = short form), walking constructed
 * elements recursively. A hand-written TLV walk, so it checks our writer independently.
 */
export function lengthFieldSizes(bytes: Uint8Array, start = 0, end = bytes.length, out: number[] = []): number[] {
  let p = start
  while (p < end) {
    const tag = bytes[p] as number
    const first = bytes[p + 1] as number
    let len = first
    let hdr = 2
    let longOctets = 0
    if (first & 0x80) {
      longOctets = first & 0x7f
      len = 0
      for (let i = 0; i < longOctets; i++) len = len * 256 + (bytes[p + 2 + i] as number)
      hdr = 2 + longOctets
    }
    out.push(longOctets)
    if (tag & 0x20) lengthFieldSizes(bytes, p + hdr, p + hdr + len, out)
    p += hdr + len
  }
  return out
}

/**
 * The length style a decoder should report for bytes written with `asked`: that style, or 0 when
 * every length happened to be minimal too (e.g. a 256-octet cookie in 2 length octets) — the
 * decoder prefers the minimal style whenever it reproduces the input.
 */
export function expectedLengthOctets(bytes: Uint8Array, asked: number): number {
  return asked === 0 || minimalEverywhere(bytes) ? 0 : asked
}

function minimalEverywhere(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let p = start
  while (p < end) {
    const tag = bytes[p] as number
    const first = bytes[p + 1] as number
    let len = first
    let hdr = 2
    if (first & 0x80) {
      const n = first & 0x7f
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + (bytes[p + 2 + i] as number)
      hdr = 2 + n
      const minimal = len < 0x80 ? 0 : len < 0x100 ? 1 : len < 0x10000 ? 2 : len < 0x1000000 ? 3 : 4
      if (n !== minimal) return false
    }
    if (tag & 0x20 && !minimalEverywhere(bytes, p + hdr, p + hdr + len)) return false
    p += hdr + len
  }
  return true
}

/**
 * A value with every byte array replaced by `u8:<hex>` (checking it is a plain Uint8Array, not a
 * Buffer or other subclass), so `toStrictEqual` compares large cookies and UUID lists quickly and
 * still sees absent members as absent.
 */
export function comparable(v: unknown): unknown {
  if (v instanceof Uint8Array) {
    return (Object.getPrototypeOf(v) === Uint8Array.prototype ? 'u8:' : 'not a plain Uint8Array:') + toHex(v)
  }
  if (Array.isArray(v)) return v.map(comparable)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, comparable(x)]))
  return v
}

/** One line of a slapd trace (test/fixtures/slapd-traces/README.md); only the fields the tests read. */
export interface TraceLine {
  type: string
  [field: string]: unknown
}

/** Every slapd 2.5.13 trace file, parsed line by line (read with fs: tests only). */
export function readSlapdTraces(): { file: string; lines: TraceLine[] }[] {
  const dir = fileURLToPath(new URL('../../test/fixtures/slapd-traces/', import.meta.url))
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((file) => ({
      file,
      lines: readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as TraceLine),
    }))
}

/** Cookie bytes as the traces print them (Latin-1 text, null = absent). */
export function cookieText(cookie: Uint8Array | undefined): string | null {
  return cookie === undefined ? null : Buffer.from(cookie).toString('latin1')
}
