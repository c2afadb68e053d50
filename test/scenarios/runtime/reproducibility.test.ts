/**
 * The same scenario with the same seed, run twice, sends the client the same octets in the same
 * order, faults included: fault probabilities and garbage come from the seed, entryUUIDs of adds
 * from the seed, CSNs from the (fixed) clock. Another seed changes what the seed decides.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario } from '../../../scenarios/types.js'
import { play } from './support/runs.js'
import { scenario, step } from './support/scenario.js'

/** A refreshAndPersist session with seeded faults and changes, ended by a truncation. */
function seeded(seed: number): Scenario {
  return scenario({
    provider: { seed },
    sessionLog: 10,
    timeline: [
      step({ on: 'entrySent', count: 2 }, [
        { do: 'fault', fault: 'garbage', bytes: 12, probability: 0.7 },
        { do: 'fault', fault: 'duplicate', probability: 0.5 },
      ]),
      step({ on: 'entrySent', count: 4 }, [{ do: 'fault', fault: 'wrongMessageId', probability: 0.5 }]),
      step({ on: 'persistStarted' }, [
        { do: 'add', dn: 'cn=new,dc=example,dc=com', attributes: { objectClass: ['device'], cn: ['new'] } },
        { do: 'generate', count: 3, seed: 'later' },
        { do: 'modify', dn: 'cn=new,dc=example,dc=com', changes: [{ operation: 'add', attribute: 'description', values: ['x'] }] },
        { do: 'fault', fault: 'garbage', bytes: 3, probability: 0.5 },
      ]),
      step({ on: 'entrySent', count: 9 }, [{ do: 'fault', fault: 'byteByByte' }, { do: 'newcookie' }]),
      step({ on: 'entrySent', count: 10 }, [{ do: 'delete', dn: 'ou=groups,dc=example,dc=com' }, { do: 'fault', fault: 'truncate', bytes: 7 }]),
    ],
  })
}

/** Plays the scenario against one refreshAndPersist client; the octets it got until the FIN, and the notices. */
async function run(sc: Scenario): Promise<{ bytes: Buffer; notices: string[]; log: string[] }> {
  const { running, client } = await play(sc)
  const notices: string[] = []
  running.events.on('notice', (e) => notices.push(e.message))
  try {
    client.syncSearch({ mode: 'refreshAndPersist', attributes: ['*', '+'] })
    expect(await client.ended).toBe('fin')
    return { bytes: client.bytes(), notices, log: running.log.map((f) => `${f.index}:${f.firing}:${f.trigger}`) }
  } finally {
    await running.stop()
  }
}

describe('reproducible runs', () => {
  it('the same seed gives the same octets, the same faults and the same steps', async () => {
    const first = await run(seeded(7))
    const second = await run(seeded(7))
    expect(second.bytes.equals(first.bytes)).toBe(true)
    expect(second.notices).toEqual(first.notices)
    expect(second.log).toEqual(first.log)
    // The run did exercise faults and persist changes: garbage, a truncation, the byte-by-byte tail.
    expect(first.notices.some((n) => n.startsWith('wire fault truncate: 7 of'))).toBe(true)
    expect(first.notices.some((n) => n.startsWith('wire fault garbage: 12 octets'))).toBe(true)
    expect(first.notices.some((n) => n.endsWith('skipped (probability 0.5)'))).toBe(true)
    expect(first.log).toHaveLength(5)
    expect(first.bytes.length).toBeGreaterThan(2000)
  })

  it('another seed draws other faults or other garbage', async () => {
    const runs = await Promise.all([3, 4, 5].map(async (seed) => (await run(seeded(seed))).bytes.toString('hex')))
    const reference = (await run(seeded(7))).bytes.toString('hex')
    expect(runs.some((hex) => hex !== reference)).toBe(true)
  })
})
