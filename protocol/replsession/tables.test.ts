import { describe, expect, it } from 'vitest'
import {
  NETSCAPE_ARC,
  ReplOid,
  replProtocolOf,
  replProtocolOid,
  startOids,
  startVersionOfRequestOid,
  startVersionOfResponseOid,
} from './oids.js'
import {
  REPL_RESPONSE_CODES,
  ReplResponseCode,
  describeResponseCode,
  formatResponseCode,
  responseCodeInfo,
  responseCodeLabel,
  responseCodeText389,
  supplierOutcomeOf,
} from './response-codes.js'

describe('OIDs (389ds-session-hooks.md §2.1)', () => {
  it('are the repl5.h values under the Netscape arc', () => {
    expect(ReplOid).toEqual({
      startNsds50Request: '2.16.840.1.113730.3.5.3',
      startNsds90Request: '2.16.840.1.113730.3.5.12',
      nsds50Response: '2.16.840.1.113730.3.5.4',
      nsds90Response: '2.16.840.1.113730.3.5.13',
      endRequest: '2.16.840.1.113730.3.5.5',
      incrementalProtocol: '2.16.840.1.113730.3.6.1',
      totalProtocol: '2.16.840.1.113730.3.6.2',
      nsds71TotalProtocol: '2.16.840.1.113730.3.6.3',
      nsds71IncrementalProtocol: '2.16.840.1.113730.3.6.4',
    })
    for (const oid of Object.values(ReplOid)) expect(oid.startsWith(NETSCAPE_ARC + '.')).toBe(true)
  })

  it('map Start version ↔ request OID ↔ response OID (§2.3: 3.5.12 is answered under 3.5.13, 3.5.3 under 3.5.4)', () => {
    expect(startOids(1)).toEqual({ requestOid: ReplOid.startNsds50Request, responseOid: ReplOid.nsds50Response })
    expect(startOids(2)).toEqual({ requestOid: ReplOid.startNsds90Request, responseOid: ReplOid.nsds90Response })
    for (const v of [1, 2] as const) {
      expect(startVersionOfRequestOid(startOids(v).requestOid)).toBe(v)
      expect(startVersionOfResponseOid(startOids(v).responseOid)).toBe(v)
    }
    expect(startVersionOfRequestOid(ReplOid.endRequest)).toBeUndefined()
    expect(startVersionOfRequestOid(ReplOid.nsds90Response)).toBeUndefined()
    expect(startVersionOfResponseOid(ReplOid.startNsds90Request)).toBeUndefined()
  })

  it('map the replication protocol OIDs; the 7.1 ones are not ours', () => {
    expect(replProtocolOf(ReplOid.incrementalProtocol)).toBe('incremental')
    expect(replProtocolOf(ReplOid.totalProtocol)).toBe('total')
    expect(replProtocolOf(ReplOid.nsds71IncrementalProtocol)).toBeUndefined()
    expect(replProtocolOf('1.2.3')).toBeUndefined()
    expect(replProtocolOid('incremental')).toBe('2.16.840.1.113730.3.6.1')
    expect(replProtocolOid('total')).toBe('2.16.840.1.113730.3.6.2')
  })
})

