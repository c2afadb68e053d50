import { LdapDecodeError } from '../errors.js'
import { MAX_FILTER_DEPTH } from './filter.js'
import type { Filter } from './filter.js'

/**
 * RFC 4515 string representation of search filters: `parseFilter` (string → Filter) and
 * `formatFilter` (Filter → string).
 *
 * Our own small parser rather than ldapjs's: the codec stays free of the server library and
 * yields the typed Filter with byte-exact assertion values.
 *
 * Accepted beyond the RFC 4515 grammar, because real clients accept it too:
 * - a bare item without the outer parentheses (`objectClass=*`), which libldap wraps;
 * - empty `(&)` and `(|)` (RFC 4526 absolute TRUE / FALSE).
 * Everything else that breaks the grammar is an LdapDecodeError 'LDAP_BAD_FILTER_STRING' whose
 * message names the 1-based column; its `offset` is the 0-based index into the string.
 *
 * @example
 * parseFilter('(&(objectClass=person)(cn=J*n))')
 * // { kind: 'and', filters: [{ kind: 'equalityMatch', attributeDesc: 'objectClass', ... }, ...] }
 * formatFilter({ kind: 'present', attributeDesc: 'objectClass' }) // '(objectClass=*)'
 */
export function parseFilter(text: string): Filter {
  const p = new FilterParser(text)
  const filter = text.charCodeAt(0) === LPAREN ? p.filter(1) : p.item()
  if (p.pos < text.length) {
    throw p.fail(p.pos, `unexpected ${p.describe(p.pos)} after the end of the filter`)
  }
  return filter
}

const LPAREN = 0x28
const RPAREN = 0x29
const STAR = 0x2a
const BACKSLASH = 0x5c

/** RFC 4512 §1.4 / §2.5: descr or numericoid, then options (`;lang-en`). */
const ATTRIBUTE_DESCRIPTION = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)(?:;[A-Za-z0-9-]+)*$/
/** RFC 4515 matchingrule = COLON oid; oid = descr / numericoid (RFC 4512). */
const OID = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)$/

class FilterParser {
  pos = 0
  constructor(readonly text: string) {}

  fail(index: number, what: string): LdapDecodeError {
    const shown = this.text.length > 200 ? `${this.text.slice(0, 200)}…` : this.text
    return new LdapDecodeError('LDAP_BAD_FILTER_STRING', `Bad filter string at column ${index + 1}: ${what} (RFC 4515). The filter was ${JSON.stringify(shown)}.`, {
      offset: index,
    })
  }

  describe(index: number): string {
    if (index >= this.text.length) return 'end of the string'
    return `character '${this.text[index]}'`
  }

  /** filter = LPAREN filtercomp RPAREN */
  filter(depth: number): Filter {
    const open = this.pos
    if (this.text.charCodeAt(open) !== LPAREN) throw this.fail(open, `expected '(' but found ${this.describe(open)}`)
    if (depth > MAX_FILTER_DEPTH) throw this.fail(open, `the filter is nested more than ${MAX_FILTER_DEPTH} levels deep`)
    this.pos++
    let result: Filter
    const c = this.text[this.pos]
    if (c === '&' || c === '|') {
      this.pos++
      const filters: Filter[] = []
      while (this.text.charCodeAt(this.pos) === LPAREN) filters.push(this.filter(depth + 1))
      result = c === '&' ? { kind: 'and', filters } : { kind: 'or', filters }
    } else if (c === '!') {
      this.pos++
      result = { kind: 'not', filter: this.filter(depth + 1) }
    } else {
      result = this.item()
    }
    if (this.text.charCodeAt(this.pos) !== RPAREN) {
      throw this.fail(this.pos, `expected ')' to close the '(' at column ${open + 1} but found ${this.describe(this.pos)}`)
    }
    this.pos++
    return result
  }

