import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { CatalogueError, exclusionOf, globMatcher, loadCatalogue, readExclusions, selectCases } from './catalogue.js'

const LDIF = fileURLToPath(new URL('../../fixtures/samples/binary.ldif', import.meta.url))

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalogue-test-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A minimal case file: initial content, in the given modes. */
function caseYaml(o: { id: string; section?: string; tags?: string[]; modes?: string[]; dialect?: string; level?: string }): string {
  return [
    `id: ${o.id}`,
    `title: Case ${o.id}`,
    `rfcSection: "${o.section ?? '3.3.2'}"`,
    `tags: [${(o.tags ?? []).join(', ')}]`,
    'directory:',
    `  ldif: ${LDIF}`,
    ...(o.dialect === undefined ? [] : ['provider:', `  dialect: ${o.dialect}`]),
    'consumer:',
    `  modes: [${(o.modes ?? ['refreshOnly', 'refreshAndPersist']).join(', ')}]`,
    'conformance:',
    `  level: ${o.level ?? 'MUST'}`,
    '  requirement: The replica equals the initial content.',
    '',
  ].join('\n')
}

function write(dir: string, rel: string, text: string): string {
  const path = join(dir, rel)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  return path
}

describe('globMatcher', () => {
  it('`*` matches within one segment only', () => {
    const m = globMatcher('rfc4533/3.3.2/*')
    expect(m('rfc4533/3.3.2/initial-content-exact')).toBe(true)
    expect(m('rfc4533/3.3.2/initial-content-exact/ro')).toBe(false)
    expect(m('rfc4533/3.3.1/initial-content-exact')).toBe(false)
    expect(globMatcher('rfc4533/*/initial-*/ro')('rfc4533/3.3.2/initial-content-exact/ro')).toBe(true)
    expect(globMatcher('rfc4533/*/initial-*/ro')('rfc4533/3.3.2/initial-content-exact/rp')).toBe(false)
  })

  it('`**` matches across segments', () => {
    const m = globMatcher('rfc4533/**')
    expect(m('rfc4533/3.3.2/x')).toBe(true)
    expect(m('rfc4533/3.8/x/rp')).toBe(true)
    expect(m('389ds-hooks/5.3/x')).toBe(false)
    expect(globMatcher('**/rp')('rfc4533/3.4.1/up-to-date-then-persist/rp')).toBe(true)
    expect(globMatcher('**/rp')('rfc4533/3.4.1/up-to-date-then-persist/ro')).toBe(false)
  })

  it('a glob without `*` is a prefix of whole segments: the id and everything below it', () => {
    const m = globMatcher('rfc4533/3.3.2/initial-content-exact')
    expect(m('rfc4533/3.3.2/initial-content-exact')).toBe(true)
    expect(m('rfc4533/3.3.2/initial-content-exact/ro')).toBe(true)
    expect(m('rfc4533/3.3.2/initial-content-exact-2')).toBe(false)
    expect(globMatcher('rfc4533/3.3')('rfc4533/3.3.2/x')).toBe(false)
    expect(globMatcher('rfc4533/3.3')('rfc4533/3.3/x')).toBe(true)
  })

  it('regular-expression characters in a glob are literal', () => {
    expect(globMatcher('rfc4533/3.3.2')('rfc4533/3x3x2')).toBe(false)
    expect(globMatcher('a+b/(c)?')('a+b/(c)?')).toBe(true)
    expect(globMatcher('a+b/(c)?')('aab/c')).toBe(false)
  })
})

describe('readExclusions', () => {
  it('reads one glob per line with its reason and file:line; comments and blank lines are skipped', async () => {
    const path = write(tempDir(), 'exclude.txt', '# known weaknesses\n\nrfc4533/3.8/**   # 4096 is an LDAPError\n  rfc4533/3.3.2/x/ro\n')
    const exclusions = await readExclusions(path)
    expect(exclusions).toEqual([
      { glob: 'rfc4533/3.8/**', reason: '4096 is an LDAPError', at: `${path}:3` },
      { glob: 'rfc4533/3.3.2/x/ro', reason: '', at: `${path}:4` },
    ])
  })

  it('a line holding two words is an error naming file:line', async () => {
    const path = write(tempDir(), 'exclude.txt', 'rfc4533/3.8/**\nrfc4533/3.3.2/x because it fails\n')
    const error = await readExclusions(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CatalogueError)
    expect((error as CatalogueError).code).toBe('CONFORM_CATALOGUE')
    expect((error as Error).message).toContain(`${path}:2: "rfc4533/3.3.2/x because it fails" holds whitespace`)
  })

  it('CRLF line ends are accepted', async () => {
    const path = write(tempDir(), 'exclude.txt', 'a/b # r\r\nc/d\r\n')
    expect((await readExclusions(path)).map((e) => [e.glob, e.reason])).toEqual([['a/b', 'r'], ['c/d', '']])
  })
})

