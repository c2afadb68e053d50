/**
 * The structural check: walks the YAML nodes against scenarios/schema.json and reports every
 * problem with the position of the offending node (the key for unknown keys, the value for
 * wrong values, the mapping for missing keys). The result is the document as plain values with
 * every invalid part left out, and the positions of everything kept, for the builder.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml'
import type { Pair, YAMLMap, YAMLSeq } from 'yaml'
import { didYouMeanHint } from './did-you-mean.js'
import type { ScenarioErrorCode } from './errors.js'
import { FORMATS } from './formats.js'
import { isKnobName, KNOB_NAMES, knobKind } from './knobs.js'
import type { ProblemList } from './problem-list.js'
import { acceptedTypes, choiceKeys, isKeyChoice, jsonTypeOf, resolveSchema, typeAccepts } from './schema.js'
import type { JsonType, RootSchema, SchemaNode } from './schema.js'
import { TreePositions } from './tree-positions.js'
import type { SourceRef } from './types.js'
import {
  childPath, describeEnum, describeInstance, describeRange, describeTypes, label, titleSuffix, typeHint,
} from './validate-messages.js'
import type { YamlNode, YamlSource } from './yaml-source.js'

/** Marks a value left out because it is invalid. */
export const INVALID: unique symbol = Symbol('invalid')
export type Checked = unknown

export interface ValidationResult {
  readonly tree: Checked
  readonly positions: TreePositions
}

/** Aliases nested deeper than this are refused. */
const MAX_DEPTH = 64
/** Nodes checked at most, counting each alias expansion: a YAML "billion laughs" stops here. */
const MAX_VISITS = 100_000

export function validateDocument(src: YamlSource, root: RootSchema, problems: ProblemList): ValidationResult {
  const positions = new TreePositions({ file: src.file, line: 1, column: 1 })
  const validator = new Validator(src, root, problems, positions)
  const tree = validator.check(src.doc.contents, root, '', 0)
  return { tree: tree === INVALID ? undefined : tree, positions }
}

class Validator {
  /** Every node checked so far, and the schemas it was checked against (a node seen twice came through an alias). */
  private readonly visits = new WeakMap<YamlNode, Set<SchemaNode>>()
  private silent = 0
  private readonly merged = new WeakMap<SchemaNode, Map<SchemaNode, SchemaNode>>()
  private visitCount = 0

  constructor(
    private readonly src: YamlSource,
    private readonly root: RootSchema,
    private readonly problems: ProblemList,
    private readonly positions: TreePositions,
  ) {}

  /** @param enumHint a hint for a value not in this schema's enum (set when it came from a oneOf). */
  check(raw: YamlNode | null | undefined, schema: SchemaNode, path: string, depth: number, fallback?: SourceRef, enumHint?: string): Checked | typeof INVALID {
    const node = this.src.deref(raw)
    if (isAlias(raw) && (node === undefined || node === null)) {
      this.report('SCENARIO_YAML_SYNTAX', this.src.at(raw, fallback), `The alias *${raw.source} names no anchor; an anchor (&${raw.source}) must come before its aliases.`)
      return INVALID
    }
    // An alias brings its anchor's node to a second place: check it there too (the value is
    // needed), but report its problems once, at the anchor.
    let again = false
    if (node !== null && node !== undefined) {
      const schemas = this.visits.get(node) ?? new Set<SchemaNode>()
      again = schemas.has(schema)
      schemas.add(schema)
      this.visits.set(node, schemas)
    }
    if (++this.visitCount > MAX_VISITS) {
      // Reported even while repeated alias checks are muted: this is the one problem that ends the check.
      if (this.visitCount === MAX_VISITS + 1) {
        this.problems.add('SCENARIO_TYPE', this.src.at(node, fallback), `The scenario expands to more than ${MAX_VISITS} values (through aliases?); a scenario is never that large.`)
      }
      return INVALID
    }
    if (again) this.silent++
    try {
      return this.checkNode(raw, node, schema, path, depth, fallback, enumHint)
    } finally {
      if (again) this.silent--
    }
  }

