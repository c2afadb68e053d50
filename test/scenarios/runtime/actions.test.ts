/**
 * Provider and directory actions (docs/provider.md "Scenario runtime", Actions): newcookie and
 * e-syncRefreshRequired on the triggering or every sync search, restart, setKnob, generated bulk
 * adds, and what happens when an action fails (a scenarioError event, and the step goes on).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CANCEL_REQUEST_OID, ResultCode, SYNC_DONE_OID, SYNC_INFO_OID, decodeMessage, decodeSyncDoneValue, decodeSyncInfoValue, encodeCancelRequestValue } from '../../../protocol/index.js'
import type { LdapMessage } from '../../../protocol/index.js'
import type { RunningScenario } from '../../../provider/scenario/index.js'
import { CaptureClient } from './support/capture-client.js'
import { fired, play, splitUnits } from './support/runs.js'
import { scenario, step } from './support/scenario.js'
import type { ScenarioInput } from './support/scenario.js'

let running: RunningScenario | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

async function start(input: ScenarioInput): Promise<{ running: RunningScenario; client: CaptureClient }> {
  const played = await play(scenario(input))
  running = played.running
  return played
}

const syncInfo = (m: LdapMessage) => (m.op.kind === 'intermediateResponse' && m.op.responseName === SYNC_INFO_OID ? decodeSyncInfoValue(m.op.responseValue as Uint8Array).value : undefined)

describe('provider actions', () => {
  it('newcookie: a Sync Info newcookie with the current cookie on the triggering search, right where it fired', async () => {
    const { client } = await start({ timeline: [step({ on: 'entrySent', count: 1 }, [{ do: 'newcookie' }])] })
    client.syncSearch({ mode: 'refreshOnly' })
    const messages = await client.messagesUntil(8)
    const info = syncInfo(messages[1] as LdapMessage)
    expect(info).toMatchObject({ kind: 'newcookie' })
    // The same cookie the Done then carries (nothing changed in between): rid=000,csn=<contextCSN>.
    const done = messages[7] as LdapMessage
    const doneValue = decodeSyncDoneValue((done.controls.find((c) => c.type === SYNC_DONE_OID)?.value) as Uint8Array).value
    expect(Buffer.from((info as { cookie: Uint8Array }).cookie).toString()).toBe(Buffer.from(doneValue.cookie as Uint8Array).toString())
    client.close()
  })

  it('an after step acts where its step fired: the newcookie goes to that sync search only', async () => {
    const { running, client } = await start({
      timeline: [step({ on: 'after', step: 'second', delayMs: 0 }, [{ do: 'newcookie' }]), step({ on: 'syncRequest', nth: 2 }, [], { name: 'second' })],
    })
    const other = await CaptureClient.connect(running.provider.port)
    client.syncSearch({ mode: 'refreshAndPersist' })
    await client.messagesUntil(7)
    other.syncSearch({ mode: 'refreshAndPersist' })
    expect(syncInfo((await other.messagesUntil(8))[0] as LdapMessage)).toMatchObject({ kind: 'newcookie' })
    // A root DSE read on the first connection: its answer follows anything sent there before.
    client.rootDse()
    expect((await client.messagesUntil(9)).slice(7).map((m) => m.op.kind)).toEqual(['searchResultEntry', 'searchResultDone'])
    client.close()
    other.close()
  })

  it('a step without a connection (time) acts on every running sync search', async () => {
    const { running, client } = await start({ timeline: [step({ on: 'time', afterMs: 1000 }, [{ do: 'newcookie' }])] })
    const other = await CaptureClient.connect(running.provider.port)
    client.syncSearch({ mode: 'refreshAndPersist' })
    other.syncSearch({ mode: 'refreshAndPersist' })
    await client.messagesUntil(7)
    await other.messagesUntil(7)
    // The searches ran before the step fired (otherwise the test would prove nothing).
    expect(running.log).toEqual([])
    await fired(running)
    expect(syncInfo((await client.messagesUntil(8))[7] as LdapMessage)).toMatchObject({ kind: 'newcookie' })
    expect(syncInfo((await other.messagesUntil(8))[7] as LdapMessage)).toMatchObject({ kind: 'newcookie' })
    client.close()
    other.close()
  })

  it('refreshRequired with a Done cookie: SearchResultDone 4096 + Sync Done{cookie}, and the search is over (Cancel finds nothing)', async () => {
    const { client } = await start({ timeline: [step({ on: 'entrySent', count: 2 }, [{ do: 'refreshRequired', withDoneCookie: true }])] })
    const id = client.syncSearch({ mode: 'refreshOnly' })
    const messages = await client.messagesUntil(3)
    const done = messages[2] as LdapMessage
    expect(done.op).toMatchObject({ kind: 'searchResultDone', resultCode: ResultCode.eSyncRefreshRequired })
    const value = decodeSyncDoneValue(done.controls[0]?.value as Uint8Array).value
    expect(Buffer.from(value.cookie as Uint8Array).toString()).toMatch(/^rid=000,csn=\d{14}\.\d{6}Z#[0-9a-f]{6}#000#000000$/)
    client.send({ messageId: 9, op: { kind: 'extendedRequest', requestName: CANCEL_REQUEST_OID, requestValue: encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: id }) } })
    const after = await client.messagesUntil(4)
    expect(after.slice(3).map((m) => [m.messageId, m.op.kind, (m.op as { resultCode?: number }).resultCode])).toEqual([[9, 'extendedResponse', ResultCode.noSuchOperation]])
    client.close()
  })

  it('refreshRequired without a Done cookie: 4096 and no control (as slapd sends it)', async () => {
    const { client } = await start({ timeline: [step({ on: 'persistStarted' }, [{ do: 'refreshRequired', withDoneCookie: false }])] })
    client.syncSearch({ mode: 'refreshAndPersist' })
    const done = (await client.messagesUntil(8))[7] as LdapMessage
    expect(done.op).toMatchObject({ kind: 'searchResultDone', resultCode: 4096 })
    expect(done.controls).toEqual([])
    client.close()
  })

  it('restart: every connection is dropped (reason restart) and the session log is emptied', async () => {
    const { running, client } = await start({
      sessionLog: 10,
      timeline: [step({ on: 'start' }, [{ do: 'delete', dn: 'ou=groups,dc=example,dc=com' }]), step({ on: 'bind' }, [{ do: 'restart' }])],
    })
    expect(running.provider.directory.sessionLog.length).toBe(1)
    const closed = running.events.waitFor('connectionClosed')
    client.bind('', '')
    expect(await client.ended).toBe('fin')
    expect((await closed).reason).toBe('restart')
    expect(running.provider.directory.sessionLog.length).toBe(0)
  })

  it('setKnob: sync searches that start afterwards use the new value', async () => {
    const { client } = await start({ timeline: [step({ on: 'refreshDone' }, [{ do: 'setKnob', knob: 'initialContentRefreshDeletes', value: false }])] })
    const refreshDeletes = async (n: number): Promise<boolean> => {
      const done = (await client.messagesUntil(n))[n - 1] as LdapMessage
      return decodeSyncDoneValue(done.controls[0]?.value as Uint8Array).value.refreshDeletes
    }
    client.syncSearch({ mode: 'refreshOnly' })
    expect(await refreshDeletes(7)).toBe(true)
    client.syncSearch({ mode: 'refreshOnly' })
    expect(await refreshDeletes(14)).toBe(false)
    client.close()
  })

  it('a refused setKnob is a scenarioError and leaves the knobs as they were', async () => {
    const { running } = await start({ timeline: [step({ on: 'start' }, [{ do: 'setKnob', knob: 'presentBatchSize', value: 0 }])] })
    expect(running.errors.map((e) => e.code)).toEqual(['SCENARIO_ACTION_FAILED'])
    expect(running.errors[0]?.error.message).toMatch(/presentBatchSize must be a whole number of at least 1/)
  })
})

describe('directory actions and failures', () => {
  it('a failing action is a scenarioError at its own line; the next action of the step still runs', async () => {
    const s = step({ on: 'syncRequest' }, [
      { do: 'modify', dn: 'uid=ghost,ou=people,dc=example,dc=com', changes: [{ operation: 'replace', attribute: 'cn', values: ['x'] }] },
      { do: 'delete', dn: 'ou=groups,dc=example,dc=com' },
    ])
    const { running, client } = await start({ timeline: [s] })
    const error = running.events.waitFor('scenarioError')
    client.syncSearch({ mode: 'refreshOnly' })
    const e = await error
    expect(e).toMatchObject({ code: 'SCENARIO_ACTION_FAILED', action: 'modify', source: s.actions[0]?.source, stepSource: s.source, connectionId: 1, step: 0 })
    expect(e.error.message).toMatch(/^runtime-test\.yaml:\d+:5: The modify of "uid=ghost,ou=people,dc=example,dc=com" was refused: /)
    // The delete ran before the refresh was decided: 5 entries and the Done.
    expect((await client.messagesUntil(6)).at(-1)?.op.kind).toBe('searchResultDone')
    client.close()
  })

  it('send with nothing to answer is a scenarioError, and the provider carries on', async () => {
    const { running, client } = await start({ provider: { mode: 'script' }, timeline: [step({ on: 'start' }, [{ do: 'send', message: { kind: 'done', resultCode: 0, diagnosticMessage: '' } }])] })
    expect(running.errors.map((e) => [e.code, e.action, e.connectionId])).toEqual([['SCENARIO_NO_TARGET', 'send', 0]])
    client.rootDse()
    expect((await client.messagesUntil(2)).map((m) => m.op.kind)).toEqual(['searchResultEntry', 'searchResultDone'])
    client.close()
  })

  it('generate: seeded people added under the given parent; a persisting search sees each add', async () => {
    const { running, client } = await start({
      timeline: [step({ on: 'persistStarted' }, [{ do: 'generate', count: 4, seed: 'more', parent: 'ou=groups,dc=example,dc=com' }])],
    })
    client.syncSearch({ mode: 'refreshAndPersist' })
    const persist = (await client.messagesUntil(11)).slice(7)
    expect(persist.map((m) => m.op.kind)).toEqual(Array(4).fill('searchResultEntry'))
    for (const m of persist) expect((m.op as { objectName: string }).objectName).toMatch(/^uid=[^,]+,ou=groups,dc=example,dc=com$/)
    expect(running.provider.directory.size).toBe(10)
    client.close()
  })

  it('script: a scripted SearchResultDone ends the sync search for Cancel (119 afterwards)', async () => {
    const { client } = await start({
      provider: { mode: 'script' },
      timeline: [step({ on: 'syncRequest' }, [{ do: 'send', message: { kind: 'done', resultCode: 0, diagnosticMessage: '' } }])],
    })
    const id = client.syncSearch({ mode: 'refreshOnly' })
    await client.messagesUntil(1)
    client.send({ messageId: 5, op: { kind: 'extendedRequest', requestName: CANCEL_REQUEST_OID, requestValue: encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: id }) } })
    const answer = (await client.messagesUntil(2))[1] as LdapMessage
    expect(answer.op).toMatchObject({ kind: 'extendedResponse', resultCode: ResultCode.noSuchOperation })
    client.close()
  })

  it('script: an unanswered sync search still answers Cancel with 118 then success (RFC 3909)', async () => {
    const { client } = await start({ provider: { mode: 'script' }, timeline: [] })
    const id = client.syncSearch({ mode: 'refreshAndPersist' })
    client.send({ messageId: 5, op: { kind: 'extendedRequest', requestName: CANCEL_REQUEST_OID, requestValue: encodeCancelRequestValue({ kind: 'cancelRequest', cancelID: id }) } })
    const messages = await client.messagesUntil(2)
    expect(messages.map((m) => [m.messageId, (m.op as { resultCode: number }).resultCode])).toEqual([[id, ResultCode.canceled], [5, 0]])
    expect(decodeMessage(splitUnits(client.bytes())[0] as Buffer).op.kind).toBe('searchResultDone')
    client.close()
  })
})
