import { DirectoryError } from './errors.js'

/**
 * The 16 raw octets of every entryUUID (RFC 4533 §2.1.1 syncUUID), kept once, in large shared
 * blocks rather than one Uint8Array per entry: a small typed array costs about ten times its 16
 * bytes in object headers. An entry keeps its slot number; `view(slot)` is a zero-copy view.
 *
 * Slots are never reused, so a view handed out (in a ChangeEvent, a session log record) keeps
 * naming the same UUID after its entry is deleted.
 */
const SLOTS_PER_BLOCK = 1 << 16

export class UuidSlab {
  private readonly blocks: Uint8Array[] = []
  private used = 0

  /** Stores the octets of a canonical UUID text (already checked); returns their slot. */
  store(text: string): number {
    const slot = this.used
    const blockIndex = Math.floor(slot / SLOTS_PER_BLOCK)
    let block = this.blocks[blockIndex]
    if (block === undefined) {
      block = new Uint8Array(SLOTS_PER_BLOCK * 16)
      this.blocks.push(block)
    }
    const offset = (slot % SLOTS_PER_BLOCK) * 16
    if (!uuidTextToBytes(text, block.subarray(offset, offset + 16))) {
      throw new DirectoryError('DIRECTORY_INVALID_VALUE', `${JSON.stringify(text)} is not an entryUUID.`)
    }
    this.used++
    return slot
  }

  /**
   * The canonical text of the UUID in `slot`, built as one flat string: a UUID assembled by
   * concatenation is a tree of a dozen string pieces in V8, several times its 36 bytes.
   */
  text(slot: number): string {
    const block = this.blocks[Math.floor(slot / SLOTS_PER_BLOCK)] as Uint8Array
    const offset = (slot % SLOTS_PER_BLOCK) * 16
    const codes = TEXT_CODES
    let j = 0
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) codes[j++] = 0x2d
      const b = block[offset + i] as number
      codes[j++] = HEX_DIGIT[b >> 4] as number
      codes[j++] = HEX_DIGIT[b & 15] as number
    }
    return String.fromCharCode.apply(null, codes)
  }

  /** A view of the 16 octets in `slot` (do not write to it). */
  view(slot: number): Uint8Array {
    const block = this.blocks[Math.floor(slot / SLOTS_PER_BLOCK)] as Uint8Array
    const offset = (slot % SLOTS_PER_BLOCK) * 16
    return block.subarray(offset, offset + 16)
  }
}

const TEXT_CODES: number[] = new Array<number>(36).fill(0)
const HEX_DIGIT = Array.from('0123456789abcdef', (c) => c.charCodeAt(0))
const HEX_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i
for (let i = 0; i < 6; i++) {
  HEX_VALUE[0x41 + i] = 10 + i
  HEX_VALUE[0x61 + i] = 10 + i
}

/**
 * The octets of a canonical 8-4-4-4-12 UUID written into `out`; false when the text is not one.
 * Faster than the general parser, which matters when a million generated entries are loaded.
 */
export function uuidTextToBytes(text: string, out: Uint8Array): boolean {
  if (text.length !== 36) return false
  let j = 0
  for (let i = 0; i < 36; ) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (text.charCodeAt(i) !== 0x2d) return false
      i++
      continue
    }
    const hi = HEX_VALUE[text.charCodeAt(i) & 0x7f] ?? -1
    const lo = HEX_VALUE[text.charCodeAt(i + 1) & 0x7f] ?? -1
    if (hi < 0 || lo < 0 || text.charCodeAt(i) > 0x7f || text.charCodeAt(i + 1) > 0x7f) return false
    out[j++] = (hi << 4) | lo
    i += 2
  }
  return true
}

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/**
 * An entryUUID's canonical text: 8-4-4-4-12 hex digits in lower case (RFC 4122 §3 accepts
 * either case on input).
 *
 * @throws DirectoryError DIRECTORY_INVALID_VALUE for anything else.
 */
export function canonicalUuid(text: string): string {
  if (!UUID_TEXT.test(text)) {
    throw new DirectoryError('DIRECTORY_INVALID_VALUE',
      `${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)} is not an entryUUID; expected 32 hex digits grouped 8-4-4-4-12 (RFC 4122), such as 63199adc-7b95-1041-9bf9-193a3b08c68d.`)
  }
  return /[A-F]/.test(text) ? text.toLowerCase() : text
}
