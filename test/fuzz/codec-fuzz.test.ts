/**
 * Seeded robustness test of the whole codec: random and mutated buffers (mutations of real PDUs
 * and values, see corpus.ts) go to the framer and to every decoder. Requirements:
 * - nothing but a ProtocolError with a stable code ever escapes (no TypeError, RangeError, stack
 *   overflow, assertion …), and its message is a sentence;
 * - whatever decodes can be encoded again, and re-decoding that is stable (decode → encode →
 *   decode → encode gives the same bytes), so the provider can replay anything it can read;
 * - no hang (a hang would trip vitest's timeout).
 * The seed is printed; FUZZ_SEED and FUZZ_CASES override it and the case count.
 */
import { describe, expect, it } from 'vitest'
import { BerReader } from '../../protocol/ber/reader.js'
import { ProtocolError } from '../../protocol/errors.js'
import { readFilter } from '../../protocol/ldap/filter.js'
import { parseFilter, formatFilter } from '../../protocol/ldap/filter-string.js'
import { LdapFramer } from '../../protocol/ldap/framer.js'
import { decodeMessage, encodeMessage } from '../../protocol/ldap/message.js'
import { decodeEndReplicationRequest, decodeReplicationResponse, decodeStartReplicationRequest } from '../../protocol/replsession/index.js'
import {
  decodeCancelRequestValue,
  decodeSyncDoneValue,
  decodeSyncInfoValue,
  decodeSyncRequestValue,
  decodeSyncStateValue,
  encodeCancelRequestValue,
  encodeSyncDoneValue,
  encodeSyncInfoValue,
  encodeSyncRequestValue,
  encodeSyncStateValue,
  parseCsn,
  parseOpenLdapCookie,
} from '../../protocol/sync/index.js'
import { loadCorpus } from './corpus.js'
import { mutate, prng, randomBuffer } from './mutate.js'
import type { Corpus } from './corpus.js'

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed4533)
const CASES = Number(process.env.FUZZ_CASES ?? 120_000)

interface Tally {
  ok: number
  errors: Map<string, number>
}

const CODE = /^(BER|LDAP|SYNC|REPL)_[A-Z0-9_]+$/

/** Runs one decode; anything but a coded ProtocolError fails the test with the input shown. */
function attempt(tally: Tally, target: string, input: Uint8Array | string, fn: () => void): void {
  try {
    fn()
    tally.ok++
  } catch (e) {
    if (!(e instanceof ProtocolError) || !CODE.test(e.code) || e.message.length < 20) {
      const shown = typeof input === 'string' ? JSON.stringify(input) : Buffer.from(input).toString('hex')
      throw new Error(`${target} threw something other than a coded ProtocolError for input ${shown} (seed ${SEED}): ${String((e as Error)?.stack ?? e)}`)
    }
    tally.errors.set(e.code, (tally.errors.get(e.code) ?? 0) + 1)
  }
}

/** decode → encode(form) → decode → encode must give identical bytes. */
function stable<D extends { value: unknown; form: unknown }>(decode: (b: Uint8Array) => D, encode: (v: D['value'], f: D['form']) => Uint8Array, bytes: Uint8Array): void {
  const d1 = decode(bytes)
  const e1 = encode(d1.value, d1.form)
  const d2 = decode(e1)
  const e2 = encode(d2.value, d2.form)
  if (!Buffer.from(e1).equals(Buffer.from(e2))) throw new Error(`re-encoding is not stable for ${Buffer.from(bytes).toString('hex')}`)
}

type Target = { name: string; pool: (c: Corpus) => Uint8Array[]; run: (b: Uint8Array) => void }

const VALUE_TARGETS: Target[] = [
  { name: 'syncRequest', pool: (c) => c.syncRequest, run: (b) => stable(decodeSyncRequestValue, (v, f) => encodeSyncRequestValue(v, f), b) },
  { name: 'syncState', pool: (c) => c.syncState, run: (b) => stable(decodeSyncStateValue, (v, f) => encodeSyncStateValue(v, f), b) },
  { name: 'syncDone', pool: (c) => c.syncDone, run: (b) => stable(decodeSyncDoneValue, (v, f) => encodeSyncDoneValue(v, f), b) },
  { name: 'syncInfo', pool: (c) => c.syncInfo, run: (b) => stable(decodeSyncInfoValue, (v, f) => encodeSyncInfoValue(v, f), b) },
  { name: 'cancel', pool: (c) => c.cancel, run: (b) => stable(decodeCancelRequestValue, (v, f) => encodeCancelRequestValue(v, f), b) },
  { name: 'replStart', pool: (c) => c.replStart, run: (b) => void decodeStartReplicationRequest(b, { version: 2 }) },
  { name: 'replResponse', pool: (c) => c.replResponse, run: (b) => void decodeReplicationResponse(b) },
  { name: 'replEnd', pool: (c) => c.replEnd, run: (b) => void decodeEndReplicationRequest(b) },
  { name: 'filter', pool: (c) => c.filters, run: (b) => void readFilter(new BerReader(b)) },
  // Documented never to throw: any exception at all fails the test.
  { name: 'openldapCookie', pool: (c) => c.cookies, run: (b) => void parseOpenLdapCookie(b) },
  { name: 'csn', pool: (c) => c.csns, run: (b) => void parseCsn(b) },
]

