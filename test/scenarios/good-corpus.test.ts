/**
 * Good scenario files and the exact `Scenario` objects they load to: defaults, byte values,
 * durations, result code names, aliases, attribute values kept as written, and the source
 * position of every step and action.
 */
import { readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadScenarioFile } from '../../scenarios/loader.js'
import type { Scenario, SourceRef } from '../../scenarios/types.js'

const DIR = join(relative(process.cwd(), dirname(fileURLToPath(import.meta.url))), 'good')
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'))
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const UUID = hex('63199adc7b9510419bf9193a3b08c68d')

function positions(name: string): { file: string; at: (line: number, column: number) => SourceRef } {
  const file = join(DIR, name)
  return { file, at: (line, column) => ({ file, line, column }) }
}

describe('good scenario files', () => {
  it('all load', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'))
    expect(files.length).toBeGreaterThanOrEqual(4)
    for (const f of files) await expect(loadScenarioFile(join(DIR, f))).resolves.toBeDefined()
  })

  it('minimal.yaml: every default', async () => {
    const { file, at } = positions('minimal.yaml')
    expect(await loadScenarioFile(file)).toStrictEqual({
      source: at(3, 1),
      meta: { id: 'minimal', title: 'Initial content of an empty directory', tags: [] },
      directory: { suffix: 'dc=example,dc=com', ldif: [], serverId: 0, sessionLog: 0 },
      provider: { dialect: 'openldap', knobs: {}, mode: 'engine', seed: 1 },
      timeline: [],
    } satisfies Scenario)
  })

  it('present-phase-truncated.yaml: fixtures, knobs, consumer, triggers and shorthand actions', async () => {
    const { file, at } = positions('present-phase-truncated.yaml')
    expect(await loadScenarioFile(file)).toStrictEqual({
      source: at(2, 1),
      meta: {
        id: 'present-phase-truncated',
        title: 'The connection is reset in the middle of a present phase',
        rfcSection: '3.3.1',
        description: 'The consumer must not commit the cookie of a refresh that never finished.\n',
        tags: ['present', 'fault'],
      },
      directory: {
        suffix: 'dc=example,dc=com',
        ldif: [resolve(DIR, 'fixtures/small-org.ldif'), resolve(DIR, 'fixtures/groups.ldif')],
        serverId: 0,
        sessionLog: 0,
      },
      provider: { dialect: 'openldap', knobs: { presentBatchSize: 10, presentStyle: 'entries' }, mode: 'engine', seed: 1 },
      consumer: {
        base: 'ou=people,dc=example,dc=com',
        scope: 'sub',
        filter: '(objectClass=*)',
        attributes: [],
        modes: ['refreshOnly', 'refreshAndPersist'],
        reloadHint: false,
      },
      expect: { converged: true, resultCode: 0 },
      timeline: [
        {
          source: at(15, 5),
          name: 'cut',
          trigger: { on: 'entrySent', count: 3 },
          actions: [{ do: 'fault', source: at(18, 9), fault: 'reset' }],
          times: 1,
        },
        {
          source: at(19, 5),
          trigger: { on: 'syncRequest', nth: 2, cookie: 'present' },
          actions: [
            {
              do: 'modify',
              source: at(21, 9),
              dn: 'uid=u1,ou=people,dc=example,dc=com',
              changes: [{ operation: 'replace', attribute: 'description', values: ['x'] }],
            },
            { do: 'newcookie', source: at(22, 9) },
          ],
          times: 0,
        },
        { source: at(24, 5), trigger: { on: 'after', step: 'cut', delayMs: 0 }, actions: [{ do: 'restart', source: at(25, 9) }], times: 1 },
      ],
    } satisfies Scenario)
  })

  it('script-mode.yaml: every message kind, encodings, UUIDs, bytes and fault options', async () => {
    const { file, at } = positions('script-mode.yaml')
    const scenario = await loadScenarioFile(file)
    expect(scenario).toStrictEqual({
      source: at(3, 1),
      meta: { id: 'script-messages', title: 'Every kind of script message', rfcSection: '2.5', tags: ['script'] },
      directory: { suffix: 'dc=example,dc=com', ldif: [], serverId: 0, sessionLog: 0 },
      provider: { dialect: 'openldap', knobs: {}, mode: 'script', seed: 7 },
      consumer: {
        base: 'dc=example,dc=com',
        scope: 'one',
        filter: '(uid=*)',
        attributes: ['uid', 'entryUUID'],
        modes: ['refreshAndPersist'],
        reloadHint: true,
      },
      expect: { protocolError: true, cookie: text('rid=') },
      timeline: [
        {
          source: at(20, 5),
          name: 'first',
          trigger: { on: 'syncRequest', connection: 1, mode: 'refreshAndPersist', cookie: 'absent', reloadHint: true },
          actions: [
            {
              do: 'send',
              source: at(23, 9),
              message: {
                kind: 'entry',
                dn: 'uid=u1,ou=people,dc=example,dc=com',
                state: 'add',
                uuid: UUID,
                cookie: text('rid=000'),
                // Numbers and booleans keep the text they had in the file.
                attributes: { uid: ['u1'], uidNumber: ['0100'], pwdReset: ['TRUE'], cn: ['a', '1.50'] },
                stateControl: 'duplicate',
                encoding: { explicitDefaults: true, trueOctet: 1, lengthOctets: 4 },
                messageId: 9,
              },
            },
            { do: 'send', source: at(33, 9), message: { kind: 'entry', dn: '', state: 7, uuid: hex('0102'), attributes: {}, stateControl: 'one' } },
            { do: 'send', source: at(34, 9), message: { kind: 'syncInfo', info: { type: 'newcookie', cookie: text('rid=000,csn=1') } } },
            { do: 'send', source: at(35, 9), message: { kind: 'syncInfo', info: { type: 'refreshPresent', refreshDone: true }, messageId: 0 } },
            {
              do: 'send',
              source: at(36, 9),
              message: { kind: 'syncInfo', info: { type: 'refreshDelete', cookie: new Uint8Array(0), refreshDone: false } },
            },
            {
              do: 'send',
              source: at(37, 9),
              message: { kind: 'syncInfo', info: { type: 'syncIdSet', refreshDeletes: true, uuids: [UUID, hex('ff')] }, encoding: { lengthOctets: 0 } },
            },
            { do: 'send', source: at(43, 9), message: { kind: 'done', resultCode: 0, diagnosticMessage: '' } },
            {
              do: 'send',
              source: at(44, 9),
              message: {
                kind: 'done',
                resultCode: 4096,
                diagnosticMessage: 'go away',
                matchedDn: 'dc=example,dc=com',
                syncDone: { cookie: text('c'), refreshDeletes: true },
              },
            },
            {
              do: 'send',
              source: at(50, 9),
              message: { kind: 'extended', resultCode: 52, diagnosticMessage: '', name: '1.3.6.1.4.1.1466.20036', value: text('bye'), messageId: 0 },
            },
          ],
          times: 1,
        },
        {
          source: at(51, 5),
          trigger: { on: 'after', step: 'first', delayMs: 1500 },
          actions: [{ do: 'send', source: at(53, 9), message: { kind: 'raw', bytes: hex('30050201024200') } }],
          times: 1,
        },
        {
          source: at(54, 5),
          trigger: { on: 'idle', forMs: 2000, connection: 1 },
          actions: [{ do: 'fault', source: at(55, 9), fault: 'wrongMessageId', messageId: 5, probability: 0.25 }],
          times: 3,
        },
        {
          source: at(57, 5),
          trigger: { on: 'idle', forMs: 250 },
          actions: [
            { do: 'fault', source: at(58, 10), fault: 'truncate' },
            { do: 'fault', source: at(58, 41), fault: 'garbage', bytes: 4 },
            { do: 'fault', source: at(58, 81), fault: 'delay', ms: 100 },
          ],
          times: 1,
        },
        { source: at(59, 5), trigger: { on: 'time', afterMs: 60_000 }, actions: [{ do: 'fault', source: at(60, 9), fault: 'stall' }], times: 1 },
        { source: at(61, 5), trigger: { on: 'bind', connection: 2 }, actions: [{ do: 'fault', source: at(62, 9), fault: 'byteByByte' }], times: 1 },
        { source: at(63, 5), trigger: { on: 'connectionOpened' }, actions: [{ do: 'fault', source: at(64, 9), fault: 'duplicate' }], times: 1 },
        { source: at(65, 5), trigger: { on: 'refreshDone' }, actions: [{ do: 'fault', source: at(66, 9), fault: 'close' }], times: 1 },
        {
          source: at(67, 5),
          trigger: { on: 'persistStarted' },
          actions: [{ do: 'refreshRequired', source: at(68, 9), withDoneCookie: true }],
          times: 1,
        },
        { source: at(69, 5), trigger: { on: 'bind' }, actions: [{ do: 'refreshRequired', source: at(70, 9), withDoneCookie: false }], times: 1 },
      ],
    } satisfies Scenario)
  })

  it('directory-actions.yaml: generator, bind, TLS, every directory action, ordered modify changes, aliases', async () => {
    const { file, at } = positions('directory-actions.yaml')
    const person = { objectClass: ['top', 'account'], uid: ['new'] }
    expect(await loadScenarioFile(file)).toStrictEqual({
      source: at(3, 1),
      meta: { id: 'directory-actions', title: 'Every directory action, in engine mode', tags: [] },
      directory: { suffix: 'o=Example', ldif: [], generate: { count: 20, seed: 'people', groups: 2 }, serverId: 3, sessionLog: 100 },
      provider: {
        dialect: '389ds',
        knobs: {},
        mode: 'engine',
        bind: { dn: 'cn=admin,o=Example', password: 'secret' },
        tls: { cert: resolve(DIR, 'fixtures/cert.pem'), key: resolve(DIR, 'fixtures/key.pem'), mode: 'startTls' },
        seed: 1,
        port: 3899,
      },
      timeline: [
        {
          source: at(16, 5),
          trigger: { on: 'time', afterMs: 500 },
          actions: [
            { do: 'add', source: at(18, 9), dn: 'uid=new,ou=people,o=Example', attributes: person },
            {
              do: 'modify',
              source: at(21, 9),
              dn: 'uid=new,ou=people,o=Example',
              // In the order written: replace, add, then the deletes (`~` and `[]` delete the whole attribute).
              changes: [
                { operation: 'replace', attribute: 'description', values: ['one', 'two'] },
                { operation: 'add', attribute: 'seeAlso', values: ['cn=x,o=Example'] },
                { operation: 'delete', attribute: 'uid', values: [] },
                { operation: 'delete', attribute: 'description', values: [] },
              ],
            },
            { do: 'modDn', source: at(26, 9), dn: 'uid=new,ou=people,o=Example', newRdn: 'uid=renamed', deleteOldRdn: true },
            { do: 'modDn', source: at(27, 9), dn: 'uid=renamed,ou=people,o=Example', newRdn: 'uid=moved', deleteOldRdn: false, newSuperior: 'o=Example' },
            { do: 'delete', source: at(28, 9), dn: 'uid=moved,o=Example' },
            { do: 'generate', source: at(29, 9), count: 5, seed: 1 },
            { do: 'generate', source: at(30, 9), count: 2, seed: 9, parent: 'ou=people,o=Example' },
            // One action per knob, each at its own key.
            { do: 'setKnob', source: at(31, 20), knob: 'reloadHint', value: true },
            { do: 'setKnob', source: at(31, 38), knob: 'presentBatchSize', value: 1 },
          ],
          times: 1,
        },
        {
          source: at(32, 5),
          trigger: { on: 'start' },
          actions: [{ do: 'add', source: at(34, 9), dn: 'uid=other,ou=people,o=Example', attributes: person }],
          times: 1,
        },
      ],
    } satisfies Scenario)
  })
})
