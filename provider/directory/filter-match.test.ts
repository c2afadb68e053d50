import { describe, expect, it } from 'vitest'
import type { Filter } from '../../protocol/ldap/filter.js'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import { SUFFIX, smallDirectory } from './directory.test-support.js'
import { evaluateFilter } from './filter-match.js'

const ANN = `uid=ann,ou=people,${SUFFIX}`
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b)

function fixture() {
  const { directory } = smallDirectory()
  directory.apply({
    kind: 'add',
    dn: `cn=Zoë Müller+sn=Müller,ou=people,${SUFFIX}`,
    attributes: [
      { type: 'objectClass', values: ['top', 'person', 'posixAccount'] },
      { type: 'cn', values: ['Zoë   Müller', 'ZM'] },
      { type: 'cn;lang-de', values: ['Zoë die Große'] },
      { type: 'sn', values: ['Müller'] },
      { type: 'uidNumber', values: ['0042'] },
      { type: 'gidNumber', values: ['-7'] },
      { type: 'userPassword', values: [bytes(0x73, 0x65, 0x63, 0x72, 0x65, 0x74)] },
      { type: 'jpegPhoto', values: [bytes(0xff, 0xd8, 0x00, 0x04)] },
      { type: 'homeDirectory', values: ['/home/Zoe'] },
      { type: 'telephoneNumber', values: ['+49 30-1234 567'] },
      { type: 'manager', values: [`UID=Ann, OU=People, DC=Example, DC=Com`] },
    ],
  })
  return { directory, zoe: directory.getByDn(`cn=zoë müller+sn=müller,ou=people,${SUFFIX}`)! }
}

