/**
 * The hook payloads: reading the consumer's `data` with the recv codec, and building the reply's
 * `data`. 389 peers send C strings with their NUL counted (`bv_len = strlen + 1`,
 * 389ds-session-hooks.md §1.3), so `cstring` and `json` drop one trailing NUL and `appendNul`
 * adds one.
 */
import type { DecodedPayload, HandshakeRequest, PayloadCodec, ReplyScript } from './types.js'

const UTF8 = new TextDecoder('utf-8', { fatal: true })

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Reads `data` with `codec`; a payload that does not decode carries `error` (a full sentence). */
export function decodePayload(data: Uint8Array, codec: PayloadCodec): DecodedPayload {
  const bytes = new Uint8Array(data)
  if (codec === 'raw') return { codec, bytes, text: toHex(bytes) }
  const body = codec !== 'utf8' && bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.subarray(0, bytes.length - 1) : bytes
  let text: string
  try {
    text = UTF8.decode(body)
  } catch {
    return { codec, bytes, error: `The payload data (${bytes.length} octets) is not valid UTF-8, so the ${codec} codec cannot read it.` }
  }
  if (codec !== 'json') return { codec, bytes, text }
  try {
    return { codec, bytes, text, json: JSON.parse(text) as unknown }
  } catch (error) {
    return { codec, bytes, text, error: `The payload data is not JSON (${error instanceof Error ? error.message : String(error)}).` }
  }
}

/** The reply's `data` octets: the script's string (UTF-8), bytes or function result, plus a NUL with `appendNul`. */
export function replyData(reply: ReplyScript, request: HandshakeRequest): Uint8Array | undefined {
  const d = reply.data
  if (d === undefined) return undefined
  const raw = typeof d === 'string' ? new TextEncoder().encode(d) : typeof d === 'function' ? d(request) : d
  if (!(raw instanceof Uint8Array)) throw new TypeError(`The reply data function returned ${typeof raw}, not a Uint8Array.`)
  if (reply.appendNul !== true) return new Uint8Array(raw)
  const out = new Uint8Array(raw.length + 1)
  out.set(raw)
  return out
}
