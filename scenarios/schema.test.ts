import { describe, expect, it } from 'vitest'
import { DIALECTS } from '../provider/sync/presets.js'
import { RESULT_CODE_NAMES } from './build-values.js'
import { FORMATS } from './formats.js'
import { KNOB_NAMES, knobKind } from './knobs.js'
import {
  acceptedTypes, isKeyChoice, resolveSchema, SCHEMA_ANNOTATIONS, SCHEMA_KEYWORDS, scenarioSchema,
} from './schema.js'
import type { JsonType, SchemaNode } from './schema.js'
import type { DialectName, FaultKind, ScriptMessage, Trigger } from './types.js'

const root = scenarioSchema()

/** Every subschema with the JSON path that leads to it. */
function* walk(schema: SchemaNode, path: string): Generator<[SchemaNode, string]> {
  yield [schema, path]
  for (const [name, child] of Object.entries(schema.properties ?? {})) yield* walk(child, `${path}/properties/${name}`)
  if (typeof schema.additionalProperties === 'object') yield* walk(schema.additionalProperties, `${path}/additionalProperties`)
  if (schema.propertyNames) yield* walk(schema.propertyNames, `${path}/propertyNames`)
  if (schema.items) yield* walk(schema.items, `${path}/items`)
  for (const [i, b] of (schema.oneOf ?? []).entries()) yield* walk(b, `${path}/oneOf/${i}`)
  for (const [i, b] of (schema.anyOf ?? []).entries()) yield* walk(b, `${path}/anyOf/${i}`)
}

const ALL: [SchemaNode, string][] = [...walk(root, '#'), ...Object.entries(root.$defs).flatMap(([name, def]) => [...walk(def, `#/$defs/${name}`)])]

/** A list written here must equal the union type it names, or this file does not compile. */
function exactly<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): readonly string[] => list
}