describe('loadCatalogue and selectCases', () => {
  async function sample(): Promise<Awaited<ReturnType<typeof loadCatalogue>>> {
    const dir = tempDir()
    write(dir, '3.3.2/both.yaml', caseYaml({ id: 'both', tags: ['initial-content'] }))
    write(dir, '3.3.2/only-ro.yaml', caseYaml({ id: 'only-ro', tags: ['initial-content', 'cookie'], modes: ['refreshOnly'] }))
    write(dir, '2.5/ds.yaml', caseYaml({ id: 'ds', section: '2.5', tags: ['cookie'], modes: ['refreshAndPersist'], dialect: '389ds' }))
    write(dir, 'notes.txt', 'not a case file')
    return loadCatalogue(dir)
  }

  it('expands each case into one instance per mode, /ro and /rp only when it runs in both, in path order', async () => {
    const all = await sample()
    expect(all.map((c) => [c.id, c.mode])).toEqual([
      ['rfc4533/2.5/ds', 'refreshAndPersist'],
      ['rfc4533/3.3.2/both/ro', 'refreshOnly'],
      ['rfc4533/3.3.2/both/rp', 'refreshAndPersist'],
      ['rfc4533/3.3.2/only-ro', 'refreshOnly'],
    ])
    expect(all[1]?.caseId).toBe('rfc4533/3.3.2/both')
    expect(all[1]?.file).toBe(join('3.3.2', 'both.yaml'))
  })

  it('selects by tag (every tag listed), by mode and by dialect, and by id glob', async () => {
    const all = await sample()
    const ids = (sel: Parameters<typeof selectCases>[1]): string[] => selectCases(all, sel).map((c) => c.id)
    expect(ids({})).toHaveLength(4)
    expect(ids({ tags: ['initial-content'] })).toEqual(['rfc4533/3.3.2/both/ro', 'rfc4533/3.3.2/both/rp', 'rfc4533/3.3.2/only-ro'])
    expect(ids({ tags: ['initial-content', 'cookie'] })).toEqual(['rfc4533/3.3.2/only-ro'])
    expect(ids({ tags: ['refreshAndPersist'] })).toEqual(['rfc4533/2.5/ds', 'rfc4533/3.3.2/both/rp'])
    expect(ids({ tags: ['389ds'] })).toEqual(['rfc4533/2.5/ds'])
    expect(ids({ tags: ['openldap', 'refreshOnly'] })).toEqual(['rfc4533/3.3.2/both/ro', 'rfc4533/3.3.2/only-ro'])
    expect(ids({ globs: ['rfc4533/3.3.2/both'] })).toEqual(['rfc4533/3.3.2/both/ro', 'rfc4533/3.3.2/both/rp'])
    expect(ids({ globs: ['**/ro', 'rfc4533/2.5/*'] })).toEqual(['rfc4533/2.5/ds', 'rfc4533/3.3.2/both/ro'])
    expect(ids({ globs: ['rfc4533/3.3.2/*'], tags: ['cookie'] })).toEqual(['rfc4533/3.3.2/only-ro'])
    expect(ids({ tags: ['no-such-tag'] })).toEqual([])
  })

  it('exclusionOf finds the first exclusion whose glob matches the instance', async () => {
    const all = await sample()
    const exclusions = [
      { glob: 'rfc4533/3.3.2/*/rp', reason: 'no persist', at: 'x:1' },
      { glob: 'rfc4533/3.3.2/**', reason: 'all of it', at: 'x:2' },
    ]
    expect(all.map((c) => exclusionOf(c, exclusions)?.at)).toEqual([undefined, 'x:2', 'x:1', 'x:2'])
  })

  it('reports every broken file as file:line:column, and a file without a conformance block, in one CatalogueError', async () => {
    const dir = tempDir()
    write(dir, '3.3.2/good.yaml', caseYaml({ id: 'good' }))
    const bad = write(dir, '3.3.2/bad.yaml', caseYaml({ id: 'bad', level: 'MUSTY' }))
    const plain = write(dir, '3.3.2/plain.yaml', caseYaml({ id: 'plain' }).split('conformance:')[0] ?? '')
    const unparsable = write(dir, '3.4.1/syntax.yaml', 'id: [unclosed\n')
    const error = await loadCatalogue(dir).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CatalogueError)
    const message = (error as Error).message
    expect(message).toMatch(/^The conformance catalogue has problems:\n/)
    expect(message).toMatch(new RegExp(`${escape(bad)}:10:10: conformance\\.level is "MUSTY"`))
    expect(message).toContain(`${plain}:1:1: this file has no conformance block`)
    expect(message).toMatch(new RegExp(`${escape(unparsable)}:\\d+:\\d+: `))
    expect(message).not.toContain('good.yaml')
  })

  it('a case id used twice is an error naming both files', async () => {
    const dir = tempDir()
    write(dir, 'a/first.yaml', caseYaml({ id: 'twin' }))
    const second = write(dir, 'b/second.yaml', caseYaml({ id: 'twin' }))
    write(dir, 'b/other-section.yaml', caseYaml({ id: 'twin', section: '3.3.1' }))
    const error = await loadCatalogue(dir).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CatalogueError)
    expect((error as Error).message).toContain(`${second}:1:1: the case id rfc4533/3.3.2/twin is taken by ${join('a', 'first.yaml')} already.`)
    expect((error as Error).message).not.toContain('rfc4533/3.3.1/twin')
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
