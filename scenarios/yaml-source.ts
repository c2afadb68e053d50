/**
 * Reading the YAML text: one document, every syntax problem with its position, and a way to
 * turn any node or offset back into `file:line:column`. Positions come from the `yaml`
 * package's LineCounter, so they are the lines and columns an editor shows (1-based).
 */
import { isAlias, LineCounter, parseDocument } from 'yaml'
import type { Document, Node as YamlNode, YAMLError } from 'yaml'
import type { ScenarioProblem } from './errors.js'
import type { SourceRef } from './types.js'

export type { YamlNode }

export interface YamlSource {
  readonly file: string
  readonly doc: Document.Parsed
  /** YAML errors and warnings as problems, in text order. */
  readonly problems: ScenarioProblem[]
  /**
   * False when the syntax is broken badly enough that the tree may not be what the author meant
   * (anything but duplicate keys): then checking the tree would only report echoes of the
   * syntax error.
   */
  readonly treeUsable: boolean
  at(node: YamlNode | null | undefined, fallback?: SourceRef): SourceRef
  atOffset(offset: number): SourceRef
  /** An alias's target; any other node itself. */
  deref(node: YamlNode | null | undefined): YamlNode | null | undefined
}

/** YAML error codes we restate in our own words; the rest keep the `yaml` package's sentence. */
const SENTENCES: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation; indent with spaces.',
  MULTIPLE_DOCS: 'A scenario file holds one YAML document, but this one has a second (after `---`); put each scenario in its own file.',
  BLOCK_AS_IMPLICIT_KEY: 'A key cannot be followed by a nested mapping on the same line (`a: b: c`); put the nested mapping on its own indented lines or in braces.',
  DUPLICATE_KEY: 'This key appears twice in the same mapping; YAML keys must be unique.',
  TAG_RESOLVE_FAILED: 'Unknown YAML tag; scenario files use no tags (write plain values).',
}

export function readYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false })
  const atOffset = (offset: number): SourceRef => {
    const { line, col } = lineCounter.linePos(offset)
    return { file, line, column: col }
  }
  const problems: ScenarioProblem[] = []
  let treeUsable = true
  const add = (e: YAMLError): void => {
    const where = atOffset(e.pos[0])
    const duplicate = e.code === 'DUPLICATE_KEY'
    if (!duplicate && e.name === 'YAMLParseError') treeUsable = false
    problems.push({
      code: duplicate ? 'SCENARIO_DUPLICATE_KEY' : 'SCENARIO_YAML_SYNTAX',
      message: SENTENCES[e.code] ?? `The YAML does not parse: ${firstLine(e.message)}.`,
      ...where,
    })
  }
  doc.errors.forEach(add)
  doc.warnings.forEach(add)
  problems.sort((a, b) => a.line - b.line || a.column - b.column)
  const resolved = new Map<YamlNode, YamlNode | null>()
  return {
    file,
    doc,
    problems,
    treeUsable,
    atOffset,
    at(node, fallback) {
      const range = node?.range
      if (range) return atOffset(range[0])
      return fallback ?? { file, line: 1, column: 1 }
    },
    deref(node) {
      if (!node || !isAlias(node)) return node
      // Alias.resolve walks the whole document to find its anchor: once per alias is enough.
      let target = resolved.get(node)
      if (target === undefined) {
        target = node.resolve(doc) ?? null
        resolved.set(node, target)
      }
      return target
    },
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message
  return line.replace(/ at line \d+, column \d+:?$/, '').replace(/[.:]$/, '')
}