describe('filter evaluation (RFC 4511 §4.5.1.7, three-valued)', () => {
  const { directory, zoe } = fixture()
  const ann = directory.getByDn(ANN)!
  const result = (filter: string | Filter, entry = zoe) => directory.evaluate(entry, typeof filter === 'string' ? parseFilter(filter) : filter)

  it.each([
    // equality, case rules
    ['(cn=zoë müller)', 'TRUE'], // caseIgnore, spaces collapsed
    ['(CN=ZM)', 'TRUE'],
    ['(cn=Zoe Muller)', 'FALSE'],
    ['(commonName=zm)', 'TRUE'], // alias of cn
    ['(2.5.4.3=zm)', 'TRUE'], // OID of cn
    ['(cn=zoë die große)', 'TRUE'], // cn reaches its subtype cn;lang-de
    ['(cn;lang-de=zm)', 'FALSE'], // a subtype does not reach the supertype
    ['(homeDirectory=/home/zoe)', 'FALSE'], // caseExact
    ['(homeDirectory=/home/Zoe)', 'TRUE'],
    ['(objectClass=POSIXACCOUNT)', 'TRUE'],
    ['(telephoneNumber=+49301234567)', 'TRUE'], // spaces and hyphens ignored
    ['(manager=uid=ann,ou=people,dc=example,dc=com)', 'TRUE'], // distinguishedNameMatch
    ['(manager=uid=bob,ou=people,dc=example,dc=com)', 'FALSE'],
    ['(uidNumber=42)', 'TRUE'], // integerMatch
    ['(uidNumber=forty-two)', 'UNDEFINED'], // assertion not an integer
    ['(cn~=zm)', 'TRUE'], // approx is equality
    // presence
    ['(jpegPhoto=*)', 'TRUE'],
    ['(mail=*)', 'FALSE'], // known type (another entry has it), absent here
    ['(missingAttr=*)', 'UNDEFINED'], // unknown type (slapd: Undefined)
    ['(entryUUID=*)', 'TRUE'],
    ['(hasSubordinates=FALSE)', 'TRUE'],
    // ordering
    ['(uidNumber>=5)', 'TRUE'], // numeric: 42 >= 5, though "0042" < "5" as text
    ['(uidNumber<=100)', 'TRUE'],
    ['(gidNumber<=-8)', 'FALSE'],
    ['(gidNumber>=-8)', 'TRUE'],
    ['(sn>=m)', 'TRUE'],
    ['(sn<=m)', 'FALSE'],
    ['(manager>=a)', 'UNDEFINED'], // no ordering rule for DNs
    ['(objectClass>=a)', 'UNDEFINED'],
    // substrings
    ['(cn=zo*)', 'TRUE'],
    ['(cn=*müll*)', 'TRUE'],
    ['(cn=*MÜLLER)', 'TRUE'],
    ['(cn=z*ë*r)', 'TRUE'],
    ['(cn=z*r*ë)', 'FALSE'], // any parts in order
    ['(cn=zm*zm)', 'FALSE'], // initial and final may not overlap
    ['(telephoneNumber=*1234*)', 'TRUE'],
    ['(objectClass=pos*)', 'UNDEFINED'], // objectIdentifierMatch has no substrings rule
    ['(missingAttr=a*)', 'UNDEFINED'],
    // three-valued and / or / not
    ['(!(missingAttr=x))', 'UNDEFINED'],
    ['(|(missingAttr=x)(cn=zm))', 'TRUE'],
    ['(|(missingAttr=x)(cn=nobody))', 'UNDEFINED'],
    ['(&(missingAttr=x)(cn=nobody))', 'FALSE'],
    ['(&(missingAttr=x)(cn=zm))', 'UNDEFINED'],
    ['(!(cn=nobody))', 'TRUE'],
    ['(!(cn=zm))', 'FALSE'],
    ['(&)', 'TRUE'],
    ['(|)', 'FALSE'],
    // extensible match
    ['(cn:caseExactMatch:=ZM)', 'TRUE'],
    ['(cn:caseExactMatch:=zm)', 'FALSE'],
    ['(cn:2.5.13.2:=zm)', 'TRUE'],
    ['(cn:=zm)', 'TRUE'], // no rule: the type's equality rule
    ['(:caseIgnoreMatch:=müller)', 'TRUE'], // any attribute
    ['(cn:wonderMatch:=zm)', 'UNDEFINED'],
    ['(sn:dn:caseIgnoreMatch:=people)', 'FALSE'],
    ['(ou:dn:caseIgnoreMatch:=PEOPLE)', 'TRUE'], // from the DN's AVAs
    ['(ou:caseIgnoreMatch:=people)', 'FALSE'], // not without :dn
    ['(:dn:caseExactMatch:=example)', 'TRUE'],
    ['(missingAttr:caseIgnoreMatch:=x)', 'UNDEFINED'],
  ] as const)('%s is %s', (filter, expected) => {
    expect(result(filter)).toBe(expected)
  })

  it('matches binary values by exact octets', () => {
    const jpeg = (value: Uint8Array): Filter => ({ kind: 'equalityMatch', attributeDesc: 'jpegPhoto', assertionValue: value })
    expect(result(jpeg(bytes(0xff, 0xd8, 0x00, 0x04)))).toBe('TRUE')
    expect(result(jpeg(bytes(0xff, 0xd8, 0x00)))).toBe('FALSE')
    expect(result(jpeg(bytes(0xff, 0xd8, 0x00, 0x05)))).toBe('FALSE')
    expect(result('(userPassword=secret)')).toBe('TRUE')
    expect(result('(userPassword=SECRET)')).toBe('FALSE')
    expect(result({ kind: 'greaterOrEqual', attributeDesc: 'jpegPhoto', assertionValue: bytes(0xff, 0x00) })).toBe('TRUE')
    expect(result({ kind: 'extensibleMatch', matchingRule: 'octetStringMatch', type: 'jpegPhoto', matchValue: bytes(0xff, 0xd8, 0x00, 0x04), dnAttributes: false })).toBe('TRUE')
    // A string rule cannot read bytes that are not UTF-8: Undefined.
    expect(result({ kind: 'equalityMatch', attributeDesc: 'cn', assertionValue: bytes(0xff) })).toBe('UNDEFINED')
  })

  it('compares CSNs, UUIDs and timestamps as ordered strings', () => {
    const csn = ann.entryCsn
    expect(result(`(entryCSN=${csn})`, ann)).toBe('TRUE')
    expect(result(`(entryCSN>=${csn})`, ann)).toBe('TRUE')
    expect(result(`(entryCSN>=${csn})`, zoe)).toBe('TRUE')
    expect(result(`(entryCSN<=${csn})`, zoe)).toBe('FALSE')
    expect(result('(entryCSN>=garbage)', zoe)).toBe('UNDEFINED')
    expect(result(`(entryUUID=${zoe.uuid.toUpperCase()})`)).toBe('TRUE')
    expect(result('(createTimestamp>=20240115093012Z)')).toBe('TRUE')
    expect(result('(createTimestamp>=20240115093013Z)')).toBe('FALSE')
    expect(result('(modifyTimestamp<=202401150930Z)')).toBe('FALSE')
    expect(result('(modifyTimestamp>=20240115103012+0100)')).toBe('TRUE')
    expect(result(`(entryDN=${ANN.toUpperCase()})`, ann)).toBe('TRUE')
    expect(result('(creatorsName=cn=admin,dc=example,dc=com)', ann)).toBe('TRUE')
  })

  it('works standalone on any entry, knowing the listed types and the entry\'s own', () => {
    expect(evaluateFilter(zoe, parseFilter('(mail=*)'))).toBe('UNDEFINED') // no directory: mail is unknown here
    expect(evaluateFilter(zoe, parseFilter('(uidNumber=42)'))).toBe('TRUE')
    expect(evaluateFilter(ann, parseFilter('(mail=ANN@example.com)'))).toBe('TRUE')
    expect(evaluateFilter(zoe, parseFilter('(entryCSN=*)'))).toBe('TRUE')
  })
})