  private checkNode(raw: YamlNode | null | undefined, node: YamlNode | null | undefined, schema: SchemaNode, path: string, depth: number,
    fallback: SourceRef | undefined, enumHint: string | undefined): Checked | typeof INVALID {
    const at = this.src.at(node, fallback ?? this.src.at(raw))
    if (depth > MAX_DEPTH) {
      this.report('SCENARIO_TYPE', at, `${label(path)} is nested more than ${MAX_DEPTH} levels deep (through aliases?); a scenario is never that deep.`)
      return INVALID
    }
    const resolved = resolveSchema(this.root, schema)
    const s = resolved.schema
    const type = nodeType(node)
    const value = isScalar(node) ? node.value : undefined

    if (s.oneOf !== undefined && !isKeyChoice(s.oneOf)) {
      const branches = s.oneOf.filter((b) => {
        const types = acceptedTypes(this.root, b)
        return types === undefined || typeAccepts(types, type)
      })
      const branch = branches[0]
      if (branch === undefined) {
        const accepted = acceptedTypes(this.root, s) ?? new Set<JsonType>()
        this.report('SCENARIO_TYPE', at, typeMismatch(path, s, type, value, accepted), this.oneOfHint(s, type, value) ?? typeHint(type, accepted, sourceOf(node)))
        return INVALID
      }
      return this.check(node, this.branchOf(s, branch), path, depth + 1, at, this.oneOfHint(resolved.schema, type, value))
    }

    if (s.enum !== undefined) {
      if (s.enum.includes(value as string) && isScalar(node)) return value
      const candidates = s.enum.filter((v): v is string => typeof v === 'string')
      const shown = type === 'string' ? JSON.stringify(value) : describeInstance(type, value)
      this.report('SCENARIO_UNKNOWN_VALUE', at, `${label(path)} is ${shown}; it must be one of: ${describeEnum(s.enum)}.`,
        enumHint ?? (typeof value === 'string' ? didYouMeanHint(value, candidates) : undefined))
      return INVALID
    }

    const accepted = acceptedTypes(this.root, s)
    if (accepted !== undefined && !typeAccepts(accepted, type)) {
      this.report('SCENARIO_TYPE', at, typeMismatch(path, s, type, value, accepted), typeHint(type, accepted, sourceOf(node)))
      return INVALID
    }

    if (isMap(node)) return this.object(node, s, resolved.def, path, depth, at)
    if (isSeq(node)) return this.array(node, s, path, depth, at)
    return this.scalar(value, s, path, at)
  }

  /** A oneOf's chosen branch merged with the keywords beside the oneOf; made once per pair, so checks of one node can tell it again. */
  private branchOf(outer: SchemaNode, branch: SchemaNode): SchemaNode {
    let byBranch = this.merged.get(outer)
    if (byBranch === undefined) {
      byBranch = new Map()
      this.merged.set(outer, byBranch)
    }
    let merged = byBranch.get(branch)
    if (merged === undefined) {
      const { oneOf: _branches, ...rest } = outer
      const inner = resolveSchema(this.root, branch).schema
      merged = { ...rest, ...inner, title: rest.title ?? inner.title }
      byBranch.set(branch, merged)
    }
    return merged
  }

  private report(code: ScenarioErrorCode, at: SourceRef, message: string, hint?: string): void {
    // Messages start with the path, which is "the scenario" at the top level: a sentence still starts with a capital.
    if (this.silent === 0) this.problems.add(code, at, message.replace(/^the /, 'The '), hint)
  }

