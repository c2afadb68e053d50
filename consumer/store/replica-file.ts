/**
 * The on-disk form of a committed replica (pure: bytes in, bytes out; the file store does I/O).
 *
 * JSON Lines, UTF-8, every line ending in '\n':
 *   1. header  {"format":"syncrepl-harness-replica","version":1,"cookie":<base64 or null>}
 *   2. one line per entry {"uuid":"…","dn":"…","attributes":[["cn",[<length>,…]],…],"data":"<base64>"}
 *      where `data` is every value of the entry concatenated in attribute order, and each
 *      attribute lists its values' byte lengths;
 *   3. trailer {"end":true,"entries":<count>,"sha256":"<hex of every byte before the trailer>"}
 * Values and the cookie are base64 so every byte survives exactly (values are bytes, not text;
 * a human-readable view is `exportLdif` / `exportJson`). One base64 blob per entry rather than
 * per value cuts the per-value cost tenfold for typical entries (measured: 100,000 entries × 10
 * values). One line per entry keeps memory flat for large replicas (no single giant string), and
 * the trailer with count and digest makes a truncated or edited file a decode error instead of a
 * silently smaller replica. The encoded line of each (immutable, store-owned) entry is cached, so
 * a commit re-encodes only the entries it changed.
 */
import { createHash } from 'node:crypto'
import type { ReplicaEntry, ReplicaSnapshot, ReplicaValue } from '../types.js'
import { StoreError } from './errors.js'
import type { PendingCommit } from './memory-store.js'
import { isCanonicalUuid } from './replica-entry.js'
import { PackedEntry, packAttributes } from './packed-entry.js'

export const REPLICA_FORMAT = 'syncrepl-harness-replica'
export const REPLICA_VERSION = 1

/** Encoded lines are gathered into chunks of about this many bytes before being handed out. */
const CHUNK_BYTES = 1 << 20

/** The file's bytes in chunks of about 1 MiB, trailer included. */
export function* replicaFileChunks(pending: PendingCommit): Generator<Buffer, void, undefined> {
  const hash = createHash('sha256')
  let parts: string[] = []
  let size = 0
  const flush = (): Buffer => {
    const chunk = Buffer.from(parts.join(''), 'utf8')
    hash.update(chunk)
    parts = []
    size = 0
    return chunk
  }
  const cookie = pending.cookie === undefined ? null : base64(pending.cookie)
  parts.push(JSON.stringify({ format: REPLICA_FORMAT, version: REPLICA_VERSION, cookie }) + '\n')
  let count = 0
  for (const entry of pending.entries()) {
    const line = encodedLine(entry)
    parts.push(line, '\n')
    size += line.length + 1
    count++
    if (size >= CHUNK_BYTES) yield flush()
  }
  if (parts.length > 0) yield flush()
  yield Buffer.from(JSON.stringify({ end: true, entries: count, sha256: hash.digest('hex') }) + '\n', 'utf8')
}

/** Encoded entry lines (without '\n') by store-owned entry; entries are immutable. */
const lineCache = new WeakMap<ReplicaEntry, string>()

function encodedLine(entry: ReplicaEntry): string {
  const cached = lineCache.get(entry)
  if (cached !== undefined) return cached
  const attributes: [string, number[]][] = []
  const blobs: Uint8Array[] = []
  for (const [description, values] of entry.attributes) {
    attributes.push([description, values.map((v) => v.byteLength)])
    for (const value of values) blobs.push(value)
  }
  const data = Buffer.concat(blobs).toString('base64')
  const line = JSON.stringify({ uuid: entry.uuid, dn: entry.dn, attributes, data })
  lineCache.set(entry, line)
  return line
}

