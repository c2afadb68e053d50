import { describe, expect, it } from 'vitest'
import * as asn1js from 'asn1js'
import { BerReader, BerWriter, encodeWith } from '../ber/index.js'
import { ProtocolError } from '../errors.js'
import { readControl, readControls, writeControl, writeControls } from './control.js'
import type { Control } from './control.js'
import { asn1Bytes, asn1Parse, oracleControl, oracleControlNode } from './test-support/asn1-oracle.js'
import { BINARY, EMPTY, SYNC_REQUEST_OID, hex, plain, toHex } from './test-support/samples.js'

const read = (h: string | Uint8Array): Control => readControl(new BerReader(typeof h === 'string' ? hex(h) : h))

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError)
    return (e as ProtocolError).code
  }
  throw new Error('expected the call to throw')
}

const OID_HEX = '0418312e332e362e312e342e312e343230332e312e392e312e31' // 04 18 "1.3.6.1.4.1.4203.1.9.1.1"

describe('Control (RFC 4511 §4.1.11)', () => {
  const cases: Array<[string, Control]> = [
    ['critical with value', { type: SYNC_REQUEST_OID, critical: true, value: hex('30030a0101') }],
    ['non-critical with value', { type: SYNC_REQUEST_OID, critical: false, value: BINARY }],
    ['critical without value', { type: '1.2.3', critical: true, value: undefined }],
    ['non-critical without value', { type: '1.2.3', critical: false, value: undefined }],
    ['critical with an empty value', { type: '1.2.3', critical: true, value: EMPTY }],
    ['non-critical with an empty value', { type: '1.2.3', critical: false, value: EMPTY }],
  ]

  it.each(cases)('%s: round trip, and asn1js agrees both ways', (_n, c) => {
    const bytes = plain(encodeWith((w) => writeControl(w, c)))
    expect(read(bytes)).toEqual(c)
    expect(oracleControl(asn1Parse(bytes))).toEqual(c)
    expect(read(asn1Bytes(oracleControlNode(c)))).toEqual(c)
  })

  it('omits criticality when FALSE (ldapsearch 2.5 misprints an explicit FALSE) and writes TRUE as 0xff', () => {
    expect(toHex(encodeWith((w) => writeControl(w, { type: SYNC_REQUEST_OID, critical: false })))).toBe(`301a${OID_HEX}`)
    expect(toHex(encodeWith((w) => writeControl(w, { type: SYNC_REQUEST_OID, critical: true })))).toBe(`301d${OID_HEX}0101ff`)
  })

  it('writes the lenient forms on request: explicit FALSE, TRUE as 0x01', () => {
    expect(toHex(encodeWith((w) => writeControl(w, { type: SYNC_REQUEST_OID, critical: false }, { explicitDefaults: true })))).toBe(`301d${OID_HEX}010100`)
    expect(toHex(encodeWith((w) => writeControl(w, { type: SYNC_REQUEST_OID, critical: true }, { trueOctet: 0x01 })))).toBe(`301d${OID_HEX}010101`)
  })

  it('decodes an explicit FALSE as non-critical and any non-zero octet as TRUE', () => {
    expect(read(`301d${OID_HEX}010100`).critical).toBe(false)
    for (const octet of ['01', '7f', '80', 'ff']) expect(read(`301d${OID_HEX}0101${octet}`).critical).toBe(true)
  })

  it('keeps value bytes exact, as a view of the input (never through a string)', () => {
    const value = Uint8Array.from({ length: 256 }, (_, i) => i)
    const bytes = plain(encodeWith((w) => writeControl(w, { type: '1.2', critical: false, value })))
    const c = read(bytes)
    expect(c.value).toEqual(value)
    expect(c.value?.buffer).toBe(bytes.buffer)
    // asn1js sees the same 256 octets
    const parsed = asn1js.fromBER(new Uint8Array(bytes).buffer).result as asn1js.Sequence
    const v = parsed.valueBlock.value[1] as asn1js.OctetString
    expect(new Uint8Array(v.valueBlock.valueHexView)).toEqual(value)
  })

  it('keeps absent and empty values distinct', () => {
    expect(read('30050403312e32').value).toBeUndefined()
    expect(read('30070403312e320400').value).toEqual(EMPTY)
  })

  it('writes [0] Controls only when there are controls, and reads a list back', () => {
    expect(encodeWith((w) => writeControls(w, [])).length).toBe(0)
    expect(encodeWith((w) => writeControls(w, undefined)).length).toBe(0)
    const list: Control[] = [
      { type: '1.2', critical: true, value: undefined },
      { type: '1.3', critical: false, value: hex('00') },
    ]
    const bytes = plain(encodeWith((w) => writeControls(w, list)))
    expect(bytes[0]).toBe(0xa0)
    expect(readControls(new BerReader(bytes))).toEqual(list)
    expect(asn1Parse(bytes).children.map((t) => oracleControl(t))).toEqual(list)
  })

  describe('coded errors', () => {
    it('LDAP_BAD_CONTROL for a list element that is not a SEQUENCE', () => {
      expect(codeOf(() => readControls(new BerReader(hex('a0 03 040131'.replace(/ /g, '')))))).toBe('LDAP_BAD_CONTROL')
    })
    it('LDAP_MISSING_MEMBER for a Control without controlType', () => {
      expect(codeOf(() => read('3000'))).toBe('LDAP_MISSING_MEMBER')
    })
    it('LDAP_BAD_CONTROL for an empty controlType', () => {
      expect(codeOf(() => read('30020400'))).toBe('LDAP_BAD_CONTROL')
    })
    it('LDAP_BAD_CONTROL for an unknown member, a duplicate, or members out of order', () => {
      const unknown = (() => {
        try {
          read('30070403312e328000')
        } catch (e) {
          return e as ProtocolError
        }
        return undefined
      })()
      expect(unknown?.code).toBe('LDAP_BAD_CONTROL')
      expect(unknown?.offset).toBe(7)
      expect(unknown?.message).toMatch(/Unknown member with tag 0x80 at offset 7 in the Control; only criticality \(0x01\), controlValue \(0x04\) may follow there\./)
      // two criticality BOOLEANs
      expect(codeOf(() => read('300b0403312e320101ff010100'))).toBe('LDAP_BAD_CONTROL')
      const order = (() => {
        try {
          read('300a0403312e3204000101ff')
        } catch (e) {
          return e as ProtocolError
        }
        return undefined
      })()
      expect(order?.code).toBe('LDAP_BAD_CONTROL')
      expect(order?.message).toMatch(/criticality \(tag 0x01\) at offset 9 in the Control comes after controlValue/)
      // two controlValues
      expect(codeOf(() => read('30090403312e3204000400'))).toBe('LDAP_BAD_CONTROL')
    })
    it('BER_BAD_BOOLEAN for a criticality with two octets (reader error passes through)', () => {
      expect(codeOf(() => read('30090403312e3201020000'))).toBe('BER_BAD_BOOLEAN')
    })
    it('BER_UNEXPECTED_TAG for a controlType that is not an OCTET STRING', () => {
      expect(codeOf(() => read('30030201ff'))).toBe('BER_UNEXPECTED_TAG')
    })
  })

  it('writes a value through writeValue straight into the message, the same bytes as a value given as bytes', () => {
    const stateValue = hex('30150a010104102fafa1f87ba1104197847fc91fc836ce')
    const viaBytes = encodeWith((w) => writeControl(w, { type: '1.3.6.1.4.1.4203.1.9.1.2', critical: false, value: stateValue }))
    const viaWriter = encodeWith((w) =>
      writeControl(w, {
        type: '1.3.6.1.4.1.4203.1.9.1.2',
        critical: false,
        writeValue: (v) => {
          v.startConstructed(0x30)
          v.writeEnumerated(1)
          v.writeOctetString(stateValue.subarray(7))
          v.endConstructed()
        },
      }),
    )
    expect(toHex(viaWriter)).toBe(toHex(viaBytes))
    // a long value (length patched to the long form) and an empty one
    const long = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)
    const longBytes = plain(encodeWith((w) => writeControls(w, [{ type: '1.2', critical: true, writeValue: (v) => v.writeRaw(long) }])))
    expect(readControls(new BerReader(longBytes))).toEqual([{ type: '1.2', critical: true, value: long }])
    const empty = plain(encodeWith((w) => writeControl(w, { type: '1.2', critical: false, writeValue: () => undefined })))
    expect(read(empty)).toEqual({ type: '1.2', critical: false, value: EMPTY })
  })

  it('writes into a shared writer without disturbing what is already there', () => {
    const w = new BerWriter(8)
    w.writeInteger(5)
    writeControl(w, { type: '1.2', critical: true })
    expect(toHex(w.toBuffer())).toBe('020105' + '3008' + '0403312e32' + '0101ff')
  })
})