  /** item = simple / present / substring / extensible */
  item(): Filter {
    const attrAt = this.pos
    const attr = this.attributeToken()
    const c = this.text[this.pos]
    if (c === ':') return this.extensible(attr, attrAt)
    if (attr.length === 0) throw this.fail(attrAt, `expected an attribute description but found ${this.describe(attrAt)}`)
    this.checkAttribute(attr, attrAt)
    if (c === '=') {
      this.pos++
      return this.equalityOrSubstrings(attr)
    }
    if ((c === '~' || c === '>' || c === '<') && this.text[this.pos + 1] === '=') {
      this.pos += 2
      const assertionValue = this.value(false)
      const kind = c === '~' ? 'approxMatch' : c === '>' ? 'greaterOrEqual' : 'lessOrEqual'
      return { kind, attributeDesc: attr, assertionValue }
    }
    throw this.fail(this.pos, `expected '=', '~=', '>=', '<=' or ':' after the attribute description but found ${this.describe(this.pos)}`)
  }

  private attributeToken(): string {
    const start = this.pos
    while (this.pos < this.text.length && /[A-Za-z0-9.;-]/.test(this.text[this.pos] as string)) this.pos++
    return this.text.slice(start, this.pos)
  }

  private checkAttribute(attr: string, at: number): void {
    if (!ATTRIBUTE_DESCRIPTION.test(attr)) {
      throw this.fail(at, `'${attr}' is not an attribute description (a name such as cn, or a numeric OID, optionally with ;options)`)
    }
  }

  private equalityOrSubstrings(attr: string): Filter {
    const parts = this.valueParts()
    if (parts.length === 1) return { kind: 'equalityMatch', attributeDesc: attr, assertionValue: parts[0] as Uint8Array }
    const first = parts[0] as Uint8Array
    const last = parts[parts.length - 1] as Uint8Array
    if (parts.length === 2 && first.length === 0 && last.length === 0) return { kind: 'present', attributeDesc: attr }
    return {
      kind: 'substrings',
      type: attr,
      initial: first.length > 0 ? first : undefined,
      any: parts.slice(1, -1),
      final: last.length > 0 ? last : undefined,
    }
  }

  /** extensible = ( attr [dnattrs] [matchingrule] COLON EQUALS assertionvalue ) / ( [dnattrs] matchingrule COLON EQUALS assertionvalue ) */
  private extensible(attr: string, attrAt: number): Filter {
    if (attr.length > 0) this.checkAttribute(attr, attrAt)
    let dnAttributes = false
    let matchingRule: string | undefined
    const t = this.text
    if (t.slice(this.pos, this.pos + 3).toLowerCase() === ':dn' && t[this.pos + 3] === ':') {
      dnAttributes = true
      this.pos += 3
    }
    if (t[this.pos] === ':' && t[this.pos + 1] !== '=') {
      const ruleAt = this.pos + 1
      this.pos++
      const rule = this.attributeToken()
      if (!OID.test(rule)) throw this.fail(ruleAt, `'${rule}' is not a matching rule (a name or a numeric OID)`)
      matchingRule = rule
    }
    if (t[this.pos] !== ':' || t[this.pos + 1] !== '=') {
      throw this.fail(this.pos, `expected ':=' in the extensible match but found ${this.describe(this.pos)}`)
    }
    if (attr.length === 0 && matchingRule === undefined) {
      throw this.fail(attrAt, 'an extensible match without an attribute description needs a matching rule (e.g. (:dn:2.5.13.5:=value))')
    }
    this.pos += 2
    const matchValue = this.value(false)
    return { kind: 'extensibleMatch', matchingRule, type: attr.length > 0 ? attr : undefined, matchValue, dnAttributes }
  }

  private value(allowStar: boolean): Uint8Array {
    const parts = this.valueParts()
    if (parts.length > 1 && !allowStar) throw this.fail(this.starAt, "this kind of assertion takes no wildcard: write \\2a for a literal '*'")
    return parts[0] as Uint8Array
  }

  private starAt = 0

