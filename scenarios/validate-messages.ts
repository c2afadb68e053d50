/**
 * The wording of structural problems: where a value sits (`directory.generate.count`), what it
 * is, and what the schema expects there.
 */
import type { JsonType, SchemaNode } from './schema.js'

const TYPE_NAMES: Readonly<Record<JsonType, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'no value',
}

/** `directory.ldif[0]`, `timeline[2].on`, or "the scenario" for the top level. */
export function label(path: string): string {
  return path === '' ? 'the scenario' : path
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path === '' ? key : `${path}.${key}`
}

/** `a list`, `the string "abc"`, `the number 4.5`, `true`, `no value`. */
export function describeInstance(type: JsonType, value: unknown): string {
  switch (type) {
    case 'string': {
      const text = value as string
      return `the string ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)}`
    }
    case 'integer':
    case 'number':
      return `the number ${String(value)}`
    case 'boolean':
      return String(value)
    default:
      return TYPE_NAMES[type]
  }
}

/** "a string or a mapping" from a set of accepted types (integer folds into number). */
export function describeTypes(types: Iterable<JsonType>): string {
  const list = [...new Set(types)]
  const shown = list.includes('number') ? list.filter((t) => t !== 'integer') : list
  const names = shown.map((t) => TYPE_NAMES[t])
  if (names.length <= 1) return names[0] ?? 'a value'
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
}

/** Longest list of names written out in full; longer ones are cut (the schema and docs have them all). */
const LIST_LIMIT = 12

/** `a, b, c`; a long list cut to its first names and its length. */
export function describeEnum(values: readonly unknown[]): string {
  const names = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
  if (names.length <= LIST_LIMIT) return names.join(', ')
  return `${names.slice(0, 8).join(', ')} … (${names.length} in all)`
}

/**
 * The schema's noun for a value, from its `title`: `timeline[0].on (a trigger)`; nothing at the
 * top level or where the path already says it (`directory`, `…do[0].modify`).
 */
export function titleSuffix(schema: SchemaNode, path: string): string {
  const title = schema.title
  if (title === undefined || path === '' || path === title || path.endsWith(`.${title}`)) return ''
  return ` (${article(title)} ${title})`
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? 'an' : 'a'
}

/** `at least 1`, `at most 4`, `between 0 and 1`. */
export function describeRange(schema: SchemaNode): string {
  const { minimum, maximum } = schema
  if (minimum !== undefined && maximum !== undefined) return `between ${minimum} and ${maximum}`
  if (minimum !== undefined) return `at least ${minimum}`
  return `at most ${String(maximum)}`
}

/** A hint for common type slips: a number where a string belongs, a key with nothing after it. */
export function typeHint(actual: JsonType, expected: ReadonlySet<JsonType>, source: string | undefined): string | undefined {
  if ((actual === 'number' || actual === 'integer') && expected.has('string') && source !== undefined) return `quote it: "${source}"`
  if (actual === 'boolean' && expected.has('string') && source !== undefined) return `YAML reads ${source} as a boolean; quote it: "${source}"`
  if (actual === 'string' && (expected.has('integer') || expected.has('number')) && expected.size === 1) return 'write the number without quotes'
  return undefined
}
