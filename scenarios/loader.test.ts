import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatProblem, ScenarioError } from './errors.js'
import type { ScenarioProblem } from './errors.js'
import { lintFiles } from './lint.js'
import { loadScenarioFile, parseScenario } from './loader.js'

const HEAD = 'id: t\ntitle: t\n'

function problems(text: string, file = 'inline.yaml'): ScenarioProblem[] {
  try {
    parseScenario(text, file)
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.problems]
    throw e
  }
  throw new Error('parsed without a problem')
}

describe('parseScenario', () => {
  it('fills every default of a minimal scenario', () => {
    const s = parseScenario(HEAD, 'x.yaml')
    expect(s.directory).toStrictEqual({ suffix: 'dc=example,dc=com', ldif: [], serverId: 0, sessionLog: 0 })
    expect(s.provider).toStrictEqual({ dialect: 'openldap', knobs: {}, mode: 'engine', seed: 1 })
    expect(s.consumer).toBeUndefined()
    expect(s.timeline).toStrictEqual([])
  })

  it('defaults the consumer base to the suffix and the modes to both', () => {
    const s = parseScenario(`${HEAD}directory: { suffix: o=Acme }\nconsumer: {}\n`, 'x.yaml')
    expect(s.consumer).toStrictEqual({ base: 'o=Acme', scope: 'sub', filter: '(objectClass=*)', attributes: [], modes: ['refreshOnly', 'refreshAndPersist'], reloadHint: false })
  })

  it('reports every problem of a file, in position order, never only the first', () => {
    const found = problems(`${HEAD}directory: { sessionLog: -1 }\nprovider: { dialect: x, mode: y }\ntimeline:\n  - on: strat\n    do: nothing\n`)
    expect(found.map((p) => `${p.code}@${p.line}:${p.column}`)).toEqual([
      'SCENARIO_RANGE@3:26',
      'SCENARIO_UNKNOWN_VALUE@4:22',
      'SCENARIO_UNKNOWN_VALUE@4:31',
      'SCENARIO_UNKNOWN_VALUE@6:9',
      'SCENARIO_UNKNOWN_VALUE@7:9',
    ])
  })

  it('formats problems as file:line:column: message (hint), one error for all of them', () => {
    let error: ScenarioError | undefined
    try {
      parseScenario(`${HEAD}directory:\n  sufix: o=x\n  sesionLog: 2\n`, 'd.yaml')
    } catch (e) {
      error = e as ScenarioError
    }
    expect(error).toBeInstanceOf(ScenarioError)
    expect(error?.code).toBe('SCENARIO_UNKNOWN_KEY')
    expect(formatProblem(error!.problems[0]!)).toBe(
      'd.yaml:4:3: Unknown key "sufix" in directory; it takes suffix, ldif, generate, serverId, sessionLog. (did you mean "suffix"?)')
    expect(error?.message).toBe(`d.yaml has 2 problems:\n  ${formatProblem(error!.problems[0]!)}\n  ${formatProblem(error!.problems[1]!)}`)
  })

  it('does not also call a misspelt required key missing', () => {
    expect(problems('idd: t\ntitle: t\n').map((p) => p.code)).toEqual(['SCENARIO_UNKNOWN_KEY'])
    expect(problems(`${HEAD}timeline:\n  - onn: start\n    do: restart\n`).map((p) => p.code)).toEqual(['SCENARIO_UNKNOWN_KEY'])
  })

  it('hints at quoting values YAML reads as numbers or booleans', () => {
    expect(problems(`${HEAD}rfcSection: 4.1\n`)[0]?.hint).toBe('quote it: "4.1"')
    expect(problems(`${HEAD}description: yes\ntags: [true]\n`)).toHaveLength(1) // `yes` is a string in YAML 1.2; `true` is not
  })

  it('explains an unquoted DN cut by a comma inside { … }, without a second problem from the cut DN', () => {
    const found = problems(`${HEAD}directory: { suffix: dc=example,dc=com }\ntimeline:\n  - on: start\n    do: { delete: "uid=a,dc=example,dc=com" }\n`)
    expect(found).toHaveLength(1)
    expect(found[0]?.hint).toBe('inside { … } a comma ends a plain value; quote the DN: "dc=example,dc=com"')
  })

  it('says that YAML 1.1 merge keys do not exist in YAML 1.2', () => {
    expect(problems(`${HEAD}x: &base { sessionLog: 1 }\ndirectory:\n  <<: *base\n`).map((p) => [p.code, p.hint])).toEqual([
      ['SCENARIO_UNKNOWN_KEY', undefined],
      ['SCENARIO_UNKNOWN_KEY', 'merge keys (<<) are YAML 1.1, not 1.2; alias a whole value instead'],
    ])
  })

  it('skips the fixture checks when asked to', () => {
    const text = `${HEAD}directory: { ldif: missing.ldif }\n`
    expect(problems(text).map((p) => p.code)).toEqual(['SCENARIO_FIXTURE_MISSING'])
    expect(parseScenario(text, '/somewhere/x.yaml', { checkFixtures: false }).directory.ldif).toEqual(['/somewhere/missing.ldif'])
  })

  it('stops a YAML alias bomb with a problem instead of expanding it', () => {
    // 100 steps × 100 actions × 100 UUIDs, all aliases of one node each: a million values.
    const uuids = `[&u 63199adc-7b95-1041-9bf9-193a3b08c68d${', *u'.repeat(99)}]`
    const text = `${HEAD}timeline:\n  - &s\n    on: syncRequest\n    do:\n      - &a { send: { syncInfo: { syncIdSet: { uuids: ${uuids} } } } }\n${'      - *a\n'.repeat(99)}${'  - *s\n'.repeat(99)}`
    const found = problems(text)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ code: 'SCENARIO_TYPE', message: 'The scenario expands to more than 100000 values (through aliases?); a scenario is never that large.' })
  })

  it('reports an alias that names no anchor', () => {
    expect(problems(`${HEAD}tags: *nothing\n`)).toMatchObject([{ code: 'SCENARIO_YAML_SYNTAX', line: 3, column: 7 }])
  })

  it('never throws anything but ScenarioError on odd input', () => {
    for (const text of ['', '~', '42', '"x"', '[]', '{', 'a: *nope\n', '? [a]\n: b\n', `${HEAD}1: x\n`, `${HEAD}[a]: x\n`, '\uFEFFid: t\ntitle: t\n', '%YAML 1.1\n---\nid: t\n']) {
      try {
        parseScenario(text, 'odd.yaml')
      } catch (e) {
        expect(e, JSON.stringify(text)).toBeInstanceOf(ScenarioError)
      }
    }
  })
})