  /** The assertion value up to the closing ')', split at unescaped '*'. */
  private valueParts(): Uint8Array[] {
    const t = this.text
    const parts: Uint8Array[] = []
    let bytes: number[] = []
    let firstStar = -1
    while (this.pos < t.length) {
      const code = t.charCodeAt(this.pos)
      if (code === RPAREN) break
      if (code === STAR) {
        if (firstStar < 0) firstStar = this.pos
        parts.push(Uint8Array.from(bytes))
        bytes = []
        this.pos++
      } else if (code === BACKSLASH) {
        const hex = t.slice(this.pos + 1, this.pos + 3)
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
          throw this.fail(this.pos, "a backslash must be followed by two hexadecimal digits (\\2a, \\28, \\29, \\5c, \\00)")
        }
        bytes.push(parseInt(hex, 16))
        this.pos += 3
      } else if (code === LPAREN) {
        throw this.fail(this.pos, "an unescaped '(' in an assertion value; write \\28 instead")
      } else if (code === 0) {
        throw this.fail(this.pos, 'a NUL character in an assertion value; write \\00 instead')
      } else {
        const cp = t.codePointAt(this.pos) as number
        if (cp >= 0xd800 && cp <= 0xdfff) throw this.fail(this.pos, 'a lone UTF-16 surrogate, which has no UTF-8 form')
        pushUtf8(bytes, cp)
        this.pos += cp > 0xffff ? 2 : 1
      }
    }
    parts.push(Uint8Array.from(bytes))
    this.starAt = firstStar
    return parts
  }
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp)
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f))
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
}

/**
 * Writes a Filter in RFC 4515 form. Values that are valid UTF-8 are written as text with NUL,
 * control characters, `(`, `)`, `*` and `\` escaped (`\2a` etc., lower-case hex); values that are
 * not valid UTF-8 have every non-ASCII byte escaped, so that parsing the result gives back the
 * exact bytes. A substrings filter with no parts has no string form and is an
 * LDAP_BAD_FILTER error.
 */
export function formatFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'and':
      return `(&${filter.filters.map(formatFilter).join('')})`
    case 'or':
      return `(|${filter.filters.map(formatFilter).join('')})`
    case 'not':
      return `(!${formatFilter(filter.filter)})`
    case 'equalityMatch':
      return `(${filter.attributeDesc}=${formatValue(filter.assertionValue)})`
    case 'approxMatch':
      return `(${filter.attributeDesc}~=${formatValue(filter.assertionValue)})`
    case 'greaterOrEqual':
      return `(${filter.attributeDesc}>=${formatValue(filter.assertionValue)})`
    case 'lessOrEqual':
      return `(${filter.attributeDesc}<=${formatValue(filter.assertionValue)})`
    case 'present':
      return `(${filter.attributeDesc}=*)`
    case 'substrings': {
      if (filter.initial === undefined && filter.any.length === 0 && filter.final === undefined) {
        throw new LdapDecodeError('LDAP_BAD_FILTER', `The substrings filter on '${filter.type}' has no parts; it has no RFC 4515 string form (it would read as a presence filter).`)
      }
      let s = `(${filter.type}=`
      if (filter.initial !== undefined) s += formatValue(filter.initial)
      s += '*'
      for (const a of filter.any) s += `${formatValue(a)}*`
      if (filter.final !== undefined) s += formatValue(filter.final)
      return `${s})`
    }
    case 'extensibleMatch': {
      let s = `(${filter.type ?? ''}`
      if (filter.dnAttributes) s += ':dn'
      if (filter.matchingRule !== undefined) s += `:${filter.matchingRule}`
      return `${s}:=${formatValue(filter.matchValue)})`
    }
    default: {
      const never: never = filter
      throw new Error(`Unknown filter kind ${(never as { kind: string }).kind}.`)
    }
  }
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })

function hex2(b: number): string {
  return `\\${b.toString(16).padStart(2, '0')}`
}

function mustEscape(code: number): boolean {
  return code < 0x20 || code === 0x7f || code === LPAREN || code === RPAREN || code === STAR || code === BACKSLASH
}

/** An assertion value in RFC 4515 valueencoding. */
export function formatValue(bytes: Uint8Array): string {
  let text: string | undefined
  try {
    text = utf8Strict.decode(bytes)
  } catch {
    text = undefined
  }
  let out = ''
  if (text !== undefined) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      out += mustEscape(code) ? hex2(code) : (text[i] as string)
    }
    return out
  }
  for (const b of bytes) out += b >= 0x80 || mustEscape(b) ? hex2(b) : String.fromCharCode(b)
  return out
}
