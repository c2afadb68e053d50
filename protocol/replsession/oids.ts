/**
 * OIDs of the 389-DS replication session extended operations (389ds-session-hooks.md §2.1), all
 * under the Netscape arc 2.16.840.1.113730 as defined in 389's repl5.h. The harness reuses them
 * unchanged for its session-hook handshake (§5.2, profile "389").
 */

/** The Netscape arc that 389-DS inherited; every OID below lives under it. */
export const NETSCAPE_ARC = '2.16.840.1.113730'

export const ReplOid = {
  /** REPL_START_NSDS50_REPLICATION_REQUEST_OID: Start request without a reply payload. */
  startNsds50Request: '2.16.840.1.113730.3.5.3',
  /** REPL_START_NSDS90_REPLICATION_REQUEST_OID: the "v2" Start request; hook data both ways. */
  startNsds90Request: '2.16.840.1.113730.3.5.12',
  /** REPL_NSDS50_REPLICATION_RESPONSE_OID: responseName of an NSDS50 Start and of End. */
  nsds50Response: '2.16.840.1.113730.3.5.4',
  /** REPL_NSDS90_REPLICATION_RESPONSE_OID: responseName of an NSDS90 Start (not in supportedExtension). */
  nsds90Response: '2.16.840.1.113730.3.5.13',
  /** REPL_END_NSDS50_REPLICATION_REQUEST_OID: release the replica. */
  endRequest: '2.16.840.1.113730.3.5.5',
  /** REPL_NSDS50_INCREMENTAL_PROTOCOL_OID: replProtocolOID of an incremental session. */
  incrementalProtocol: '2.16.840.1.113730.3.6.1',
  /** REPL_NSDS50_TOTAL_PROTOCOL_OID: replProtocolOID of a total update (full refresh). */
  totalProtocol: '2.16.840.1.113730.3.6.2',
  /**
   * REPL_NSDS71_TOTAL_PROTOCOL_OID / …_INCREMENTAL_…: accepted by 389 consumers (which then skip
   * the recv hook) but never sent by current suppliers (§2.1). Our provider answers them with
   * UNKNOWN_UPDATE_PROTOCOL (§5.2); they are listed so that decision can be made by name.
   */
  nsds71TotalProtocol: '2.16.840.1.113730.3.6.3',
  nsds71IncrementalProtocol: '2.16.840.1.113730.3.6.4',
} as const

/**
 * 1 = the NSDS50 Start request (…3.5.3, answered under …3.5.4, never with a reply payload),
 * 2 = the NSDS90 Start request (…3.5.12, answered under …3.5.13). Both carry the same value layout
 * (§2.2); the version is which OID the LDAP ExtendedRequest travels under.
 */
export type StartVersion = 1 | 2

export interface StartOids {
  readonly requestOid: string
  readonly responseOid: string
}

const START_OIDS: Readonly<Record<StartVersion, StartOids>> = {
  1: { requestOid: ReplOid.startNsds50Request, responseOid: ReplOid.nsds50Response },
  2: { requestOid: ReplOid.startNsds90Request, responseOid: ReplOid.nsds90Response },
}

/**
 * The requestName a Start of this version is sent under and the responseName the consumer answers
 * with (§2.3: 3.5.13 if the request was 3.5.12, otherwise 3.5.4).
 *
 * @example startOids(2) // { requestOid: '2.16.840.1.113730.3.5.12', responseOid: '2.16.840.1.113730.3.5.13' }
 */
export function startOids(version: StartVersion): StartOids {
  return START_OIDS[version]
}

/** The Start version a requestName denotes, or undefined when it is not a Start request OID. */
export function startVersionOfRequestOid(oid: string): StartVersion | undefined {
  if (oid === ReplOid.startNsds90Request) return 2
  if (oid === ReplOid.startNsds50Request) return 1
  return undefined
}

/**
 * The Start version a responseName belongs to, or undefined. Note that …3.5.4 is also the End
 * response's name, so 1 here means "NSDS50 Start or End".
 */
export function startVersionOfResponseOid(oid: string): StartVersion | undefined {
  if (oid === ReplOid.nsds90Response) return 2
  if (oid === ReplOid.nsds50Response) return 1
  return undefined
}

/** What a replProtocolOID asks for: resume from state (incremental) or a full refresh (total). */
export type ReplProtocol = 'incremental' | 'total'

/**
 * The session kind of a replProtocolOID, or undefined for anything else (including the 7.1 OIDs,
 * which our provider refuses, §5.2). `total` is 389's `is_total = 1` (§1.2).
 */
export function replProtocolOf(oid: string): ReplProtocol | undefined {
  if (oid === ReplOid.incrementalProtocol) return 'incremental'
  if (oid === ReplOid.totalProtocol) return 'total'
  return undefined
}

/** The replProtocolOID to send for a session kind (§5.2: total when there is no stored cookie). */
export function replProtocolOid(protocol: ReplProtocol): string {
  switch (protocol) {
    case 'incremental':
      return ReplOid.incrementalProtocol
    case 'total':
      return ReplOid.totalProtocol
    default: {
      const never: never = protocol
      throw new TypeError(`Unknown replication protocol ${String(never)}; use 'incremental' or 'total'.`)
    }
  }
}
