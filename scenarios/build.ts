/**
 * From the checked tree to a `Scenario` (scenarios/types.ts): defaults filled in, byte values,
 * durations and result codes converted, fixture paths resolved and checked, the timeline built
 * and cross-checked. Problems go to the list; the loader decides whether the result is usable.
 */
import { DEFAULT_SUFFIX } from '../fixtures/index.js'
import * as DN from '../protocol/dn/index.js'
import { buildSteps } from './build-timeline.js'
import { buildConformance } from './build-conformance.js'
import { buildSessionHooks } from './build-session-hooks.js'
import { bytesOf, resultCodeOf } from './build-values.js'
import { arrayAt, asObject, booleanAt, has, numberAt, objectAt, stringAt } from './checked-tree.js'
import type { CheckedObject } from './checked-tree.js'
import { checkTimeline } from './check-timeline.js'
import { checkFixtureExists, checkLdifFixture, fixturePath } from './fixture-files.js'
import { optional } from './optional-member.js'
import type { ProblemList } from './problem-list.js'
import type { TreePositions } from './tree-positions.js'
import type { ConsumerSpec, DialectName, DirectorySpec, ExpectSpec, ProviderSpec, Scenario, ScenarioMeta, SourceRef } from './types.js'

export interface BuildOptions {
  /** Check that fixture files exist and that LDIF fixtures parse. Default true. */
  readonly checkFixtures?: boolean
}

interface Context {
  readonly file: string
  readonly positions: TreePositions
  readonly problems: ProblemList
  readonly checkFixtures: boolean
}

type SyncMode = ConsumerSpec['modes'][number]

const ALL_MODES: readonly SyncMode[] = ['refreshOnly', 'refreshAndPersist']

export function buildScenario(tree: unknown, source: SourceRef, positions: TreePositions, problems: ProblemList, options: BuildOptions = {}): Scenario {
  const ctx: Context = { file: source.file, positions, problems, checkFixtures: options.checkFixtures ?? true }
  const root = asObject(tree)
  const directory = buildDirectory(objectAt(root, 'directory'), ctx)
  const consumerObject = objectAt(root, 'consumer')
  const consumer = consumerObject === undefined ? undefined : buildConsumer(consumerObject, directory.suffix)
  const expect = objectAt(root, 'expect')
  const suffix = parsedDn(directory.suffix)
  const steps = buildSteps(arrayAt(root, 'timeline'), { positions, problems, suffix, suffixText: directory.suffix })
  // Modes with an invalid item are not known; judging triggers by the valid rest would only echo that problem.
  const modesKnown = consumerObject !== undefined && !(arrayAt(consumerObject, 'modes') ?? []).includes(undefined)
  checkTimeline(steps, modesKnown ? consumer?.modes : undefined, problems)
  const timeline = steps.filter((s) => s.trigger !== undefined).map((s) => s.step)
  const conformance = objectAt(root, 'conformance')
  return {
    source,
    meta: buildMeta(root),
    directory,
    provider: buildProvider(objectAt(root, 'provider'), ctx),
    ...optional('consumer', consumer),
    ...optional('expect', expect === undefined ? undefined : buildExpect(expect)),
    ...optional('conformance', conformance === undefined ? undefined : buildConformance(root, conformance, timeline, { positions, problems })),
    timeline,
  }
}

function buildMeta(root: CheckedObject | undefined): ScenarioMeta {
  return {
    id: stringAt(root, 'id') ?? '',
    title: stringAt(root, 'title') ?? '',
    ...optional('rfcSection', stringAt(root, 'rfcSection')),
    ...optional('description', stringAt(root, 'description')),
    tags: (arrayAt(root, 'tags') ?? []).filter((t): t is string => typeof t === 'string'),
  }
}

