import { describe, expect, it } from 'vitest'
import { encodeEndReplicationRequest } from './end-request.js'
import { ReplOid } from './oids.js'
import { encodeReplicationResponse } from './response.js'
import { encodeStartReplicationRequest } from './start-request.js'
import { encodeReplSessionValue } from './value.js'
import type { ReplSessionValue } from './value.js'

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const RUV = '{replicageneration} 65a0c1d2000000010000'

describe('encodeReplSessionValue dispatches on kind', () => {
  const values: ReplSessionValue[] = [
    { kind: 'startReplicationRequest', version: 2, replProtocolOid: ReplOid.totalProtocol, replicatedTree: 'dc=x', supplierRuv: [RUV], csn: '65a0c200000000010000' },
    { kind: 'replicationResponse', responseCode: 0x0e },
    { kind: 'endReplicationRequest', replicatedTree: 'dc=x', supplierRuv: [RUV] },
  ]

  it.each(values.map((v) => [v.kind, v] as const))('%s goes to its own encoder, options included', (_, v) => {
    const direct =
      v.kind === 'startReplicationRequest'
        ? encodeStartReplicationRequest(v, { lengthOctets: 2 })
        : v.kind === 'replicationResponse'
          ? encodeReplicationResponse(v, { lengthOctets: 2 })
          : encodeEndReplicationRequest(v, { lengthOctets: 2 })
    expect(toHex(encodeReplSessionValue(v, { lengthOctets: 2 }))).toBe(toHex(direct))
    expect(direct[1]).toBe(0x82)
  })

  it('passes strict through', () => {
    const guidOnly: ReplSessionValue = { kind: 'replicationResponse', responseCode: 0, dataGuid: 'g' }
    expect(() => encodeReplSessionValue(guidOnly)).toThrow(/dataGuid but no data/)
    expect(toHex(encodeReplSessionValue(guidOnly, { strict: false }))).toBe('30060a0100040167')
  })
})
