import { describe, expect, it } from 'vitest'
import { ResultCode } from '../../protocol/ldap/result-codes.js'
import { describeAttribute, reaches } from './attribute-description.js'
import { RULES, extensibleRule, isListedType, ruleFor } from './attribute-rules.js'
import { expectDirectoryError, smallDirectory } from './directory.test-support.js'

describe('attribute descriptions (RFC 4512 §2.5)', () => {
  it('keys descriptions case-insensitively, by canonical type, with sorted options', () => {
    expect(describeAttribute('CN')).toEqual({ key: 'cn', base: 'cn', hasOptions: false })
    expect(describeAttribute('commonName;X-B;lang-EN')).toEqual({ key: 'cn;lang-en;x-b', base: 'cn', hasOptions: true })
    expect(describeAttribute('2.5.4.3').key).toBe('cn')
    expect(describeAttribute('userCertificate;binary').base).toBe('usercertificate')
    const cn = describeAttribute('cn')
    expect(reaches(cn, 'cn;lang-en', 'cn')).toBe(true)
    expect(reaches(describeAttribute('cn;lang-en'), 'cn', 'cn')).toBe(false)
  })

  it('refuses what is not a description with undefinedAttributeType (17), as slapd', () => {
    for (const bad of ['', 'c n', '1cn', 'cn;', '01.2']) {
      expect(expectDirectoryError(() => describeAttribute(bad), 'DIRECTORY_UNDEFINED_ATTRIBUTE_TYPE').resultCode).toBe(ResultCode.undefinedAttributeType)
    }
    const { directory } = smallDirectory()
    expectDirectoryError(() => directory.apply({ kind: 'modify', dn: 'uid=ann,ou=people,dc=example,dc=com', modifications: [{ operation: 'add', type: 'bad name', values: ['x'] }] }), 'DIRECTORY_UNDEFINED_ATTRIBUTE_TYPE')
  })
})

describe('matching rules table', () => {
  it('gives the listed rules and caseIgnore by default', () => {
    expect(ruleFor('objectclass').name).toBe('objectIdentifier')
    expect(ruleFor('uidnumber').name).toBe('integer')
    expect(ruleFor('jpegphoto').name).toBe('octetString')
    expect(ruleFor('member').name).toBe('distinguishedName')
    expect(ruleFor('entrycsn').name).toBe('csn')
    expect(ruleFor('homedirectory').name).toBe('caseExact')
    expect(ruleFor('somethingelse').name).toBe('caseIgnore')
    expect(isListedType('entryuuid')).toBe(true)
    expect(isListedType('cn')).toBe(false)
  })

  it('normalizes integers, times, CSNs and UUIDs so that text order is value order', () => {
    expect(RULES.integer.normalize('+007')).toBe('7')
    expect(RULES.integer.normalize('-0')).toBe('0')
    expect(RULES.integer.normalize('1.5')).toBeUndefined()
    expect(RULES.integer.compare!('-10', '-9')).toBe(-1)
    expect(RULES.integer.compare!('100', '99')).toBe(1)
    expect(RULES.generalizedTime.normalize('20240115093012Z')).toBe('20240115093012000000')
    expect(RULES.generalizedTime.normalize('20240115093012.5Z')).toBe('20240115093012500000')
    expect(RULES.generalizedTime.normalize('2024011510Z')).toBe('20240115100000000000')
    expect(RULES.generalizedTime.normalize('20240115103012+0100')).toBe('20240115093012000000')
    expect(RULES.generalizedTime.normalize('yesterday')).toBeUndefined()
    expect(RULES.csn.normalize('20240115093012Z#000001#01#000000')).toBe('20240115093012.000000Z#000001#001#000000')
    expect(RULES.uuid.normalize('6F9619FF-8B86-D011-B42D-00C04FC964FF')).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff')
    expect(RULES.boolean.normalize('true')).toBe('TRUE')
    expect(RULES.distinguishedName.normalize('CN=A , DC=X')).toBe('cn=a,dc=x')
    expect(RULES.caseIgnore.normalize(new Uint8Array([0xff]))).toBeUndefined()
    expect(RULES.octetString.normalize('é')).toBe('\u00c3\u00a9')
  })

  it('knows the three extensible-match rules by name and OID', () => {
    expect(extensibleRule('caseIgnoreMatch')).toBe(RULES.caseIgnore)
    expect(extensibleRule('2.5.13.5')).toBe(RULES.caseExact)
    expect(extensibleRule('OCTETSTRINGMATCH')).toBe(RULES.octetString)
    expect(extensibleRule('integerMatch')).toBeUndefined()
  })
})
