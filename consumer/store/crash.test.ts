import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { counterOf, cookieOf, differenceFrom } from './crash-state.js'
import { FileStore, REPLICA_FILE } from './file-store.js'
import { seededRandom } from './store-test-data.js'

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))
const LANES = 2
const KILLS_PER_LANE = 16

/** Runs the child until it has committed at least once in this run, then SIGKILLs it after a random delay. */
function runAndKill(dir: string, delayMs: number): Promise<{ ready: number; lastReported: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let ready = -1
    let lastReported = -1
    let out = ''
    let err = ''
    let timer: NodeJS.Timeout | undefined
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (text: string) => {
      out += text
      for (let nl = out.indexOf('\n'); nl !== -1; nl = out.indexOf('\n')) {
        const [word, n] = out.slice(0, nl).split(' ')
        out = out.slice(nl + 1)
        if (word === 'ready') ready = Number(n)
        if (word === 'committed') {
          lastReported = Number(n)
          timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs)
        }
      }
    })
    child.stderr.on('data', (text: Buffer) => { err += text.toString() })
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.on('exit', (code, signal) => {
      clearTimeout(guard)
      if (timer) clearTimeout(timer)
      if (signal !== 'SIGKILL' || lastReported < 0) reject(new Error(`The child ended with ${code ?? signal} before committing: ${err}`))
      else resolve({ ready, lastReported })
    })
  })
}

describe('FileStore crash safety (SIGKILL at random moments)', () => {
  it(`survives ${LANES * KILLS_PER_LANE} kills: every reopened state is a committed one`, async () => {
    const random = seededRandom(4533)
    const lanes = Array.from({ length: LANES }, (_, lane) => ({ lane, delays: Array.from({ length: KILLS_PER_LANE }, () => random() * 80) }))
    const results = await Promise.all(lanes.map(async ({ delays }) => {
      const dir = await mkdtemp(join(tmpdir(), 'replica-crash-'))
      const seen: string[] = []
      try {
        let previous = 0
        for (const delay of delays) {
          const { ready, lastReported } = await runAndKill(dir, delay)
          // The child resumed from what the previous run left (nothing committed is lost).
          expect(ready).toBeGreaterThanOrEqual(previous)
          const store = await FileStore.open(dir)
          const snapshot = await store.load()
          const k = counterOf(snapshot.cookie as Uint8Array)
          expect(snapshot.cookie).toEqual(cookieOf(k))
          // Durable: every commit that returned is there; at most the one in flight was added.
          expect(k).toBeGreaterThanOrEqual(lastReported)
          expect(k).toBeLessThanOrEqual(lastReported + 1)
          expect(differenceFrom(snapshot, k)).toBeUndefined()
          await store.close()
          expect(await readdir(dir)).toEqual([REPLICA_FILE])
          seen.push(`${lastReported}->${k}`)
          previous = k
        }
        return seen
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }))
    expect(results.flat()).toHaveLength(LANES * KILLS_PER_LANE)
  }, 60_000)
})
