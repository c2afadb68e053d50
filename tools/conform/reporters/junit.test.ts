import { describe, expect, it } from 'vitest'
import type { CaseResult } from '../verdict.js'
import { renderJUnit } from './junit.js'
import { HOSTILE_TEXT, sampleCase, sampleCasesOfEveryGrade, sampleReport } from './sample-report.test-support.js'
import { elementsNamed, parseXml, textOf } from './xml-wellformed.test-support.js'
import type { XmlElement } from './xml-wellformed.test-support.js'

function parse(results: readonly CaseResult[] = sampleCasesOfEveryGrade(), strict = false): XmlElement {
  return parseXml(renderJUnit(sampleReport(results, { strict })))
}

function testcase(root: XmlElement, id: string): XmlElement {
  const found = elementsNamed(root, 'testcase').find((t) => t.attributes.name === id)
  if (found === undefined) throw new Error(`No testcase ${id}.`)
  return found
}

function childNames(element: XmlElement): string[] {
  return element.children.flatMap((c) => (typeof c === 'string' ? [] : [c.name]))
}

describe('the XML checker the JUnit tests rely on', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/)
    expect(() => parseXml('<a>x & y</a>')).toThrow(/bare "&"/)
    expect(() => parseXml('<a t="1" t="2"/>')).toThrow(/repeats/)
    expect(() => parseXml('<a>\u001b</a>')).toThrow(/not allowed/)
    expect(() => parseXml('<a>')).toThrow(/never closed/)
    expect(() => parseXml('<a b="<"/>')).toThrow(/Malformed/)
  })
})

describe('renderJUnit', () => {
  it('is well-formed XML with a declaration, one testsuites root and a testsuite per spec/section', () => {
    const xml = renderJUnit(sampleReport())
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true)
    const root = parseXml(xml)
    expect(root.name).toBe('testsuites')
    expect(elementsNamed(root, 'testsuite').map((s) => s.attributes.name)).toEqual(['rfc4533/3.3.2', 'rfc4533/3.5', '389ds-hooks/2'])
    expect(elementsNamed(root, 'testcase')).toHaveLength(7)
  })

  it('counts tests, failures (FAIL, TIMEOUT), errors and skipped, overall and per suite', () => {
    const root = parse()
    expect(root.attributes).toMatchObject({ tests: '7', failures: '2', errors: '1', skipped: '1', time: '12.345' })
    const suites = elementsNamed(root, 'testsuite')
    for (const suite of suites) {
      const cases = elementsNamed(suite, 'testcase')
      expect(suite.attributes.tests).toBe(String(cases.length))
      expect(suite.attributes.failures).toBe(String(cases.filter((c) => childNames(c).includes('failure')).length))
      expect(suite.attributes.errors).toBe(String(cases.filter((c) => childNames(c).includes('error')).length))
      expect(suite.attributes.skipped).toBe(String(cases.filter((c) => childNames(c).includes('skipped')).length))
    }
    const sum = (key: string): number => suites.reduce((n, s) => n + Number(s.attributes[key]), 0)
    expect([sum('tests'), sum('failures'), sum('errors'), sum('skipped')]).toEqual([7, 2, 1, 1])
  })

  it('maps each grade to its element', () => {
    const root = parse()
    const byGrade = Object.fromEntries(sampleCasesOfEveryGrade().map((r) => [r.grade, childNames(testcase(root, r.id))]))
    expect(byGrade).toEqual({
      ERROR: ['error'],
      TIMEOUT: ['failure', 'system-out'],
      FAIL: ['failure', 'system-out'],
      'NON-STRICT': ['system-out'],
      INFO: ['system-out'],
      UNSUPPORTED: ['skipped', 'system-out'],
      PASS: ['system-out'],
    })
    const fail = testcase(root, sampleCase('FAIL').id)
    const failure = elementsNamed(fail, 'failure')[0]
    expect(failure?.attributes.type).toBe('FAIL')
    expect(failure?.attributes.message).toBe(sampleCase('FAIL').summary)
    const body = textOf(failure as XmlElement)
    expect(body).toContain('Requirement (rfc4533 3.3.2, MUST): The client MUST delete entries not named in the present phase.')
    expect(body).toContain('Expected: UUID 0b5e2f3c-1111-4c2d-8e3f-2a4b6c8d0e12 deleted after the present phase ended at message 14')
    expect(body).toContain('Actual:   UUID 0b5e2f3c-1111-4c2d-8e3f-2a4b6c8d0e12 still in the replica (a ghost)')
    expect(textOf(elementsNamed(fail, 'system-out')[0] as XmlElement)).toContain('sync failed: entry cn=ghost left behind')
    expect(elementsNamed(testcase(root, sampleCase('TIMEOUT').id), 'failure')[0]?.attributes.type).toBe('TIMEOUT')
    expect(elementsNamed(testcase(root, sampleCase('ERROR').id), 'error')[0]?.attributes.message).toBe('listen EADDRINUSE 127.0.0.1:0 (harness fault)')
    expect(elementsNamed(testcase(root, sampleCase('UNSUPPORTED').id), 'skipped')[0]?.attributes.message).toBe('feature sessionHooks not declared by the consumer')
    expect(textOf(testcase(root, sampleCase('NON-STRICT').id))).toContain('NON-STRICT: request 2 cookie: no cookie (a full reload)')
    expect(textOf(testcase(root, sampleCase('INFO').id))).toContain('INFO: reloadHint: reloadHint TRUE')
  })

  it('names testcases by instance id, classname syncrepl.<spec>.<section>, time in seconds', () => {
    const c = testcase(parse(), sampleCase('TIMEOUT').id)
    expect(c.attributes).toMatchObject({ classname: 'syncrepl.rfc4533.3.3.2', time: '10.050' })
  })

  it('turns NON-STRICT into a failure under --strict', () => {
    const root = parse(sampleCasesOfEveryGrade(), true)
    expect(root.attributes.failures).toBe('3')
    const failure = elementsNamed(testcase(root, sampleCase('NON-STRICT').id), 'failure')[0]
    expect(failure?.attributes.type).toBe('NON-STRICT')
    expect(textOf(failure as XmlElement)).toContain('Expected: the cookie of message 6')
  })

  it('escapes <&"\' and replaces control characters XML 1.0 forbids, in attributes and bodies', () => {
    const hostile = sampleCase('FAIL', { id: `x/${HOSTILE_TEXT}`, summary: HOSTILE_TEXT, requirement: HOSTILE_TEXT, runs: [] })
    const xml = renderJUnit(sampleReport([hostile]))
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/)
    expect(xml).not.toContain('<script>')
    const root = parseXml(xml)
    const expected = 'a <b> & "c" \'d\' </script><script>alert(1)</script> \\x1b[31mred\\x1b[0m \\x00nul'
    const c = testcase(root, `x/${expected}`)
    expect(elementsNamed(c, 'failure')[0]?.attributes.message).toBe(expected)
    expect(textOf(c)).toContain(`Summary: ${expected}`)
  })

  it('keeps line breaks in attribute values and drops no suite when there are no cases', () => {
    const multi = sampleCase('ERROR', { detail: 'first\tline' })
    expect(elementsNamed(parse([multi]), 'error')[0]?.attributes.message).toBe('first\tline')
    const empty = parse([])
    expect(empty.attributes).toMatchObject({ tests: '0', failures: '0', errors: '0', skipped: '0' })
    expect(elementsNamed(empty, 'testsuite')).toHaveLength(0)
  })
})