describe('loadScenarioFile and lintFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-lint-'))
  writeFileSync(join(dir, 'good.yaml'), HEAD)
  writeFileSync(join(dir, 'bad.yml'), 'id: t\n')
  writeFileSync(join(dir, 'notes.txt'), 'not a scenario')

  it('reports a file that cannot be read as SCENARIO_FILE_UNREADABLE', async () => {
    await expect(loadScenarioFile(join(dir, 'none.yaml'))).rejects.toMatchObject({
      code: 'SCENARIO_FILE_UNREADABLE',
      problems: [{ line: 1, column: 1, message: `The scenario file ${join(dir, 'none.yaml')} cannot be read: it does not exist.` }],
    })
  })

  it('lints files and directories (their *.yaml and *.yml files, sorted), collecting every problem', async () => {
    const report = await lintFiles([dir, join(dir, 'none.yaml')])
    expect(report.files.map((f) => [f.file, f.problems.map((p) => p.code)])).toEqual([
      [join(dir, 'bad.yml'), ['SCENARIO_MISSING_KEY']],
      [join(dir, 'good.yaml'), []],
      [join(dir, 'none.yaml'), ['SCENARIO_FILE_UNREADABLE']],
    ])
    expect(report.problemCount).toBe(2)
    expect(report.ok).toBe(false)
    expect((await lintFiles([join(dir, 'good.yaml')])).ok).toBe(true)
  })
})
