import { describe, expect, it } from 'vitest'
import { SUFFIX, smallDirectory } from './directory.test-support.js'
import { projectEntry, selectAttributes } from './projection.js'

const ANN = `uid=ann,ou=people,${SUFFIX}`

function fixture() {
  const { directory } = smallDirectory()
  directory.apply({ kind: 'modify', dn: ANN, modifications: [{ operation: 'add', type: 'cn;lang-en', values: ['Ann L.'] }] })
  const ann = directory.getByDn(ANN)!
  return { directory, ann }
}

const types = (list: readonly { type: string }[]): string[] => list.map((a) => a.type)
const USER = ['objectClass', 'uid', 'cn', 'sn', 'mail', 'uidNumber', 'cn;lang-en']
const OPERATIONAL = ['entryUUID', 'creatorsName', 'createTimestamp', 'entryCSN', 'modifiersName', 'modifyTimestamp', 'entryDN', 'subschemaSubentry', 'hasSubordinates']

describe('attribute projection (RFC 4511 §4.5.1.8, RFC 3673)', () => {
  const { directory, ann } = fixture()

  it('returns all user attributes, in insertion order, for an empty list and for *', () => {
    expect(types(directory.project(ann, []))).toEqual(USER)
    expect(types(directory.project(ann, ['*']))).toEqual(USER)
    expect(directory.project(ann, [])[2]).toEqual({ type: 'cn', vals: ['Ann Lee'] })
  })

  it('returns the operational attributes for +, in slapd\'s order, with their values', () => {
    const ops = directory.project(ann, ['+'])
    expect(types(ops)).toEqual(OPERATIONAL)
    const value = (type: string) => ops.find((a) => a.type === type)?.vals
    expect(value('entryUUID')).toEqual([ann.uuid])
    expect(value('entryCSN')).toEqual([ann.entryCsn])
    expect(value('createTimestamp')).toEqual(['20240115093012Z'])
    expect(value('entryDN')).toEqual([ANN])
    expect(value('subschemaSubentry')).toEqual(['cn=Subschema'])
    expect(value('hasSubordinates')).toEqual(['FALSE'])
    expect(types(directory.project(ann, ['*', '+']))).toEqual([...USER, ...OPERATIONAL])
    const people = directory.project(directory.getByDn(`ou=people,${SUFFIX}`)!, ['hasSubordinates'])
    expect(people).toEqual([{ type: 'hasSubordinates', vals: ['TRUE'] }])
  })

  it('selects named attributes case-insensitively, subtypes included, in entry order, once each', () => {
    expect(types(directory.project(ann, ['MAIL', 'CN', 'entryuuid', 'mail']))).toEqual(['cn', 'mail', 'cn;lang-en', 'entryUUID'])
    expect(types(directory.project(ann, ['cn;LANG-EN']))).toEqual(['cn;lang-en'])
    expect(types(directory.project(ann, ['commonName']))).toEqual(['cn', 'cn;lang-en'])
    expect(types(directory.project(ann, ['sn', '+']))).toEqual(['sn', ...OPERATIONAL])
    expect(types(directory.project(ann, ['*', 'entryCSN']))).toEqual([...USER, 'entryCSN'])
  })

  it('returns nothing for 1.1, and ignores 1.1 next to other names and names that are no descriptions', () => {
    expect(directory.project(ann, ['1.1'])).toEqual([])
    expect(types(directory.project(ann, ['1.1', 'uid']))).toEqual(['uid'])
    expect(types(directory.project(ann, ['bad name!', 'uid', 'nosuchattr']))).toEqual(['uid'])
  })

  it('gives types without values for typesOnly, and accepts a prepared selection', () => {
    const selection = selectAttributes(['uid', 'entryCSN'])
    expect(directory.project(ann, selection, { typesOnly: true })).toEqual([{ type: 'uid', vals: [] }, { type: 'entryCSN', vals: [] }])
    expect(projectEntry(ann, selection)).toEqual([{ type: 'uid', vals: ['ann'] }, { type: 'entryCSN', vals: [ann.entryCsn] }])
  })

  it('projects snapshots as they were', () => {
    const event = directory.apply({ kind: 'modify', dn: ANN, modifications: [{ operation: 'replace', type: 'sn', values: ['Leigh'] }] })
    expect(directory.project(event.before!, ['sn', 'entryCSN'])).toEqual([{ type: 'sn', vals: ['Lee'] }, { type: 'entryCSN', vals: [event.before!.entryCsn] }])
    expect(directory.project(event.after!, ['sn'])).toEqual([{ type: 'sn', vals: ['Leigh'] }])
  })
})
