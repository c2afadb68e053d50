/**
 * Shared pieces of the handshake tests: the §2.7 byte vectors (389ds-session-hooks.md, copied
 * here as hex), a FileStore seeded with a replica and cookie, and a byte-exact picture of a store
 * for "unchanged" assertions.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileStore } from '../../consumer/index.js'
import type { ReplicaSnapshot } from '../../consumer/index.js'
import { ReplOid } from '../../protocol/replsession/index.js'
import { bytes, testUuid } from '../support/scripted-sync-server.js'
import { endResponse } from '../support/scripted-session-server.js'
import type { ScriptedExtended, ScriptedSessionServerOptions } from '../support/scripted-session-server.js'

export const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))
export const toHex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'))

export const BASE = 'dc=example,dc=com'
/** §2.7's inputs: replica generation and CSN (0x65a0c200 s = this clock, replica ID 1). */
export { GENERATION_2_7, READY_2_7, START_2_7 } from '../fixtures/389ds-handshake.js'
export const CLOCK_2_7 = 0x65a0c200 * 1000

/** An opaque (non-OpenLDAP) cookie, so the Start's CSN comes from the clock. */
export const STORED_COOKIE = bytes('389-cookie-0001')

/** A FileStore holding two entries and STORED_COOKIE. */
export async function seededFileStore(): Promise<{ store: FileStore; dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'syncrepl-handshake-'))
  const store = await FileStore.open(dir)
  const tx = await store.begin()
  tx.put({ uuid: testUuid(1), dn: `uid=ann,ou=people,${BASE}`, attributes: new Map([['uid', [bytes('ann')]], ['cn', [bytes('Ann Example')]]]) })
  tx.put({ uuid: testUuid(2), dn: `uid=bob,ou=people,${BASE}`, attributes: new Map([['uid', [bytes('bob')]], ['jpegPhoto', [Uint8Array.of(0xff, 0xd8, 0x00, 0x01)]]]) })
  await tx.commit(STORED_COOKIE)
  return { store, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Every byte of a snapshot, in a stable order: the cookie, then each entry with its values. */
export function snapshotText(s: ReplicaSnapshot): string {
  const entries = [...s.entries.values()]
    .sort((a, b) => a.uuid.localeCompare(b.uuid))
    .map((e) => ({ uuid: e.uuid, dn: e.dn, attributes: [...e.attributes].map(([t, vs]) => [t, vs.map((v) => toHex(v))]) }))
  return JSON.stringify({ cookie: toHex(s.cookie), entries })
}

/** The store's replica file bytes and its loaded state: what must not change across a refusal. */
export async function storeState(store: FileStore): Promise<{ file: string; snapshot: string }> {
  return { file: readFileSync(store.file).toString('hex'), snapshot: snapshotText(await store.load()) }
}

/**
 * An `onExtended` that answers the n-th Start request with `starts[n]` (the last one repeats)
 * and every End with 0x09 (or with `end`).
 */
export function startScript(starts: Array<(x: ScriptedExtended) => void>, end?: (x: ScriptedExtended) => void): NonNullable<ScriptedSessionServerOptions['onExtended']> {
  let n = 0
  return (x) => {
    if (x.requestName === ReplOid.endRequest) return end === undefined ? x.send(endResponse(x.messageId)) : end(x)
    const step = starts[Math.min(n++, starts.length - 1)]
    step?.(x)
  }
}
