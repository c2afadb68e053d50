/**
 * Script mode (docs/provider.md "Scenario runtime"): a sync search gets nothing from the engine,
 * and each `send` writes exactly the message it describes — compared here with hand-written
 * bytes, and with asn1js's independent reading for the malformed ones (RFC 4533 §2.3-§2.5,
 * RFC 4511 §4.1.1, §4.4, §4.12).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { asn1Parse } from '../../../protocol/ldap/test-support/asn1-oracle.js'
import type { Tlv } from '../../../protocol/ldap/test-support/asn1-oracle.js'
import type { ScriptMessage } from '../../../scenarios/types.js'
import { startScenario } from '../../../provider/scenario/index.js'
import type { RunningScenario } from '../../../provider/scenario/index.js'
import { CaptureClient } from './support/capture-client.js'
import { scenario, step } from './support/scenario.js'

const SYNC_INFO_OID = Buffer.from('1.3.6.1.4.1.4203.1.9.1.4').toString('hex')
const SYNC_STATE_OID = Buffer.from('1.3.6.1.4.1.4203.1.9.1.2').toString('hex')
const SYNC_DONE_OID = Buffer.from('1.3.6.1.4.1.4203.1.9.1.3').toString('hex')
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex')

let running: RunningScenario | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

/** Plays `messages` as the answer to the first sync search (refreshOnly) and returns the bytes received. */
async function sendAll(messages: readonly ScriptMessage[], total: number): Promise<Buffer> {
  running = await startScenario(scenario({
    provider: { mode: 'script' },
    timeline: [step({ on: 'syncRequest' }, messages.map((message) => ({ do: 'send', message })))],
  }))
  const client = await CaptureClient.connect(running.provider.port)
  client.syncSearch({ mode: 'refreshOnly' })
  await client.messagesUntil(total)
  client.close()
  return client.bytes()
}

function child(t: Tlv, ...path: number[]): Tlv {
  let node = t
  for (const i of path) {
    const next = node.children[i]
    if (next === undefined) throw new Error(`no child ${i} in element ${node.tag.toString(16)}`)
    node = next
  }
  return node
}