describe('NSDS50_REPL_* response codes (389ds-session-hooks.md §2.5)', () => {
  it('cover exactly 0x00..0x13 and 0xFF, in order, each named once', () => {
    const expected = [...Array.from({ length: 0x14 }, (_, i) => i), 0xff]
    expect(REPL_RESPONSE_CODES.map((c) => c.code)).toEqual(expected)
    for (const c of REPL_RESPONSE_CODES) expect(ReplResponseCode[c.name]).toBe(c.code)
    expect(new Set(REPL_RESPONSE_CODES.map((c) => c.name)).size).toBe(REPL_RESPONSE_CODES.length)
  })

  it('carry the repl5.h macros and the protocol_response2string texts of the doc table', () => {
    const rows = REPL_RESPONSE_CODES.map((c) => [formatResponseCode(c.code), c.macro, c.text389])
    expect(rows).toEqual([
      ['0x00', 'NSDS50_REPL_REPLICA_READY', 'replica acquired'],
      ['0x01', 'NSDS50_REPL_REPLICA_BUSY', 'replica busy'],
      ['0x02', 'NSDS50_REPL_EXCESSIVE_CLOCK_SKEW', 'excessive clock skew'],
      ['0x03', 'NSDS50_REPL_PERMISSION_DENIED', 'permission denied'],
      ['0x04', 'NSDS50_REPL_DECODING_ERROR', 'decoding error'],
      ['0x05', 'NSDS50_REPL_UNKNOWN_UPDATE_PROTOCOL', 'unknown update protocol'],
      ['0x06', 'NSDS50_REPL_NO_SUCH_REPLICA', 'no such replica'],
      ['0x07', 'NSDS50_REPL_BELOW_PURGEPOINT', 'csn below purge point'],
      ['0x08', 'NSDS50_REPL_INTERNAL_ERROR', 'internal error'],
      ['0x09', 'NSDS50_REPL_REPLICA_RELEASE_SUCCEEDED', 'replica released'],
      ['0x0A', undefined, 'unknown error'],
      ['0x0B', 'NSDS50_REPL_REPLICAID_ERROR', 'duplicate replica ID detected'],
      ['0x0C', 'NSDS50_REPL_DISABLED', 'unknown error'],
      ['0x0D', 'NSDS50_REPL_UPTODATE', 'no change to send'],
      ['0x0E', 'NSDS50_REPL_BACKOFF', 'unknown error'],
      ['0x0F', 'NSDS50_REPL_CL_ERROR', 'changelog error'],
      ['0x10', 'NSDS50_REPL_CONN_ERROR', 'connection error'],
      ['0x11', 'NSDS50_REPL_CONN_TIMEOUT', 'connection timeout'],
      ['0x12', 'NSDS50_REPL_TRANSIENT_ERROR', 'transient warning'],
      ['0x13', 'NSDS50_REPL_RUV_ERROR', 'RUV error'],
      ['0xFF', 'NSDS50_REPL_REPLICA_NO_RESPONSE', 'no response received'],
    ])
  })

  it('classify the supplier outcome as acquire_replica does; undefined codes are fatal', () => {
    const byOutcome = (o: string) => REPL_RESPONSE_CODES.filter((c) => c.supplierOutcome === o).map((c) => c.code)
    expect(byOutcome('success')).toEqual([0x00])
    expect(byOutcome('busy')).toEqual([0x01])
    expect(byOutcome('transient')).toEqual([0x03, 0x0e])
    expect(REPL_RESPONSE_CODES.filter((c) => c.supplierOutcome === 'fatal' && !c.supplierDefaultBranch).map((c) => c.code)).toEqual([
      0x02, 0x04, 0x06, 0x08, 0x0b,
    ])
    expect(supplierOutcomeOf(0x05)).toBe('fatal')
    expect(supplierOutcomeOf(0x0c)).toBe('fatal')
    expect(supplierOutcomeOf(0x42)).toBe('fatal')
    expect(supplierOutcomeOf(0x0e)).toBe('transient')
  })

  it('say which codes a consumer sends', () => {
    expect(REPL_RESPONSE_CODES.filter((c) => c.sentByConsumer).map((c) => c.code)).toEqual([
      0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0b, 0x0c, 0x0e,
    ])
    expect(responseCodeInfo(0x09)?.source).toBe('consumerEnd')
    expect(responseCodeInfo(0x07)?.source).toBe('neverProduced')
    expect(responseCodeInfo(0xff)?.source).toBe('supplierLocal')
    expect(responseCodeInfo(0x0a)?.source).toBe('unassigned')
  })

  it('name 0x0C and 0x0E properly although 389 prints "unknown error" for both (§5.6)', () => {
    expect(responseCodeText389(0x0e)).toBe('unknown error')
    expect(responseCodeText389(0x0c)).toBe('unknown error')
    expect(responseCodeLabel(0x0e)).toBe('NSDS50_REPL_BACKOFF (0x0E)')
    expect(responseCodeLabel(0x0c)).toBe('NSDS50_REPL_DISABLED (0x0C)')
    expect(describeResponseCode(0x0e)).toMatch(/session hook .* back off/)
    expect(describeResponseCode(0x0c)).toMatch(/disabled.*recv hook rejection of a total update/)
    for (const c of REPL_RESPONSE_CODES) expect(c.description).not.toMatch(/unknown error/i)
  })

  it('label codes outside the table without pretending to know them', () => {
    expect(responseCodeInfo(0x42)).toBeUndefined()
    expect(responseCodeText389(0x42)).toBe('unknown error')
    expect(responseCodeLabel(0x42)).toBe('undefined response code 0x42 (66)')
    expect(responseCodeLabel(0x0a)).toBe('unassigned response code 0x0A')
    expect(describeResponseCode(0x42)).toMatch(/defines no such code.*fatal/)
    expect(formatResponseCode(-1)).toBe('-1')
  })

  it('table rows are frozen', () => {
    const row = responseCodeInfo(0) as { code: number }
    expect(() => {
      row.code = 5
    }).toThrow(TypeError)
  })
})
