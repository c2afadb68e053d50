/**
 * report.json (docs/consumer-contract.md) from slapd's own database: `slapcat` dumps it (safe
 * while slapd runs: back-mdb readers never block and see a committed snapshot), the LDIF is
 * turned into the contract's entries, and the file is replaced atomically (temp file + rename).
 *
 * The cookie is slapd's stored state: the contextCSN values of the suffix entry, which is what
 * slapd's next Sync Request cookie is built from (`rid=001,csn=<csn>[;<csn>…]`, sorted by
 * serverID, rfc4533.md §3.3 and §3.9).
 */
import { spawn } from 'node:child_process'
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseLdif, valueAsString } from '../../../fixtures/ldif/index.js'
import type { LdifContentRecord } from '../../../fixtures/ldif/index.js'
import { SlapdConsumerError } from './errors.js'
import { RID_TEXT } from './slapd-consumer-conf.js'

export const SLAPCAT_BINARY = '/usr/sbin/slapcat'
export const REPORT_FILE = 'report.json'

export type ReportValue = string | { readonly base64: string }

export interface ReportEntry {
  readonly uuid: string
  readonly dn: string
  readonly attributes: Readonly<Record<string, readonly ReportValue[]>>
}

export interface Report {
  /** base64 of the cookie bytes; null when slapd has stored no contextCSN yet. */
  readonly cookie: string | null
  readonly entries: readonly ReportEntry[]
}

/**
 * What slapd keeps beside the replicated data. The contract asks for user attributes only; these
 * are the operational attributes a back-mdb consumer database stores (slapcat prints them all).
 */
const OPERATIONAL = new Set(
  ['entryUUID', 'entryCSN', 'contextCSN', 'structuralObjectClass', 'creatorsName', 'createTimestamp', 'modifiersName', 'modifyTimestamp', 'entryDN', 'hasSubordinates', 'subschemaSubentry'].map((a) =>
    a.toLowerCase(),
  ),
)

/** slapcat's LDIF of the consumer database → the report. Glue entries (placeholders slapd adds for missing parents) are not replica content. */
export function reportFromLdif(ldif: Uint8Array): Report {
  const entries: ReportEntry[] = []
  const contextCsns: string[] = []
  for (const record of parseLdif(ldif, { file: 'slapcat output' })) {
    if (record.kind !== 'content') continue
    contextCsns.push(...texts(record, 'contextCSN'))
    if (texts(record, 'objectClass').some((oc) => oc.toLowerCase() === 'glue')) continue
    const uuid = texts(record, 'entryUUID')[0]
    if (uuid === undefined) continue
    const attributes: Record<string, ReportValue[]> = {}
    for (const a of record.attributes) {
      if (OPERATIONAL.has(a.description.toLowerCase())) continue
      attributes[a.description] = a.values.map((v) => valueAsString(v) ?? { base64: Buffer.from(v).toString('base64') })
    }
    entries.push({ uuid: uuid.toLowerCase(), dn: record.dn, attributes })
  }
  return { cookie: cookieOf(contextCsns), entries }
}

/** The cookie slapd would send for this contextCSN vector, base64; null without one. */
export function cookieOf(contextCsns: readonly string[]): string | null {
  if (contextCsns.length === 0) return null
  const sorted = [...contextCsns].sort((a, b) => sidOf(a) - sidOf(b))
  return Buffer.from(`${RID_TEXT},csn=${sorted.join(';')}`, 'utf8').toString('base64')
}

/** The serverID inside a CSN `YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#mmmmmm` (hex). */
function sidOf(csn: string): number {
  const sid = csn.split('#')[2]
  return sid === undefined ? 0 : Number.parseInt(sid, 16)
}

function texts(record: LdifContentRecord, name: string): string[] {
  const a = record.attributes.find((x) => x.description.toLowerCase() === name.toLowerCase())
  return (a?.values ?? []).map((v) => Buffer.from(v).toString('utf8'))
}

/**
 * A slapcat ended by a signal is run again, this many times in all. The runner's SIGTERM goes to
 * the adapter's process group, and a slapcat forked at that very moment can still receive it:
 * Node blocks signals across fork() and the child leaves the group (setsid, `detached`) before it
 * unblocks them, so a group signal sent in between stays pending and kills slapcat once unblocked.
 */
const SLAPCAT_ATTEMPTS = 3

/** Dumps the database under `base` with slapcat. @throws SlapdConsumerError SLAPD_CONSUMER_SLAPCAT_FAILED */
export async function slapcat(conf: string, base: string): Promise<Uint8Array> {
  for (let attempt = 1; ; attempt++) {
    const run = await slapcatOnce(conf, base)
    if (run.kind === 'ok') return run.ldif
    if (run.signal === null || attempt >= SLAPCAT_ATTEMPTS) {
      throw new SlapdConsumerError(
        'SLAPD_CONSUMER_SLAPCAT_FAILED',
        `slapcat -f ${conf} -b "${base}" exited with code ${run.code} (signal ${run.signal})${attempt > 1 ? ` on attempt ${attempt}` : ''}. Its output:\n${run.stderr || '(nothing)'}`,
      )
    }
  }
}

type SlapcatRun = { readonly kind: 'ok'; readonly ldif: Uint8Array } | { readonly kind: 'failed'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string }

function slapcatOnce(conf: string, base: string): Promise<SlapcatRun> {
  return new Promise((resolve, reject) => {
    // ldif_wrap=no: one line per value; the LDIF reader would unfold wrapped lines too.
    // A process group of its own: the runner's SIGTERM goes to the adapter's whole group, and a
    // slapcat killed mid-dump would lose the final report. slapcat ends by itself in a moment.
    const child = spawn(SLAPCAT_BINARY, ['-f', conf, '-b', base, '-o', 'ldif_wrap=no'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const out: Buffer[] = []
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => (err = (err + chunk).slice(-4096)))
    child.once('error', (error) => {
      reject(new SlapdConsumerError('SLAPD_CONSUMER_SLAPCAT_FAILED', `${SLAPCAT_BINARY} could not be started (is Debian's slapd package installed?): ${error.message}`, { cause: error }))
    })
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ kind: 'ok', ldif: Uint8Array.from(Buffer.concat(out)) })
      else resolve({ kind: 'failed', code, signal, stderr: err.trim() })
    })
  })
}

/** Writes `$SYNCREPL_STATE_DIR/report.json` atomically: a reader sees the old file or the new one, never half of one. */
export async function writeReport(stateDir: string, text: string): Promise<void> {
  const target = join(stateDir, REPORT_FILE)
  const temp = `${target}.${process.pid}.tmp`
  await writeFile(temp, text)
  await rename(temp, target)
}

export function reportText(report: Report): string {
  return `${JSON.stringify(report, null, 1)}\n`
}
