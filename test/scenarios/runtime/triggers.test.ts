/**
 * Each trigger kind (docs/provider.md "Scenario runtime", Triggers): when it fires, how often,
 * and where in the byte stream its actions land. Steps mark their place with raw octets
 * (`send raw`), so the client's bytes show exactly where each step ran.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { decodeMessage } from '../../../protocol/index.js'
import type { SendAction, Trigger } from '../../../scenarios/types.js'
import type { RunningScenario } from '../../../provider/scenario/index.js'
import { CaptureClient, countFrames } from './support/capture-client.js'
import { fired, play, referenceRefresh, splitUnits } from './support/runs.js'
import { scenario, step } from './support/scenario.js'
import type { ScenarioInput } from './support/scenario.js'

let running: RunningScenario | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

type Act = Omit<SendAction, 'source'>
const mark = (text: string): Act => ({ do: 'send', message: { kind: 'raw', bytes: Buffer.from(text) } })

async function start(input: ScenarioInput): Promise<{ running: RunningScenario; client: CaptureClient }> {
  const played = await play(scenario(input))
  running = played.running
  return played
}

/** Whether `bytes` is a sequence of whole LDAPMessages and nothing else. */
function wholeMessages(bytes: Buffer): boolean {
  try {
    return splitUnits(bytes).reduce((n, u) => n + u.length, 0) === bytes.length && countFrames(bytes) === splitUnits(bytes).length
  } catch {
    return false
  }
}

describe('start, time, connectionOpened, bind', () => {
  it('start: runs before any client can connect', async () => {
    const { running } = await start({ timeline: [step({ on: 'start' }, [{ do: 'add', dn: 'cn=early,dc=example,dc=com', attributes: { objectClass: ['device'], cn: ['early'] } }])] })
    expect(running.provider.directory.getByDn('cn=early,dc=example,dc=com')).toBeDefined()
    expect(running.log.map((f) => f.trigger)).toEqual(['start'])
  })

  it('time: fires once, the given time after the start', async () => {
    const { running } = await start({ timeline: [step({ on: 'time', afterMs: 20 }, [{ do: 'delete', dn: 'ou=groups,dc=example,dc=com' }], { times: 0 })] })
    const firing = await fired(running)
    expect(firing.trigger).toBe('time 20 ms')
    expect(firing.connectionId).toBeUndefined()
    expect(running.provider.directory.getByDn('ou=groups,dc=example,dc=com')).toBeUndefined()
  })

  it('connectionOpened N: only the Nth connection, before anything else is sent on it', async () => {
    const { running, client: first } = await start({ timeline: [step({ on: 'connectionOpened', connection: 2 }, [mark('hello')])] })
    const second = await CaptureClient.connect(running.provider.port)
    expect(await second.until('the greeting', (b) => b.length >= 5)).toEqual(Buffer.from('hello'))
    const id = first.rootDse()
    const messages = await first.messagesUntil(2)
    expect(messages.map((m) => m.messageId)).toEqual([id, id])
    expect(running.log.map((f) => [f.trigger, f.connectionId])).toEqual([['connectionOpened on connection 2', 2]])
    first.close()
    second.close()
  })

  it('bind: fires when the BindRequest arrives, before it is answered; a send answers with the bind message ID', async () => {
    const { client } = await start({
      timeline: [step({ on: 'bind' }, [mark('!'), { do: 'send', message: { kind: 'extended', resultCode: 0, diagnosticMessage: 'first' } }])],
    })
    const id = client.bind('', '')
    const bytes = await client.until('two responses', (b) => b.length > 1 && countFrames(b.subarray(1)) >= 2)
    expect(bytes.subarray(0, 1).toString()).toBe('!')
    const [scripted, answer] = splitUnits(bytes.subarray(1)).map((u) => decodeMessage(u))
    expect(scripted?.messageId).toBe(id)
    expect(scripted?.op).toMatchObject({ kind: 'extendedResponse', diagnosticMessage: 'first' })
    expect(answer?.op).toMatchObject({ kind: 'bindResponse', resultCode: 0 })
    client.close()
  })
})

describe('syncRequest filters', () => {
  it('matches nth, mode, cookie absent/present and reloadHint; times 0 fires every time', async () => {
    const on = (t: Partial<Extract<Trigger, { on: 'syncRequest' }>>): Trigger => ({ on: 'syncRequest', ...t })
    const names = ['any', 'second', 'persist', 'no cookie', 'cookie', 'reloadHint', 'connection 2']
    const triggers = [on({}), on({ nth: 2 }), on({ mode: 'refreshAndPersist' }), on({ cookie: 'absent' }), on({ cookie: 'present' }), on({ reloadHint: true }), on({ connection: 2 })]
    const { running, client } = await start({
      provider: { mode: 'script' },
      timeline: triggers.map((t, i) => step(t, [], { name: names[i] as string, times: 0 })),
    })
    const a = client.syncSearch({ mode: 'refreshOnly' })
    const b = client.syncSearch({ mode: 'refreshAndPersist', cookie: Buffer.from('rid=001'), reloadHint: true })
    // Script mode answers neither; a root DSE read after them shows both were handled.
    client.rootDse()
    await client.messagesUntil(2)
    expect(running.log.map((f) => [f.name, f.messageId, f.firing])).toEqual([
      ['any', a, 1], ['no cookie', a, 1],
      ['any', b, 2], ['second', b, 1], ['persist', b, 1], ['cookie', b, 1], ['reloadHint', b, 1],
    ])
    client.close()
  })

  it('times limits the firings', async () => {
    const { running, client } = await start({ provider: { mode: 'script' }, timeline: [step({ on: 'syncRequest' }, [], { times: 2 })] })
    for (let i = 0; i < 3; i++) client.syncSearch({ mode: 'refreshOnly' })
    client.rootDse()
    await client.messagesUntil(2)
    expect(running.log.map((f) => f.firing)).toEqual([1, 2])
    client.close()
  })
})

