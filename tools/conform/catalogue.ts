/**
 * The case catalogue (scenarios/conformance/): every YAML file there with a `conformance` block,
 * expanded into one instance per sync mode the case runs in, then selected by id glob, by tag and
 * by a per-consumer exclusion file (Autobahn's exclude-agent-cases).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatProblem, loadScenarioFile, ScenarioError } from '../../scenarios/index.js'
import type { ConformanceSpec, Scenario } from '../../scenarios/types.js'
import type { SyncMode } from './verdict.js'

export const CATALOGUE_DIR = fileURLToPath(new URL('../../scenarios/conformance/', import.meta.url))

export interface CaseInstance {
  /** `<spec>/<section>/<id>`, plus `/ro` or `/rp` when the case runs in both modes. */
  readonly id: string
  readonly caseId: string
  readonly scenario: Scenario
  readonly conformance: ConformanceSpec
  readonly mode: SyncMode
  /** The file, relative to the catalogue directory. */
  readonly file: string
}

export class CatalogueError extends Error {
  readonly code = 'CONFORM_CATALOGUE'
}

/** Loads every case file under `dir` (recursively), in path order; all problems are reported together. */
export async function loadCatalogue(dir: string = CATALOGUE_DIR): Promise<CaseInstance[]> {
  const files = (await yamlFiles(dir)).sort()
  const instances: CaseInstance[] = []
  const problems: string[] = []
  const seen = new Map<string, string>()
  for (const file of files) {
    let scenario: Scenario
    try {
      scenario = await loadScenarioFile(file)
    } catch (error) {
      if (error instanceof ScenarioError) problems.push(...error.problems.map((p) => formatProblem(p)))
      else problems.push(`${file}: ${(error as Error).message}`)
      continue
    }
    const conformance = scenario.conformance
    if (conformance === undefined) {
      problems.push(`${file}:1:1: this file has no conformance block; every file of the catalogue is a case.`)
      continue
    }
    const caseId = `${conformance.spec}/${scenario.meta.rfcSection ?? '?'}/${scenario.meta.id}`
    const rel = relative(dir, file)
    const other = seen.get(caseId)
    if (other !== undefined) problems.push(`${file}:1:1: the case id ${caseId} is taken by ${other} already.`)
    seen.set(caseId, rel)
    const modes = scenario.consumer?.modes ?? ['refreshOnly', 'refreshAndPersist']
    for (const mode of modes) {
      const id = modes.length > 1 ? `${caseId}/${mode === 'refreshOnly' ? 'ro' : 'rp'}` : caseId
      instances.push({ id, caseId, scenario, conformance, mode, file: rel })
    }
  }
  if (problems.length > 0) throw new CatalogueError(`The conformance catalogue has problems:\n${problems.join('\n')}`)
  return instances
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await yamlFiles(path)))
    else if (/\.ya?ml$/.test(entry.name)) out.push(path)
  }
  return out
}

/** `*` matches within one path segment, `**` across segments; a glob without `*` matches the id and everything below it. */
export function globMatcher(glob: string): (id: string) => boolean {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')
  const re = new RegExp(glob.includes('*') ? `^${escaped}$` : `^${escaped}(/.*)?$`)
  return (id) => re.test(id)
}

export interface Exclusion {
  readonly glob: string
  readonly reason: string
  /** `file:line` of the exclusion. */
  readonly at: string
}

/** One glob per line; `#` starts a comment; text after ` # ` on a glob's line is its reason. */
export async function readExclusions(path: string): Promise<Exclusion[]> {
  const text = await readFile(path, 'utf8')
  const out: Exclusion[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    const hash = line.indexOf('#')
    const glob = (hash === -1 ? line : line.slice(0, hash)).trim()
    if (glob === '') return
    if (/\s/.test(glob)) throw new CatalogueError(`${path}:${i + 1}: "${glob}" holds whitespace; write one case-id glob per line (a reason goes after #).`)
    out.push({ glob, reason: hash === -1 ? '' : line.slice(hash + 1).trim(), at: `${path}:${i + 1}` })
  })
  return out
}

export interface Selection {
  /** Case-id globs; empty = all. */
  readonly globs?: readonly string[]
  /** Every tag listed must be on the case. */
  readonly tags?: readonly string[]
}

export function selectCases(all: readonly CaseInstance[], selection: Selection): CaseInstance[] {
  const globs = (selection.globs ?? []).map(globMatcher)
  const tags = selection.tags ?? []
  return all.filter((c) => (globs.length === 0 || globs.some((g) => g(c.id))) && tags.every((t) => c.scenario.meta.tags.includes(t) || t === c.mode || t === c.scenario.provider.dialect))
}

export function exclusionOf(instance: CaseInstance, exclusions: readonly Exclusion[]): Exclusion | undefined {
  return exclusions.find((e) => globMatcher(e.glob)(instance.id))
}
