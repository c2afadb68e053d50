/**
 * Playing a scenario against one capturing client, and the fault-free reference run the fault
 * tests compare with (same data, same fixed clock, so the same bytes).
 */
import { startScenario } from '../../../../provider/scenario/index.js'
import type { FiredStep, RunningScenario } from '../../../../provider/scenario/index.js'
import type { Scenario, Step } from '../../../../scenarios/types.js'
import { CaptureClient, countFrames } from './capture-client.js'
import type { SyncSearchInput } from './capture-client.js'
import { fixedClock } from './scenario.js'

export interface Played {
  readonly running: RunningScenario
  readonly client: CaptureClient
}

/** Starts the scenario with a fixed clock and connects one client (which sends nothing yet). */
export async function play(sc: Scenario): Promise<Played> {
  const running = await startScenario(sc, { clock: fixedClock() })
  try {
    const client = await CaptureClient.connect(running.provider.port)
    return { running, client }
  } catch (error) {
    await running.stop()
    throw error
  }
}

/** The bytes of a complete refresh without any step, and the byte length of each message in it. */
export async function referenceRefresh(sc: Scenario, search: SyncSearchInput, messages: number): Promise<{ bytes: Buffer; units: Buffer[] }> {
  const { running, client } = await play({ ...sc, timeline: [] as Step[] })
  try {
    client.syncSearch(search)
    const bytes = await client.until(`${messages} messages`, (b) => countFrames(b) >= messages)
    return { bytes, units: splitUnits(bytes) }
  } finally {
    client.close()
    await running.stop()
  }
}

/** Cuts a byte stream of whole LDAPMessages into one buffer per message. */
export function splitUnits(bytes: Buffer): Buffer[] {
  const units: Buffer[] = []
  for (let at = 0; at < bytes.length; ) {
    const first = bytes[at + 1] as number
    const n = first < 0x80 ? 0 : first & 0x7f
    let len = first < 0x80 ? first : 0
    for (let k = 0; k < n; k++) len = len * 256 + (bytes[at + 2 + k] as number)
    const end = at + 2 + n + len
    units.push(bytes.subarray(at, end))
    at = end
  }
  return units
}

/** The first logged firing that passes `test`: from the log if it is there, else the next one. */
export async function fired(running: RunningScenario, test: (f: FiredStep) => boolean = () => true): Promise<FiredStep> {
  for (;;) {
    const found = running.log.find(test)
    if (found !== undefined) return found
    await running.events.waitFor('scenarioStep')
  }
}
