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
export const GENERATION_2_7 = '65a0c1d2000000010000'
export const CLOCK_2_7 = 0x65a0c200 * 1000

/** §2.7: NSDS90 Start request value, incremental, `dc=example,dc=com`, GUID test-guid, data `test-data\0`. 136 bytes. */
export const START_2_7 = hexBytes(`
30 81 85 04 17 32 2e 31 36 2e 38 34 30 2e 31 2e 31 31 33 37 33 30 2e 33
2e 36 2e 31 04 11 64 63 3d 65 78 61 6d 70 6c 65 2c 64 63 3d 63 6f 6d 31
2a 04 28 7b 72 65 70 6c 69 63 61 67 65 6e 65 72 61 74 69 6f 6e 7d 20 36
35 61 30 63 31 64 32 30 30 30 30 30 30 30 31 30 30 30 30 04 14 36 35 61
30 63 32 30 30 30 30 30 30 30 30 30 31 30 30 30 30 04 09 74 65 73 74 2d
67 75 69 64 04 0a 74 65 73 74 2d 64 61 74 61 00`)

/** §2.7: NSDS90 READY response value with the consumer RUV and `test-reply-guid` / `test-reply-data\0`. 84 bytes. */
export const READY_2_7 = hexBytes(`
30 52 0a 01 00 30 2a 04 28 7b 72 65 70 6c 69 63 61 67 65 6e 65 72 61 74
69 6f 6e 7d 20 36 35 61 30 63 31 64 32 30 30 30 30 30 30 30 31 30 30 30
30 04 0f 74 65 73 74 2d 72 65 70 6c 79 2d 67 75 69 64 04 10 74 65 73 74
2d 72 65 70 6c 79 2d 64 61 74 61 00`)

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
