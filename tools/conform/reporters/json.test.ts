import { describe, expect, it } from 'vitest'
import { GRADES } from '../verdict.js'
import { renderJson } from './json.js'
import { HOSTILE_TEXT, sampleCase, sampleCasesOfEveryGrade, sampleReport } from './sample-report.test-support.js'

describe('renderJson', () => {
  it('round-trips through JSON.parse with the run facts and counts in GRADES order', () => {
    const report = sampleReport()
    const text = renderJson(report)
    expect(text).toContain('\n  "tool"')
    const parsed = JSON.parse(text)
    expect(parsed).toMatchObject({
      tool: { name: 'syncrepl-harness', version: '0.1.0' },
      consumer: 'reference (in-process)',
      startedAt: '2025-01-02T03:04:05.678Z',
      durationMs: 12_345,
      strict: false,
      exitCode: 1,
    })
    expect(Object.keys(parsed.counts)).toEqual(GRADES)
    expect(Object.values(parsed.counts)).toEqual([1, 1, 1, 1, 1, 1, 1])
  })

  it('keys cases by instance id, with every detail of the verdict', () => {
    const results = sampleCasesOfEveryGrade()
    const parsed = JSON.parse(renderJson(sampleReport(results)))
    expect(Object.keys(parsed.cases)).toEqual(results.map((r) => r.id))
    const fail = sampleCase('FAIL')
    const c = parsed.cases[fail.id]
    expect(Object.keys(c)).toEqual(['grade', 'durationMs', 'caseId', 'title', 'spec', 'section', 'level', 'requirement',
      'mode', 'dialect', 'file', 'tags', 'summary', 'findings', 'runs', 'diff', 'wire'])
    expect(c.findings).toEqual(fail.findings)
    expect(c.runs).toEqual(fail.runs)
    expect(c.diff).toEqual(fail.diff)
    expect(c.wire).toEqual(fail.wire)
    const error = parsed.cases[sampleCase('ERROR').id]
    expect(error.detail).toBe('listen EADDRINUSE 127.0.0.1:0 (harness fault)')
    expect(error.deviation).toBe('389-DS sends refreshDeletes FALSE here')
    expect('diff' in error).toBe(false)
  })

  it('keeps hostile text and odd ids intact', () => {
    const odd = sampleCase('PASS', { id: '__proto__', summary: HOSTILE_TEXT })
    const parsed = JSON.parse(renderJson(sampleReport([odd])))
    expect(Object.keys(parsed.cases)).toEqual(['__proto__'])
    expect(Object.getOwnPropertyDescriptor(parsed.cases, '__proto__')?.value.summary).toBe(HOSTILE_TEXT)
  })
})
