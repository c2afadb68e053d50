import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { renderHtml, writeHtmlReport } from './html.js'
import { caseAnchor } from './html-case.js'
import { HOSTILE_TEXT, sampleCase, sampleCasesOfEveryGrade, sampleReport } from './sample-report.test-support.js'
import { elementsNamed, parseXml, textOf } from './xml-wellformed.test-support.js'
import type { XmlElement } from './xml-wellformed.test-support.js'

/** The page's <main>, which the renderer keeps well-formed as XML too (no void elements there). */
function main(html: string): XmlElement {
  const start = html.indexOf('<main>')
  const end = html.indexOf('</main>') + '</main>'.length
  return parseXml(html.slice(start, end))
}

function caseElement(root: XmlElement, id: string): XmlElement {
  const found = elementsNamed(root, 'details').find((d) => d.attributes.id === caseAnchor(id))
  if (found === undefined) throw new Error(`No case ${id}.`)
  return found
}

let dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  dirs = []
})

describe('renderHtml', () => {
  it('is one page holding every case id, grouped by spec/section, each with its grade', () => {
    const results = sampleCasesOfEveryGrade()
    const html = renderHtml(sampleReport(results))
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    const root = main(html)
    for (const r of results) {
      expect(html).toContain(r.id)
      expect(caseElement(root, r.id).attributes['data-grade']).toBe(r.grade)
    }
    expect(elementsNamed(root, 'h2').map((h) => textOf(h))).toEqual(['rfc4533 §3.3.2 (4 cases)', 'rfc4533 §3.5 (2 cases)', '389ds-hooks §2 (1 case)'])
    expect(html).toContain('reference (in-process)')
    expect(html).toContain('2025-01-02T03:04:05.678Z')
    expect(html).toContain('FAILED (exit code 1)')
  })

  it('loads nothing from outside and pins its only script and style by hash', () => {
    const html = renderHtml(sampleReport())
    expect(html).not.toMatch(/\s(src|href)=/)
    expect(html).not.toMatch(/@import|url\(/)
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)]
    expect(scripts).toHaveLength(1)
    expect(html.match(/<script/g)).toHaveLength(1)
    const hash = createHash('sha256').update(scripts[0]?.[1] ?? '').digest('base64')
    expect(html).toContain(`script-src 'sha256-${hash}'`)
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? ''
    expect(html).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`)
  })

  it('escapes untrusted texts: no script from a case, stderr or wire text reaches the page', () => {
    const hostile = sampleCase('FAIL', {
      id: `x/${HOSTILE_TEXT}`, title: HOSTILE_TEXT, requirement: HOSTILE_TEXT, summary: HOSTILE_TEXT, detail: HOSTILE_TEXT,
      runs: [{ name: HOSTILE_TEXT, mode: 'refreshOnly', outcome: 'exited', exitCode: 1, signal: null, durationMs: 1, stderrTail: HOSTILE_TEXT, syncRequests: 0 }],
      wire: [{ n: 1, atMs: 0, connection: 1, direction: 'out', text: HOSTILE_TEXT }],
    })
    const report = { ...sampleReport([hostile]), consumer: HOSTILE_TEXT }
    const html = renderHtml(report)
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('a <b>')
    expect(html).toContain('a &lt;b&gt; &amp;')
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/)
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    // The markup around the hostile texts is still intact.
    const c = elementsNamed(main(html), 'details').find((d) => d.attributes['data-grade'] === 'FAIL') as XmlElement
    expect(c.attributes.id).toContain('\\x1b[31mred')
    expect(elementsNamed(c, 'pre').map(textOf).some((t) => t.includes('</script><script>alert(1)</script>'))).toBe(true)
  })

  it('opens a case to requirement, findings (passed ones collapsed), runs, diff and the sequence diagram', () => {
    const fail = sampleCase('FAIL')
    const c = caseElement(main(renderHtml(sampleReport([fail]))), fail.id)
    const body = textOf(c)
    expect(body).toContain(`MUST rfc4533 §3.3.2: ${fail.requirement}`)
    expect(body).toContain('deleted after the present phase ended at message 14')
    expect(body).toContain('still in the replica (a ghost)')
    const passed = elementsNamed(c, 'details').find((d) => d.attributes.class === 'passed-findings')
    expect(passed && textOf(passed)).toContain('1 passed check')
    expect(body).toContain('sync failed: entry cn=ghost left behind')
    expect(body).toContain('2 matching, 1 missing, 1 unexpected, 1 changed.')
    expect(body).toContain('cn=ghost,dc=example,dc=com')
    expect(body).toContain('(replica: cn=old-a,dc=example,dc=com)')
    expect(body).toContain('new value')
    expect(body).toContain('stale value')
    const svgs = elementsNamed(c, 'svg')
    expect(svgs).toHaveLength(1)
    expect(elementsNamed(svgs[0] as XmlElement, 'g').filter((g) => g.attributes.class?.startsWith('arrow'))).toHaveLength(5)
  })

  it('has one sequence diagram per case and a filter button per grade, disabled when none has it', () => {
    const results = [sampleCase('PASS'), sampleCase('FAIL')]
    const html = renderHtml(sampleReport(results))
    expect(html.match(/<svg /g)).toHaveLength(2)
    const header = html.slice(html.indexOf('<nav'), html.indexOf('</nav>') + 6)
    const buttons = elementsNamed(parseXml(header), 'button')
    expect(buttons.map((b) => b.attributes['data-filter'])).toEqual(['ALL', 'NOT-PASS', 'ERROR', 'TIMEOUT', 'FAIL', 'NON-STRICT', 'INFO', 'UNSUPPORTED', 'PASS'])
    expect(buttons.filter((b) => b.attributes.disabled !== undefined).map((b) => b.attributes['data-filter'])).toEqual(['ERROR', 'TIMEOUT', 'NON-STRICT', 'INFO', 'UNSUPPORTED'])
  })

  it('marks NON-STRICT as failing only in strict mode', () => {
    const nonStrict = sampleCase('NON-STRICT')
    const cls = (strict: boolean): string | undefined => caseElement(main(renderHtml(sampleReport([nonStrict], { strict }))), nonStrict.id).attributes.class
    expect(cls(false)).toBe('case')
    expect(cls(true)).toBe('case failing')
  })
})

describe('writeHtmlReport', () => {
  it('creates the directory and writes index.html there', async () => {
    const base = await mkdtemp(join(tmpdir(), 'reporters-html-'))
    dirs.push(base)
    const dir = join(base, 'nested', 'report')
    const report = sampleReport()
    const path = await writeHtmlReport(report, dir)
    expect(path).toBe(join(dir, 'index.html'))
    expect(await readFile(path, 'utf8')).toBe(renderHtml(report))
  })
})
