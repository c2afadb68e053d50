import { badDnAt, describeChar } from './dn-error.js'
import { hexOf } from './dn-format.js'
import { EMPTY_DN, sealDn, sealRdn } from './dn.js'
import type { Ava, Dn, DnLike, Rdn } from './dn-types.js'
import { decodeEscapedUtf8 } from './escaped-utf8.js'

/**
 * Parses an RFC 4514 DN string.
 *
 * Accepted beyond RFC 4514, because real servers and LDIF files send them and RFC 2253 §4 (and
 * RFC 1779 before it) told implementations to accept them:
 * - spaces (U+0020 only) around `,` `;` `+` `=` and around the whole DN; a value's unescaped
 *   leading and trailing spaces are dropped (write `\ ` to keep one);
 * - `;` as a separator between RDNs (formatted back as `,`);
 * - a value in double quotes, inside which `,` `+` `;` `<` `>` `#` and spaces are literal (the
 *   RFC 2253 grammar's "quotation" form; `\` escapes still work inside);
 * - an `OID.` / `oid.` prefix on a numeric OID type (RFC 2253 §4), dropped;
 * - a string of spaces only, read as the empty DN.
 *
 * Everything else RFC 4514 forbids is an LdapDecodeError `LDAP_BAD_DN` whose message names the
 * column: an unescaped `"` `<` `>` or NUL inside a value, `\` not followed by a special
 * character or two hex digits, `\XX` escapes that are not UTF-8, an empty RDN or AVA, a type
 * that is neither a descriptor nor a numeric OID, a `#` value that is not whole hex pairs, an
 * unpaired UTF-16 surrogate, and the same AVA twice in one RDN.
 *
 * @example parse('cn=Ann+sn=Lee, ou=People;dc=example') // 3 RDNs, the first with 2 AVAs
 */
export function parse(text: string): Dn {
  return new DnParser(text).dn()
}

/**
 * Parses one RDN (`cn=a` or `cn=a+sn=b`), as in a ModifyDN request's newrdn (RFC 4511 §4.9).
 * An unescaped `,` or `;` is an error: that would be more than one RDN.
 */
export function parseRdn(text: string): Rdn {
  return new DnParser(text).singleRdn()
}

/** A DN as given, or the string parsed. */
export function toDn(dn: DnLike): Dn {
  return typeof dn === 'string' ? parse(dn) : dn
}

/** An RDN as given, or the string parsed as one RDN. */
export function toRdn(rdn: Rdn | string): Rdn {
  return typeof rdn === 'string' ? parseRdn(rdn) : rdn
}

/** RFC 4514 §3 `escaped` plus SPACE, SHARP, EQUALS, ESC: what `\` may precede literally. */
const ESCAPABLE = '"+,;<> #=\\'

class DnParser {
  private i = 0

  constructor(private readonly text: string) {}

  dn(): Dn {
    this.skipSpaces()
    if (this.atEnd()) return EMPTY_DN
    const rdns: Rdn[] = []
    for (;;) {
      rdns.push(this.rdn())
      // rdn() stops only at the end or at an RDN separator.
      if (this.atEnd()) return sealDn(rdns)
      this.i++
    }
  }

  singleRdn(): Rdn {
    this.skipSpaces()
    const rdn = this.rdn()
    if (!this.atEnd()) {
      throw this.fail(`expected "+" or the end of the RDN, found ${this.found()} (a single RDN cannot contain an unescaped "," or ";")`)
    }
    return rdn
  }

  /** relativeDistinguishedName = attributeTypeAndValue *( PLUS attributeTypeAndValue ) */
  private rdn(): Rdn {
    const avas: Ava[] = []
    const starts: number[] = []
    for (;;) {
      this.skipSpaces()
      starts.push(this.i)
      avas.push(this.ava())
      if (this.peek() !== '+') break
      this.i++
    }
    return sealRdn(avas, (k) =>
      badDnAt(this.text, starts[k] as number, 'this AVA repeats an earlier AVA of the same RDN (an RDN is a set of distinct AVAs)'),
    )
  }

  /** attributeTypeAndValue = attributeType EQUALS attributeValue, with lax spaces around `=`. */
  private ava(): Ava {
    const type = this.attributeType()
    this.skipSpaces()
    if (this.peek() !== '=') throw this.fail(`expected "=" after the attribute type ${JSON.stringify(type)}, found ${this.found()}`)
    this.i++
    this.skipSpaces()
    const c = this.peek()
    if (c === '#') return this.hexValue(type)
    if (c === '"') return { type, value: this.quotedValue() }
    return { type, value: this.stringValue() }
  }

  /** attributeType = descr / numericoid (RFC 4512 §1.4), or `OID.` numericoid (RFC 2253 §4). */
  private attributeType(): string {
    const start = this.i
    const c = this.peek()
    if (c !== undefined && isAlpha(c)) {
      this.i++
      while (!this.atEnd() && isKeyChar(this.text[this.i] as string)) this.i++
      const descr = this.text.slice(start, this.i)
      if (descr.toLowerCase() === 'oid' && this.peek() === '.') {
        this.i++
        if (!isDigit(this.peek())) throw this.fail(`expected a numeric OID such as "2.5.4.3" after ${JSON.stringify(descr + '.')}, found ${this.found()}`)
        return this.numericOid()
      }
      return descr
    }
    if (isDigit(c)) return this.numericOid()
    throw this.fail(`expected an attribute type (a name such as "cn" or a numeric OID such as "2.5.4.3"), found ${this.found()}`)
  }

