import { describe, expect, it } from 'vitest'
import type { WireRecord } from '../verdict.js'
import { renderSequenceSvg } from './sequence-svg.js'
import { HOSTILE_TEXT, sampleWire } from './sample-report.test-support.js'
import { elementsNamed, parseXml, textOf } from './xml-wellformed.test-support.js'
import type { XmlElement } from './xml-wellformed.test-support.js'

function groups(svg: XmlElement, cls: string): XmlElement[] {
  return elementsNamed(svg, 'g').filter((g) => (g.attributes.class ?? '').split(' ').includes(cls))
}

function headLabels(svg: XmlElement): string[] {
  return elementsNamed(svg, 'text').filter((t) => t.attributes['font-weight'] === 'bold').map(textOf)
}

function record(n: number, connection: number, direction: WireRecord['direction'], text = `message ${n}`): WireRecord {
  return { n, atMs: n * 2, connection, direction, text }
}

describe('renderSequenceSvg', () => {
  it('is well-formed SVG with one arrow per in/out record and one box per note', () => {
    const wire = sampleWire()
    const svg = parseXml(renderSequenceSvg(wire))
    expect(svg.name).toBe('svg')
    expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg')
    expect(groups(svg, 'arrow')).toHaveLength(wire.filter((r) => r.direction !== 'note').length)
    expect(groups(svg, 'in')).toHaveLength(2)
    expect(groups(svg, 'out')).toHaveLength(3)
    expect(groups(svg, 'note')).toHaveLength(1)
    expect(headLabels(svg)).toEqual(['consumer', 'provider'])
  })

  it('draws in left to right and out right to left, labelled with the message number', () => {
    const svg = parseXml(renderSequenceSvg(sampleWire()))
    const [request] = groups(svg, 'in')
    const [response] = groups(svg, 'out')
    const line = (g: XmlElement | undefined): XmlElement => elementsNamed(g as XmlElement, 'line')[0] as XmlElement
    expect(Number(line(request).attributes.x1)).toBeLessThan(Number(line(request).attributes.x2))
    expect(Number(line(response).attributes.x1)).toBeGreaterThan(Number(line(response).attributes.x2))
    expect(textOf(elementsNamed(request as XmlElement, 'text')[0] as XmlElement)).toBe('2. bindRequest v3 cn=admin')
  })

  it('shortens long texts on the arrow and keeps the whole text in the tooltip', () => {
    const long = `searchResultEntry ${'cn=x,'.repeat(100)}dc=example`
    const svg = parseXml(renderSequenceSvg([record(1, 1, 'out', long)]))
    const [arrow] = groups(svg, 'arrow')
    const label = textOf(elementsNamed(arrow as XmlElement, 'text')[0] as XmlElement)
    expect(label.endsWith('…')).toBe(true)
    expect(label.length).toBeLessThan(100)
    expect(textOf(elementsNamed(arrow as XmlElement, 'title')[0] as XmlElement)).toContain(long)
  })

  it('escapes every text', () => {
    const out = renderSequenceSvg([record(1, 1, 'in', HOSTILE_TEXT), record(2, 0, 'note', HOSTILE_TEXT)])
    expect(out).not.toContain('<script>')
    const svg = parseXml(out)
    expect(elementsNamed(svg, 'script')).toHaveLength(0)
    expect(textOf(svg)).toContain('</script><script>alert(1)</script>')
  })

  it('gives each of a few connections its own consumer lifeline', () => {
    const wire = [record(1, 1, 'in'), record(2, 1, 'out'), record(3, 0, 'note'), record(4, 2, 'in'), record(5, 2, 'out')]
    const svg = parseXml(renderSequenceSvg(wire))
    expect(headLabels(svg)).toEqual(['consumer #1', 'consumer #2', 'provider'])
    const [first, second] = groups(svg, 'in').map((g) => elementsNamed(g, 'line')[0]?.attributes.x1)
    expect(Number(first)).toBeLessThan(Number(second))
  })

  it('uses one lifeline and connection badges when there are many connections', () => {
    const wire = [1, 2, 3, 4, 5].map((c) => record(c, c, 'in'))
    const svg = parseXml(renderSequenceSvg(wire))
    expect(headLabels(svg)).toEqual(['consumer', 'provider'])
    expect(textOf(elementsNamed(groups(svg, 'arrow')[4] as XmlElement, 'text')[0] as XmlElement)).toBe('5. #5 message 5')
  })

  it('draws at most maxRecords records and says how many more there are', () => {
    const wire = Array.from({ length: 10 }, (_, i) => record(i + 1, 1, i % 2 === 0 ? 'in' : 'out'))
    const svg = parseXml(renderSequenceSvg(wire, { maxRecords: 4 }))
    expect(groups(svg, 'arrow')).toHaveLength(4)
    const notes = groups(svg, 'note').map(textOf)
    expect(notes).toHaveLength(1)
    expect(notes[0]).toContain('… 6 more messages not drawn')
  })

  it('says so when the wire log is empty', () => {
    const svg = parseXml(renderSequenceSvg([]))
    expect(groups(svg, 'arrow')).toHaveLength(0)
    expect(textOf(svg)).toContain('no messages recorded')
  })
})
