import type { ExtensibleMatchFilter, Filter, SubstringsFilter } from '../../protocol/ldap/filter.js'
import type { AttributeDescription } from './attribute-description.js'
import { describeAttribute, reaches, tryDescribeAttribute } from './attribute-description.js'
import type { AttributeRule } from './attribute-rules.js'
import { extensibleRule, isListedType, ruleFor, textOf } from './attribute-rules.js'
import type { StoredValues } from './attribute-shape.js'
import { valuesOf } from './attribute-shape.js'
import type { Entry } from './entry.js'
import { operationalAttribute, valuesReached } from './operational.js'
import type { AttributeValue } from './types.js'

/**
 * Filter evaluation with RFC 4511 §4.5.1.7's three values: TRUE, FALSE and Undefined. An item
 * is Undefined when the attribute type is unknown (no schema: neither in the rules table, nor an
 * operational attribute, nor ever stored in this directory — slapd also treats an unknown type as
 * Undefined in a presence filter), when its rule has no such match (ordering on a DN, substrings
 * on objectClass), or when the assertion value is not valid for the rule. `not` keeps Undefined
 * Undefined; `and` is FALSE if any part is, `or` TRUE if any part is; an entry is returned only
 * when the whole filter is TRUE. Approximate match is equality.
 */
export type FilterResult = 'TRUE' | 'FALSE' | 'UNDEFINED'

const FALSE = 0
const TRUE = 1
const UNDEFINED = 2
type Tri = typeof FALSE | typeof TRUE | typeof UNDEFINED
const NAMES: readonly FilterResult[] = ['FALSE', 'TRUE', 'UNDEFINED']

export interface FilterEnvironment {
  /** Whether an attribute type (base key) is known although no rule lists it. */
  readonly knows: (baseKey: string) => boolean
  /** The contextCSN values a naming context's entry shows. */
  readonly contextCsn: () => readonly string[]
}

export type CompiledFilter = (entry: Entry) => FilterResult

/** The standalone environment: known types are the listed and operational ones plus the entry's own. */
const LOOSE: FilterEnvironment = { knows: () => false, contextCsn: () => [] }

/**
 * Evaluates a filter against an entry (live or snapshot).
 *
 * @example evaluateFilter(entry, parseFilter('(!(missingAttr=x))')) // 'UNDEFINED'
 */
export function evaluateFilter(entry: Entry, filter: Filter, env: FilterEnvironment = LOOSE): FilterResult {
  return compileFilter(filter, env)(entry)
}

/** Whether the filter is TRUE for the entry (what a search returns). */
export function matchesFilter(entry: Entry, filter: Filter, env: FilterEnvironment = LOOSE): boolean {
  return evaluateFilter(entry, filter, env) === 'TRUE'
}

/** Prepares a filter once for many entries (assertion values normalized once). */
export function compileFilter(filter: Filter, env: FilterEnvironment): CompiledFilter {
  const test = compile(filter, env)
  return (entry) => NAMES[test(entry)] as FilterResult
}

type Test = (entry: Entry) => Tri
const always = (result: Tri): Test => () => result

function known(d: AttributeDescription, env: FilterEnvironment, entry: Entry | undefined): boolean {
  if (isListedType(d.base) || operationalAttribute(d.base) !== undefined || env.knows(d.base)) return true
  return entry !== undefined && entry.shape.bases.includes(d.base)
}

function compile(f: Filter, env: FilterEnvironment): Test {
  switch (f.kind) {
    case 'and': {
      const parts = f.filters.map((g) => compile(g, env))
      return (e) => {
        let result: Tri = TRUE
        for (const p of parts) {
          const r = p(e)
          if (r === FALSE) return FALSE
          if (r === UNDEFINED) result = UNDEFINED
        }
        return result
      }
    }
    case 'or': {
      const parts = f.filters.map((g) => compile(g, env))
      return (e) => {
        let result: Tri = FALSE
        for (const p of parts) {
          const r = p(e)
          if (r === TRUE) return TRUE
          if (r === UNDEFINED) result = UNDEFINED
        }
        return result
      }
    }
    case 'not': {
      const inner = compile(f.filter, env)
      return (e) => {
        const r = inner(e)
        return r === UNDEFINED ? UNDEFINED : r === TRUE ? FALSE : TRUE
      }
    }
    case 'present': {
      const d = tryDescribeAttribute(f.attributeDesc)
      if (d === undefined) return always(UNDEFINED)
      return (e) => {
        if (!known(d, env, e)) return UNDEFINED
        const values = valuesReached(e, d, env.contextCsn())
        return values !== undefined && values.length > 0 ? TRUE : FALSE
      }
    }
    case 'equalityMatch':
    case 'approxMatch':
      return compareItem(f.attributeDesc, f.assertionValue, env, (_rule, a) => (v) => v === a)
    case 'greaterOrEqual':
      return compareItem(f.attributeDesc, f.assertionValue, env, (rule, a) =>
        rule.compare === undefined ? undefined : (v) => (rule.compare as NonNullable<AttributeRule['compare']>)(v, a) >= 0)
    case 'lessOrEqual':
      return compareItem(f.attributeDesc, f.assertionValue, env, (rule, a) =>
        rule.compare === undefined ? undefined : (v) => (rule.compare as NonNullable<AttributeRule['compare']>)(v, a) <= 0)
    case 'substrings':
      return substringsItem(f, env)
    case 'extensibleMatch':
      return extensibleItem(f, env)
    default: {
      const never: never = f
      throw new Error(`Unknown filter kind ${JSON.stringify((never as Filter).kind)}.`)
    }
  }
}