describe('scenarios/schema.json', () => {
  it('is draft 2020-12 and uses only keywords the validator implements (the rest are annotations)', () => {
    expect(root.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    for (const [schema, path] of ALL) {
      for (const key of Object.keys(schema)) {
        expect(SCHEMA_KEYWORDS.has(key) || SCHEMA_ANNOTATIONS.has(key), `${path} uses "${key}"`).toBe(true)
      }
    }
  })

  it('closes every mapping: additionalProperties false, or a dictionary with propertyNames', () => {
    for (const [schema, path] of ALL) {
      if (schema.type !== 'object') continue
      const closed = schema.additionalProperties === false || (typeof schema.additionalProperties === 'object' && schema.propertyNames !== undefined)
      expect(closed, path).toBe(true)
    }
  })

  it('documents every key, and every definition', () => {
    for (const [schema, path] of ALL) {
      for (const [name, child] of Object.entries(schema.properties ?? {})) {
        expect(resolveSchema(root, child).schema.description, `${path}/properties/${name}`).toMatch(/\S/)
      }
    }
    for (const [name, def] of Object.entries(root.$defs)) expect(def.description, name).toMatch(/\S/)
  })

  it('resolves every $ref and uses every definition', () => {
    const used = new Set<string>()
    for (const [schema] of ALL) {
      if (schema.$ref === undefined) continue
      const r = resolveSchema(root, schema)
      if (r.def !== undefined) used.add(r.def)
    }
    expect([...Object.keys(root.$defs)].filter((d) => !used.has(d))).toEqual([])
  })

  it('has oneOf branches told apart by their JSON type, or choices of one key', () => {
    for (const [schema, path] of ALL) {
      if (schema.oneOf === undefined || isKeyChoice(schema.oneOf)) continue
      const seen = new Set<JsonType>()
      for (const branch of schema.oneOf) {
        const types = acceptedTypes(root, branch)
        expect(types, `${path}: a branch accepts any type`).toBeDefined()
        for (const t of types ?? []) {
          const clash = seen.has(t) || (t === 'integer' && seen.has('number')) || (t === 'number' && seen.has('integer'))
          expect(clash, `${path}: two branches accept ${t}`).toBe(false)
          seen.add(t)
        }
      }
    }
    for (const [schema, path] of ALL) {
      if (schema.anyOf !== undefined) expect(isKeyChoice(schema.anyOf), path).toBe(true)
    }
  })

  it('names only formats the validator checks', () => {
    for (const [schema, path] of ALL) {
      if (schema.format !== undefined) expect(FORMATS[schema.format], `${path} format ${schema.format}`).toBeDefined()
    }
  })

  it('lists exactly the knobs of provider/sync/dialect.ts, accepting every preset value of provider/sync/presets.ts', () => {
    const knobs = root.$defs.knobs?.properties ?? {}
    expect(Object.keys(knobs).sort()).toEqual([...KNOB_NAMES].sort())
    for (const [dialect, preset] of Object.entries(DIALECTS)) {
      for (const name of KNOB_NAMES) {
        const s = knobs[name] as SchemaNode
        const value = (preset as unknown as Record<string, unknown>)[name]
        const where = `${dialect}.${name}`
        if (s.enum !== undefined) {
          expect(s.enum, where).toContain(value)
          continue
        }
        expect(s.type, where).toBe(knobKind(name))
        if (typeof value === 'number' && s.minimum !== undefined) expect(value, where).toBeGreaterThanOrEqual(s.minimum)
        if (typeof value === 'string' && s.pattern !== undefined) expect(value, where).toMatch(new RegExp(s.pattern, 'u'))
      }
    }
  })

  it('matches the unions of scenarios/types.ts and the result code names of protocol/ldap', () => {
    const enumOf = (path: string): readonly unknown[] => {
      const [, ...parts] = path.split('/')
      let s: unknown = root
      for (const p of parts) s = (s as Record<string, unknown>)[p]
      return resolveSchema(root, s as SchemaNode).schema.enum ?? []
    }
    expect(enumOf('#/$defs/dialect')).toEqual(exactly<DialectName>()(['openldap', '389ds', 'apacheds', 'strict-rfc']))
    expect(enumOf('#/$defs/dialect')).toEqual(Object.keys(DIALECTS))
    expect(enumOf('#/$defs/faultKind')).toEqual(
      exactly<FaultKind>()(['delay', 'stall', 'close', 'reset', 'truncate', 'byteByByte', 'duplicate', 'wrongMessageId', 'garbage']))
    const triggerObject = root.$defs.trigger?.oneOf?.[1] as SchemaNode
    expect([...enumOf('#/$defs/trigger/oneOf/0'), 'start', ...Object.keys(triggerObject.properties ?? {})].filter((v, i, a) => a.indexOf(v) === i).sort())
      .toEqual([...exactly<Trigger['on']>()(['start', 'time', 'connectionOpened', 'bind', 'syncRequest', 'entrySent', 'refreshDone', 'persistStarted', 'idle', 'after'])].sort())
    const message = root.$defs.message as SchemaNode
    expect(Object.keys(message.properties ?? {})).toEqual(exactly<ScriptMessage['kind']>()(['entry', 'syncInfo', 'done', 'extended', 'raw']))
    expect(enumOf('#/$defs/resultCode/oneOf/1')).toEqual(RESULT_CODE_NAMES)
  })

  it('has patterns no stricter than their format checkers', () => {
    const samples: Record<string, string[]> = {
      hex: ['', '00', '0a FF', ' 01:02 ', 'abc', '0 1', '0g', '0x10', '::', '\t01\n'],
      uuid: ['63199adc-7b95-1041-9bf9-193a3b08c68d', '63199ADC-7B95-1041-9BF9-193A3B08C68D', '63199adc7b9510419bf9193a3b08c68d', '63199adc-7b95-1041-9bf9-193a3b08c68', ''],
      duration: ['250ms', '2s', '1.5s', '1m', '0.5ms', '2', '2 s', '-1s', '1h', '1.s', `${2 ** 31}ms`],
    }
    for (const [schema, path] of ALL) {
      if (schema.format === undefined || schema.pattern === undefined) continue
      const checker = FORMATS[schema.format]
      const pattern = new RegExp(schema.pattern, 'u')
      const texts = samples[schema.format]
      expect(texts, `samples for ${schema.format}`).toBeDefined()
      for (const text of texts ?? []) {
        if (checker?.check(text) === undefined) expect(pattern.test(text), `${path}: the pattern refuses ${JSON.stringify(text)}, the checker accepts it`).toBe(true)
      }
    }
  })
})
