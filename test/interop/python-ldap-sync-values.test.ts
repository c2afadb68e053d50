/**
 * Interop: python-ldap (pyasn1, an encoder and decoder written by other people) reads every
 * RFC 4533 value our codec writes, in the strict form and in the lenient forms the provider can
 * send, and our decoder reads every Sync Request python-ldap writes. Our consumer agreeing with
 * our provider would prove nothing; this does.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  decodeSyncRequestValue,
  encodeSyncDoneValue,
  encodeSyncInfoValue,
  encodeSyncStateValue,
  formatSyncUuid,
} from '../../protocol/sync/index.js'
import type { SyncInfoValue } from '../../protocol/sync/index.js'
import { SYSTEM_PYTHON, requirePeers, skipInterop } from './peers.js'

const SCRIPT = fileURLToPath(new URL('./python/sync_values.py', import.meta.url))

type PyRequest = { id: number } & Record<string, unknown>
type PyResult = { id: number; ok: boolean; value?: Record<string, unknown>; error?: string }

/** Sends all requests to one python-ldap process (one interpreter start for the whole table). */
function python(requests: PyRequest[]): Map<number, PyResult> {
  const r = spawnSync(SYSTEM_PYTHON, [SCRIPT], { input: requests.map((q) => JSON.stringify(q)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`python-ldap helper failed (exit ${r.status}): ${r.stderr}`)
  const out = new Map<number, PyResult>()
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const res = JSON.parse(line) as PyResult
    out.set(res.id, res)
  }
  return out
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const uuidOf = (i: number) => Buffer.from(Array.from({ length: 16 }, (_, k) => (i * 31 + k * 7) & 0xff))
const COOKIES: Array<Uint8Array | undefined> = [undefined, new Uint8Array(0), Buffer.from('rid=000,csn=20261123142450.416101Z#000000#000#000000'), Uint8Array.from({ length: 256 }, (_, i) => i)]
/** Strict DER, TRUE as 0x01 with explicit defaults (python-ldap's own style), long-form lengths. */
const BOOL_FORMS = [{}, { explicit: true, trueOctet: 0x01 }]
const LENGTHS = [0, 4]

describe.skipIf(skipInterop('python-ldap'))('python-ldap reads our RFC 4533 values', () => {
  it('Sync State, Sync Done and every Sync Info variant, in strict and lenient encodings', () => {
    requirePeers('python-ldap')
    const requests: PyRequest[] = []
    const expected = new Map<number, Record<string, unknown>>()
    let id = 0
    const add = (what: string, bytes: Uint8Array, want: Record<string, unknown>) => {
      requests.push({ id, what, hex: hex(bytes) })
      expected.set(id++, want)
    }

    for (const state of ['present', 'add', 'modify', 'delete'] as const) {
      for (const cookie of COOKIES) {
        for (const lengthOctets of LENGTHS) {
          const entryUUID = uuidOf(id)
          add('state', encodeSyncStateValue({ kind: 'syncState', state, entryUUID, ...(cookie ? { cookie } : {}) }, { lengthOctets }), {
            state,
            entryUUID: formatSyncUuid(entryUUID),
            cookie: cookie ? hex(cookie) : null,
          })
        }
      }
    }
    for (const cookie of COOKIES) {
      for (const refreshDeletes of [false, true]) {
        for (const form of BOOL_FORMS) {
          for (const lengthOctets of LENGTHS) {
            add('done', encodeSyncDoneValue({ kind: 'syncDone', refreshDeletes, ...(cookie ? { cookie } : {}) }, { refreshDeletes: form, lengthOctets }), {
              refreshDeletes,
              cookie: cookie ? hex(cookie) : null,
            })
          }
        }
      }
    }
    const infos: Array<[SyncInfoValue, Record<string, unknown>]> = []
    for (const cookie of COOKIES) {
      if (cookie) infos.push([{ kind: 'newcookie', cookie }, { kind: 'newcookie', cookie: hex(cookie) }])
      for (const kind of ['refreshDelete', 'refreshPresent'] as const) {
        for (const refreshDone of [true, false]) {
          infos.push([{ kind, refreshDone, ...(cookie ? { cookie } : {}) }, { kind, refreshDone, cookie: cookie ? hex(cookie) : null }])
        }
      }
      for (const refreshDeletes of [false, true]) {
        for (const count of [0, 1, 256]) {
          const uuids = Array.from({ length: count }, (_, i) => uuidOf(i + 1))
          infos.push([
            { kind: 'syncIdSet', refreshDeletes, syncUUIDs: uuids, ...(cookie ? { cookie } : {}) },
            { kind: 'syncIdSet', refreshDeletes, cookie: cookie ? hex(cookie) : null, syncUUIDs: uuids.map(formatSyncUuid) },
          ])
        }
      }
    }
    for (const [value, want] of infos) {
      for (const form of BOOL_FORMS) {
        for (const lengthOctets of LENGTHS) {
          const f = value.kind === 'syncIdSet' ? { refreshDeletes: form, lengthOctets } : value.kind === 'newcookie' ? { lengthOctets } : { refreshDone: form, lengthOctets }
          add('info', encodeSyncInfoValue(value, f), want)
        }
      }
    }

    const results = python(requests)
    expect(results.size).toBe(requests.length)
    const mismatches: string[] = []
    for (const q of requests) {
      const got = results.get(q.id) as PyResult
      if (!got.ok) mismatches.push(`${q.what} ${q.hex}: python-ldap failed: ${got.error}`)
      else if (!isDeepStrictEqual(got.value, expected.get(q.id))) {
        mismatches.push(`${q.what} ${q.hex}: python-ldap read ${JSON.stringify(got.value)}, expected ${JSON.stringify(expected.get(q.id))}`)
      }
    }
    expect(mismatches).toEqual([])
    expect(requests.length).toBe(236) // the table above: a shrinking table would silently test less
  })

  it('our decoder reads every Sync Request python-ldap encodes (TRUE as 0x01 included)', () => {
    requirePeers('python-ldap')
    const requests: PyRequest[] = []
    let id = 0
    for (const mode of ['refreshOnly', 'refreshAndPersist']) {
      for (const cookie of COOKIES) {
        for (const reloadHint of [false, true]) {
          requests.push({ id: id++, what: 'request', mode, cookie_hex: cookie ? hex(cookie) : null, reloadHint })
        }
      }
    }
    const results = python(requests)
    for (const q of requests) {
      const got = results.get(q.id) as PyResult
      expect(got.ok, got.error).toBe(true)
      const d = decodeSyncRequestValue(Buffer.from(got.value?.hex as string, 'hex'))
      expect(d.value.mode).toBe(q.mode)
      expect(d.value.reloadHint).toBe(q.reloadHint)
      expect(d.value.cookie === undefined ? null : hex(d.value.cookie)).toBe(q.cookie_hex)
      // python-ldap (pyasn1 BER) writes TRUE as 0x01; the decoder records it.
      if (q.reloadHint) expect(d.form.reloadHint).toEqual({ explicit: true, trueOctet: 0x01 })
    }
  })
})
