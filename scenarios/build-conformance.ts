/**
 * The `conformance` block: from the checked tree to a ConformanceSpec (scenarios/types.ts), with
 * the cross-checks the schema cannot express: run names unique, `replicaUnchanged` and `waitFor`
 * naming things that exist, a case that needs `rfcSection`, `cookie` only beside `request`.
 */
import { formatSyncUuid } from '../protocol/sync/index.js'
import { bytesOf, durationOf, uuidOf } from './build-values.js'
import { arrayAt, asObject, booleanAt, numberAt, objectAt, stringAt } from './checked-tree.js'
import type { CheckedObject } from './checked-tree.js'
import { optional } from './optional-member.js'
import type { ProblemList } from './problem-list.js'
import type { TreePositions } from './tree-positions.js'
import type { CheckSpec, ConformanceSpec, ConsumerFeature, ConsumerRunSpec, CookieExpectation, Range, RequirementLevel, SourceRef, Step } from './types.js'

interface ConformanceContext {
  readonly positions: TreePositions
  readonly problems: ProblemList
}

const CHECK_KEYS = ['converged', 'replicaUnchanged', 'request', 'syncRequests', 'holds', 'lacks', 'handshake'] as const

export function buildConformance(root: CheckedObject | undefined, c: CheckedObject, steps: readonly Step[], ctx: ConformanceContext): ConformanceSpec {
  const explicitConverged = (arrayAt(c, 'checks') ?? []).some((k) => asObject(k)?.converged !== undefined)
  const at = (o: unknown, key: string | number): SourceRef => ctx.positions.at(o, key)
  const source = at(root, 'conformance')
  if (stringAt(root, 'rfcSection') === undefined) {
    ctx.problems.add('SCENARIO_CONFORMANCE', source, 'A conformance case needs `rfcSection`: the section of its specification the requirement comes from, which is part of the case id.', 'add rfcSection: "3.3.2" (quoted)')
  }
  const runsNode = arrayAt(c, 'runs')
  const runs: ConsumerRunSpec[] = (runsNode ?? [{}]).map((r, i) => buildRun(asObject(r) ?? {}, i, runsNode === undefined ? source : at(runsNode, i), ctx))
  const names = new Set<string>()
  runs.forEach((r) => {
    if (names.has(r.name)) ctx.problems.add('SCENARIO_CONFORMANCE', r.source, `Two runs are named "${r.name}"; run names must be unique in a case (SYNCREPL_RUN tells the consumer which run it is).`)
    names.add(r.name)
  })
  const stepNames = new Set(steps.map((s) => s.name).filter((n): n is string => n !== undefined))
  for (const r of runs) {
    for (const name of r.waitFor ?? []) {
      if (!stepNames.has(name)) ctx.problems.add('SCENARIO_CONFORMANCE', r.source, `waitFor names the step "${name}", which the timeline does not have.`, stepNames.size > 0 ? `named steps: ${[...stepNames].join(', ')}` : 'give the step a name')
    }
  }
  const checksNode = arrayAt(c, 'checks') ?? []
  const checks = checksNode.flatMap((k, i) => {
    const o = asObject(k)
    return o === undefined ? [] : [buildCheck(o, at(checksNode, i), ctx)].filter((x): x is CheckSpec => x !== undefined)
  })
  for (const check of checks) {
    if (check.kind === 'replicaUnchanged' && !names.has(check.run)) {
      ctx.problems.add('SCENARIO_CONFORMANCE', check.source, `replicaUnchanged names the run "${check.run}", which the case does not have.`, `runs: ${[...names].join(', ')}`)
    }
  }
  const hooks = objectAt(c, 'hooks')
  const guid = stringAt(hooks, 'guid')
  const data = hooks === undefined ? undefined : bytesOf(hooks.data)
  return {
    source,
    spec: (stringAt(c, 'spec') ?? 'rfc4533') as ConformanceSpec['spec'],
    level: (stringAt(c, 'level') ?? 'MUST') as RequirementLevel,
    requirement: stringAt(c, 'requirement') ?? '',
    ...optional('deviation', stringAt(c, 'deviation')),
    features: (arrayAt(c, 'features') ?? []).filter((f): f is ConsumerFeature => typeof f === 'string'),
    ...optional('hooks', guid === undefined ? undefined : { guid, ...optional('data', data) }),
    runs,
    checks,
    implicitConverged: !explicitConverged && booleanAt(objectAt(root, 'expect'), 'converged') !== false,
  }
}