describe(`codec fuzz (seed ${SEED}, ${CASES} cases)`, () => {
  const corpus = loadCorpus()
  const all = [...corpus.messages, ...corpus.syncInfo, ...corpus.syncState, ...corpus.replStart]

  it('every real seed decodes cleanly before mutation (the corpus is sound)', () => {
    for (const m of corpus.messages) decodeMessage(m)
    for (const t of VALUE_TARGETS) for (const v of t.pool(corpus)) t.run(v)
  })

  it('whole messages: decodeMessage and re-encoding never throw anything but coded errors', () => {
    const rnd = prng(SEED)
    const tally: Tally = { ok: 0, errors: new Map() }
    const n = Math.floor(CASES * 0.45)
    for (let i = 0; i < n; i++) {
      const input = rnd() < 0.1 ? randomBuffer(rnd) : mutate(corpus.messages[Math.floor(rnd() * corpus.messages.length)] as Uint8Array, rnd, all)
      attempt(tally, 'decodeMessage', input, () => {
        const msg = decodeMessage(input)
        const again = encodeMessage(msg)
        const twice = encodeMessage(decodeMessage(again))
        if (!again.equals(twice)) throw new Error(`message re-encoding is not stable for ${Buffer.from(input).toString('hex')}`)
      })
    }
    report('decodeMessage', n, tally)
    expect(tally.ok).toBeGreaterThan(n * 0.02) // mutations that stay valid are exercised too
    expect(tally.errors.size).toBeGreaterThan(8) // and many distinct failure paths
  })

  it('streams: the framer with random chunking, then every frame decoded', () => {
    const rnd = prng(SEED ^ 0x1111)
    const tally: Tally = { ok: 0, errors: new Map() }
    const n = Math.floor(CASES * 0.15)
    for (let i = 0; i < n; i++) {
      const parts: Uint8Array[] = []
      const count = 1 + Math.floor(rnd() * 4)
      for (let k = 0; k < count; k++) {
        const m = corpus.messages[Math.floor(rnd() * corpus.messages.length)] as Uint8Array
        parts.push(rnd() < 0.5 ? m : mutate(m, rnd, all))
      }
      const stream = Buffer.concat(parts)
      attempt(tally, 'LdapFramer', stream, () => {
        const framer = new LdapFramer({ maxPduSize: 1 << 20 })
        let at = 0
        while (at < stream.length) {
          const len = 1 + Math.floor(rnd() * 64)
          for (const pdu of framer.push(stream.subarray(at, at + len))) decodeMessage(pdu)
          at += len
        }
        framer.end()
      })
    }
    report('framer', n, tally)
    expect(tally.ok).toBeGreaterThan(0)
  })

  it('every value decoder, with decode/encode stability for what decodes', () => {
    const rnd = prng(SEED ^ 0x2222)
    const n = Math.floor(CASES * 0.35)
    const tallies = new Map<string, Tally>()
    for (let i = 0; i < n; i++) {
      const t = VALUE_TARGETS[i % VALUE_TARGETS.length] as Target
      const pool = t.pool(corpus)
      const r = rnd()
      const input = r < 0.1 ? randomBuffer(rnd) : r < 0.15 ? mutate(all[Math.floor(rnd() * all.length)] as Uint8Array, rnd, all) : mutate(pool[Math.floor(rnd() * pool.length)] as Uint8Array, rnd, all)
      let tally = tallies.get(t.name)
      if (!tally) tallies.set(t.name, (tally = { ok: 0, errors: new Map() }))
      attempt(tally, t.name, input, () => t.run(input))
    }
    for (const [name, tally] of tallies) report(name, tally.ok + [...tally.errors.values()].reduce((a, b) => a + b, 0), tally)
    for (const name of ['syncRequest', 'syncState', 'syncDone', 'syncInfo', 'replStart', 'replResponse', 'filter']) {
      const tally = tallies.get(name) as Tally
      expect(tally.ok, `${name} never decoded a mutant`).toBeGreaterThan(0)
      expect(tally.errors.size, `${name} hit too few error paths`).toBeGreaterThan(2)
    }
    expect((tallies.get('csn') as Tally).ok, 'no mutated CSN ever parsed').toBeGreaterThan(0)
  })

  it('filter strings: parse errors are coded, and what parses formats back to the same filter', () => {
    const rnd = prng(SEED ^ 0x3333)
    const alphabet = '()&|!=~<>*:\\abcn0129. é'
    const tally: Tally = { ok: 0, errors: new Map() }
    const n = Math.floor(CASES * 0.05)
    for (let i = 0; i < n; i++) {
      let s: string
      if (rnd() < 0.5) {
        const base = corpus.filterStrings[Math.floor(rnd() * corpus.filterStrings.length)] as string
        const at = Math.floor(rnd() * (base.length + 1))
        s = base.slice(0, at) + alphabet[Math.floor(rnd() * alphabet.length)] + base.slice(at + (rnd() < 0.5 ? 1 : 0))
      } else {
        s = Array.from({ length: Math.floor(rnd() * 24) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('')
      }
      attempt(tally, 'parseFilter', s, () => {
        const f = parseFilter(s)
        const text = formatFilter(f)
        if (formatFilter(parseFilter(text)) !== text) throw new Error(`filter formatting is not stable for ${JSON.stringify(s)}`)
      })
    }
    report('parseFilter', n, tally)
    expect(tally.ok).toBeGreaterThan(0)
  })
})

function report(name: string, n: number, tally: Tally): void {
  const codes = [...tally.errors.entries()].sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c}×${k}`)
  console.log(`fuzz ${name}: ${n} cases, ${tally.ok} decoded, ${n - tally.ok} coded errors (${codes.slice(0, 6).join(', ')}${codes.length > 6 ? ', …' : ''})`)
}
