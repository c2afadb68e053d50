import { describe, expect, it } from 'vitest'
import { encodeSyncRequestValue } from '../../protocol/sync/index.js'
import type { Control } from '../../protocol/index.js'
import { MANAGE_DSA_IT_OID, PAGED_RESULTS_OID, checkControls } from './controls.js'

const SYNC = '1.3.6.1.4.1.4203.1.9.1.1'
const syncValue = (mode: 'refreshOnly' | 'refreshAndPersist' | number, cookie?: Uint8Array): Uint8Array =>
  encodeSyncRequestValue({ kind: 'syncRequest', mode, reloadHint: false, ...(cookie === undefined ? {} : { cookie }) })
const sync = (critical = true, value: Uint8Array | undefined = syncValue('refreshOnly')): Control => ({ type: SYNC, critical, ...(value === undefined ? {} : { value }) })
const paged: Control = { type: PAGED_RESULTS_OID, critical: false, value: Buffer.from('30050201640400', 'hex') }

describe('checkControls', () => {
  it('accepts no controls', () => {
    expect(checkControls([], 'search')).toEqual({ ok: true, manageDsaIt: false })
  })

  it('returns the decoded Sync Request of a search, cookie bytes and all', () => {
    const cookie = Uint8Array.of(0xff, 0x00, 0x80)
    const verdict = checkControls([sync(false, syncValue('refreshAndPersist', cookie))], 'search')
    expect(verdict).toMatchObject({ ok: true, sync: { kind: 'syncRequest', mode: 'refreshAndPersist', reloadHint: false } })
    if (!verdict.ok || verdict.sync === undefined) throw new Error('expected a sync request')
    expect(Array.from(verdict.sync.cookie ?? [])).toEqual([0xff, 0x00, 0x80])
  })

  it.each([
    ['two Sync controls', [sync(), sync()], 2, 'Sync control specified multiple times'],
    ['paged then Sync', [paged, sync()], 2, 'Sync control specified with pagedResults control'],
    ['Sync then paged', [sync(), paged], 2, 'Sync control specified with pagedResults control'],
    ['no value', [{ type: SYNC, critical: true }], 2, 'Sync control value is absent'],
    ['an empty value', [sync(true, new Uint8Array(0))], 2, 'Sync control value is empty'],
    ['an unreadable mode', [sync(true, Buffer.from('3003020101', 'hex'))], 2, 'Sync control : mode decoding error'],
    ['mode 2', [sync(true, syncValue(2))], 2, 'Sync control : unknown update mode'],
    ['mode 0', [sync(true, syncValue(0))], 2, 'Sync control : unknown update mode'],
    ['trailing garbage in the value', [sync(true, Buffer.from('30050a01010500', 'hex'))], 2, 'Sync control : decoding error'],
    ['an unknown critical control', [{ type: '1.2.3.4', critical: true }], 12, 'critical extension is not recognized'],
    ['a critical paged control (this provider does not page)', [{ ...paged, critical: true }], 12, 'critical extension is unavailable'],
    ['ManageDsaIT with a value', [{ type: MANAGE_DSA_IT_OID, critical: true, value: new Uint8Array(0) }], 2, 'manageDSAit control value not absent'],
  ] as const)('refuses %s', (_what, controls, resultCode, diagnosticMessage) => {
    expect(checkControls(controls as readonly Control[], 'search')).toEqual({ ok: false, result: { resultCode, diagnosticMessage } })
  })

  it('stops at the first failure, in the order sent', () => {
    expect(checkControls([{ type: '1.2.3.4', critical: true }, sync(), sync()], 'search')).toMatchObject({ ok: false, result: { resultCode: 12 } })
  })

  it('ignores unknown non-critical controls and accepts ManageDsaIT (slapd’s consumer sends it critical)', () => {
    expect(checkControls([{ type: '1.2.3.4', critical: false, value: Uint8Array.of(1) }, { type: MANAGE_DSA_IT_OID, critical: true }, sync()], 'search')).toMatchObject({
      ok: true,
      manageDsaIt: true,
      sync: { mode: 'refreshOnly' },
    })
  })

  it('treats the Sync control on other operations as unavailable when critical, ignored otherwise', () => {
    expect(checkControls([sync(true)], 'add')).toEqual({ ok: false, result: { resultCode: 12, diagnosticMessage: 'critical extension is unavailable' } })
    expect(checkControls([sync(false)], 'modify')).toEqual({ ok: true, manageDsaIt: false })
    expect(checkControls([{ type: MANAGE_DSA_IT_OID, critical: true }], 'bind')).toEqual({ ok: false, result: { resultCode: 12, diagnosticMessage: 'manageDSAit control inappropriate' } })
  })
})