function buildRun(r: CheckedObject, index: number, source: SourceRef, ctx: ConformanceContext): ConsumerRunSpec {
  const afterEntries = numberAt(objectAt(r, 'kill'), 'afterEntries')
  const waitFor = arrayAt(r, 'waitFor')?.filter((s): s is string => typeof s === 'string')
  const timeoutMs = durationOf(r.timeout)
  if (timeoutMs === 0) ctx.problems.add('SCENARIO_CONFORMANCE', ctx.positions.at(r, 'timeout'), 'A run timeout of 0 leaves the consumer no time at all.', 'leave it out for the default (10 s, 5 s to converge in persist)')
  return {
    source,
    name: stringAt(r, 'name') ?? (index === 0 ? 'initial' : `run${index + 1}`),
    exit: (stringAt(r, 'exit') ?? 'success') as ConsumerRunSpec['exit'],
    ...optional('exitLevel', stringAt(r, 'exitLevel') as RequirementLevel | undefined),
    earlyExit: (stringAt(r, 'earlyExit') ?? 'fail') as ConsumerRunSpec['earlyExit'],
    ...optional('kill', afterEntries === undefined ? undefined : { afterEntries }),
    ...optional('waitFor', waitFor),
    ...optional('timeoutMs', timeoutMs),
  }
}

function buildCheck(o: CheckedObject, source: SourceRef, ctx: ConformanceContext): CheckSpec | undefined {
  const common = {
    source,
    ...optional('level', stringAt(o, 'level') as RequirementLevel | undefined),
    ...optional('why', stringAt(o, 'why')),
  }
  const kind = CHECK_KEYS.find((k) => o[k] !== undefined)
  if (o.cookie !== undefined && kind !== 'request') {
    ctx.problems.add('SCENARIO_CONFORMANCE', ctx.positions.at(o, 'cookie'), '`cookie` belongs beside `request`: it says what that sync search must carry.')
  }
  switch (kind) {
    case 'converged':
      return booleanAt(o, 'converged') === false ? undefined : { ...common, kind: 'converged' }
    case 'replicaUnchanged':
      return { ...common, kind: 'replicaUnchanged', run: stringAt(o, 'replicaUnchanged') ?? '' }
    case 'request': {
      const cookie = stringAt(o, 'cookie') as CookieExpectation | undefined
      if (cookie === undefined) {
        ctx.problems.add('SCENARIO_CONFORMANCE', source, '`request` needs `cookie`: what that sync search must carry.', 'e.g. { request: 2, cookie: lastSent }')
        return undefined
      }
      return { ...common, kind: 'request', nth: numberAt(o, 'request') ?? 1, cookie }
    }
    case 'syncRequests':
      return { ...common, kind: 'syncRequests', range: rangeOf(objectAt(o, 'syncRequests')) }
    case 'holds':
    case 'lacks': {
      const uuids = (arrayAt(o, kind) ?? []).flatMap((u) => {
        const bytes = uuidOf(u)
        return bytes !== undefined && bytes.length === 16 ? [formatSyncUuid(bytes)] : []
      })
      return { ...common, kind, uuids }
    }
    case 'handshake': {
      const h = objectAt(o, 'handshake')
      const starts = objectAt(h, 'starts')
      const ends = objectAt(h, 'ends')
      return {
        ...common,
        kind: 'handshake',
        ...optional('starts', starts === undefined ? undefined : rangeOf(starts)),
        ...optional('ends', ends === undefined ? undefined : rangeOf(ends)),
        ...optional('noViolation', booleanAt(h, 'noViolation')),
        ...optional('guid', stringAt(h, 'guid')),
      }
    }
    default:
      return undefined // reported by the validator (the schema's choice of keys)
  }
}

function rangeOf(o: CheckedObject | undefined): Range {
  return { ...optional('min', numberAt(o, 'min')), ...optional('max', numberAt(o, 'max')) }
}
