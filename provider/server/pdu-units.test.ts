import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage } from '../../protocol/index.js'
import { messageIdOf, splitPdus, withMessageId } from './pdu-units.js'

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex')
const unbind = (messageId: number): Buffer => encodeMessage({ messageId, op: { kind: 'unbindRequest' } })

describe('splitPdus', () => {
  it('cuts a batch into its LDAPMessages', () => {
    const batch = Buffer.concat([unbind(1), unbind(300), unbind(2)])
    expect(splitPdus(batch)).toEqual([unbind(1), unbind(300), unbind(2)])
  })

  it('reads long-form lengths', () => {
    const long = encodeMessage({ messageId: 5, op: { kind: 'unbindRequest' } }, undefined, { lengthOctets: 3 })
    expect(splitPdus(Buffer.concat([long, unbind(1)]))).toEqual([long, unbind(1)])
  })

  it('keeps whatever does not parse as one last unit', () => {
    expect(splitPdus(hex('30 05 02 01 01 42 00  30 80 00 00'))).toEqual([hex('30 05 02 01 01 42 00'), hex('30 80 00 00')])
    expect(splitPdus(hex('30 05 02 01'))).toEqual([hex('30 05 02 01')])
    expect(splitPdus(hex('ff'))).toEqual([hex('ff')])
  })
})

describe('message IDs', () => {
  it('reads the messageID of an LDAPMessage, and nothing from other bytes', () => {
    expect(messageIdOf(unbind(0))).toBe(0)
    expect(messageIdOf(unbind(128))).toBe(128)
    expect(messageIdOf(unbind(2 ** 31 - 1))).toBe(2 ** 31 - 1)
    expect(messageIdOf(hex('04 01 00'))).toBeUndefined()
    expect(messageIdOf(hex('30 03 04 01 00'))).toBeUndefined()
  })

  it('renumbers a message, growing or shrinking the ID, the rest byte for byte (RFC 4511 §4.1.1.1)', () => {
    expect(withMessageId(unbind(1), 300)).toEqual(unbind(300))
    expect(withMessageId(unbind(300), 0)).toEqual(unbind(0))
    expect(withMessageId(unbind(127), 128)).toEqual(hex('30 06 02 02 00 80 42 00'))
    expect(withMessageId(hex('ff 00'), 2)).toBeUndefined()
  })

  it('keeps a long-form outer length long', () => {
    const long = encodeMessage({ messageId: 5, op: { kind: 'unbindRequest' } }, undefined, { lengthOctets: 2 })
    const renumbered = withMessageId(long, 70000) as Buffer
    expect(renumbered.subarray(0, 2)).toEqual(hex('30 82'))
    expect(decodeMessage(renumbered)).toMatchObject({ messageId: 70000, op: { kind: 'unbindRequest' } })
  })
})
