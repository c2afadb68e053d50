/**
 * A small XML well-formedness checker and parser for the reporters' tests (no dependency): tags
 * balanced, attributes quoted and unique, `&` only in entity or character references, no `<` in
 * text or attribute values, no character XML 1.0 forbids. It returns the tree so tests can look
 * at elements and decoded attribute values.
 */

export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: (XmlElement | string)[]
}

const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g
const NAME = '[A-Za-z_][\\w.:-]*'
const TAG = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`)
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g')

function decode(raw: string, where: number): string {
  const bare = raw.replace(REFERENCE, '')
  if (bare.includes('&')) throw new Error(`A bare "&" at offset ${where} is not an entity or character reference.`)
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return raw.replace(REFERENCE, (_m, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return named[name] ?? ''
    const code = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16)
    const char = String.fromCodePoint(code)
    if (ILLEGAL.test(char)) throw new Error(`The character reference at offset ${where} names U+${code.toString(16)}, which XML 1.0 forbids.`)
    return char
  })
}

/** Parses `source` (an optional XML declaration and comments, then one root element). */
export function parseXml(source: string): XmlElement {
  const illegal = ILLEGAL.exec(source)
  if (illegal !== null) throw new Error(`Character U+${illegal[0].charCodeAt(0).toString(16)} at offset ${illegal.index} is not allowed in XML 1.0.`)
  let i = 0
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  while (i < source.length) {
    const lt = source.indexOf('<', i)
    const textEnd = lt === -1 ? source.length : lt
    const textRaw = source.slice(i, textEnd)
    if (textRaw.length > 0) {
      const parent = stack[stack.length - 1]
      if (parent === undefined) {
        if (textRaw.trim() !== '') throw new Error(`Text outside the root element at offset ${i}.`)
      } else {
        parent.children.push(decode(textRaw, i))
      }
    }
    if (lt === -1) break
    const rest = source.slice(lt)
    if (rest.startsWith('<?xml')) {
      if (lt !== 0) throw new Error('The XML declaration must come first.')
      i = source.indexOf('?>', lt) + 2
      continue
    }
    if (rest.startsWith('<!--')) {
      const end = source.indexOf('-->', lt)
      if (end === -1) throw new Error(`Unterminated comment at offset ${lt}.`)
      i = end + 3
      continue
    }
    const m = TAG.exec(rest)
    if (m === null) throw new Error(`Malformed tag at offset ${lt}: ${rest.slice(0, 40)}`)
    const [whole, closing, name = '', attributeText = '', selfClosing] = m
    if (closing === '/') {
      const open = stack.pop()
      if (open?.name !== name) throw new Error(`</${name}> at offset ${lt} closes <${open?.name ?? 'nothing'}>.`)
    } else {
      const attributes: Record<string, string> = {}
      for (const a of attributeText.matchAll(ATTRIBUTE)) {
        const attrName = a[1] ?? ''
        if (Object.hasOwn(attributes, attrName)) throw new Error(`Attribute ${attrName} repeats in <${name}> at offset ${lt}.`)
        attributes[attrName] = decode(a[2] ?? a[3] ?? '', lt)
      }
      const element: XmlElement = { name, attributes, children: [] }
      const parent = stack[stack.length - 1]
      if (parent !== undefined) parent.children.push(element)
      else if (root !== undefined) throw new Error(`A second root element <${name}> at offset ${lt}.`)
      else root = element
      if (selfClosing !== '/') stack.push(element)
    }
    i = lt + whole.length
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]?.name}> is never closed.`)
  if (root === undefined) throw new Error('The document has no root element.')
  return root
}

/** Every element named `name` under (and including) `element`, in document order. */
export function elementsNamed(element: XmlElement, name: string): XmlElement[] {
  const found = element.name === name ? [element] : []
  for (const child of element.children) if (typeof child !== 'string') found.push(...elementsNamed(child, name))
  return found
}

/** The element's text content, decoded. */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('')
}
