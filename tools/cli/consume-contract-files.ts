/**
 * The files `consume --contract` keeps in SYNCREPL_STATE_DIR for the conformance runner
 * (docs/consumer-contract.md "report.json", "events.jsonl"): the report of the committed replica,
 * rewritten atomically and coalesced so a large refresh does not rewrite it once per entry, and
 * the append-only log of sync callbacks.
 */
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ReplicaSnapshot, SyncEvent } from '../../consumer/index.js'
import { valueAsString } from '../../fixtures/ldif/index.js'

export const REPORT_FILE = 'report.json'
export const EVENTS_FILE = 'events.jsonl'

/** The report as the contract writes it: cookie base64 or null; values text when valid UTF-8, else `{"base64"}`. */
export function reportText(snapshot: ReplicaSnapshot): string {
  const entries = [...snapshot.entries.values()].map((entry) => {
    const attributes: Record<string, (string | { base64: string })[]> = {}
    for (const [name, values] of entry.attributes) attributes[name] = values.map((v) => valueAsString(v) ?? { base64: base64(v) })
    return { uuid: entry.uuid, dn: entry.dn, attributes }
  })
  return JSON.stringify({ cookie: snapshot.cookie === undefined ? null : base64(snapshot.cookie), entries }) + '\n'
}

/**
 * Keeps `report.json` current: `changed()` after each commit schedules a write, at most one per
 * `intervalMs` (a 10,000-entry refresh commits once, but a busy persist stage commits per
 * change); `changed(true)` writes without waiting (the commit that ends a refresh, which the
 * runner waits for). Each write loads the committed snapshot at that moment, so the last write
 * always shows the last commit. Writes never overlap.
 */
export class ReportWriter {
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> | undefined
  private dirty = false
  private urgent = false
  private lastWrite = 0

  constructor(
    private readonly stateDir: string,
    private readonly load: () => Promise<ReplicaSnapshot>,
    private readonly onError: (error: Error) => void,
    private readonly intervalMs = 50,
  ) {}

  changed(now = false): void {
    this.dirty = true
    if (this.writing !== undefined) {
      // The write in progress reschedules when it finishes.
      this.urgent ||= now
      return
    }
    if (this.timer !== undefined) {
      if (!now) return
      clearTimeout(this.timer)
    }
    const delay = now ? 0 : Math.max(0, this.lastWrite + this.intervalMs - Date.now())
    this.timer = setTimeout(() => this.writeScheduled(), delay)
  }

  /** Writes the report now (after a write in progress), and nothing more is scheduled: at exit. */
  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    while (this.writing !== undefined) await this.writing
    this.dirty = false
    await this.write()
  }

  private writeScheduled(): void {
    this.timer = undefined
    if (!this.dirty) return
    this.dirty = false
    this.writing = this.write()
      .catch((error: unknown) => this.onError(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.writing = undefined
        this.lastWrite = Date.now()
        if (this.dirty) {
          const now = this.urgent
          this.urgent = false
          this.changed(now)
        }
      })
  }

  /** Temp file + rename in the same directory: the runner reads the old report or the new one, never half of one. */
  private async write(): Promise<void> {
    const text = reportText(await this.load())
    const target = join(this.stateDir, REPORT_FILE)
    const temp = `${target}.tmp-${process.pid}`
    await writeFile(temp, text)
    await rename(temp, target)
  }
}

/** `events.jsonl`: one line per sync callback, appended; diagnostics only (never graded). */
export class EventLog {
  private readonly stream: WriteStream
  private failed = false

  constructor(stateDir: string, onError: (error: Error) => void) {
    this.stream = createWriteStream(join(stateDir, EVENTS_FILE), { flags: 'a' })
    this.stream.on('error', (error) => {
      if (this.failed) return
      this.failed = true
      onError(error)
    })
  }

  record(event: SyncEvent): void {
    const line = eventLine(event)
    if (line !== undefined && !this.failed) this.stream.write(line + '\n')
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve))
  }
}

/** The contract's line for a callback; undefined for events that are not callbacks (handshake, 4096). */
export function eventLine(event: SyncEvent): string | undefined {
  switch (event.kind) {
    case 'entry':
      return JSON.stringify({ event: 'entry', uuid: event.uuid, dn: event.dn })
    case 'delete':
      return JSON.stringify({ event: 'delete', uuids: event.uuids })
    case 'present':
      // Without uuids: the end of a present phase (python-ldap's syncrepl_present(None, refreshDeletes)).
      return JSON.stringify({ event: 'present', ...(event.uuids === null ? {} : { uuids: event.uuids }), refreshDeletes: event.refreshDeletes })
    case 'refreshDone':
      return JSON.stringify({ event: 'refreshDone' })
    case 'cookie':
      return JSON.stringify({ event: 'cookie', cookie: base64(event.cookie) })
    default:
      return undefined
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