  /** numericoid = number 1*( DOT number ); number = DIGIT / ( LDIGIT 1*DIGIT ) (RFC 4512 §1.4) */
  private numericOid(): string {
    const start = this.i
    let arcs = 0
    for (;;) {
      const arcStart = this.i
      if (!isDigit(this.peek())) throw this.fail(`expected a digit in the numeric OID, found ${this.found()}`)
      while (isDigit(this.peek())) this.i++
      if (this.text[arcStart] === '0' && this.i - arcStart > 1) {
        throw badDnAt(this.text, arcStart, 'a number in a numeric OID cannot have a leading zero')
      }
      arcs++
      if (this.peek() !== '.') break
      this.i++
    }
    if (arcs < 2) throw this.fail(`expected "." and more digits (a numeric OID has at least two numbers, as in "2.5"), found ${this.found()}`)
    return this.text.slice(start, this.i)
  }

  /** hexstring = SHARP 1*hexpair: the BER encoding of the value (RFC 4514 §2.4, §3). */
  private hexValue(type: string): Ava {
    this.i++ // '#'
    const bytes: number[] = []
    while (isHex(this.peek())) {
      if (!isHex(this.text[this.i + 1])) {
        this.i++
        throw this.fail(`expected the second hex digit of a pair, found ${this.found()} (a "#" value is whole pairs of hex digits)`)
      }
      bytes.push(parseInt(this.text.slice(this.i, this.i + 2), 16))
      this.i += 2
    }
    if (bytes.length === 0) {
      throw this.fail(`expected hex digits after "#", found ${this.found()} (a value starting with "#" is hex-encoded BER; write "\\#" for a literal "#")`)
    }
    this.skipSpaces()
    if (!this.atValueEnd()) throw this.fail(`expected a hex digit, "," "+" or the end of the DN after the hex value, found ${this.found()}`)
    const hex = Uint8Array.from(bytes)
    return { type, value: '#' + hexOf(hex), hex }
  }

  /** RFC 2253's `quotation *( quotechar / pair ) quotation`, followed only by spaces. */
  private quotedValue(): string {
    const open = this.i
    this.i++
    let value = ''
    for (;;) {
      const c = this.peek()
      if (c === undefined) throw badDnAt(this.text, open, 'this opening double quote is never closed')
      if (c === '"') break
      if (c === '\\') {
        value += this.escape()
        continue
      }
      value += this.plainChar()
    }
    this.i++
    this.skipSpaces()
    if (!this.atValueEnd()) throw this.fail(`expected "," "+" or the end of the DN after the closing quote, found ${this.found()}`)
    return value
  }

  /**
   * string = [ ( leadchar / pair ) [ *( stringchar / pair ) ( trailchar / pair ) ] ]
   * Leading spaces were skipped by the caller; trailing unescaped spaces are dropped here.
   */
  private stringValue(): string {
    let value = ''
    let significant = 0
    for (;;) {
      const c = this.peek()
      if (c === undefined || c === ',' || c === ';' || c === '+') break
      if (c === '\\') {
        value += this.escape()
        significant = value.length
        continue
      }
      if (c === '"' || c === '<' || c === '>') {
        throw this.fail(`the character ${this.found()} must be escaped inside a value (write "\\${c}")`)
      }
      value += this.plainChar()
      if (c !== ' ') significant = value.length
    }
    return value.slice(0, significant)
  }

  /** pair = ESC ( ESC / special / hexpair ); a run of `\XX` is decoded as UTF-8 together. */
  private escape(): string {
    const next = this.text[this.i + 1]
    if (next !== undefined && ESCAPABLE.includes(next)) {
      this.i += 2
      return next
    }
    if (!isHex(next) || !isHex(this.text[this.i + 2])) {
      this.i++
      if (isHex(next)) this.i++
      throw this.fail(
        `expected two hex digits or one of the characters \\ " + , ; < > # = or space after "\\", found ${this.found()}`,
      )
    }
    const bytes: number[] = []
    const at: number[] = []
    while (this.peek() === '\\' && isHex(this.text[this.i + 1]) && isHex(this.text[this.i + 2])) {
      at.push(this.i)
      bytes.push(parseInt(this.text.slice(this.i + 1, this.i + 3), 16))
      this.i += 3
    }
    return decodeEscapedUtf8(this.text, bytes, at)
  }

  /** One literal character (a whole surrogate pair if it is one); NUL and lone surrogates fail. */
  private plainChar(): string {
    const code = this.text.charCodeAt(this.i)
    if (code === 0) throw this.fail('the character U+0000 (NUL) must be escaped as "\\00"')
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = this.text.charCodeAt(this.i + 1)
      if (code > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
        throw this.fail('found an unpaired UTF-16 surrogate, which has no UTF-8 encoding')
      }
      this.i += 2
      return this.text.slice(this.i - 2, this.i)
    }
    this.i++
    return this.text[this.i - 1] as string
  }

  private atValueEnd(): boolean {
    const c = this.peek()
    return c === undefined || c === ',' || c === ';' || c === '+'
  }

  private skipSpaces(): void {
    while (this.text[this.i] === ' ') this.i++
  }

  private peek(): string | undefined {
    return this.text[this.i]
  }

  private atEnd(): boolean {
    return this.i >= this.text.length
  }

  private found(): string {
    return describeChar(this.text, this.i)
  }

  private fail(problem: string): Error {
    return badDnAt(this.text, this.i, problem)
  }
}

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9'
}

function isKeyChar(c: string): boolean {
  return isAlpha(c) || isDigit(c) || c === '-'
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
}
