/**
 * Runs one family of steps against a throwaway slapd and our provider side by side, and compares
 * the two recordings step by step (vitest soft assertions, so one run reports every difference).
 */
import { expect } from 'vitest'
import { FamilyRecorder, startOurProvider, startRealSlapd } from './differential.js'
import type { ServerConfig, SyncServer } from './differential.js'

export interface FamilyPlan {
  readonly config: ServerConfig
  /** The traces' DIT with that many people, other LDIF, or nothing (an empty database). */
  readonly data: number | string | undefined
  /** The 600-entry traces were recorded without attribute lists. */
  readonly withAttributes?: boolean
  run(r: FamilyRecorder): Promise<void>
}

async function record(start: (c: ServerConfig) => Promise<SyncServer>, plan: FamilyPlan): Promise<FamilyRecorder> {
  const server = await start(plan.config)
  const r = new FamilyRecorder(server, plan.withAttributes ?? true)
  try {
    if (plan.data !== undefined) await r.load(plan.data)
    await plan.run(r)
  } finally {
    await server.stop()
  }
  return r
}

/** The same plan against both servers, concurrently (they share nothing). */
export async function recordBoth(plan: FamilyPlan): Promise<{ slapd: FamilyRecorder; ours: FamilyRecorder }> {
  const [slapd, ours] = await Promise.all([record(startRealSlapd, plan), record(startOurProvider, plan)])
  return { slapd, ours }
}

/**
 * Every step must have the same shape on both servers, except the `known` differences: for those,
 * slapd's shape must be the documented one and ours must still differ — when our provider is
 * fixed that assertion fails, and the step moves back to the must-match set.
 */
export function expectSameSteps(slapd: FamilyRecorder, ours: FamilyRecorder, known: Readonly<Record<string, readonly string[]>> = {}): void {
  expect.soft(ours.steps.map((s) => s.name), 'the steps both servers went through').toEqual(slapd.steps.map((s) => s.name))
  slapd.steps.forEach((step, i) => {
    const documented = known[step.name]
    const theirs = ours.steps[i]?.shape
    if (documented === undefined) {
      expect.soft(theirs, `our provider against slapd, step ${step.name}`).toEqual(step.shape)
      return
    }
    expect.soft(step.shape, `slapd, step ${step.name}, against its documented behaviour`).toEqual(documented)
    expect.soft(theirs, `KNOWN DIFFERENCE at step ${step.name} seems fixed: our provider now matches slapd; move the step out of the known differences`).not.toEqual(step.shape)
  })
  for (const name of Object.keys(known)) {
    expect.soft(slapd.steps.some((s) => s.name === name), `known difference "${name}" names a step that was not run`).toBe(true)
  }
}
