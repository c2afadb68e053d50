import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { generateDirectory, parseLdifRecords } from '../../fixtures/index.js'
import type { GenerateDirectoryOptions, LdifAttribute, LdifInput, LdifRecord } from '../../fixtures/index.js'
import { describeAttribute } from './attribute-description.js'
import { DirectoryError } from './errors.js'
import type { AddChange } from './types.js'
import { OPERATIONAL_KEYS } from './values.js'

/**
 * Loading initial data, the way slapadd fills a database before slapd starts: every entry gets
 * its own entryCSN and timestamps and the contextCSN follows, but nothing reaches the session
 * log or the change listeners. Parents must come before their children.
 *
 * An `entryUUID` in the data is kept (slapadd keeps it too); the other operational attributes
 * (entryCSN, createTimestamp, modifiersName …) are dropped and stamped afresh, so that CSNs stay
 * strictly increasing and the contextCSN is the newest of them.
 */
export interface EntryLoader {
  loadEntry(change: AddChange): unknown
}

export interface LoadLdifOptions {
  /** The name errors give for the input, e.g. a path. Default `<input>`. */
  readonly file?: string
  /** Directory against which `:<` file URLs resolve (see fixtures/ldif). */
  readonly baseDirectory?: string
}

export interface LoadResult {
  /** How many entries were added. */
  readonly count: number
}

/**
 * Loads LDIF content records (and `changetype: add` records).
 *
 * @example loadLdif(directory, 'dn: dc=example,dc=com\nobjectClass: domain\ndc: example\n')
 * @throws DirectoryError DIRECTORY_LOAD_FAILED naming the file and line of the record that could
 *   not be added (the cause holds the DirectoryError or LdifError).
 */
export function loadLdif(loader: EntryLoader, input: LdifInput, options: LoadLdifOptions = {}): LoadResult {
  const file = options.file ?? '<input>'
  let count = 0
  let record: LdifRecord | undefined
  try {
    for (record of parseLdifRecords(input, { file, baseDirectory: options.baseDirectory })) {
      loader.loadEntry(addChangeOf(record))
      count++
    }
  } catch (error) {
    if (!(error instanceof DirectoryError) || record === undefined) throw error
    const line = recordLine(input, count)
    const where = line === undefined ? `record ${count + 1} of ${file}` : `${file}:${line}`
    const hint = error.code === 'DIRECTORY_NO_SUCH_OBJECT' ? ' (parents must come before their children in the LDIF)' : ''
    throw new DirectoryError('DIRECTORY_LOAD_FAILED',
      `${where}: cannot load the entry "${record.dn}"${hint}: ${error.message}`,
      { cause: error, matchedDN: error.matchedDN })
  }
  return { count }
}

/** Loads an LDIF file (its path names it in errors; `:<` URLs resolve beside it). */
export function loadLdifFile(loader: EntryLoader, path: string): LoadResult {
  return loadLdif(loader, readFileSync(path), { file: path, baseDirectory: dirname(resolve(path)) })
}

/**
 * Loads the seeded generator's directory (fixtures/generator): the suffix entry, ou=people,
 * ou=groups, `count` people and their groups, with the generator's entryUUIDs (same seed, same
 * UUIDs).
 */
export function loadGenerated(loader: EntryLoader, options: GenerateDirectoryOptions): LoadResult {
  let count = 0
  for (const entry of generateDirectory(options)) {
    loader.loadEntry({ kind: 'add', dn: entry.dn, attributes: entry.attributes, uuid: entry.entryUUID })
    count++
  }
  return { count }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function addChangeOf(record: LdifRecord): AddChange {
  if (record.kind !== 'content' && record.kind !== 'add') {
    throw new DirectoryError('DIRECTORY_LOAD_FAILED',
      `A ${record.kind} change record cannot be loaded as initial data; only content records and "changetype: add" records can (apply the change instead).`)
  }
  let uuid: string | undefined
  const attributes: LdifAttribute[] = []
  for (const attribute of record.attributes) {
    const base = describeAttribute(attribute.description).base
    if (base === 'entryuuid') uuid = entryUuidOf(attribute)
    else if (!OPERATIONAL_KEYS.has(base)) attributes.push(attribute)
  }
  return {
    kind: 'add',
    dn: record.dn,
    attributes: attributes.map((a) => ({ type: a.description, values: a.values })),
    ...(uuid === undefined ? {} : { uuid }),
  }
}

function entryUuidOf(attribute: LdifAttribute): string {
  const [first, ...rest] = attribute.values
  let text: string | undefined
  try {
    text = first === undefined ? undefined : utf8.decode(first)
  } catch {
    text = undefined
  }
  if (text === undefined || rest.length > 0) {
    throw new DirectoryError('DIRECTORY_INVALID_VALUE', 'The entryUUID attribute must have exactly one value, a UUID such as 63199adc-7b95-1041-9bf9-193a3b08c68d.')
  }
  return text.trim()
}

/**
 * The physical line where record `index` (0-based) starts, when the input is whole text or
 * bytes. Every record starts with a `dn:` line at column 0 and no other line does (the reader
 * refuses a second dn: in a record; continuation lines start with a space), so counting those
 * lines finds it without a second parse.
 */
function recordLine(input: LdifInput, index: number): number | undefined {
  const text = typeof input === 'string' ? input : input instanceof Uint8Array ? Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8') : undefined
  if (text === undefined) return undefined
  let line = 1
  let seen = 0
  for (let at = 0; at < text.length; ) {
    if ((text.charCodeAt(at) | 0x20) === 0x64 && (text.charCodeAt(at + 1) | 0x20) === 0x6e && text.charCodeAt(at + 2) === 0x3a) {
      if (seen === index) return line
      seen++
    }
    const next = text.indexOf('\n', at)
    if (next < 0) break
    at = next + 1
    line++
  }
  return undefined
}