describe('script mode sends exactly what the timeline says', () => {
  it('sends no engine message at all: only the scripted refreshDelete answers the search (the default form: refreshDone omitted)', async () => {
    running = await startScenario(scenario({
      provider: { mode: 'script' },
      timeline: [step({ on: 'syncRequest' }, [{ do: 'send', message: { kind: 'syncInfo', info: { type: 'refreshDelete', refreshDone: true } } }])],
    }))
    const client = await CaptureClient.connect(running.provider.port)
    const search = client.syncSearch({ mode: 'refreshOnly' })
    // A root DSE read after it: its Done marks a point after which the engine would have sent its refresh.
    const marker = client.rootDse()
    const messages = await client.messagesUntil(3)
    expect(messages.map((m) => [m.messageId, m.op.kind])).toEqual([[search, 'intermediateResponse'], [marker, 'searchResultEntry'], [marker, 'searchResultDone']])
    // RFC 4533 §2.5: refreshDelete [1] SEQUENCE { refreshDone BOOLEAN DEFAULT TRUE } → a1 00.
    expect(client.bytes().subarray(0, 37).toString('hex')).toBe(`3023020101791e8018${SYNC_INFO_OID}8102a100`)
    client.close()
  })

  it('writes long-form lengths, explicit DEFAULT members and TRUE as 0x01 when told (refreshPresent with a cookie)', async () => {
    const bytes = await sendAll([{
      kind: 'syncInfo',
      info: { type: 'refreshPresent', cookie: Buffer.from('c'), refreshDone: true },
      encoding: { lengthOctets: 2, explicitDefaults: true, trueOctet: 0x01 },
    }], 1)
    expect(bytes).toEqual(hex(`
      30 82 00 31  02 01 01
        79 82 00 2a  80 18 ${SYNC_INFO_OID}
          81 0e  a2 82 00 0a  04 82 00 01 63  01 82 00 01 01`))
  })

  it('sends an entry with an invalid state, a 3-octet UUID and the Sync State control twice (RFC 4533 §2.3 violations)', async () => {
    const bytes = await sendAll([{
      kind: 'entry', dn: 'uid=x,dc=example,dc=com', state: 7, uuid: Buffer.from('abc'), attributes: { cn: ['x'] }, stateControl: 'duplicate',
    }], 1)
    const m = asn1Parse(bytes)
    expect(child(m, 1).tag).toBe(0x64)
    expect(Buffer.from(child(m, 1, 0).bytes).toString()).toBe('uid=x,dc=example,dc=com')
    const controls = child(m, 2)
    expect(controls.tag).toBe(0xa0)
    expect(controls.children).toHaveLength(2)
    for (const control of controls.children) {
      expect(Buffer.from(child(control, 0).bytes).toString('hex')).toBe(SYNC_STATE_OID)
      // criticality FALSE is left out (its DEFAULT), as slapd does.
      expect(control.children).toHaveLength(2)
      const value = asn1Parse(child(control, 1).bytes)
      expect(child(value, 0).tag).toBe(0x0a)
      expect([...child(value, 0).bytes]).toEqual([7])
      expect(Buffer.from(child(value, 1).bytes).toString()).toBe('abc')
      expect(value.children).toHaveLength(2)
    }
  })

  it('sends an entry without any Sync State control, with its own message ID', async () => {
    const bytes = await sendAll([{
      kind: 'entry', dn: 'cn=a', state: 'add', uuid: Buffer.alloc(16, 1), attributes: {}, stateControl: 'none', messageId: 9,
    }], 1)
    expect(bytes.toString('hex')).toBe('300d02010964080404636e3d613000')
  })

  it('sends SearchResultDone with any result code and a Sync Done control written with explicit defaults', async () => {
    const bytes = await sendAll([{
      kind: 'done', resultCode: 4096, diagnosticMessage: 'x', syncDone: { refreshDeletes: false }, encoding: { explicitDefaults: true },
    }], 1)
    // The control's criticality FALSE and the value's refreshDeletes FALSE are both on the wire.
    expect(bytes).toEqual(hex(`
      30 36  02 01 01
        65 09  0a 02 10 00  04 00  04 01 78
        a0 26  30 24  04 18 ${SYNC_DONE_OID}  01 01 00  04 05  30 03 01 01 00`))
  })

  it('sends a syncIdSet with a UUID of the wrong length, and a newcookie, through asn1js unchanged', async () => {
    const uuids = [Buffer.alloc(16, 0xab), Buffer.from('short')]
    const bytes = await sendAll([
      { kind: 'syncInfo', info: { type: 'syncIdSet', cookie: Buffer.from('k'), refreshDeletes: true, uuids } },
      { kind: 'syncInfo', info: { type: 'newcookie', cookie: Buffer.from('rid=001') } },
    ], 2)
    const first = bytes.subarray(0, 2 + (bytes[1] as number))
    const value = asn1Parse(child(asn1Parse(first), 1, 1).bytes)
    expect(value.tag).toBe(0xa3)
    expect(Buffer.from(child(value, 0).bytes).toString()).toBe('k')
    expect([...child(value, 1).bytes]).toEqual([0xff])
    expect(child(value, 2).tag).toBe(0x31)
    expect(child(value, 2).children.map((c) => Buffer.from(c.bytes))).toEqual(uuids)
    const second = asn1Parse(bytes.subarray(first.length))
    expect(Buffer.from(child(second, 1, 1).bytes).toString('hex')).toBe(`80${'07'}${Buffer.from('rid=001').toString('hex')}`)
  })

  it('sends an unsolicited notification (message ID 0) and raw octets exactly as given, in step order', async () => {
    running = await startScenario(scenario({
      provider: { mode: 'script' },
      timeline: [step({ on: 'syncRequest' }, [
        { do: 'send', message: { kind: 'extended', resultCode: 52, diagnosticMessage: 'bye', name: '1.3.6.1.4.1.1466.20036', messageId: 0 } },
        { do: 'send', message: { kind: 'raw', bytes: hex('ff 00 01') } },
      ])],
    }))
    const client = await CaptureClient.connect(running.provider.port)
    client.syncSearch({ mode: 'refreshOnly' })
    const bytes = await client.until('the notice and the raw octets', (b) => b.length >= 44)
    const notice = Buffer.from('1.3.6.1.4.1.1466.20036')
    expect(bytes).toEqual(Buffer.concat([
      hex(`30 27 02 01 00 78 22 0a 01 34 04 00 04 03 627965 8a 16`), notice,
      hex('ff 00 01'),
    ]))
    client.close()
  })
})
