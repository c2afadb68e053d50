import { describe, expect, it } from 'vitest'
import { HandshakeError } from './errors.js'
import { attemptScript, NO_SESSION_HOOKS, normalizeScript } from './script.js'
import type { SessionHookScript } from './types.js'

function problem(script: unknown): string {
  try {
    normalizeScript(script as SessionHookScript)
  } catch (e) {
    expect(e).toBeInstanceOf(HandshakeError)
    expect((e as HandshakeError).code).toBe('HANDSHAKE_BAD_SCRIPT')
    return (e as Error).message
  }
  throw new Error('the script was accepted')
}

describe('normalizeScript', () => {
  it('no script is no hooks; a script defaults to enabled, advertised and required (§5.8 as settled)', () => {
    expect(normalizeScript(undefined)).toBe(NO_SESSION_HOOKS)
    expect(normalizeScript({})).toEqual({ enabled: true, advertise: true, required: true, base: {}, sequence: [] })
    expect(normalizeScript({ enabled: false, required: false, advertise: false, forceCode: 1 })).toEqual({
      enabled: false, advertise: false, required: false, base: { forceCode: 1 }, sequence: [],
    })
  })

  it('names every problem in one full-sentence error', () => {
    const message = problem({
      forceCode: -1,
      recv: { codec: 'xml', onGuidMismatch: 'ignore', accept: [{ minVersion: 'latest' }, { equals: 1 }, { minVersion: '1', exactVersion: '1' }] },
      reply: { guid: 'g' },
      fault: { hang: true, delayMs: 5 },
      sequence: [{ fault: { malformed: 'chopped' } }, { enabled: true }],
    })
    for (const part of [
      'sessionHooks.forceCode is -1',
      'sessionHooks.recv.codec is "xml"',
      'sessionHooks.recv.onGuidMismatch is "ignore"',
      'sessionHooks.recv.accept[0].minVersion "latest" is not a version',
      'sessionHooks.recv.accept[1] has equals but no field',
      'sessionHooks.recv.accept[2] has minVersion and exactVersion',
      'sessionHooks: reply has a guid but no data',
      'sessionHooks.fault has delayMs and hang',
      'sessionHooks.sequence[0].fault.malformed is "chopped"',
      'sessionHooks.sequence[1] has enabled; an entry may override recv, reply, forceCode and fault only.',
    ]) expect(message).toContain(part)
    expect(message).toMatch(/^The session-hook script cannot work as written: .*\.$/)
  })

  it('checks fault values and cross-field rules on each entry as it will run', () => {
    expect(problem({ fault: { delayMs: 1.5 } })).toContain('delayMs is 1.5')
    expect(problem({ fault: { hang: false } })).toContain('hang must be true')
    expect(problem({ fault: { disconnect: 'later' } })).toContain('onRequest or afterResponse')
    expect(problem({ fault: { ldapResult: 53, message: 7 } })).toContain('message must be a string')
    expect(problem({ recv: { accept: { field: 'v', equals: 1 } } })).toContain('recv.codec is cstring; set codec: json')
    expect(problem({ sequence: [{ reply: { data: 'x' } }] })).toContain('sessionHooks.sequence[0]: reply has data but no guid')
    expect(() => normalizeScript({ recv: { codec: 'json' }, sequence: [{ recv: { accept: { field: 'v', equals: 1 } } }] })).not.toThrow()
    expect(() => normalizeScript({ reply: { guid: 'g', data: 'd' }, sequence: [{ reply: { data: 'e' } }] })).not.toThrow()
  })
})

describe('attemptScript (sequence)', () => {
  const script = normalizeScript({
    recv: { expectGuid: 'g', codec: 'json' },
    reply: { guid: 'r', data: 'd' },
    fault: { delayMs: 10 },
    sequence: [{ forceCode: 0x0e }, { recv: { codec: 'utf8' }, reply: { reject: true }, fault: { hang: true } }, {}],
  })

  it('merges entry N-1 over the script for attempt N: recv and reply key by key, forceCode and fault replaced', () => {
    expect(attemptScript(script, 1)).toEqual({ recv: { expectGuid: 'g', codec: 'json' }, reply: { guid: 'r', data: 'd' }, forceCode: 0x0e, fault: { delayMs: 10 } })
    expect(attemptScript(script, 2)).toEqual({ recv: { expectGuid: 'g', codec: 'utf8' }, reply: { guid: 'r', data: 'd', reject: true }, fault: { hang: true } })
    expect(attemptScript(script, 3)).toEqual(script.base)
  })

  it('uses the script alone after the sequence', () => {
    expect(attemptScript(script, 4)).toBe(script.base)
    expect(attemptScript(script, 100)).toBe(script.base)
  })
})
