import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MALFORMED_VARIANTS } from '../provider/handshake/types.js'
import type { SessionHookScript } from '../provider/handshake/types.js'
import { normalizeScript } from '../provider/handshake/script.js'
import { ReplResponseCode } from '../protocol/replsession/response-codes.js'
import { ScenarioError } from './errors.js'
import { loadScenarioFile, parseScenario } from './loader.js'
import { resolveSchema, scenarioSchema } from './schema.js'
import type { SchemaNode } from './schema.js'
import type { SessionHooksSpec } from './types.js'

const GOOD = join('test', 'scenarios', 'good', 'session-hooks.yaml')
const utf8 = (s: string) => new TextEncoder().encode(s)

function hooksOf(yaml: string): SessionHooksSpec | undefined {
  return parseScenario(`id: x\ntitle: x\nprovider:\n  sessionHooks:\n${yaml.replace(/^/gm, '    ')}\n`, 'inline.yaml').provider.sessionHooks
}

function problemsOf(yaml: string): string[] {
  try {
    hooksOf(yaml)
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map((p) => p.code)
    throw e
  }
  return []
}

describe('provider.sessionHooks in scenario files', () => {
  it('loads every option of the good corpus file to the data form of SessionHookScript', async () => {
    const scenario = await loadScenarioFile(GOOD)
    const hooks = scenario.provider.sessionHooks
    expect(hooks).toStrictEqual({
      advertise: true,
      required: false,
      recv: {
        expectGuid: '2D562D8B-2F30-4447-AF76-2B721D1D5F6A',
        onGuidMismatch: 'reject',
        onMissingPayload: 'reject',
        codec: 'json',
        // Versions and checksums keep their text: 4.10 is not 4.1, 0123 is not 123.
        accept: [
          { minVersion: '4.10' },
          { exactVersion: '4.10.2', field: 'ipa.version' },
          { schemaChecksum: '0123', field: 'schema' },
          { field: 'features.sync', equals: true },
        ],
        rejectCode: 0x0c,
        strictRuv: true,
        strictCsn: true,
      },
      reply: { guid: 'test-reply-guid', data: utf8('test-reply-data'), appendNul: true, includeRuv: ['{replicageneration} 65a0c1d2000000010000'] },
      forceCode: 0x01,
      fault: { delayMs: 1500 },
      sequence: [
        { forceCode: 0x0e },
        { recv: { reject: true, rejectCode: 14 }, fault: { hang: true } },
        { fault: { disconnect: 'afterResponse' } },
        { fault: { malformed: 'ruvAsSet' } },
        { fault: { responseName: '2.16.840.1.113730.3.5.4' } },
        { fault: { ldapResult: 51, message: 'try later' } },
        { reply: { data: Uint8Array.of(0x00, 0xff), reject: true } },
        {},
      ],
    } satisfies SessionHooksSpec)
    // The loaded form is a script the provider accepts as it is.
    const script: SessionHookScript = hooks as SessionHooksSpec
    expect(normalizeScript(script).required).toBe(false)
  })

  it('defaults: an empty block enables the handshake, advertised and required', () => {
    const hooks = hooksOf('{}')
    expect(hooks).toStrictEqual({})
    expect(normalizeScript(hooks)).toMatchObject({ enabled: true, advertise: true, required: true })
    expect(hooksOf('enabled: false')).toStrictEqual({ enabled: false })
  })

  it('takes one criterion or a list, `hang` or { hang: true }, and codes by name or number', () => {
    expect(hooksOf('recv: { accept: { exactVersion: 20 } }\nfault: hang')).toStrictEqual({ recv: { accept: [{ exactVersion: '20' }] }, fault: { hang: true } })
    expect(hooksOf('fault: { hang: true }\nforceCode: 0x03')).toStrictEqual({ fault: { hang: true }, forceCode: 3 })
    expect(hooksOf('recv: { rejectCode: unknownUpdateProtocol }')).toStrictEqual({ recv: { rejectCode: 5 } })
    expect(hooksOf('fault: { ldapResult: 2 }')).toStrictEqual({ fault: { ldapResult: 2 } })
    expect(hooksOf('recv: { codec: json, accept: [{ field: x, equals: null }] }')).toStrictEqual({ recv: { codec: 'json', accept: [{ field: 'x', equals: null }] } })
  })

  it('judges a sequence entry as it will run, merged over the settings', () => {
    // A GUID without data in the settings is reported once, there, whatever an entry adds.
    expect(problemsOf('reply: { guid: g }\nsequence: [{ reply: { data: d } }]')).toEqual(['SCENARIO_HANDSHAKE'])
    // An entry that adds data to the settings' GUID is fine; one that brings a GUID alone is not.
    expect(problemsOf('reply: { guid: g, data: d }\nsequence: [{ reply: { data: e } }]')).toEqual([])
    expect(problemsOf('sequence: [{ reply: { guid: g } }]')).toEqual(['SCENARIO_HANDSHAKE'])
    // A JSON field is fine when the settings say codec: json.
    expect(problemsOf('recv: { codec: json }\nsequence: [{ recv: { accept: [{ field: v, equals: 1 }] } }]')).toEqual([])
  })
})

describe('the setSessionHooks action', () => {
  it('loads to the same data form, with its position, and gets the same checks', () => {
    const text = 'id: x\ntitle: x\ntimeline:\n  - on: { time: 1s }\n    do:\n      - setSessionHooks: { forceCode: backoff, fault: hang }\n'
    expect(parseScenario(text, 'a.yaml').timeline[0]?.actions).toStrictEqual([
      { do: 'setSessionHooks', source: { file: 'a.yaml', line: 6, column: 9 }, hooks: { forceCode: 0x0e, fault: { hang: true } } },
    ])
    try {
      parseScenario(text.replace('forceCode: backoff, fault: hang', 'reply: { data: x }'), 'a.yaml')
      throw new Error('loaded')
    } catch (e) {
      expect((e as ScenarioError).problems.map((p) => [p.code, p.line, p.column])).toEqual([['SCENARIO_HANDSHAKE', 6, 35]])
    }
  })
})

describe('scenarios/schema.json for session hooks', () => {
  const root = scenarioSchema()
  const def = (name: string): SchemaNode => resolveSchema(root, root.$defs[name] as SchemaNode).schema

  it('names exactly the response codes of protocol/replsession', () => {
    const names = def('replResponseCode').oneOf?.[1]?.enum
    expect(names).toEqual(Object.keys(ReplResponseCode))
  })

  it('names exactly the malformed variants of provider/handshake', () => {
    const fault = def('sessionHookFault').oneOf?.[1] as SchemaNode
    expect(fault.properties?.malformed?.enum).toEqual(MALFORMED_VARIANTS)
  })

  it('lets a sequence entry override what SessionHookAttempt has, and nothing else', () => {
    expect(Object.keys(def('sessionHookAttempt').properties ?? {})).toEqual(['recv', 'reply', 'forceCode', 'fault'])
    const top = Object.keys(def('sessionHooks').properties ?? {})
    expect(top).toEqual(['enabled', 'advertise', 'required', 'recv', 'reply', 'forceCode', 'fault', 'sequence'])
  })
})
