/**
 * What DN comparison needs to know about attribute types: one canonical name per type, and
 * whether the type's values compare ignoring case.
 *
 * We carry no schema. The table below covers the attribute types that name entries in real
 * directories (RFC 4519, RFC 4524, the PKCS #9 email address used in certificate subjects, RFC
 * 4530 entryUUID). Each is listed under its short name with its OID and long names, so that
 * `2.5.4.3=x`, `commonName=x`, `OID.2.5.4.3=x` and `CN=x` are one name.
 *
 * Values of every listed type use caseIgnoreMatch or a rule that agrees with it on the strings
 * that appear in DNs (caseIgnoreIA5Match for dc and mail, UUIDMatch for entryUUID). Unknown types
 * also compare ignoring case: almost every naming attribute in deployed schemas is a
 * directoryString with caseIgnoreMatch (OpenLDAP's cn=config olc* names, Samba, 389-DS nsds5*),
 * and a replica that returns `CN=Foo` for `cn=foo` is far more common than two sibling entries
 * whose names differ only in case. The few caseExact naming attributes we know of are listed in
 * CASE_EXACT so they keep their case.
 */

interface TypeInfo {
  readonly oid: string
  readonly aliases?: readonly string[]
}

const NAMING_TYPES: Readonly<Record<string, TypeInfo>> = {
  // RFC 4519 §2
  cn: { oid: '2.5.4.3', aliases: ['commonName'] },
  sn: { oid: '2.5.4.4', aliases: ['surname'] },
  serialNumber: { oid: '2.5.4.5' },
  c: { oid: '2.5.4.6', aliases: ['countryName'] },
  l: { oid: '2.5.4.7', aliases: ['localityName'] },
  st: { oid: '2.5.4.8', aliases: ['stateOrProvinceName'] },
  street: { oid: '2.5.4.9', aliases: ['streetAddress'] },
  o: { oid: '2.5.4.10', aliases: ['organizationName'] },
  ou: { oid: '2.5.4.11', aliases: ['organizationalUnitName'] },
  title: { oid: '2.5.4.12' },
  description: { oid: '2.5.4.13' },
  businessCategory: { oid: '2.5.4.15' },
  postalCode: { oid: '2.5.4.17' },
  name: { oid: '2.5.4.41' },
  givenName: { oid: '2.5.4.42', aliases: ['gn'] },
  initials: { oid: '2.5.4.43' },
  generationQualifier: { oid: '2.5.4.44' },
  dnQualifier: { oid: '2.5.4.46' },
  houseIdentifier: { oid: '2.5.4.51' },
  uid: { oid: '0.9.2342.19200300.100.1.1', aliases: ['userid'] },
  dc: { oid: '0.9.2342.19200300.100.1.25', aliases: ['domainComponent'] },
  // RFC 4524 §2.16
  mail: { oid: '0.9.2342.19200300.100.1.3', aliases: ['rfc822Mailbox'] },
  // PKCS #9 (RFC 2985 §5.2.1), common in certificate subject DNs
  emailAddress: { oid: '1.2.840.113549.1.9.1', aliases: ['email'] },
  // RFC 4530 §2.1; some providers name entries by it
  entryUUID: { oid: '1.3.6.1.1.16.4' },
}

/**
 * Naming attributes whose equality rule is caseExact (caseExactIA5Match in OpenLDAP's
 * kerberos.schema and in the autofs/rfc2307bis automount schema).
 */
const CASE_EXACT: ReadonlySet<string> = new Set(['krbprincipalname', 'automountkey'])

/** lower-cased short name, long name or OID → canonical lower-cased short name. */
const CANONICAL: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>()
  for (const [short, info] of Object.entries(NAMING_TYPES)) {
    const canonical = short.toLowerCase()
    map.set(canonical, canonical)
    map.set(info.oid, canonical)
    for (const alias of info.aliases ?? []) map.set(alias.toLowerCase(), canonical)
  }
  return map
})()

/**
 * The comparison form of an attribute type: lower case (RFC 4512 §2.5: descriptors are
 * case-insensitive), and the short name for the OIDs and long names in the table above. Other
 * OIDs stay as dotted decimals.
 */
export function canonicalType(type: string): string {
  const lower = type.toLowerCase()
  return CANONICAL.get(lower) ?? lower
}

/** Whether values of this (canonical) type compare ignoring case. */
export function ignoresCase(canonical: string): boolean {
  return !CASE_EXACT.has(canonical)
}
