/**
 * scenarios/schema.json, the one description of the text form. Editors read it directly
 * (`# yaml-language-server: $schema=…`); the validator interprets it. The validator implements
 * exactly the keywords listed in SCHEMA_KEYWORDS, and schema.test.ts checks that the schema uses
 * no others, so nothing in the schema is silently ignored.
 */
import { readFileSync } from 'node:fs'

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null'

export interface SchemaNode {
  readonly $ref?: string
  readonly title?: string
  readonly description?: string
  readonly type?: JsonType | readonly JsonType[]
  readonly enum?: readonly (string | number | boolean | null)[]
  readonly properties?: Readonly<Record<string, SchemaNode>>
  readonly additionalProperties?: false | SchemaNode
  readonly propertyNames?: SchemaNode
  readonly required?: readonly string[]
  readonly minProperties?: number
  readonly oneOf?: readonly SchemaNode[]
  readonly anyOf?: readonly SchemaNode[]
  readonly items?: SchemaNode
  readonly minItems?: number
  readonly uniqueItems?: boolean
  readonly minLength?: number
  readonly pattern?: string
  readonly format?: string
  readonly minimum?: number
  readonly maximum?: number
  readonly default?: unknown
  readonly examples?: readonly unknown[]
}

export interface RootSchema extends SchemaNode {
  readonly $schema: string
  readonly $id: string
  readonly $defs: Readonly<Record<string, SchemaNode>>
}

/** Keywords the validator implements (the rest of SchemaNode's keys are annotations for people and editors). */
export const SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  '$ref', 'type', 'enum', 'properties', 'additionalProperties', 'propertyNames', 'required', 'minProperties',
  'oneOf', 'anyOf', 'items', 'minItems', 'uniqueItems', 'minLength', 'pattern', 'format', 'minimum', 'maximum',
])

/** Annotation keywords the schema may use besides. */
export const SCHEMA_ANNOTATIONS: ReadonlySet<string> = new Set(['$schema', '$id', '$defs', 'title', 'description', 'default', 'examples'])

/** The path editors use in `# yaml-language-server: $schema=…` lines, relative to the project root. */
export const SCHEMA_PATH = 'scenarios/schema.json'

let loaded: RootSchema | undefined

export function scenarioSchema(): RootSchema {
  loaded ??= JSON.parse(readFileSync(new URL('./schema.json', import.meta.url), 'utf8')) as RootSchema
  return loaded
}

/**
 * A schema with its `$ref` followed (once or more), merged with the keywords written beside the
 * `$ref` (those win), and the name of the last definition it came from.
 */
export interface ResolvedSchema {
  readonly schema: SchemaNode
  readonly def?: string
}

const resolvedCache = new WeakMap<SchemaNode, ResolvedSchema>()

export function resolveSchema(root: RootSchema, schema: SchemaNode): ResolvedSchema {
  // Cached: the same subschema always resolves to the same object, so callers may key maps on it.
  let result = resolvedCache.get(schema)
  if (result === undefined) {
    result = resolveUncached(root, schema)
    resolvedCache.set(schema, result)
  }
  return result
}

function resolveUncached(root: RootSchema, schema: SchemaNode): ResolvedSchema {
  let current = schema
  let def: string | undefined
  const siblings: SchemaNode[] = []
  for (let hops = 0; current.$ref !== undefined; hops++) {
    if (hops > 32) throw new Error(`The scenario schema's $ref chain at ${current.$ref} does not end.`)
    const name = /^#\/\$defs\/([A-Za-z0-9_-]+)$/.exec(current.$ref)?.[1]
    const target = name === undefined ? undefined : root.$defs[name]
    if (name === undefined || target === undefined) throw new Error(`The scenario schema refers to ${current.$ref}, which it does not define.`)
    const { $ref: _ref, ...rest } = current
    siblings.unshift(rest)
    def = name
    current = target
  }
  const merged = siblings.length === 0 ? current : Object.assign({}, current, ...siblings) as SchemaNode
  return def === undefined ? { schema: merged } : { schema: merged, def }
}

/** The JSON types a schema accepts, following `$ref`, `enum` and `oneOf`; undefined = any. */
export function acceptedTypes(root: RootSchema, schema: SchemaNode): ReadonlySet<JsonType> | undefined {
  const s = resolveSchema(root, schema).schema
  if (s.type !== undefined) return new Set(typeof s.type === 'string' ? [s.type] : s.type)
  if (s.enum !== undefined) return new Set(s.enum.map(jsonTypeOf))
  if (s.oneOf !== undefined && !isKeyChoice(s.oneOf)) {
    const out = new Set<JsonType>()
    for (const branch of s.oneOf) {
      const types = acceptedTypes(root, branch)
      if (types === undefined) return undefined
      types.forEach((t) => out.add(t))
    }
    return out
  }
  return undefined
}

/** True for `oneOf`/`anyOf` lists whose branches only say `required: [key]`: a choice among keys. */
export function isKeyChoice(branches: readonly SchemaNode[]): boolean {
  return branches.every((b) => Object.keys(b).length === 1 && b.required !== undefined && b.required.length === 1)
}

/** The keys of a key choice, in schema order. */
export function choiceKeys(branches: readonly SchemaNode[]): string[] {
  return branches.map((b) => (b.required as readonly string[])[0] as string)
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  switch (typeof value) {
    case 'string':
      return 'string'
    case 'boolean':
      return 'boolean'
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number'
    default:
      return 'object'
  }
}

/** Whether a schema that accepts `accepted` takes an instance of type `actual` (integers are numbers). */
export function typeAccepts(accepted: ReadonlySet<JsonType>, actual: JsonType): boolean {
  return accepted.has(actual) || (actual === 'integer' && accepted.has('number'))
}