  private scalar(value: unknown, s: SchemaNode, path: string, at: SourceRef): Checked | typeof INVALID {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        this.report('SCENARIO_TYPE', at, `${label(path)} is ${String(value)}; it must be a finite number.`)
        return INVALID
      }
      if ((s.minimum !== undefined && value < s.minimum) || (s.maximum !== undefined && value > s.maximum)) {
        this.report('SCENARIO_RANGE', at, `${label(path)} is ${value}; it must be ${describeRange(s)}.`)
        return INVALID
      }
    }
    if (typeof value === 'string') {
      if (s.minLength !== undefined && [...value].length < s.minLength) {
        this.report('SCENARIO_FORMAT', at, `${label(path)} is empty; it must not be.`)
        return INVALID
      }
      const checker = s.format === undefined ? undefined : FORMATS[s.format]
      if (checker !== undefined) {
        const error = checker.check(value)
        if (error !== undefined) {
          this.report(checker.code, at, `${label(path)}: ${error}`)
          return INVALID
        }
      } else if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) {
        const example = s.examples?.[0]
        this.report('SCENARIO_FORMAT', at, `${label(path)} is ${JSON.stringify(value)}, which is not of the form ${s.pattern}${s.description ? ` (${firstSentence(s.description)})` : ''}.`,
          example === undefined ? undefined : `for example ${JSON.stringify(example)}`)
        return INVALID
      }
    }
    return value
  }

  private array(node: YAMLSeq, s: SchemaNode, path: string, depth: number, at: SourceRef): Checked {
    const out: unknown[] = []
    this.positions.container(out, at)
    const seen = new Map<unknown, number>()
    node.items.forEach((item, index) => {
      if (this.visitCount > MAX_VISITS) return
      const itemNode = this.src.deref(item as YamlNode)
      const itemAt = this.src.at(itemNode, at)
      const itemPath = childPath(path, index)
      const checked = s.items === undefined ? toPlain(itemNode) : this.check(item as YamlNode, s.items, itemPath, depth + 1, at)
      out.push(checked === INVALID ? undefined : checked)
      this.positions.child(out, index, itemAt, undefined, sourceOf(itemNode))
      if (s.uniqueItems === true && checked !== INVALID && isScalar(itemNode)) {
        const first = seen.get(checked)
        if (first !== undefined) {
          this.report('SCENARIO_DUPLICATE_VALUE', itemAt, `${label(path)} lists ${JSON.stringify(checked)} twice (items ${first} and ${index}); each may appear once.`)
        } else {
          seen.set(checked, index)
        }
      }
    })
    if (s.minItems !== undefined && node.items.length < s.minItems) {
      this.report('SCENARIO_RANGE', at, `${label(path)} is an empty list; it needs at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}.`)
    }
    return out
  }

  private object(node: YAMLMap, s: SchemaNode, def: string | undefined, path: string, depth: number, at: SourceRef): Checked {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    this.positions.container(out, at)
    const knobs = def === 'knobs'
    const known = knobs ? KNOB_NAMES : Object.keys(s.properties ?? {})
    const present: string[] = []
    const suggested = new Set<string>()
    let unknownKeys = 0
    node.items.forEach((pair: Pair, index) => {
      if (this.visitCount > MAX_VISITS) return
      const keyNode = this.src.deref(pair.key as YamlNode)
      const keyAt = this.src.at(keyNode, at)
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        this.report('SCENARIO_TYPE', keyAt, `A key in ${label(path)} is ${describeInstance(nodeType(keyNode), undefined)}; keys must be plain names.`)
        return
      }
      const key = String(keyNode.value)
      const valueNode = pair.value as YamlNode | null
      const valuePath = childPath(path, key)
      let valueSchema: SchemaNode | undefined = knobs ? (isKnobName(key) ? (s.properties?.[key] ?? { type: knobKind(key) }) : undefined) : s.properties?.[key]
      if (valueSchema === undefined && !knobs && s.additionalProperties !== undefined && s.additionalProperties !== false) {
        const names = s.propertyNames
        if (names?.pattern !== undefined && !new RegExp(names.pattern, 'u').test(key)) {
          this.report('SCENARIO_FORMAT', keyAt, `"${key}" cannot be a key of ${label(path)}: ${firstSentence(names.description ?? `keys must match ${names.pattern}`)}.`)
          return
        }
        valueSchema = s.additionalProperties
      }
      if (valueSchema === undefined) {
        unknownKeys++
        const commaHint = this.flowCommaHint(node, index, key)
        // The value before the comma was cut short: leave it out rather than build on half a DN.
        if (commaHint !== undefined) delete out[String((node.items[index - 1]?.key as { value?: unknown } | undefined)?.value)]
        const hint = key === '<<' ? 'merge keys (<<) are YAML 1.1, not 1.2; alias a whole value instead' : didYouMeanHint(key, known) ?? commaHint
        const match = hint === undefined ? undefined : /"(.*)"/.exec(hint)?.[1]
        if (match !== undefined) suggested.add(match)
        if (knobs) {
          this.report('SCENARIO_KNOB', keyAt, `Unknown dialect knob "${key}" in ${label(path)}; the knobs are ${describeEnum(known)}.`, hint)
        } else {
          const where = path === '' ? 'Unknown top-level key' : `Unknown key`
          const inWhat = path === '' ? '; a scenario takes' : ` in ${label(path)}; it takes`
          this.report('SCENARIO_UNKNOWN_KEY', keyAt, `${where} "${key}"${inWhat} ${known.length === 0 ? 'no keys' : describeEnum(known)}.`, hint)
        }
        return
      }
      present.push(key)
      const checked = this.check(valueNode, valueSchema, valuePath, depth + 1, keyAt)
      const valueAt = this.src.at(this.src.deref(valueNode), keyAt)
      this.positions.child(out, key, valueAt, keyAt, sourceOf(this.src.deref(valueNode)))
      if (checked !== INVALID) out[key] = checked
    })
    for (const key of s.required ?? []) {
      if (!present.includes(key) && !suggested.has(key)) {
        const description = s.properties?.[key] === undefined ? undefined : resolveSchema(this.root, s.properties[key] as SchemaNode).schema.description
        this.report('SCENARIO_MISSING_KEY', at, `${label(path)}${titleSuffix(s, path)} needs the key "${key}"${description ? `: ${firstSentence(description)}` : ''}.`)
      }
    }
    this.choice(s.oneOf, 'exactly', present, unknownKeys, node, s, path, at)
    this.choice(s.anyOf, 'at least', present, unknownKeys, node, s, path, at)
    if (s.minProperties !== undefined && present.length < s.minProperties && unknownKeys === 0) {
      this.report('SCENARIO_CHOICE', at, `${label(path)} is empty; it needs at least ${s.minProperties} ${knobs ? 'knob' : 'key'}.`)
    }
    return out
  }

  private choice(branches: readonly SchemaNode[] | undefined, how: 'exactly' | 'at least', present: string[], unknownKeys: number,
    node: YAMLMap, s: SchemaNode, path: string, at: SourceRef): void {
    if (branches === undefined || !isKeyChoice(branches)) return
    const keys = choiceKeys(branches)
    const chosen = present.filter((k) => keys.includes(k))
    if (chosen.length === 0 && unknownKeys === 0) {
      this.report('SCENARIO_CHOICE', at, `${label(path)}${titleSuffix(s, path)} needs ${how} one of: ${keys.join(', ')}.`)
    } else if (how === 'exactly' && chosen.length > 1) {
      const second = chosen[1] as string
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === second)
      this.report('SCENARIO_CHOICE', this.src.at(pair?.key as YamlNode | undefined, at),
        `${label(path)}${titleSuffix(s, path)} has both "${chosen[0]}" and "${second}"; it takes exactly one of: ${keys.join(', ')}.`,
        path.includes('.do') || path.endsWith('do') ? 'put each action in its own list item' : undefined)
    }
  }

  /** `{ suffix: dc=example,dc=com }`: in a flow mapping the comma ended the DN and `dc=com` became a key. */
  private flowCommaHint(node: YAMLMap, index: number, key: string): string | undefined {
    if (node.flow !== true || !key.includes('=') || index === 0) return undefined
    const previous = node.items[index - 1]
    if (!isScalar(previous?.value) || typeof previous.value.value !== 'string' || !previous.value.value.includes('=')) return undefined
    return `inside { … } a comma ends a plain value; quote the DN: "${previous.value.value},${key}${this.restOfDn(node, index + 1)}"`
  }

  private restOfDn(node: YAMLMap, from: number): string {
    let rest = ''
    for (const pair of node.items.slice(from)) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || !pair.key.value.includes('=') || pair.value !== null) break
      rest += `,${pair.key.value}`
    }
    return rest
  }

  /** `on: entrySent` where only `{ entrySent: … }` exists: say so. */
  private oneOfHint(s: SchemaNode, type: JsonType, value: unknown): string | undefined {
    if (type !== 'string' || typeof value !== 'string') return undefined
    for (const branch of s.oneOf ?? []) {
      const b = resolveSchema(this.root, branch).schema
      if (b.properties?.[value] !== undefined) return `${value} needs options: write { ${value}: … }`
    }
    return undefined
  }
}

function typeMismatch(path: string, s: SchemaNode, type: JsonType, value: unknown, accepted: ReadonlySet<JsonType>): string {
  const what = type === 'null' ? 'has no value' : `is ${describeInstance(type, value)}`
  return `${label(path)}${titleSuffix(s, path)} ${what}, but it must be ${describeTypes(accepted)}.`
}

function nodeType(node: YamlNode | null | undefined): JsonType {
  if (node === null || node === undefined) return 'null'
  if (isMap(node)) return 'object'
  if (isSeq(node)) return 'array'
  if (isScalar(node)) {
    const v = node.value
    if (typeof v === 'number' && !Number.isInteger(v)) return 'number'
    return jsonTypeOf(v instanceof Uint8Array ? String(v) : v)
  }
  return 'null'
}

function sourceOf(node: YamlNode | null | undefined): string | undefined {
  if (!isScalar(node) || typeof node.value === 'string') return undefined
  return node.source
}

function toPlain(node: YamlNode | null | undefined): unknown {
  return node === null || node === undefined ? null : node.toJSON()
}

function firstSentence(text: string): string {
  const end = text.search(/(?<!e\.g|i\.e)\.(\s|$)/)
  return (end < 0 ? text : text.slice(0, end)).replace(/`/g, '')
}
