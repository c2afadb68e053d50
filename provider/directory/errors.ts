import { ResultCode } from '../../protocol/ldap/result-codes.js'

/**
 * Every refusal of the directory is a DirectoryError with a stable `code`, the LDAP result code
 * the provider sends for it, the matchedDN (RFC 4511 §4.1.9: the closest existing ancestor, for
 * noSuchObject; '' otherwise) and a full-sentence message, which the provider sends as the
 * diagnosticMessage. Callers switch on `code`, never on the message text.
 *
 * Where RFC 4511 and slapd 2.5 (back-mdb) disagree we follow slapd, and say so below. Where
 * slapd has a diagnostic text of its own ("subordinate objects must be deleted first", "new
 * superior not found"), our message starts with it, so a consumer sees what slapd would send.
 */
export type DirectoryErrorCode =
  /** A DN or RDN does not parse (RFC 4514); invalidDNSyntax. */
  | 'DIRECTORY_INVALID_DN'
  /** The entry named by a change or a search base does not exist; noSuchObject with matchedDN. */
  | 'DIRECTORY_NO_SUCH_OBJECT'
  /** The DN lies under none of the configured suffixes; noSuchObject, matchedDN ''. */
  | 'DIRECTORY_OUTSIDE_SUFFIXES'
  /** A ModifyDN's newSuperior does not exist; noSuchObject, matchedDN '' (back-mdb sets none). */
  | 'DIRECTORY_NEW_SUPERIOR_NOT_FOUND'
  /**
   * A ModifyDN's newSuperior is the entry itself or below it. back-mdb answers noSuchObject
   * "new superior not found" (modrdn.c), not unwillingToPerform; we send what slapd sends.
   */
  | 'DIRECTORY_MOVE_UNDER_ITSELF'
  /** A ModifyDN would move an entry to another suffix (slapd: another backend); affectsMultipleDSAs. */
  | 'DIRECTORY_AFFECTS_MULTIPLE_DSAS'
  /** An add or ModifyDN target DN is taken; entryAlreadyExists. */
  | 'DIRECTORY_ENTRY_ALREADY_EXISTS'
  /** An add names an entryUUID another entry has; entryAlreadyExists. */
  | 'DIRECTORY_UUID_ALREADY_EXISTS'
  /** Delete of an entry with children; notAllowedOnNonLeaf. */
  | 'DIRECTORY_NOT_ALLOWED_ON_NON_LEAF'
  /** Modify deletes or increments a value or attribute the entry does not have; noSuchAttribute. */
  | 'DIRECTORY_NO_SUCH_ATTRIBUTE'
  /** A value is added that is already there, or given twice; attributeOrValueExists. */
  | 'DIRECTORY_VALUE_EXISTS'
  /**
   * The entry would lose a value of its RDN (modify), or its RDN cannot be checked (a #hex
   * value), or the suffix entry is renamed. slapd's schema check answers namingViolation for a
   * modify that removes an RDN value (schema_check.c entry_naming_check); RFC 4511 §4.6 names
   * notAllowedOnRDN, which back-mdb never sends.
   */
  | 'DIRECTORY_NAMING_VIOLATION'
  /** The entry would have no objectClass; objectClassViolation. */
  | 'DIRECTORY_OBJECT_CLASS_VIOLATION'
  /** A change writes an operational attribute the directory maintains; constraintViolation. */
  | 'DIRECTORY_NO_USER_MODIFICATION'
  /** Increment of an attribute that is not an INTEGER; constraintViolation (as slapd). */
  | 'DIRECTORY_INCREMENT_NOT_SUPPORTED'
  /** An add attribute or modify-add/increment without values (or increment with several); protocolError. */
  | 'DIRECTORY_MISSING_VALUES'
  /** An attribute description that is not RFC 4512 §2.5 syntax; undefinedAttributeType (slapd's slap_bv2ad). */
  | 'DIRECTORY_UNDEFINED_ATTRIBUTE_TYPE'
  /** A value that cannot be stored or used (unpaired surrogate, bad integer, bad UUID); invalidAttributeSyntax. */
  | 'DIRECTORY_INVALID_VALUE'
  /** LDIF or generated data that cannot be loaded (a child before its parent, a change record). */
  | 'DIRECTORY_LOAD_FAILED'
  /** A change listener threw; reported through onListenerError, the change itself stands. */
  | 'DIRECTORY_LISTENER_FAILED'
  /** A Directory option is out of range. */
  | 'DIRECTORY_BAD_OPTION'

export interface DirectoryErrorDetails {
  /** RFC 4511 §4.1.9 matchedDN; '' when there is none. */
  readonly matchedDN?: string
  readonly cause?: unknown
}

const RESULT_CODES: Readonly<Record<DirectoryErrorCode, number>> = {
  DIRECTORY_INVALID_DN: ResultCode.invalidDNSyntax,
  DIRECTORY_NO_SUCH_OBJECT: ResultCode.noSuchObject,
  DIRECTORY_OUTSIDE_SUFFIXES: ResultCode.noSuchObject,
  DIRECTORY_NEW_SUPERIOR_NOT_FOUND: ResultCode.noSuchObject,
  DIRECTORY_MOVE_UNDER_ITSELF: ResultCode.noSuchObject,
  DIRECTORY_AFFECTS_MULTIPLE_DSAS: ResultCode.affectsMultipleDSAs,
  DIRECTORY_ENTRY_ALREADY_EXISTS: ResultCode.entryAlreadyExists,
  DIRECTORY_UUID_ALREADY_EXISTS: ResultCode.entryAlreadyExists,
  DIRECTORY_NOT_ALLOWED_ON_NON_LEAF: ResultCode.notAllowedOnNonLeaf,
  DIRECTORY_NO_SUCH_ATTRIBUTE: ResultCode.noSuchAttribute,
  DIRECTORY_VALUE_EXISTS: ResultCode.attributeOrValueExists,
  DIRECTORY_NAMING_VIOLATION: ResultCode.namingViolation,
  DIRECTORY_OBJECT_CLASS_VIOLATION: ResultCode.objectClassViolation,
  DIRECTORY_NO_USER_MODIFICATION: ResultCode.constraintViolation,
  DIRECTORY_INCREMENT_NOT_SUPPORTED: ResultCode.constraintViolation,
  DIRECTORY_MISSING_VALUES: ResultCode.protocolError,
  DIRECTORY_UNDEFINED_ATTRIBUTE_TYPE: ResultCode.undefinedAttributeType,
  DIRECTORY_INVALID_VALUE: ResultCode.invalidAttributeSyntax,
  DIRECTORY_LOAD_FAILED: ResultCode.other,
  DIRECTORY_LISTENER_FAILED: ResultCode.other,
  DIRECTORY_BAD_OPTION: ResultCode.other,
}

export class DirectoryError extends Error {
  override readonly name: string = 'DirectoryError'
  readonly code: DirectoryErrorCode
  /** The LDAPResult resultCode the provider answers with (RFC 4511 §4.1.9). */
  readonly resultCode: number
  /** The LDAPResult matchedDN: the closest existing ancestor's DN as stored, or ''. */
  readonly matchedDN: string

  constructor(code: DirectoryErrorCode, message: string, details: DirectoryErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    this.resultCode = RESULT_CODES[code]
    this.matchedDN = details.matchedDN ?? ''
  }
}

/** The result code a DirectoryError of this code carries. */
export function resultCodeOf(code: DirectoryErrorCode): number {
  return RESULT_CODES[code]
}
