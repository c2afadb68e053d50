/**
 * `$SYNCREPL_STATE_DIR/report.json` (docs/consumer-contract.md "report.json"): read and checked.
 * A report the runner cannot read is a finding against the consumer (it broke the contract),
 * stated with what was wrong and where in the file.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isCanonicalUuidText } from '../../protocol/sync/index.js'
import { keepAttributes } from './replica.js'
import type { ComparableEntry, ComparableReplica } from './replica.js'

export const REPORT_FILE = 'report.json'

export type ReportRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'ok'; readonly replica: ComparableReplica }

/** Reads the report in `stateDir`; `requested` is the case's attribute list (what is compared). */
export async function readReportFile(stateDir: string, requested: readonly string[]): Promise<ReportRead> {
  let text: string
  try {
    text = await readFile(join(stateDir, REPORT_FILE), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' }
    return { kind: 'invalid', message: `report.json could not be read: ${(error as Error).message}` }
  }
  return parseReport(text, requested)
}

export function parseReport(text: string, requested: readonly string[]): ReportRead {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { kind: 'invalid', message: `report.json is not JSON: ${(error as Error).message}` }
  }
  try {
    return { kind: 'ok', replica: toReplica(json, requested) }
  } catch (error) {
    return { kind: 'invalid', message: `report.json does not follow the contract: ${(error as Error).message}` }
  }
}

function toReplica(json: unknown, requested: readonly string[]): ComparableReplica {
  if (!isObject(json)) throw new Error('the top level must be an object with "cookie" and "entries"')
  const cookie = json.cookie
  if (cookie !== null && typeof cookie !== 'string') throw new Error('"cookie" must be a base64 string or null')
  if (!Array.isArray(json.entries)) throw new Error('"entries" must be an array')
  const entries = new Map<string, ComparableEntry>()
  json.entries.forEach((e: unknown, i: number) => {
    const where = `entries[${i}]`
    if (!isObject(e)) throw new Error(`${where} must be an object`)
    if (typeof e.uuid !== 'string' || !isCanonicalUuidText(e.uuid.toLowerCase())) throw new Error(`${where}.uuid must be a UUID as 8-4-4-4-12 hex digits, not ${JSON.stringify(e.uuid)}`)
    if (typeof e.dn !== 'string') throw new Error(`${where}.dn must be a string`)
    if (!isObject(e.attributes)) throw new Error(`${where}.attributes must be an object of name → list of values`)
    const uuid = e.uuid.toLowerCase()
    if (entries.has(uuid)) throw new Error(`${where} repeats the UUID ${uuid}: entries are keyed by syncUUID`)
    const attributes = new Map<string, Uint8Array[]>()
    for (const [name, values] of Object.entries(e.attributes)) {
      if (!Array.isArray(values)) throw new Error(`${where}.attributes.${name} must be a list of values`)
      const key = name.toLowerCase()
      const list = attributes.get(key) ?? []
      values.forEach((v: unknown, j: number) => list.push(valueOf(v, `${where}.attributes.${name}[${j}]`)))
      attributes.set(key, list)
    }
    entries.set(uuid, { uuid, dn: e.dn, attributes: keepAttributes(attributes, requested) })
  })
  return { cookie: cookie === null ? null : base64Bytes(cookie, '"cookie"'), entries }
}

function valueOf(v: unknown, where: string): Uint8Array {
  if (typeof v === 'string') return Uint8Array.from(Buffer.from(v, 'utf8'))
  if (isObject(v) && typeof v.base64 === 'string') return base64Bytes(v.base64, `${where}.base64`)
  throw new Error(`${where} must be a string or {"base64": "…"}`)
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Node's decoder skips what it does not know: a raw cookie text would become garbage octets, silently. */
function base64Bytes(text: string, where: string): Uint8Array {
  if (!BASE64.test(text)) throw new Error(`${where} must be base64 (RFC 4648, padded), not ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`)
  return Uint8Array.from(Buffer.from(text, 'base64'))
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
