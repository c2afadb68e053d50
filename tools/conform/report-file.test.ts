import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseReport, readReportFile, REPORT_FILE } from './report-file.js'
import type { ComparableReplica } from './replica.js'

const A = '5a030000-0000-4000-8000-000000000003'
const B = '5a030000-0000-4000-8000-000000000004'

function ok(text: string, requested: readonly string[] = []): ComparableReplica {
  const read = parseReport(text, requested)
  if (read.kind !== 'ok') throw new Error(`expected a readable report, got ${JSON.stringify(read)}`)
  return read.replica
}

function invalid(json: unknown): string {
  const read = parseReport(typeof json === 'string' ? json : JSON.stringify(json), [])
  if (read.kind !== 'invalid') throw new Error(`expected an invalid report, got ${read.kind}`)
  return read.message
}

const text = (v: readonly Uint8Array[] | undefined): string[] => (v ?? []).map((x) => Buffer.from(x).toString('utf8'))

describe('parseReport', () => {
  it('reads cookie, entries, DNs and values: strings as UTF-8, {"base64"} as the exact octets', () => {
    const replica = ok(JSON.stringify({
      cookie: Buffer.from('rid=000,csn=20261123204741.347000Z#000000#000#000000').toString('base64'),
      entries: [
        { uuid: A, dn: 'uid=bjensen,ou=people,dc=example,dc=com', attributes: { cn: ['Barbara Jensen', 'Babs'], jpegPhoto: [{ base64: Buffer.of(0xff, 0xd8, 0x00).toString('base64') }], sn: ['Jénsen'] } },
        { uuid: B, dn: 'ou=people,dc=example,dc=com', attributes: {} },
      ],
    }))
    expect(Buffer.from(replica.cookie ?? []).toString('latin1')).toBe('rid=000,csn=20261123204741.347000Z#000000#000#000000')
    expect([...replica.entries.keys()]).toEqual([A, B])
    const a = replica.entries.get(A)
    expect(a?.dn).toBe('uid=bjensen,ou=people,dc=example,dc=com')
    expect(text(a?.attributes.get('cn'))).toEqual(['Barbara Jensen', 'Babs'])
    expect(text(a?.attributes.get('sn'))).toEqual(['Jénsen'])
    expect([...(a?.attributes.get('jpegphoto')?.[0] ?? [])]).toEqual([0xff, 0xd8, 0x00])
    expect(replica.entries.get(B)?.attributes.size).toBe(0)
  })

  it('a cookie or a {"base64"} value that is not base64 is a violation naming the path', () => {
    expect(invalid({ cookie: 'rid=000,csn=20261123204741.347000Z#000000#000#000000', entries: [] })).toMatch(/^report\.json does not follow the contract: "cookie" must be base64/)
    expect(invalid({ cookie: null, entries: [{ uuid: A, dn: 'cn=a', attributes: { jpegPhoto: [{ base64: 'not base64!' }] } }] })).toMatch(/entries\[0\]\.attributes\.jpegPhoto\[0\]\.base64 must be base64/)
    expect(parseReport('{"cookie":"cmlkPTAwMA==","entries":[]}', []).kind).toBe('ok')
  })

  it('a null cookie is none; "" is a kept zero-length cookie, not the same thing', () => {
    expect(ok('{"cookie": null, "entries": []}').cookie).toBeNull()
    const empty = ok('{"cookie": "", "entries": []}').cookie
    expect(empty).not.toBeNull()
    expect(empty?.length).toBe(0)
  })

  it('folds attribute names to lower case, merging spellings of one attribute', () => {
    const replica = ok(JSON.stringify({ cookie: null, entries: [{ uuid: A, dn: 'cn=x', attributes: { objectClass: ['top'], OBJECTCLASS: ['person'], CN: ['x'] } }] }))
    const attributes = replica.entries.get(A)?.attributes
    expect([...(attributes?.keys() ?? [])].sort()).toEqual(['cn', 'objectclass'])
    expect(text(attributes?.get('objectclass'))).toEqual(['top', 'person'])
  })

  it('takes a UUID in upper case as the same canonical lower-case UUID', () => {
    const replica = ok(JSON.stringify({ cookie: null, entries: [{ uuid: A.toUpperCase(), dn: 'cn=x', attributes: {} }] }))
    expect([...replica.entries.keys()]).toEqual([A])
  })

  it('drops operational attributes unless the case asked for them; with a named list keeps only those', () => {
    const report = JSON.stringify({ cookie: null, entries: [{ uuid: A, dn: 'cn=x', attributes: { cn: ['x'], sn: ['y'], entryCSN: ['20261123204741.347000Z#000000#000#000000'], modifyTimestamp: ['20261123204741Z'] } }] })
    const names = (requested: string[]): string[] => [...(ok(report, requested).entries.get(A)?.attributes.keys() ?? [])].sort()
    expect(names([])).toEqual(['cn', 'sn'])
    expect(names(['*'])).toEqual(['cn', 'sn'])
    expect(names(['+'])).toEqual(['entrycsn', 'modifytimestamp'])
    expect(names(['*', '+'])).toEqual(['cn', 'entrycsn', 'modifytimestamp', 'sn'])
    expect(names(['cn', 'entryCSN'])).toEqual(['cn', 'entrycsn'])
  })

  it('says what is wrong and where, naming the path in the report', () => {
    expect(invalid('{"cookie": null, "entries": [')).toMatch(/^report\.json is not JSON: /)
    const violations: [unknown, string][] = [
      [[], 'the top level must be an object with "cookie" and "entries"'],
      [{ cookie: 12, entries: [] }, '"cookie" must be a base64 string or null'],
      [{ cookie: null }, '"entries" must be an array'],
      [{ cookie: null, entries: {} }, '"entries" must be an array'],
      [{ cookie: null, entries: ['x'] }, 'entries[0] must be an object'],
      [{ cookie: null, entries: [{ uuid: A, dn: 'cn=a', attributes: {} }, { uuid: 'not-a-uuid', dn: 'cn=b', attributes: {} }] }, 'entries[1].uuid must be a UUID as 8-4-4-4-12 hex digits, not "not-a-uuid"'],
      [{ cookie: null, entries: [{ dn: 'cn=a', attributes: {} }] }, 'entries[0].uuid must be a UUID as 8-4-4-4-12 hex digits, not undefined'],
      [{ cookie: null, entries: [{ uuid: A.replace(/-/g, ''), dn: 'cn=a', attributes: {} }] }, `entries[0].uuid must be a UUID as 8-4-4-4-12 hex digits, not "${A.replace(/-/g, '')}"`],
      [{ cookie: null, entries: [{ uuid: A, dn: 7, attributes: {} }] }, 'entries[0].dn must be a string'],
      [{ cookie: null, entries: [{ uuid: A, dn: 'cn=a' }] }, 'entries[0].attributes must be an object of name → list of values'],
      [{ cookie: null, entries: [{ uuid: A, dn: 'cn=a', attributes: [] }] }, 'entries[0].attributes must be an object of name → list of values'],
      [{ cookie: null, entries: [{ uuid: A, dn: 'cn=a', attributes: { cn: 'a' } }] }, 'entries[0].attributes.cn must be a list of values'],
      [{ cookie: null, entries: [{ uuid: A, dn: 'cn=a', attributes: { cn: ['a', 5] } }] }, 'entries[0].attributes.cn[1] must be a string or {"base64": "…"}'],
      [{ cookie: null, entries: [{ uuid: A, dn: 'cn=a', attributes: { cn: [{ hex: 'ff' }] } }] }, 'entries[0].attributes.cn[0] must be a string or {"base64": "…"}'],
    ]
    for (const [json, message] of violations) {
      expect(invalid(json), JSON.stringify(json)).toBe(`report.json does not follow the contract: ${message}`)
    }
  })

  it('a UUID reported twice (in any case) is a violation: entries are keyed by syncUUID', () => {
    const message = invalid({ cookie: null, entries: [{ uuid: A, dn: 'cn=a', attributes: {} }, { uuid: B, dn: 'cn=b', attributes: {} }, { uuid: A.toUpperCase(), dn: 'cn=c', attributes: {} }] })
    expect(message).toBe(`report.json does not follow the contract: entries[2] repeats the UUID ${A}: entries are keyed by syncUUID`)
  })
})

describe('readReportFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-file-test-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('no file is `none`, not a violation (the runner decides whether the run had to write one)', async () => {
    expect(await readReportFile(join(dir, 'absent'), [])).toEqual({ kind: 'none' })
  })

  it('reads report.json from the state directory', async () => {
    writeFileSync(join(dir, REPORT_FILE), JSON.stringify({ cookie: null, entries: [{ uuid: A, dn: 'cn=a', attributes: { cn: ['a'] } }] }))
    const read = await readReportFile(dir, [])
    expect(read.kind).toBe('ok')
    if (read.kind === 'ok') expect([...read.replica.entries.keys()]).toEqual([A])
  })

  it('a report that cannot be read as a file is invalid, with the reason', async () => {
    const read = await readReportFile(join(dir, REPORT_FILE), []) // a file where a directory should be
    expect(read.kind).toBe('invalid')
    if (read.kind === 'invalid') expect(read.message).toMatch(/^report\.json could not be read: ENOTDIR/)
  })
})
