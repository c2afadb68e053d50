/**
 * Turning checked scalar forms into the values of scenarios/types.ts: byte values, UUIDs,
 * durations, result codes, attribute maps. Their text was already checked (formats.ts), so a
 * parse failure here means the part was left out and is reported elsewhere.
 */
import { ResultCode, resultCodeName } from '../protocol/ldap/result-codes.js'
import { parseHex, parseUuidText, textBytes } from './bytes.js'
import { asObject, stringAt } from './checked-tree.js'
import type { CheckedObject } from './checked-tree.js'
import { parseDuration } from './duration.js'
import type { TreePositions } from './tree-positions.js'

/** `{ text }` or `{ hex }`. */
export function bytesOf(value: unknown): Uint8Array | undefined {
  const o = asObject(value)
  const text = stringAt(o, 'text')
  if (text !== undefined) return textBytes(text)
  const hex = stringAt(o, 'hex')
  if (hex === undefined) return undefined
  const bytes = parseHex(hex)
  return bytes.ok ? bytes.value : undefined
}

/** A UUID string (16 octets) or a byte value of any length. */
export function uuidOf(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string') return bytesOf(value)
  const bytes = parseUuidText(value)
  return bytes.ok ? bytes.value : undefined
}

/** Milliseconds from a number or a `250ms` / `2s` string. */
export function durationOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  const ms = parseDuration(value)
  return ms.ok ? ms.value : undefined
}

const CODES_BY_NAME: ReadonlyMap<string, number> = new Map(
  Object.values(ResultCode).map((code) => [resultCodeName(code) as string, code]),
)

/** The names a `resultCode` may be written as: RFC spellings (`e-syncRefreshRequired`). */
export const RESULT_CODE_NAMES: readonly string[] = [...CODES_BY_NAME.keys()]

export function resultCodeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  return typeof value === 'string' ? CODES_BY_NAME.get(value) : undefined
}

/**
 * An attribute map: each value a scalar or a list of scalars. Numbers and booleans keep the
 * text they had in the file (`uidNumber: 0100` is "0100", `TRUE` stays "TRUE").
 */
export function attributesOf(value: unknown, positions: TreePositions): Record<string, string[]> {
  const o = asObject(value)
  const out: Record<string, string[]> = {}
  if (o === undefined) return out
  for (const [name, v] of Object.entries(o)) out[name] = valuesOf(o, name, v, positions)
  return out
}

/** One attribute's values; null (delete the whole attribute) is no values. */
export function valuesOf(container: CheckedObject | readonly unknown[], key: string | number, v: unknown, positions: TreePositions): string[] {
  if (v === null || v === undefined) return []
  if (Array.isArray(v)) return v.flatMap((item, i) => (item === undefined ? [] : [scalarText(v, i, item, positions)]))
  return [scalarText(container, key, v, positions)]
}

function scalarText(container: unknown, key: string | number, v: unknown, positions: TreePositions): string {
  if (typeof v === 'string') return v
  return positions.sourceText(container, key) ?? String(v)
}
