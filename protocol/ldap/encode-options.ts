/**
 * How encoders write the fields where BER leaves a choice.
 *
 * The default is the strict form RFC 4511 §5.1 asks for: DEFAULT values omitted, TRUE as 0xFF,
 * minimal lengths. The other forms are what real peers send (python-ldap's pyasn1 writes TRUE as
 * 0x01, ldapjs always writes a control's criticality, generic BER writers use `84 nn nn nn nn`
 * lengths); the harness must be able to produce them too.
 */
export interface LdapEncodeOptions {
  /** The content octet for TRUE; RFC 4511 §5.1 wants 0xFF. Any non-zero octet is a valid TRUE. */
  readonly trueOctet?: number
  /**
   * Write BOOLEAN members whose value equals their DEFAULT FALSE (a control's criticality, an
   * extensibleMatch's dnAttributes). Off by default: ldapsearch 2.5 prints an explicitly FALSE
   * response control criticality as `true`.
   */
  readonly explicitDefaults?: boolean
  /**
   * Long-form length octets (1..4) for the LDAPMessage SEQUENCE and the protocolOp element;
   * 0 or absent = minimal lengths.
   */
  readonly lengthOctets?: number
}

export const TRUE_OCTET = 0xff
