/**
 * The TypeScript side of test/support/python/replica.py, the python-ldap SyncreplConsumer with a
 * JSON replica that test/interop/python/syncrepl_consumer.py and
 * test/scenarios/python/example_consumer.py are built on: the lines it prints, the state file it
 * saves, and a running script (Debian's /usr/bin/python3) whose stdout is read as JSON lines.
 */
import { readFileSync } from 'node:fs'
import { SYSTEM_PYTHON } from '../interop/peers.js'
import { WatchedProcess } from './watched-process.js'
import type { ProcessExit } from './watched-process.js'

/** A line the replica prints: one SyncreplConsumer callback, or a step of its session. */
export type ReplicaEvent =
  | { readonly event: 'start'; readonly cookie: string | null }
  | { readonly event: 'entry'; readonly uuid: string; readonly dn: string }
  | { readonly event: 'delete'; readonly uuids: readonly string[] }
  | { readonly event: 'present'; readonly uuids: readonly string[] | null; readonly refreshDeletes: boolean; readonly removed: readonly string[] }
  | { readonly event: 'cookie'; readonly cookie: string }
  | { readonly event: 'refreshDone' }
  | { readonly event: 'searchDone' }
  | { readonly event: 'cancelled' }
  | { readonly event: 'saved'; readonly entries: number }

/** One entry of the saved replica, keyed by its entryUUID text in `ReplicaState.entries`. */
export interface ReplicaEntry {
  readonly dn: string
  readonly attributes: Readonly<Record<string, readonly string[]>>
  /** Types whose values are stored as base64 (at least one value was not UTF-8). */
  readonly base64: readonly string[]
}

export interface ReplicaState {
  /** The cookie as base64 of its bytes, or null before the first one. */
  readonly cookie: string | null
  readonly entries: Readonly<Record<string, ReplicaEntry>>
}

export function readReplica(path: string): ReplicaState {
  return JSON.parse(readFileSync(path, 'utf8')) as ReplicaState
}

/** A running script built on the replica; `E` is every line it prints. */
export class ReplicaScript<E extends { readonly event: string }> {
  readonly events: E[] = []
  protected readonly process: WatchedProcess

  /** `name` names the script in failure messages. */
  constructor(name: string, script: string, args: readonly string[]) {
    this.process = new WatchedProcess({
      name,
      command: SYSTEM_PYTHON,
      args: [script, ...args],
      stdin: 'pipe',
      stdout: 'lines',
      receive: (line) => {
        try {
          this.events.push(JSON.parse(line) as E)
        } catch {
          this.process.remark(`[not JSON] ${line}`)
        }
      },
      describeOutput: () => {
        const tail = this.events.slice(-30).map((e) => JSON.stringify(e)).join('\n')
        return `Last lines of ${name}:\n${tail || '(none)'}`
      },
    })
  }

  get exited(): Promise<ProcessExit> {
    return this.process.exited
  }

  /** Ends the script if it still runs (test clean-up after a failure). */
  kill(): void {
    this.process.kill()
  }

  /** The last lines and stderr, for failure messages. */
  transcript(): string {
    return this.process.transcript()
  }
}
