/**
 * Crash safety of the reference consumer (issue: "kills the consumer process with SIGKILL at
 * random moments of a 10,000-entry refresh at least 50 times; every time the store holds a
 * previously committed state, and the next run converges").
 *
 * Each round changes the provider's content a little, starts `syncrepl-harness consume --state
 * DIR --progress`, waits until it reports entries arriving, and kills it with SIGKILL after a
 * seeded random delay (so kills land while entries stream, while the transaction commits, and
 * after it). After every kill the file store must open, and its replica must be exactly the
 * content of some earlier round — the round whose contextCSN its cookie carries — or empty
 * before the first commit. A final run without a kill must converge to the current content.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileStore } from '../../consumer/index.js'
import { createProvider } from '../../provider/index.js'
import type { Provider } from '../../provider/index.js'
import { prng } from '../fuzz/mutate.js'

const BIN = fileURLToPath(new URL('../../bin/syncrepl-harness.js', import.meta.url))
const KILLS = Number(process.env.CRASH_KILLS ?? 50)
const SEED = Number(process.env.CRASH_SEED ?? 4533)

describe('consumer crash safety', () => {
  let provider: Provider
  let state: string
  beforeAll(async () => {
    provider = await createProvider({ port: 0, password: 'secret', generate: { count: 10_000, seed: 'crash' } })
    state = mkdtempSync(join(tmpdir(), 'syncrepl-crash-'))
  })
  afterAll(async () => {
    await provider?.close()
    rmSync(state, { recursive: true, force: true })
  })

  /** contextCSN (the cookie's CSN) → the content at that moment, by UUID → DN. */
  const contents = new Map<string, Map<string, string>>()
  const snapshotContent = () => {
    const csn = provider.directory.contextCsnVector().join(';')
    const content = new Map<string, string>()
    for (const e of provider.directory.entries()) content.set(e.uuid, e.dnText)
    contents.set(csn, content)
  }

  async function stored(): Promise<{ cookie: string | undefined; entries: Map<string, string> }> {
    const store = await FileStore.open(state)
    const r = await store.load()
    await store.close()
    return { cookie: r.cookie === undefined ? undefined : Buffer.from(r.cookie).toString('latin1'), entries: new Map([...r.entries.values()].map((e) => [e.uuid, e.dn])) }
  }

  function consume(): ReturnType<typeof spawn> {
    return spawn(process.execPath, [BIN, 'consume', '--url', provider.url, '--base', 'dc=example,dc=com', '--bind-dn', 'cn=admin,dc=example,dc=com', '--password', 'secret', '--state', state, '--progress'], { stdio: ['ignore', 'pipe', 'pipe'] })
  }

  it(`survives ${KILLS} SIGKILLs at random moments of a 10,000-entry refresh, then converges`, { timeout: 600_000 }, async () => {
    const rnd = prng(SEED)
    let committedStates = 0
    let killedAfterCommit = 0
    // A clean first run: a committed state to start from, and how long a run streams (from its
    // first progress line to its exit), so the kills can be spread over the whole of it —
    // entries arriving, the commit of the transaction, and the time after.
    snapshotContent()
    const clean = consume()
    const cleanExit = once(clean, 'exit')
    await once(clean.stderr as NodeJS.ReadableStream, 'data')
    const streaming = Date.now()
    expect((await cleanExit)[0]).toBe(0)
    const window = Math.max(200, Date.now() - streaming)
    const people = [...provider.directory.search({ base: 'ou=people,dc=example,dc=com', scope: 'one' })].map((e) => e.dnText)
    for (let round = 0; round < KILLS; round++) {
      // a small change each round, so successive commits differ
      provider.directory.apply({ kind: 'modify', dn: people[round % people.length] as string, modifications: [{ operation: 'replace', type: 'description', values: [`round ${round}`] }] })
      if (round % 5 === 0) provider.directory.apply({ kind: 'delete', dn: people[people.length - 1 - round] as string })
      snapshotContent()
      const child = consume()
      const exited = once(child, 'exit')
      // wait until entries are arriving (or the run already ended), then kill after a random delay
      await Promise.race([once(child.stderr as NodeJS.ReadableStream, 'data'), exited])
      await new Promise((resolve) => setTimeout(resolve, Math.floor(rnd() * window)))
      child.kill('SIGKILL')
      await exited
      const s = await stored()
      expect(s.cookie, `round ${round}: the committed cookie vanished`).toBeDefined()
      const csn = (s.cookie as string).replace(/^rid=000,csn=/, '')
      const expected = contents.get(csn)
      expect(expected, `round ${round}: the stored cookie ${s.cookie} names no state the provider ever had`).toBeDefined()
      expect(s.entries, `round ${round}: the replica is not the content of the round its cookie names`).toEqual(expected)
      committedStates++
      if (csn === provider.directory.contextCsnVector().join(';')) killedAfterCommit++
    }
    // a clean run converges to the current content
    const child = consume()
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
    const s = await stored()
    const now = new Map<string, string>()
    for (const e of provider.directory.entries()) now.set(e.uuid, e.dnText)
    expect(s.entries).toEqual(now)
    expect(committedStates).toBe(KILLS) // a committed state existed from the clean first run on
    console.log(`crash safety: ${KILLS} kills spread over ${Math.round(window)} ms of each run; ${KILLS - killedAfterCommit} before that run's commit (previous state intact), ${killedAfterCommit} after it (new state intact); final run converged to ${now.size} entries`)
  })
})