describe('entrySent, refreshDone, persistStarted (engine mode)', () => {
  const SEARCH = { mode: 'refreshOnly' } as const

  it('entrySent N: right after the Nth entry, before the engine sends the next', async () => {
    const input: ScenarioInput = { timeline: [step({ on: 'entrySent', count: 3 }, [mark('#')])] }
    const reference = await referenceRefresh(scenario(input), SEARCH, 7)
    const { client } = await start(input)
    client.syncSearch(SEARCH)
    const total = reference.bytes.length + 1
    const bytes = await client.until('the refresh and the mark', (b) => b.length >= total)
    expect(bytes).toEqual(Buffer.concat([...reference.units.slice(0, 3), Buffer.from('#'), ...reference.units.slice(3)]))
    client.close()
  })

  it('refreshDone of refreshOnly: after the SearchResultDone', async () => {
    const input: ScenarioInput = { timeline: [step({ on: 'refreshDone' }, [mark('#')])] }
    const reference = await referenceRefresh(scenario(input), SEARCH, 7)
    const { client } = await start(input)
    client.syncSearch(SEARCH)
    expect(await client.until('the mark', (b) => b.length > reference.bytes.length)).toEqual(Buffer.concat([reference.bytes, Buffer.from('#')]))
    client.close()
  })

  it('refreshAndPersist: refreshDone then persistStarted right after the refresh-ending Sync Info; a change made there is the first persist message', async () => {
    const { client } = await start({
      timeline: [
        step({ on: 'refreshDone' }, [mark('R')]),
        step({ on: 'persistStarted' }, [mark('P'), { do: 'modify', dn: 'ou=people,dc=example,dc=com', changes: [{ operation: 'replace', attribute: 'description', values: ['changed'] }] }]),
      ],
    })
    client.syncSearch({ mode: 'refreshAndPersist' })
    const bytes = await client.until('the persist entry', (b) => {
      const at = b.indexOf('RP')
      return at >= 0 && countFrames(b.subarray(at + 2)) >= 1
    })
    const at = bytes.indexOf('RP')
    const before = splitUnits(bytes.subarray(0, at)).map((u) => decodeMessage(u))
    expect(before.map((m) => m.op.kind)).toEqual([...Array(6).fill('searchResultEntry'), 'intermediateResponse'])
    const after = decodeMessage(splitUnits(bytes.subarray(at + 2))[0] as Buffer)
    expect(after.op).toMatchObject({ kind: 'searchResultEntry', objectName: 'ou=people,dc=example,dc=com' })
    client.close()
  })

  it('a dialect whose refresh ends with a newcookie (apacheds) still fires refreshDone and persistStarted, after it', async () => {
    const { client } = await start({ provider: { dialect: 'apacheds' }, timeline: [step({ on: 'persistStarted' }, [mark('P')])] })
    client.syncSearch({ mode: 'refreshAndPersist' })
    const bytes = await client.until('the mark', (b) => b.at(-1) === 0x50 && wholeMessages(b.subarray(0, -1)))
    const units = splitUnits(bytes.subarray(0, bytes.length - 1)).map((u) => decodeMessage(u))
    expect(units.at(-1)?.op.kind).toBe('intermediateResponse')
    client.close()
  })
})

describe('idle and after', () => {
  it('idle T: fires once per quiet period of T ms without a request, on that connection', async () => {
    const { running, client } = await start({ timeline: [step({ on: 'idle', forMs: 30 }, [mark('z')], { times: 2 })] })
    await fired(running)
    expect(await client.until('the mark', (b) => b.length >= 1)).toEqual(Buffer.from('z'))
    // A request starts a new quiet period.
    const id = client.rootDse()
    await fired(running, (f) => f.firing === 2)
    const bytes = await client.until('the second mark', (b) => b.at(-1) === 0x7a && b.length > 1)
    expect(splitUnits(bytes.subarray(1, bytes.length - 1)).map((u) => decodeMessage(u).messageId)).toEqual([id, id])
    expect(running.log.map((f) => [f.trigger, f.connectionId, f.firing])).toEqual([['idle 30 ms (connection 1)', 1, 1], ['idle 30 ms (connection 1)', 1, 2]])
    client.close()
  })

  it('after: with no delay right after its step, in the same place of the stream; with a delay, later', async () => {
    const { running, client } = await start({
      provider: { mode: 'script' },
      timeline: [
        step({ on: 'syncRequest' }, [mark('A')], { name: 'first' }),
        step({ on: 'after', step: 'first', delayMs: 25 }, [mark('C')]),
        step({ on: 'after', step: 'first', delayMs: 0 }, [mark('B')]),
      ],
    })
    client.syncSearch({ mode: 'refreshOnly' })
    expect(await client.until('ABC', (b) => b.length >= 3)).toEqual(Buffer.from('ABC'))
    expect(running.log.map((f) => [f.index, f.trigger, f.messageId])).toEqual([[0, 'syncRequest (connection 1)', 1], [2, 'after "first" (connection 1)', 1], [1, 'after "first" + 25 ms (connection 1)', 1]])
    client.close()
  })
})
