/** Seeded PRNG and mutations of real PDUs, shared by the codec fuzz test and the provider's hostile-input test. */

/** sfc32: small, fast, good enough, and the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  let b = 0x9e3779b9
  let c = 0x243f6a88
  let d = 0xb7e15162
  const next = () => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 16; i++) next()
  return next
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x85, 0x89, 0xff, 0x30, 0x31, 0x04, 0x0a, 0xa0, 0xa3, 0x1f]

export function mutate(input: Uint8Array, rnd: () => number, donors: readonly Uint8Array[]): Uint8Array {
  let b = Buffer.from(input)
  const ops = 1 + Math.floor(rnd() * 4)
  for (let k = 0; k < ops; k++) {
    const at = b.length ? Math.floor(rnd() * b.length) : 0
    switch (Math.floor(rnd() * 9)) {
      case 0: // flip one bit
        if (b.length) b[at] = (b[at] as number) ^ (1 << Math.floor(rnd() * 8))
        break
      case 1: // an interesting octet (length forms, tags)
        if (b.length) b[at] = INTERESTING[Math.floor(rnd() * INTERESTING.length)] as number
        break
      case 2: // a random octet
        if (b.length) b[at] = Math.floor(rnd() * 256)
        break
      case 3: // insert
        b = Buffer.concat([b.subarray(0, at), Buffer.of(Math.floor(rnd() * 256)), b.subarray(at)])
        break
      case 4: // delete
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)])
        break
      case 5: // truncate
        b = b.subarray(0, at)
        break
      case 6: // duplicate a slice
        {
          const len = Math.floor(rnd() * 16)
          b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)])
        }
        break
      case 7: // splice in part of another real PDU
        {
          const d = donors[Math.floor(rnd() * donors.length)] as Uint8Array
          const from = Math.floor(rnd() * d.length)
          b = Buffer.concat([b.subarray(0, at), Buffer.from(d.subarray(from, from + 1 + Math.floor(rnd() * 40))), b.subarray(at)])
        }
        break
      default: // a long-form length with random octets
        if (b.length) {
          const n = 1 + Math.floor(rnd() * 5)
          b = Buffer.concat([b.subarray(0, at), Buffer.of(0x80 | n), Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256))), b.subarray(at + 1)])
        }
    }
  }
  return b
}

export function randomBuffer(rnd: () => number): Uint8Array {
  const n = Math.floor(rnd() * 48)
  const b = Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)))
  if (n && rnd() < 0.5) b[0] = 0x30
  return b
}
