/**
 * `provider.sessionHooks` and the `setSessionHooks` action, from YAML text to the running
 * provider (docs/provider.md "Session hooks", docs/scenarios.md).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ReplOid } from '../../../protocol/replsession/index.js'
import { startScenario } from '../../../provider/scenario/index.js'
import type { RunningScenario } from '../../../provider/scenario/index.js'
import { parseScenario } from '../../../scenarios/loader.js'
import { HandshakeClient, READY_84, START_136, toHex } from '../../provider/support/handshake-client.js'

let running: RunningScenario | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

const YAML = `
id: hooks-runtime
title: Session hooks from a scenario file
directory: { generate: { count: 3, seed: 1 } }
provider:
  sessionHooks:
    recv: { expectGuid: test-guid, accept: { exactVersion: test-data } }
    reply:
      guid: test-reply-guid
      data: test-reply-data
      appendNul: true
      includeRuv: ["{replicageneration} 65a0c1d2000000010000"]
timeline:
  - on: { bind: { connection: 2 } }
    do:
      - setSessionHooks: { forceCode: replicaBusy, advertise: false }
`

describe('provider.sessionHooks in a running scenario', () => {
  it('plays the script from the file, gates sync searches, and setSessionHooks replaces it mid-run', async () => {
    running = await startScenario(parseScenario(YAML, 'hooks-runtime.yaml'), { port: 0 })
    const provider = running.provider
    const first = await HandshakeClient.open(provider, false)
    expect((await first.sync()).done.op).toMatchObject({ resultCode: 53 })
    const ready = await first.start(START_136)
    expect([ready.responseName, toHex(ready.responseValue)]).toEqual([ReplOid.nsds90Response, READY_84])
    expect((await first.sync()).done.op).toMatchObject({ resultCode: 0 })

    // Connection 2's bind fires the step: from then on every Start is answered BUSY, unadvertised.
    const second = await HandshakeClient.open(provider, false)
    const fired = running.events.waitFor('scenarioStep')
    await second.raw.bind('', '')
    expect((await fired).connectionId).toBe(2)
    expect(toHex((await second.start(START_136)).responseValue)).toBe('30030a0101')
    expect(await second.supportedExtension()).toEqual(['1.3.6.1.1.8'])
    expect(provider.handshakes.starts.map((r) => [r.connectionId, r.attempt, r.code])).toEqual([[1, 1, 0], [2, 1, 1]])
    expect(running.errors).toEqual([])
    first.close()
    second.close()
  })

  it('refuses to start with a script the provider cannot run (built in code: the loader would refuse it first)', async () => {
    const scenario = parseScenario('id: x\ntitle: x\n', 'x.yaml')
    const sessionHooks = { recv: { accept: [{ field: 'v', equals: 1 }] } }
    await expect(startScenario({ ...scenario, provider: { ...scenario.provider, sessionHooks } })).rejects.toMatchObject({
      code: 'SCENARIO_START_FAILED',
      message: expect.stringContaining('recv.codec is cstring; set codec: json'),
    })
  })
})