/** Decodes a whole replica file; any damage is a STORE_CORRUPT error naming `file`. */
export function decodeReplicaFile(bytes: Uint8Array, file: string): ReplicaSnapshot {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const corrupt = (line: number, problem: string): StoreError =>
    new StoreError('STORE_CORRUPT',
      `The replica file ${file} is corrupt at line ${line}: ${problem}. Restore it from a backup or delete it to resynchronise from scratch.`,
      { file })
  if (buffer.length === 0 || buffer[buffer.length - 1] !== 0x0a) {
    throw corrupt(1, 'it is empty or does not end with a complete line (truncated)')
  }
  // The trailer is the last line; everything before it is covered by its digest.
  const trailerStart = buffer.lastIndexOf(0x0a, buffer.length - 2) + 1
  const lines = countLines(buffer, trailerStart)
  const trailer = parseLine(buffer, trailerStart, buffer.length - 1, lines + 1, corrupt)
  if (!isRecord(trailer) || trailer['end'] !== true || typeof trailer['entries'] !== 'number' || typeof trailer['sha256'] !== 'string') {
    throw corrupt(lines + 1, 'the last line is not the end marker {"end":true,"entries":…,"sha256":…} (truncated file?)')
  }
  const digest = createHash('sha256').update(buffer.subarray(0, trailerStart)).digest('hex')
  if (digest !== trailer['sha256']) {
    throw corrupt(lines + 1, `the SHA-256 of the content is ${digest} but the end marker records ${String(trailer['sha256'])}`)
  }
  let start = 0
  let lineNo = 0
  let cookie: Uint8Array | undefined
  const entries = new Map<string, ReplicaEntry>()
  while (start < trailerStart) {
    const end = buffer.indexOf(0x0a, start)
    lineNo++
    const text = buffer.toString('utf8', start, end)
    const value = parseText(text, lineNo, corrupt)
    if (lineNo === 1) cookie = decodeHeader(value, (p) => corrupt(1, p))
    else {
      const entry = decodeEntry(value, (p) => corrupt(lineNo, p))
      lineCache.set(entry, text)
      if (entries.has(entry.uuid)) throw corrupt(lineNo, `the entry UUID ${entry.uuid} appears twice`)
      entries.set(entry.uuid, entry)
    }
    start = end + 1
  }
  if (lineNo === 0) throw corrupt(1, 'the header line is missing')
  if (entries.size !== trailer['entries']) {
    throw corrupt(lines + 1, `the end marker records ${String(trailer['entries'])} entries but ${entries.size} were read`)
  }
  return { cookie, entries }
}

function decodeHeader(value: unknown, corrupt: (problem: string) => StoreError): Uint8Array | undefined {
  if (!isRecord(value) || value['format'] !== REPLICA_FORMAT) {
    throw corrupt(`the header does not name the format "${REPLICA_FORMAT}" (not a replica file)`)
  }
  if (value['version'] !== REPLICA_VERSION) {
    throw corrupt(`the format version is ${JSON.stringify(value['version'])} but this store reads version ${REPLICA_VERSION}`)
  }
  const cookie = value['cookie']
  if (cookie === null) return undefined
  if (typeof cookie !== 'string' || cookie.length === 0) throw corrupt('the cookie is neither null nor a non-empty base64 string')
  return fromBase64(cookie)
}

function decodeEntry(value: unknown, corrupt: (problem: string) => StoreError): ReplicaEntry {
  if (!isRecord(value)) throw corrupt('an entry line is not a JSON object')
  const { uuid, dn, attributes, data } = value
  if (typeof uuid !== 'string' || !isCanonicalUuid(uuid)) throw corrupt(`the entry UUID ${JSON.stringify(uuid)} is not canonical`)
  if (typeof dn !== 'string') throw corrupt(`the entry ${uuid} has no string DN`)
  if (!Array.isArray(attributes)) throw corrupt(`the attributes of entry ${uuid} are not an array`)
  if (typeof data !== 'string') throw corrupt(`the value data of entry ${uuid} is not a base64 string`)
  const blob = fromBase64(data)
  let offset = 0
  const map = new Map<string, readonly ReplicaValue[]>()
  for (const pair of attributes as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || !Array.isArray(pair[1])) {
      throw corrupt(`an attribute of entry ${uuid} is not a [description, [lengths…]] pair`)
    }
    const values: ReplicaValue[] = []
    for (const length of pair[1] as unknown[]) {
      if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0 || offset + length > blob.length) {
        throw corrupt(`a value length of attribute ${pair[0]} of entry ${uuid} is not a length within the entry's data`)
      }
      values.push(blob.subarray(offset, offset + length))
      offset += length
    }
    map.set(pair[0], Object.freeze(values))
  }
  if (offset !== blob.length) throw corrupt(`the value data of entry ${uuid} is longer than its values`)
  return PackedEntry.owned(uuid, dn, packAttributes(map))
}

function parseLine(buffer: Buffer, start: number, end: number, line: number,
  corrupt: (line: number, problem: string) => StoreError): unknown {
  return parseText(buffer.toString('utf8', start, end), line, corrupt)
}

function parseText(text: string, line: number, corrupt: (line: number, problem: string) => StoreError): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw corrupt(line, 'the line is not valid JSON')
  }
}

function countLines(buffer: Buffer, end: number): number {
  let n = 0
  for (let i = buffer.indexOf(0x0a); i !== -1 && i < end; i = buffer.indexOf(0x0a, i + 1)) n++
  return n
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/** A plain Uint8Array (not a Buffer) over the decoded bytes. */
function fromBase64(text: string): Uint8Array {
  const b = Buffer.from(text, 'base64')
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}
