import { describe, expect, it } from 'vitest'
import { GRADES } from '../verdict.js'
import { formatCaseLine, formatSummary } from './console.js'
import { sampleCase, sampleCasesOfEveryGrade, sampleReport } from './sample-report.test-support.js'

const ESC = '\u001b['
const plain = { color: false }
const color = { color: true }

describe('formatCaseLine', () => {
  it('writes a PASS as one line: grade column, id, duration', () => {
    const line = formatCaseLine(sampleCase('PASS', { id: 'rfc4533/3.3.2/present-phase-syncidset-batches/ro' }), plain)
    expect(line).toBe('  PASS        rfc4533/3.3.2/present-phase-syncidset-batches/ro  (312 ms)')
  })

  it.each(GRADES)('names the grade and the id of a %s case on its first line', (grade) => {
    const result = sampleCase(grade)
    const first = formatCaseLine(result, plain).split('\n')[0] ?? ''
    expect(first.startsWith(`  ${grade} `)).toBe(true)
    expect(first).toContain(result.id)
    // Ids start in the same column whatever the grade.
    expect(first.indexOf(result.id)).toBe(14)
  })

  it('shows requirement, every expected outcome and the actual outcome of the worst failed finding, then the summary', () => {
    const result = sampleCase('FAIL')
    const lines = formatCaseLine(result, plain).split('\n')
    expect(lines[1]?.trim()).toBe(`-> ${result.requirement}`)
    // The FAIL finding decides, not the NON-STRICT one listed before it.
    expect(lines[2]).toMatch(/^\s+Expected: UUID 0b5e2f3c-.* deleted after the present phase ended at message 14$/)
    expect(lines[3]?.trim()).toBe('or the replica reloaded in full (e-syncRefreshRequired)')
    expect(lines[4]).toMatch(/^\s+Actual: UUID 0b5e2f3c-.* still in the replica \(a ghost\)$/)
    expect(lines[2]?.indexOf('Expected:')).toBe((lines[4]?.indexOf('Actual:') ?? 0) - 2)
    expect(lines[5]?.trim()).toBe(result.summary)
    expect(lines).toHaveLength(6)
    expect(lines.join('\n')).not.toContain('the cookie of message 6')
  })

  it('shows the detail of an ERROR, which has no findings', () => {
    const text = formatCaseLine(sampleCase('ERROR'), plain)
    expect(text).toContain('Detail: listen EADDRINUSE 127.0.0.1:0 (harness fault)')
    expect(text).not.toContain('Expected:')
  })

  it('keeps multi-line texts in their column', () => {
    const text = formatCaseLine(sampleCase('FAIL', { requirement: 'line one\nline two' }), plain)
    const lines = text.split('\n')
    expect(lines[2]).toBe(`${' '.repeat(17)}line two`)
  })

  it('writes ANSI colours only when asked: red FAIL, yellow NON-STRICT, green PASS, cyan INFO', () => {
    for (const r of sampleCasesOfEveryGrade()) expect(formatCaseLine(r, plain)).not.toContain(ESC)
    expect(formatCaseLine(sampleCase('FAIL'), color)).toContain(`${ESC}31mFAIL`)
    expect(formatCaseLine(sampleCase('TIMEOUT'), color)).toContain(`${ESC}31mTIMEOUT`)
    expect(formatCaseLine(sampleCase('NON-STRICT'), color)).toContain(`${ESC}33mNON-STRICT`)
    expect(formatCaseLine(sampleCase('PASS'), color)).toContain(`${ESC}32mPASS`)
    expect(formatCaseLine(sampleCase('INFO'), color)).toContain(`${ESC}36mINFO`)
  })
})

describe('formatSummary', () => {
  it('counts every grade, worst first, and the total', () => {
    const report = sampleReport([...sampleCasesOfEveryGrade(), sampleCase('PASS', { id: 'x/pass-2' })])
    const lines = formatSummary(report, plain).split('\n')
    const countLines = lines.filter((l) => /^ {2}[A-Z-]+\s+\d+$/.test(l) || /^ {2}total\s+\d+$/.test(l))
    expect(countLines.map((l) => l.trim().split(/\s+/))).toEqual([
      ['ERROR', '1'], ['TIMEOUT', '1'], ['FAIL', '1'], ['NON-STRICT', '1'], ['INFO', '1'], ['UNSUPPORTED', '1'], ['PASS', '2'], ['total', '8'],
    ])
  })

  it('lists the cases that did not pass, worst first, with their summary, and no passing case', () => {
    const results = [sampleCase('PASS'), sampleCase('INFO'), sampleCase('FAIL'), sampleCase('ERROR')]
    const text = formatSummary(sampleReport(results), plain)
    const table = text.slice(text.indexOf('Not passed'))
    const rows = table.split('\n').filter((l) => / rfc4533\//.test(l))
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual(['ERROR', 'FAIL', 'INFO'])
    expect(rows[1]).toContain(results[2]?.summary.slice(0, 60))
    expect(table).not.toContain(results[0]?.id)
  })

  it('cuts long summaries (never ids) to keep rows within 120 columns', () => {
    const long = sampleCase('FAIL', { summary: `converged: ${'x'.repeat(300)}\nsecond line` })
    const text = formatSummary(sampleReport([long]), plain)
    const row = text.split('\n').find((l) => l.includes(long.id)) ?? ''
    expect(row.length).toBeLessThanOrEqual(120)
    expect(row.endsWith('…')).toBe(true)
    expect(text).not.toContain('second line')
  })

  it('says the run failed, with the failing grades, the exit code and the strict mode', () => {
    const text = formatSummary(sampleReport(), plain)
    const last = text.split('\n').at(-1)
    expect(last).toBe('FAILED: 3 of 7 cases failed (ERROR 1, TIMEOUT 1, FAIL 1), exit code 1 (not strict: 1 NON-STRICT case would fail with --strict)')
    expect(text).toContain('Duration: 12.3 s')
  })

  it('counts NON-STRICT as failing in strict mode and says so', () => {
    const text = formatSummary(sampleReport([sampleCase('PASS'), sampleCase('NON-STRICT')], { strict: true }), plain)
    expect(text.split('\n').at(-1)).toBe('FAILED: 1 of 2 cases failed (NON-STRICT 1), exit code 1 (strict mode: NON-STRICT counts as a failure)')
  })

  it('says the run passed when nothing failed', () => {
    const text = formatSummary(sampleReport([sampleCase('PASS'), sampleCase('INFO'), sampleCase('UNSUPPORTED')]), plain)
    expect(text.split('\n').at(-1)).toBe('PASSED: no case failed (not strict: NON-STRICT would not fail the run)')
  })

  it('colours only with color: true', () => {
    expect(formatSummary(sampleReport(), plain)).not.toContain(ESC)
    const coloured = formatSummary(sampleReport(), color)
    expect(coloured).toContain(`${ESC}31mFAILED`)
    expect(coloured).toContain(`${ESC}33mNON-STRICT`)
  })
})
