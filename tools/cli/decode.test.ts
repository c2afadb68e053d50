import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../../bin/syncrepl-harness.js', import.meta.url))
const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' })

// slapd 2.5's SearchResultDone ending a refreshOnly (cookie + refreshDeletes TRUE), trace (a).
const DONE =
  '306702010265070a010004000400a05930570418312e332e362e312e342e312e343230332e312e392e312e33043b303904347269643d3030302c63736e3d32303236313132333134323435302e3431363130315a2330303030303023303030233030303030300101ff'

describe('syncrepl-harness decode (the built command)', () => {
  it('decodes the README example from the arguments and from stdin', () => {
    const a = run(['decode', DONE])
    expect(a.status).toBe(0)
    expect(a.stdout).toBe('#2 SearchResultDone success (0) · syncDone cookie="rid=000,csn=20261123142450.416101Z#000000#000#000000" refreshDeletes=TRUE\n')
    const b = run(['decode'], `0x${DONE.slice(0, 20)}\n${DONE.slice(20)}\n${DONE}`)
    expect(b.status).toBe(0)
    expect(b.stdout.split('\n').filter(Boolean)).toHaveLength(2)
  })

  it('decodes bare values', () => {
    const r = run(['decode', '--value', 'sync-state', '30150a0101041063199adc7b9510419bf9193a3b08c68d'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ kind: 'syncState', state: 'add', entryUUID: '63199adc-7b95-1041-9bf9-193a3b08c68d' })
  })

  it('reports decode errors with code and offset (exit 1) and bad usage (exit 2)', () => {
    const bad = run(['decode', '3080'])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/BER_INDEFINITE_LENGTH: The LDAPMessage at stream offset 0 uses the indefinite length form/)
    const cut = run(['decode', DONE.slice(0, 40)])
    expect(cut.status).toBe(1)
    expect(cut.stderr).toMatch(/BER_TRUNCATED/)
    const notHex = run(['decode', '30zz'])
    expect(notHex.status).toBe(2)
    expect(notHex.stderr).toMatch(/not hex: character "z" at position 3/)
    const kind = run(['decode', '--value', 'nope', '00'])
    expect(kind.status).toBe(2)
    expect(kind.stderr).toMatch(/Unknown value kind "nope"; use one of: sync-request/)
    expect(run(['frobnicate']).status).toBe(2)
  })
})
