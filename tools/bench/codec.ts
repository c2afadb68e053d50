import { BerWriter } from '../../protocol/ber/writer.js'
import { decodeMessage } from '../../protocol/ldap/message.js'
import { writeSearchResultEntryMessage } from '../../protocol/ldap/search-result-entry.js'
import type { EntryAttributeInput } from '../../protocol/ldap/search-result-entry.js'
import { SYNC_STATE_OID } from '../../protocol/sync/oids.js'
import { decodeSyncStateValue, writeSyncStateValue } from '../../protocol/sync/sync-state.js'
import type { SyncStateValueToEncode } from '../../protocol/sync/sync-state.js'
import { median, measureRate } from './harness.js'
import type { BenchResult } from './harness.js'

/**
 * The provider's and consumer's hot path: one SearchResultEntry with a DN, 7 attributes and a
 * Sync State control (the shape slapd sends during a refresh, see test/fixtures/slapd-traces).
 * Issue targets: ≥ 300,000 encodes/s and ≥ 150,000 decodes/s on the 2-core reference machine.
 */
export function codecBenchmarks(): BenchResult[] {
  const dn = 'uid=user000042,ou=people,dc=example,dc=com'
  const attributes: EntryAttributeInput[] = [
    { type: 'objectClass', vals: ['inetOrgPerson'] },
    { type: 'uid', vals: ['user000042'] },
    { type: 'cn', vals: ['Ada Lovelace'] },
    { type: 'sn', vals: ['Lovelace'] },
    { type: 'givenName', vals: ['Ada'] },
    { type: 'mail', vals: ['ada.lovelace@example.com'] },
    { type: 'description', vals: ['generated test entry 42'] },
  ]
  const state: SyncStateValueToEncode = {
    kind: 'syncState',
    state: 'add',
    entryUUID: Buffer.from('63199ffa7b9510419bfb193a3b08c68d', 'hex'),
  }
  const controls = [{ type: SYNC_STATE_OID, critical: false, writeValue: (w: BerWriter) => writeSyncStateValue(w, state) }]

  // Encode: into one writer, taking the batch every 256 entries as the provider does per write.
  const w = new BerWriter(64 * 1024)
  let n = 0
  const encodeRounds = measureRate(() => {
    writeSearchResultEntryMessage(w, 2, dn, attributes, controls)
    if (++n % 256 === 0) w.reset()
  })

  // Decode: the full envelope, every attribute value, and the Sync State value.
  const one = new BerWriter(1024)
  writeSearchResultEntryMessage(one, 2, dn, attributes, controls)
  const pdu = one.toBuffer()
  let sink = 0
  const decodeRounds = measureRate(() => {
    const msg = decodeMessage(pdu)
    const c = msg.controls[0]
    if (c?.value) sink += decodeSyncStateValue(c.value).value.entryUUID.length
    if (msg.op.kind === 'searchResultEntry') sink += msg.op.attributes.length
  })
  if (sink === 0) throw new Error('decode benchmark decoded nothing')

  return [
    { name: `SearchResultEntry encode (DN + 7 attributes + Sync State, ${pdu.length} octets)`, rate: median(encodeRounds), rounds: encodeRounds, unit: 'encodes/s', target: { min: 300_000, label: '≥ 300,000/s' } },
    { name: `SearchResultEntry decode (envelope, attributes, Sync State)`, rate: median(decodeRounds), rounds: decodeRounds, unit: 'decodes/s', target: { min: 150_000, label: '≥ 150,000/s' } },
  ]
}
