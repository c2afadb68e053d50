/**
 * Test-only: one LDAPMessage for every PDU and every combination of its OPTIONAL members,
 * shared by the round-trip and oracle tests.
 */
import type { Control } from '../control.js'
import type { Filter } from '../filter.js'
import type { LdapMessage, ProtocolOp } from '../message.js'

const te = new TextEncoder()
export const utf8 = (s: string): Uint8Array => te.encode(s)
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
/** A plain Uint8Array copy (decoders return views of their input; Buffer views would not toEqual Uint8Arrays). */
export const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b)
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Bytes that are not UTF-8 and include every "dangerous" octet. */
export const BINARY = Uint8Array.from([0x00, 0xff, 0x80, 0x7f, 0xc3, 0x28, 0x0a, 0x30])
export const EMPTY = new Uint8Array(0)
export const SYNC_REQUEST_OID = '1.3.6.1.4.1.4203.1.9.1.1'
export const SYNC_STATE_OID = '1.3.6.1.4.1.4203.1.9.1.2'
export const SYNC_INFO_OID = '1.3.6.1.4.1.4203.1.9.1.4'

export const FILTERS: Record<string, Filter> = {
  present: { kind: 'present', attributeDesc: 'objectClass' },
  equality: { kind: 'equalityMatch', attributeDesc: 'cn', assertionValue: utf8('Babs Jensen') },
  binaryEquality: { kind: 'equalityMatch', attributeDesc: 'bin;binary', assertionValue: BINARY },
  emptyEquality: { kind: 'equalityMatch', attributeDesc: 'cn', assertionValue: EMPTY },
  ge: { kind: 'greaterOrEqual', attributeDesc: 'age', assertionValue: utf8('18') },
  le: { kind: 'lessOrEqual', attributeDesc: 'age', assertionValue: utf8('65') },
  approx: { kind: 'approxMatch', attributeDesc: 'sn', assertionValue: utf8('smith') },
  substringsAll: { kind: 'substrings', type: 'cn', initial: utf8('J'), any: [utf8('o'), utf8('h')], final: utf8('n') },
  substringsInitial: { kind: 'substrings', type: 'cn', initial: utf8('Jo'), any: [], final: undefined },
  substringsAny: { kind: 'substrings', type: 'cn', initial: undefined, any: [utf8('oh')], final: undefined },
  substringsFinal: { kind: 'substrings', type: 'cn', initial: undefined, any: [], final: utf8('hn') },
  extensibleFull: { kind: 'extensibleMatch', matchingRule: '2.4.6.8.10', type: 'cn', matchValue: utf8('Fred'), dnAttributes: true },
  extensibleType: { kind: 'extensibleMatch', matchingRule: undefined, type: 'cn', matchValue: utf8('Fred'), dnAttributes: false },
  extensibleRule: { kind: 'extensibleMatch', matchingRule: 'caseExactMatch', type: undefined, matchValue: EMPTY, dnAttributes: false },
  nested: {
    kind: 'and',
    filters: [
      { kind: 'present', attributeDesc: 'objectClass' },
      {
        kind: 'or',
        filters: [
          { kind: 'equalityMatch', attributeDesc: 'uid', assertionValue: utf8('a') },
          { kind: 'not', filter: { kind: 'equalityMatch', attributeDesc: 'employeeType', assertionValue: utf8('staff') } },
        ],
      },
    ],
  },
  absoluteTrue: { kind: 'and', filters: [] },
  absoluteFalse: { kind: 'or', filters: [] },
}

const search = (filter: Filter, extra: Partial<Extract<ProtocolOp, { kind: 'searchRequest' }>> = {}): ProtocolOp => ({
  kind: 'searchRequest',
  baseObject: 'dc=example,dc=com',
  scope: 2,
  derefAliases: 0,
  sizeLimit: 0,
  timeLimit: 0,
  typesOnly: false,
  filter,
  attributes: ['*', 'entryCSN'],
  ...extra,
})

const result = { resultCode: 0, matchedDN: '', diagnosticMessage: '' }

