/** Universal tags and class bits (X.690 §8.1.2). */
export const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  OctetString: 0x04,
  Null: 0x05,
  Enumerated: 0x0a,
  Sequence: 0x30,
  Set: 0x31,
} as const

export const TagClass = {
  universal: 0x00,
  application: 0x40,
  context: 0x80,
  private: 0xc0,
} as const

/** Bit 6 of the identifier octet: the element is constructed. */
export const CONSTRUCTED = 0x20

/** `[n]` context-specific primitive tag octet, e.g. `context(0)` = 0x80. */
export function context(n: number): number {
  return TagClass.context | n
}

/** `[n]` context-specific constructed tag octet, e.g. `contextConstructed(1)` = 0xa1. */
export function contextConstructed(n: number): number {
  return TagClass.context | CONSTRUCTED | n
}

/** `[APPLICATION n]` tag octet, constructed or primitive. */
export function application(n: number, constructed: boolean): number {
  return TagClass.application | (constructed ? CONSTRUCTED : 0) | n
}
