import { describe, expect, it } from 'vitest'
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_REQUEST_OID, SYNC_STATE_OID } from './oids.js'
import { decodeSyncDoneValue, encodeSyncDoneValue } from './sync-done.js'
import { decodeSyncInfoValue, encodeSyncInfoValue } from './sync-info.js'
import { decodeSyncRequestValue, encodeSyncRequestValue } from './sync-request.js'
import { decodeSyncStateValue, encodeSyncStateValue } from './sync-state.js'
import { formatSyncUuid } from './uuid.js'
import { cookieText, hex, readSlapdTraces, toHex, type TraceLine } from './sync-oracle.test-support.js'

/*
 * Golden bytes: every Sync control value and Sync Info value slapd 2.5.13 sent in the recorded
 * traces (and every request our python-ldap tracer sent) decodes to exactly the fields the trace
 * lists, and re-encodes byte for byte with the form the decoder observed.
 */

interface TraceControl {
  oid: string
  critical: boolean
  value_hex: string
  tlv: [[string, number], ...unknown[]]
  name: string
  [field: string]: unknown
}

const traces = readSlapdTraces()
const seen = { request: 0, syncState: 0, syncDone: 0, newcookie: 0, refreshDelete: 0, refreshPresent: 0, syncIdSet: 0, uuids: 0 }

function checkOuterTlv(bytes: Uint8Array, tlv: [[string, number], ...unknown[]] | [string, number][]): void {
  const [tag, len] = tlv[0] as [string, number]
  expect(toHex(bytes.subarray(0, 1))).toBe(tag)
  const first = bytes[1] as number
  const headerLength = first & 0x80 ? 2 + (first & 0x7f) : 2
  expect(bytes.length - headerLength).toBe(len)
}

function checkRequest(line: TraceLine): void {
  const bytes = hex(line.request_control_hex as string)
  const d = decodeSyncRequestValue(bytes)
  expect(d.value.mode).toBe(line.mode)
  expect(cookieText(d.value.cookie)).toBe(line.cookie)
  expect(d.value.reloadHint).toBe(line.reloadHint)
  expect(d.uniformLengths).toBe(true)
  expect(toHex(encodeSyncRequestValue(d.value, d.form))).toBe(toHex(bytes))
  seen.request++
}

function checkState(line: TraceLine, c: TraceControl): void {
  expect(c.oid).toBe(SYNC_STATE_OID)
  expect(c.critical).toBe(false)
  const bytes = hex(c.value_hex)
  checkOuterTlv(bytes, c.tlv)
  const d = decodeSyncStateValue(bytes)
  expect(d.value.state).toBe(c.state)
  expect(d.value.state).toBe(line.state)
  expect(formatSyncUuid(d.value.entryUUID)).toBe(c.entryUUID)
  expect(formatSyncUuid(d.value.entryUUID)).toBe(line.uuid)
  expect(cookieText(d.value.cookie)).toBe(c.cookie)
  expect(toHex(encodeSyncStateValue(d.value, d.form))).toBe(c.value_hex)
  seen.syncState++
}

function checkDone(line: TraceLine, c: TraceControl): void {
  expect(c.oid).toBe(SYNC_DONE_OID)
  const bytes = hex(c.value_hex)
  checkOuterTlv(bytes, c.tlv)
  const d = decodeSyncDoneValue(bytes)
  expect(cookieText(d.value.cookie)).toBe(c.cookie)
  expect(d.value.refreshDeletes).toBe(c.refreshDeletes)
  expect(d.form.refreshDeletes.explicit).toBe(c.refreshDeletes_on_wire)
  expect(line.syncDone).toStrictEqual({ cookie: c.cookie, refreshDeletes: c.refreshDeletes, refreshDeletes_on_wire: c.refreshDeletes_on_wire })
  expect(toHex(encodeSyncDoneValue(d.value, d.form))).toBe(c.value_hex)
  // slapd is DER-clean: our strict default writes the same bytes
  expect(toHex(encodeSyncDoneValue(d.value))).toBe(c.value_hex)
  seen.syncDone++
}

function checkInfo(line: TraceLine): void {
  expect(line.responseName).toBe(SYNC_INFO_OID)
  const bytes = hex(line.value_hex as string)
  checkOuterTlv(bytes, line.tlv as [string, number][])
  const d = decodeSyncInfoValue(bytes)
  expect(d.kind).toBe(line.info)
  expect(cookieText(d.value.cookie)).toBe(line.cookie)
  switch (d.kind) {
    case 'newcookie':
      break
    case 'refreshDelete':
    case 'refreshPresent':
      expect(d.value.refreshDone).toBe(line.refreshDone)
      expect(d.form.refreshDone.explicit).toBe(line.refreshDone_on_wire)
      break
    case 'syncIdSet':
      expect(d.value.refreshDeletes).toBe(line.refreshDeletes)
      expect(d.form.refreshDeletes.explicit).toBe(line.refreshDeletes_on_wire)
      expect(d.form.uuidSetTag).toBe(0x31)
      expect(d.value.syncUUIDs.length).toBe(line.uuid_count)
      expect(d.value.syncUUIDs.map(formatSyncUuid)).toStrictEqual(line.syncUUIDs)
      seen.uuids += d.value.syncUUIDs.length
      break
    default: {
      const never: never = d
      throw new Error(`unexpected ${(never as { kind: string }).kind}`)
    }
  }
  expect(toHex(encodeSyncInfoValue(d.value, d.form))).toBe(line.value_hex)
  expect(toHex(encodeSyncInfoValue(d.value))).toBe(line.value_hex)
  seen[d.kind]++
}

describe('slapd 2.5.13 traces: golden control and intermediate values', () => {
  for (const { file, lines } of traces) {
    it(file, () => {
      for (const line of lines) {
        switch (line.type) {
          case '_request':
            checkRequest(line)
            break
          case 'SearchResultEntry':
          case 'SearchResultDone':
            for (const c of line.controls as TraceControl[]) {
              if (c.name === 'syncState') checkState(line, c)
              else if (c.name === 'syncDone') checkDone(line, c)
              else throw new Error(`unexpected control ${c.name}`)
            }
            break
          case 'IntermediateResponse':
            checkInfo(line)
            break
          case '_end':
            break
          default:
            throw new Error(`unexpected trace line type ${line.type}`)
        }
      }
    })
  }

  // Runs after the per-file tests above (vitest runs a file's tests in order).
  it('covered every value in the traces', () => {
    expect(traces.length).toBe(27)
    expect(seen).toStrictEqual({
      request: 27,
      syncState: 705,
      syncDone: 20,
      newcookie: 1,
      refreshDelete: 4,
      refreshPresent: 1,
      syncIdSet: 12,
      uuids: 634,
    })
  })

  it('has the OIDs the traces carry', () => {
    expect(SYNC_REQUEST_OID).toBe('1.3.6.1.4.1.4203.1.9.1.1')
    expect(SYNC_STATE_OID).toBe('1.3.6.1.4.1.4203.1.9.1.2')
    expect(SYNC_DONE_OID).toBe('1.3.6.1.4.1.4203.1.9.1.3')
    expect(SYNC_INFO_OID).toBe('1.3.6.1.4.1.4203.1.9.1.4')
  })
})