export const OPS: Record<string, ProtocolOp> = {
  bindSimpleAnonymous: { kind: 'bindRequest', version: 3, name: '', authentication: { kind: 'simple', password: EMPTY } },
  bindSimpleBinaryPassword: { kind: 'bindRequest', version: 3, name: 'cn=admin,dc=example,dc=com', authentication: { kind: 'simple', password: BINARY } },
  bindVersion2: { kind: 'bindRequest', version: 2, name: 'cn=x', authentication: { kind: 'simple', password: utf8('p') } },
  bindSaslNoCredentials: { kind: 'bindRequest', version: 3, name: '', authentication: { kind: 'sasl', mechanism: 'EXTERNAL', credentials: undefined } },
  bindSaslEmptyCredentials: { kind: 'bindRequest', version: 3, name: '', authentication: { kind: 'sasl', mechanism: 'PLAIN', credentials: EMPTY } },
  bindSaslCredentials: { kind: 'bindRequest', version: 3, name: '', authentication: { kind: 'sasl', mechanism: 'PLAIN', credentials: BINARY } },
  bindResponse: { kind: 'bindResponse', ...result },
  bindResponseAll: {
    kind: 'bindResponse',
    resultCode: 14,
    matchedDN: 'dc=example,dc=com',
    diagnosticMessage: 'continue',
    referral: ['ldap://a.example/'],
    serverSaslCreds: BINARY,
  },
  bindResponseEmptyCreds: { kind: 'bindResponse', ...result, serverSaslCreds: EMPTY },
  unbind: { kind: 'unbindRequest' },
  abandon0: { kind: 'abandonRequest', idToAbandon: 0 },
  abandon128: { kind: 'abandonRequest', idToAbandon: 128 },
  abandonMax: { kind: 'abandonRequest', idToAbandon: 0x7fffffff },
  ...Object.fromEntries(Object.entries(FILTERS).map(([name, f]) => [`search_${name}`, search(f)])),
  searchAllFields: search(FILTERS.nested as Filter, {
    baseObject: '',
    scope: 0,
    derefAliases: 3,
    sizeLimit: 0x7fffffff,
    timeLimit: 300,
    typesOnly: true,
    attributes: [],
  }),
  searchUnknownScope: search(FILTERS.present as Filter, { scope: 3, derefAliases: 1, attributes: ['1.1'] }),
  entryEmpty: { kind: 'searchResultEntry', objectName: '', attributes: [] },
  entryTypesOnly: { kind: 'searchResultEntry', objectName: 'cn=x', attributes: [{ type: 'cn', vals: [] }] },
  entry: {
    kind: 'searchResultEntry',
    objectName: 'uid=zoë,ou=people,dc=example,dc=com',
    attributes: [
      { type: 'objectClass', vals: [utf8('top'), utf8('inetOrgPerson')] },
      { type: 'jpegPhoto', vals: [BINARY] },
      { type: 'description', vals: [EMPTY, utf8('x'.repeat(300))] },
    ],
  },
  reference: { kind: 'searchResultReference', uris: ['ldap://other.example.com/dc=example,dc=com??sub'] },
  referenceTwo: { kind: 'searchResultReference', uris: ['ldap://a/', 'ldap://b/'] },
  referenceEmpty: { kind: 'searchResultReference', uris: [] },
  done: { kind: 'searchResultDone', ...result },
  doneRefreshRequired: { kind: 'searchResultDone', resultCode: 4096, matchedDN: '', diagnosticMessage: 'cookie too old' },
  doneReferral: { kind: 'searchResultDone', resultCode: 10, matchedDN: 'dc=example,dc=com', diagnosticMessage: '', referral: ['ldap://a/', 'ldap://b/'] },
  doneEmptyReferral: { kind: 'searchResultDone', resultCode: 10, matchedDN: '', diagnosticMessage: '', referral: [] },
  extendedRequestNameOnly: { kind: 'extendedRequest', requestName: '1.3.6.1.4.1.4203.1.11.3', requestValue: undefined },
  extendedRequestEmptyValue: { kind: 'extendedRequest', requestName: '1.3.6.1.4.1.1466.20037', requestValue: EMPTY },
  extendedRequestCancel: { kind: 'extendedRequest', requestName: '1.3.6.1.1.8', requestValue: hex('3003020104') },
  extendedResponse: { kind: 'extendedResponse', ...result },
  extendedResponseName: { kind: 'extendedResponse', ...result, responseName: '1.3.6.1.4.1.1466.20037' },
  extendedResponseValue: { kind: 'extendedResponse', ...result, responseValue: utf8('dn:cn=admin,dc=example,dc=com') },
  extendedResponseAll: {
    kind: 'extendedResponse',
    resultCode: 119,
    matchedDN: '',
    diagnosticMessage: 'no such operation',
    referral: ['ldap://a/'],
    responseName: '1.2.3',
    responseValue: BINARY,
  },
  intermediateEmpty: { kind: 'intermediateResponse', responseName: undefined, responseValue: undefined },
  intermediateName: { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: undefined },
  intermediateValue: { kind: 'intermediateResponse', responseName: undefined, responseValue: hex('a100') },
  intermediateBoth: { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: Uint8Array.of(0x80, 0x04, 0xff, 0x00, 0x80, 0x01) },
  intermediateEmptyValue: { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: EMPTY },
}

export const CONTROL_SETS: Record<string, Control[]> = {
  none: [],
  criticalWithValue: [{ type: SYNC_REQUEST_OID, critical: true, value: hex('30030a0101') }],
  nonCriticalNoValue: [{ type: '2.16.840.1.113730.3.4.2', critical: false, value: undefined }],
  criticalEmptyValue: [{ type: '1.2.3.4', critical: true, value: EMPTY }],
  several: [
    { type: SYNC_STATE_OID, critical: false, value: Uint8Array.from([0x30, 0x15, 0x0a, 0x01, 0x01, 0x04, 0x10, ...BINARY, ...BINARY]) },
    { type: '1.2.840.113556.1.4.319', critical: true, value: hex('3005020100 0400') },
  ],
}

/** Every op with every control set would be ~300 cases; ops × a rotating control set keeps it readable. */
export function sampleMessages(): Array<[string, LdapMessage]> {
  const ids = [0, 1, 127, 128, 255, 256, 65535, 0x7fffffff]
  const sets = Object.values(CONTROL_SETS)
  return Object.entries(OPS).map(([name, op], i) => [name, { messageId: ids[i % ids.length] as number, op, controls: sets[i % sets.length] as Control[] }])
}
