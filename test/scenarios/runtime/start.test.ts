/**
 * Starting a scenario: the directory from LDIF files and the generator, bind and TLS settings,
 * and failures that must leave nothing running (docs/provider.md "Scenario runtime").
 */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LdapFramer, ResultCode, decodeMessage, encodeMessage } from '../../../protocol/index.js'
import { ScenarioRuntimeError, startScenario } from '../../../provider/scenario/index.js'
import type { RunningScenario } from '../../../provider/scenario/index.js'
import { makeTestCertificate } from '../../provider/support/tls-material.js'
import { CaptureClient } from './support/capture-client.js'
import { scenario, step } from './support/scenario.js'

let running: RunningScenario | undefined
afterEach(async () => {
  await running?.stop()
  running = undefined
})

/** Listening servers of this process: a failed start must not leave one behind. */
function listeners(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length
}

/** The listener count once handles being closed are gone (a closed handle goes in a turn or two of the loop). */
async function listenersBackTo(count: number): Promise<number> {
  for (let turn = 0; turn < 50 && listeners() > count; turn++) await new Promise(setImmediate)
  return listeners()
}

/** The listener count after the handles earlier tests closed are gone. */
async function settledListeners(): Promise<number> {
  for (let turn = 0; turn < 50; turn++) await new Promise(setImmediate)
  return listeners()
}

async function startError(promise: Promise<unknown>): Promise<ScenarioRuntimeError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ScenarioRuntimeError)
  return error as ScenarioRuntimeError
}

describe('building the provider', () => {
  it('loads the LDIF files in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scenario-runtime-'))
    try {
      const base = join(dir, 'base.ldif')
      const more = join(dir, 'more.ldif')
      await writeFile(base, 'dn: dc=example,dc=com\nobjectClass: domain\ndc: example\n')
      await writeFile(more, 'dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n')
      running = await startScenario(scenario({ ldif: [base, more], timeline: [] }))
      expect([...running.provider.directory.entries()].map((e) => e.dnText)).toEqual(['dc=example,dc=com', 'ou=people,dc=example,dc=com'])
      expect(running.seed).toBe(1)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('entryUUIDs of added entries follow the scenario seed', async () => {
    const uuidWith = async (seed: number): Promise<string | undefined> => {
      const add = step({ on: 'start' }, [{ do: 'add', dn: 'cn=new,dc=example,dc=com', attributes: { objectClass: ['device'], cn: ['new'] } }])
      const r = await startScenario(scenario({ provider: { seed }, timeline: [add] }))
      try {
        return r.provider.directory.getByDn('cn=new,dc=example,dc=com')?.uuid
      } finally {
        await r.stop()
      }
    }
    const first = await uuidWith(5)
    expect(first).toMatch(/^[0-9a-f]{8}-/)
    expect(await uuidWith(5)).toBe(first)
    expect(await uuidWith(6)).not.toBe(first)
  })

  it('with bind credentials, anonymous sync searches are refused and the bind DN may search', async () => {
    running = await startScenario(scenario({ provider: { bind: { dn: 'cn=repl,dc=example,dc=com', password: 'pw' } }, timeline: [] }))
    const client = await CaptureClient.connect(running.provider.port)
    client.syncSearch({ mode: 'refreshOnly' })
    expect((await client.messagesUntil(1))[0]?.op).toMatchObject({ resultCode: ResultCode.insufficientAccessRights })
    client.bind('cn=repl,dc=example,dc=com', 'pw')
    expect((await client.messagesUntil(2))[1]?.op).toMatchObject({ kind: 'bindResponse', resultCode: 0 })
    client.syncSearch({ mode: 'refreshOnly' })
    expect((await client.messagesUntil(9))[8]?.op).toMatchObject({ kind: 'searchResultDone', resultCode: 0 })
    client.close()
  })

  it('serves ldaps with the certificate and key files the scenario names', async () => {
    const cert = await makeTestCertificate()
    try {
      const keyPath = join(dirname(cert.certPath), 'key.pem')
      running = await startScenario(scenario({ provider: { tls: { cert: cert.certPath, key: keyPath, mode: 'ldaps' } }, timeline: [] }))
      expect(running.url).toMatch(/^ldaps:\/\/127\.0\.0\.1:\d+$/)
      const socket = tlsConnect({ host: '127.0.0.1', port: running.provider.port, ca: cert.cert })
      socket.write(encodeMessage({ messageId: 1, op: { kind: 'bindRequest', version: 3, name: '', authentication: { kind: 'simple', password: Buffer.alloc(0) } } }))
      const framer = new LdapFramer()
      const response = await new Promise<Uint8Array>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => {
          const [frame] = framer.push(chunk)
          if (frame !== undefined) resolve(frame)
        })
        socket.on('error', reject)
      })
      expect(decodeMessage(response).op).toMatchObject({ kind: 'bindResponse', resultCode: 0 })
      socket.destroy()
    } finally {
      await cert.dispose()
    }
  })
})

describe('failures leave nothing running', () => {
  it('a missing LDIF file: SCENARIO_START_FAILED naming the scenario file, no listener', async () => {
    const before = await settledListeners()
    const error = await startError(startScenario(scenario({ ldif: ['/nonexistent/data.ldif'], timeline: [] })))
    expect(error.code).toBe('SCENARIO_START_FAILED')
    expect(error.message).toMatch(/^runtime-test\.yaml:1:1: The directory could not be built: .*\/nonexistent\/data\.ldif/)
    expect(await listenersBackTo(before)).toBe(before)
  })

  it('a port in use: SCENARIO_START_FAILED with the EADDRINUSE cause, no listener of ours left', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const port = (blocker.address() as AddressInfo).port
      const before = await settledListeners()
      const error = await startError(startScenario(scenario({ provider: { port }, timeline: [] })))
      expect(error.code).toBe('SCENARIO_START_FAILED')
      expect((error.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE')
      expect(await listenersBackTo(before)).toBe(before)
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  it('an unknown dialect knob or preset: SCENARIO_START_FAILED', async () => {
    expect((await startError(startScenario(scenario({ provider: { knobs: { noSuchKnob: true } }, timeline: [] })))).message).toMatch(/no dialect knob named "noSuchKnob"/)
    expect((await startError(startScenario(scenario({ provider: { knobs: { presentBatchSize: 'many' } }, timeline: [] })))).message).toMatch(/presentBatchSize takes a whole number/)
  })

  it('timelines that cannot be played: SCENARIO_TIMELINE at the offending step', async () => {
    const dup = step({ on: 'start' }, [], { name: 'a' })
    const again = step({ on: 'start' }, [], { name: 'a' })
    const twice = await startError(startScenario(scenario({ timeline: [dup, again] })))
    expect(twice.code).toBe('SCENARIO_TIMELINE')
    expect(twice.message).toContain(`:${again.source.line}:1: Two steps are named "a"`)
    const orphan = step({ on: 'after', step: 'nobody', delayMs: 0 }, [])
    expect((await startError(startScenario(scenario({ timeline: [orphan] })))).message).toMatch(/fires after "nobody", but no step has that name/)
    const loop = [step({ on: 'after', step: 'y', delayMs: 0 }, [], { name: 'x', times: 0 }), step({ on: 'after', step: 'x', delayMs: 0 }, [], { name: 'y' })]
    expect((await startError(startScenario(scenario({ timeline: loop })))).message).toMatch(/would fire forever/)
  })
})