function buildDirectory(d: CheckedObject | undefined, ctx: Context): DirectorySpec {
  const ldifValue = d?.ldif
  const written = typeof ldifValue === 'string' ? [ldifValue] : Array.isArray(ldifValue) ? ldifValue : []
  const ldif: string[] = []
  written.forEach((path, i) => {
    if (typeof path !== 'string') return
    const at = typeof ldifValue === 'string' ? ctx.positions.at(d, 'ldif') : ctx.positions.at(ldifValue, i)
    const fixture = fixturePath(ctx.file, path)
    if (ctx.checkFixtures) checkLdifFixture(fixture, at, ctx.problems)
    ldif.push(fixture.absolute)
  })
  const generate = objectAt(d, 'generate')
  const count = numberAt(generate, 'count')
  const groups = numberAt(generate, 'groups')
  if (count === 0 && groups !== undefined && groups > 0) {
    ctx.problems.add('SCENARIO_GENERATE', ctx.positions.at(generate, 'groups'),
      `directory.generate asks for ${groups} groups of 0 people; a groupOfNames needs at least one member (RFC 4519 §3.5).`,
      'ask for people too, or for 0 groups')
  }
  const seed = generate?.seed
  return {
    suffix: stringAt(d, 'suffix') ?? DEFAULT_SUFFIX,
    ldif,
    ...optional('generate', count === undefined ? undefined : {
      count,
      seed: typeof seed === 'number' || typeof seed === 'string' ? seed : 1,
      ...optional('groups', groups),
    }),
    serverId: numberAt(d, 'serverId') ?? 0,
    sessionLog: numberAt(d, 'sessionLog') ?? 0,
  }
}

function buildProvider(p: CheckedObject | undefined, ctx: Context): ProviderSpec {
  const bind = objectAt(p, 'bind')
  const bindDn = stringAt(bind, 'dn')
  const password = stringAt(bind, 'password')
  const tls = objectAt(p, 'tls')
  const file = (key: 'cert' | 'key', what: string): string | undefined => {
    const written = stringAt(tls, key)
    if (written === undefined) return undefined
    const fixture = fixturePath(ctx.file, written)
    if (ctx.checkFixtures) checkFixtureExists(fixture, what, ctx.positions.at(tls, key), ctx.problems)
    return fixture.absolute
  }
  const cert = file('cert', 'TLS certificate')
  const key = file('key', 'TLS key')
  const tlsMode = stringAt(tls, 'mode') as 'ldaps' | 'startTls' | undefined
  const knobs: Record<string, boolean | number | string> = {}
  for (const [name, value] of Object.entries(objectAt(p, 'knobs') ?? {})) knobs[name] = value as boolean | number | string
  return {
    dialect: (stringAt(p, 'dialect') ?? 'openldap') as DialectName,
    knobs,
    mode: (stringAt(p, 'mode') ?? 'engine') as 'engine' | 'script',
    ...optional('bind', bindDn === undefined || password === undefined ? undefined : { dn: bindDn, password }),
    ...optional('tls', cert === undefined || key === undefined || tlsMode === undefined ? undefined : { cert, key, mode: tlsMode }),
    seed: numberAt(p, 'seed') ?? 1,
    ...optional('port', numberAt(p, 'port')),
    ...optional('sessionHooks', buildSessionHooks(objectAt(p, 'sessionHooks'), ctx)),
  }
}

function buildConsumer(c: CheckedObject, suffix: string): ConsumerSpec {
  const modes = arrayAt(c, 'modes')?.filter((m): m is SyncMode => m === 'refreshOnly' || m === 'refreshAndPersist')
  return {
    base: stringAt(c, 'base') ?? suffix,
    scope: (stringAt(c, 'scope') ?? 'sub') as 'base' | 'one' | 'sub',
    filter: stringAt(c, 'filter') ?? '(objectClass=*)',
    attributes: (arrayAt(c, 'attributes') ?? []).filter((a): a is string => typeof a === 'string'),
    modes: modes === undefined || modes.length === 0 ? ALL_MODES : modes,
    reloadHint: booleanAt(c, 'reloadHint') ?? false,
  }
}

function buildExpect(e: CheckedObject): ExpectSpec {
  return {
    ...optional('converged', booleanAt(e, 'converged')),
    ...optional('resultCode', has(e, 'resultCode') ? resultCodeOf(e.resultCode) : undefined),
    ...optional('protocolError', booleanAt(e, 'protocolError')),
    ...optional('cookie', bytesOf(e.cookie)),
  }
}

function parsedDn(text: string): DN.Dn | undefined {
  try {
    return DN.parse(text)
  } catch {
    return undefined // reported by the validator
  }
}
