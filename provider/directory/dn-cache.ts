import * as DN from '../../protocol/dn/index.js'
import type { Dn, Rdn } from '../../protocol/dn/index.js'

/**
 * Parses DN strings, reusing the parsed parent of recent DNs. Loading a generated directory
 * parses a million DNs that share a few parents (`ou=people,dc=example,dc=com`); parsing only
 * the first RDN and reusing the parent's Rdn objects makes that several times faster and lets
 * protocol/dn's per-RDN comparison keys be computed once per parent instead of once per child.
 *
 * The split is only an optimization: the first RDN ends at the first `,` or `;` outside quotes
 * and not escaped; when that RDN does not parse on its own, the whole DN is parsed, so errors
 * read exactly as protocol/dn words them.
 */
export class DnCache {
  private readonly parents = new Map<string, Dn>()
  private readonly types = new Map<string, string>()
  private readonly limit: number

  constructor(limit = 256) {
    this.limit = limit
  }

  parse(text: string): Dn {
    const cut = firstSeparator(text)
    if (cut <= 0 || cut >= text.length - 1) return DN.parse(text)
    const parentText = text.slice(cut + 1)
    let parent = this.parents.get(parentText)
    if (parent === undefined) {
      parent = DN.parse(parentText)
      if (this.parents.size >= this.limit) this.parents.clear()
      this.parents.set(parentText, parent)
    }
    let rdn
    try {
      rdn = this.simpleRdn(text.slice(0, cut)) ?? DN.parseRdn(text.slice(0, cut))
    } catch {
      return DN.parse(text)
    }
    return DN.child(parent, rdn)
  }

  /**
   * The common `type=value` RDN without escapes, quotes, spaces at the ends or a `#` value,
   * built directly: the type string is shared between entries and the value is a copy that
   * does not keep the whole DN text alive (V8 slices of 13+ characters point into their source).
   */
  private simpleRdn(text: string): Rdn | undefined {
    const m = SIMPLE_RDN.exec(text)
    if (m === null) return undefined
    const typeText = m[1] as string
    let type = this.types.get(typeText)
    if (type === undefined) {
      type = flatCopy(typeText)
      if (this.types.size < this.limit) this.types.set(type, type)
    }
    return DN.createRdn([{ type, value: flatCopy(m[2] as string) }])
  }
}

/** One AVA: a descriptor, `=`, then a value with nothing RFC 4514 would need escaped. */
const SIMPLE_RDN = /^([A-Za-z][A-Za-z0-9-]*)=([^\\"+,;<>=#\s\u0000][^\\"+,;<>=\u0000]*(?<!\s))$/

/** A string that shares no memory with the one it was cut from. */
export function flatCopy(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8')
}

/** Index of the first unescaped, unquoted RDN separator, or -1. */
function firstSeparator(text: string): number {
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x5c) i++ // '\' escapes the next character (a hex pair's digits are no separators)
    else if (c === 0x22) quoted = !quoted
    else if (!quoted && (c === 0x2c || c === 0x3b)) return i
  }
  return -1
}