/** Runs `accept` over normalized values: TRUE if one passes, Undefined if one could not be normalized. */
function anyValue(values: readonly AttributeValue[] | undefined, rule: AttributeRule, accept: (normalized: string) => boolean): Tri {
  if (values === undefined || values.length === 0) return FALSE
  let result: Tri = FALSE
  for (const v of values) {
    const n = rule.normalize(v)
    if (n === undefined) result = UNDEFINED
    else if (accept(n)) return TRUE
  }
  return result
}

function compareItem(
  type: string,
  assertion: Uint8Array,
  env: FilterEnvironment,
  make: (rule: AttributeRule, normalizedAssertion: string) => ((normalized: string) => boolean) | undefined,
): Test {
  const d = tryDescribeAttribute(type)
  if (d === undefined) return always(UNDEFINED)
  const rule = ruleFor(d.base)
  const a = rule.normalize(rule.name === 'octetString' ? assertion : textOf(assertion) ?? assertion)
  const accept = a === undefined ? undefined : make(rule, a)
  return (e) => {
    if (!known(d, env, e) || accept === undefined) return UNDEFINED
    return anyValue(valuesReached(e, d, env.contextCsn()), rule, accept)
  }
}

function substringsItem(f: SubstringsFilter, env: FilterEnvironment): Test {
  const d = tryDescribeAttribute(f.type)
  if (d === undefined) return always(UNDEFINED)
  const rule = ruleFor(d.base)
  const prepare = rule.substring
  const piece = (bytes: Uint8Array | undefined): string | undefined => {
    if (bytes === undefined) return ''
    const text = textOf(bytes)
    return text === undefined || prepare === undefined ? undefined : prepare(text)
  }
  const initial = piece(f.initial)?.trimStart()
  const final = piece(f.final)?.trimEnd()
  const any = f.any.map(piece)
  const valid = prepare !== undefined && initial !== undefined && final !== undefined && any.every((p) => p !== undefined)
  const accept = (v: string): boolean => {
    if (!v.startsWith(initial as string)) return false
    let at = (initial as string).length
    for (const p of any as string[]) {
      const found = v.indexOf(p, at)
      if (found < 0) return false
      at = found + p.length
    }
    return v.length - at >= (final as string).length && v.endsWith(final as string)
  }
  return (e) => {
    if (!known(d, env, e) || !valid) return UNDEFINED
    return anyValue(valuesReached(e, d, env.contextCsn()), rule, accept)
  }
}

/**
 * RFC 4511 §4.5.1.7.7: with a type, the rule (or the type's equality rule) is applied to the
 * type's values; without one, to every user attribute; dnAttributes adds the AVAs of the DN.
 */
function extensibleItem(f: ExtensibleMatchFilter, env: FilterEnvironment): Test {
  const named = f.matchingRule === undefined ? undefined : extensibleRule(f.matchingRule)
  const d = f.type === undefined ? undefined : tryDescribeAttribute(f.type)
  if ((f.matchingRule !== undefined && named === undefined) || (f.type !== undefined && d === undefined)) return always(UNDEFINED)
  if (d === undefined && named === undefined) return always(UNDEFINED)
  const assertionFor = (rule: AttributeRule): string | undefined =>
    rule.normalize(rule.name === 'octetString' ? f.matchValue : textOf(f.matchValue) ?? f.matchValue)
  return (e) => {
    if (d !== undefined && !known(d, env, e)) return UNDEFINED
    let result: Tri = FALSE
    const consider = (base: string, values: readonly AttributeValue[]): boolean => {
      const rule = named ?? ruleFor(base)
      const a = assertionFor(rule)
      if (a === undefined) {
        result = UNDEFINED
        return false
      }
      const r = anyValue(values, rule, (n) => n === a)
      if (r === UNDEFINED) result = UNDEFINED
      return r === TRUE
    }
    if (d !== undefined) {
      if (consider(d.base, valuesReached(e, d, env.contextCsn()) ?? [])) return TRUE
    } else {
      for (let i = 0; i < e.shape.size; i++) {
        if (consider(e.shape.bases[i] as string, valuesOf(e.values[i] as StoredValues))) return TRUE
      }
    }
    if (f.dnAttributes) {
      for (const rdn of e.dn) {
        for (const ava of rdn) {
          if (ava.hex !== undefined) continue
          const ad = describeAttribute(ava.type)
          if (d !== undefined && !reaches(d, ad.key, ad.base)) continue
          if (consider(ad.base, [ava.value])) return TRUE
        }
      }
    }
    return result
  }
}
