/**
 * What a scenario author scripts for the provider's side of the 389-DS style session-hook
 * handshake (389ds-session-hooks.md §5.5), and what the provider records of every exchange.
 *
 * Role mapping (§5.1): in syncrepl the consumer plays the 389 supplier's hook role (init, pre,
 * post, destroy); the mock provider plays the 389 consumer's (recv, reply). The names `recv` and
 * `reply` are 389's, so 389-savvy users recognise them.
 *
 * This file imports nothing of the server: the server's event types refer to the records here.
 */

/** Per-connection handshake state (§5.4). A new Bind resets it to `none`; so does End. */
export type HandshakeState = 'none' | 'accepted' | 'rejected'

/**
 * How the recv stage reads the request's `data` (§5.5):
 * - `cstring`: UTF-8 text with one trailing NUL stripped (389 peers count the NUL, §1.3);
 * - `utf8`: UTF-8 text as sent;
 * - `json`: one trailing NUL stripped, then UTF-8 JSON;
 * - `raw`: not interpreted; criteria compare the lower-case hex of the bytes.
 */
export type PayloadCodec = 'cstring' | 'utf8' | 'json' | 'raw'

/** A JSON scalar, for `{ field, equals }`. */
export type JsonScalar = string | number | boolean | null

/** The members of a Start request value, as both the recv stage and the handshake log keep them. */
export interface StartRequestFields {
  readonly requestOid: string
  /** Absent when the request value did not decode. */
  readonly protocolOid?: string
  /** True only for the total protocol OID (…3.6.2), as 389's `is_total`. */
  readonly isTotal: boolean
  /** replicatedTree: in syncrepl, the base DN of the sync search that will follow (§5.2). */
  readonly base?: string
  readonly csn?: string
  readonly supplierRuv?: readonly string[]
  readonly referralUrls?: readonly string[]
}

/** The Start request as the recv stage, predicates and a reply `data` function see it. */
export interface HandshakeRequest extends StartRequestFields {
  readonly connectionId: number
  readonly messageId: number
  /** Provider-wide count of Start requests, 1-based (what `sequence` is indexed by). */
  readonly attempt: number
  /** 1 = …3.5.3, 2 = …3.5.12. */
  readonly version: 1 | 2
  readonly guid?: string
  readonly data?: Uint8Array
}

/** The request's `data` read with the recv codec. */
export interface DecodedPayload {
  readonly codec: PayloadCodec
  readonly bytes: Uint8Array
  /** cstring / utf8 / json: the text (without the stripped NUL); raw: lower-case hex. */
  readonly text?: string
  /** json: the parsed value. */
  readonly json?: unknown
  /** Why the bytes do not decode under the codec (invalid UTF-8, not JSON). */
  readonly error?: string
}

/** What a predicate answers: hold (true), fail with the reject code (false), or fail with its own code. */
export type PredicateResult = boolean | { readonly reject: number; readonly reason?: string }

/**
 * One acceptance criterion of the recv stage; all of them must hold (§5.5).
 *
 * The value a version or checksum criterion reads: for `cstring` and `utf8` the payload text, for
 * `raw` its hex, for `json` the field named by `field` (dotted path; default `version` for the
 * version criteria and `schemaChecksum` for the checksum), or the whole JSON value when it is a
 * string or number and no `field` is given.
 */
export type Criterion =
  /** Dotted numeric versions (`4.10.2`, `20`, an optional `v` and semver pre-release) compared numerically. */
  | { readonly minVersion: string; readonly field?: string }
  /** Exact string equality, as FreeIPA compares its data versions. */
  | { readonly exactVersion: string; readonly field?: string }
  /** Exact string equality. */
  | { readonly schemaChecksum: string; readonly field?: string }
  /** A JSON field (dotted path) equal to this scalar; `json` codec only. */
  | { readonly field: string; readonly equals: JsonScalar }
  /** Anything else; TS API only (no YAML form). A throw answers INTERNAL_ERROR (0x08). */
  | { readonly predicate: (payload: DecodedPayload, request: HandshakeRequest) => PredicateResult }

/** The recv stage: runs on the consumer's payload for the incremental and total protocol OIDs (§1.2). */
export interface RecvScript {
  /** The payload format id the provider understands. Absent: every payload is read. */
  readonly expectGuid?: string
  /** A payload under another GUID: left alone and accepted (389 and FreeIPA, the default) or rejected. */
  readonly onGuidMismatch?: 'accept' | 'reject'
  /** A request without dataGuid/data: accepted (default, as FreeIPA) or rejected. */
  readonly onMissingPayload?: 'accept' | 'reject'
  /** Default `cstring`. */
  readonly codec?: PayloadCodec
  readonly accept?: Criterion | readonly Criterion[]
  /** The code of a recv rejection; default 0x0E (incremental) / 0x0C (total), as 389. */
  readonly rejectCode?: number
  /** Reject every request at this stage, whatever it carries (for `sequence` entries). */
  readonly reject?: boolean
  /** Answer DECODING_ERROR (0x04) to an empty supplierRUV SET, as a real 389 does (§5.2). Default false. */
  readonly strictRuv?: boolean
  /** Answer DECODING_ERROR (0x04) to a CSN that is not 20 lower-case hex digits (§5.2). Default false. */
  readonly strictCsn?: boolean
}

/** The reply stage: runs for every Start request, as 389's reply hook does (§1.2). */
export interface ReplyScript {
  /** The reply payload's format id; sent only together with `data`, and only to a v2 Start. */
  readonly guid?: string
  /** A string is sent as UTF-8. A function may not throw (a throw answers INTERNAL_ERROR, 0x08). */
  readonly data?: string | Uint8Array | ((request: HandshakeRequest) => Uint8Array)
  /** Append one NUL to `data`, as 389 peers send C strings (`bv_len = strlen + 1`, §1.3). */
  readonly appendNul?: boolean
  /** Reply-stage veto: the code is forced to 0x0E and the payload dropped (§1.4). */
  readonly reject?: boolean
  /** consumerRUV strings, sent in a READY answer and with a reply-stage veto (§2.3). */
  readonly includeRuv?: readonly string[]
}

/** The response-value faults of §5.5. */
export type MalformedVariant =
  /** The value without its last octet. */
  | 'truncated'
  /** A dataGuid and no data (the reply GUID, or `guid-without-data`). */
  | 'guidWithoutData'
  /** The code as an INTEGER (0x02); 389 accepts it. */
  | 'integerInsteadOfEnumerated'
  /** No responseValue at all. */
  | 'noValue'
  /** A BOOLEAN TRUE (`01 01 ff`) after the last member, inside the SEQUENCE; 389 ignores it. */
  | 'trailingGarbage'
  /** Code 0x2A, which 389 does not define, instead of the decided one. */
  | 'unknownCode'
  /** The consumerRUV as a SET (0x31, the request's form); 389 stops reading there. */
  | 'ruvAsSet'

export const MALFORMED_VARIANTS: readonly MalformedVariant[] = [
  'truncated', 'guidWithoutData', 'integerInsteadOfEnumerated', 'noValue', 'trailingGarbage', 'unknownCode', 'ruvAsSet',
]

/** One fault applied to the answer of a Start request (§5.5). */
export type HandshakeFault =
  /** Answer this many milliseconds late (other requests on the connection are served meanwhile). */
  | { readonly delayMs: number }
  /** Never answer. */
  | { readonly hang: true }
  /** Close the connection (FIN) instead of answering, or right after the answer (what 389 does after a reply veto). */
  | { readonly disconnect: 'onRequest' | 'afterResponse' }
  | { readonly malformed: MalformedVariant }
  /** Answer under this responseName (e.g. 3.5.4, or a bogus OID). */
  | { readonly responseName: string }
  /** A non-zero LDAP resultCode (not a 389 behaviour: for generic LDAP failure handling). */
  | { readonly ldapResult: number; readonly message?: string }

/** What may change from one Start request to the next (`sequence` entries). */
export interface SessionHookAttempt {
  readonly recv?: RecvScript
  readonly reply?: ReplyScript
  /** Answer this code whatever recv and reply decided (BUSY 0x01, PERMISSION_DENIED 0x03, …). */
  readonly forceCode?: number
  readonly fault?: HandshakeFault
}

/**
 * The provider's session-hook script (`createProvider({ sessionHooks })`, YAML
 * `provider.sessionHooks`).
 *
 * @example
 * createProvider({ sessionHooks: {
 *   recv: { expectGuid: '2D562D8B-2F30-4447-AF76-2B721D1D5F6A', accept: { exactVersion: '20' } },
 *   reply: { guid: 'test-reply-guid', data: 'test-reply-data', appendNul: true },
 *   sequence: [{ forceCode: 0x0e }, { forceCode: 0x0e }],
 * } })
 */
export interface SessionHookScript extends SessionHookAttempt {
  /** Answer the handshake's extended operations. Default true. */
  readonly enabled?: boolean
  /** List 3.5.12, 3.5.3, 3.5.5 and 3.5.4 in supportedExtension. Default true. */
  readonly advertise?: boolean
  /** Refuse (53) a sync search on a connection whose handshake was not accepted (§5.4). Default true. */
  readonly required?: boolean
  /**
   * Per-attempt overrides: Start request N (provider-wide, 1-based) uses entry N-1 merged over
   * the script (recv and reply field by field; forceCode and fault replace). Later attempts use
   * the script alone. E.g. `[{ forceCode: 0x0e }, { forceCode: 0x0e }]`: refuse, refuse, accept.
   */
  readonly sequence?: readonly SessionHookAttempt[]
}

/** How the recv stage ended. `skipped`: it did not run (decode failure, unknown protocol OID). */
export interface RecvOutcome {
  readonly outcome: 'accepted' | 'rejected' | 'skipped'
  /** A full sentence, for reports. */
  readonly reason: string
}

/** A payload as recorded: exact bytes, hex, and the recv codec's reading. */
export interface PayloadRecord {
  readonly guid: string
  readonly data: Uint8Array
  readonly dataHex: string
  /** The request's payload under the recv codec (absent for reply payloads). */
  readonly decoded?: DecodedPayload
}

/** What went on the wire in answer (absent when nothing was sent: hang, disconnect before the answer). */
export interface SentResponse {
  readonly resultCode: number
  readonly diagnosticMessage: string
  readonly responseName?: string
  readonly responseValue?: Uint8Array
  readonly responseValueHex?: string
}

/** One Start or End exchange, as `provider.handshakes` keeps it and the `handshake` event carries it. */
export interface HandshakeRecord extends StartRequestFields {
  readonly kind: 'start' | 'end'
  readonly connectionId: number
  readonly messageId: number
  /** When the request arrived (ms since the epoch, the provider's clock). */
  readonly time: number
  /** When the answer went out (or the provider gave up on it). */
  readonly answeredAt: number
  /** Start: the provider-wide attempt number, 1-based. */
  readonly attempt?: number
  /** Start: 1 (…3.5.3) or 2 (…3.5.12). */
  readonly version?: 1 | 2
  /** The consumer's payload (pre hook). */
  readonly payload?: PayloadRecord
  /** Elements after the last member of the Start value, which 389 ignores (and so does the provider). */
  readonly trailingHex?: string
  /** Why the request value did not decode (then the code is 0x04). */
  readonly decodeError?: { readonly code: string; readonly message: string }
  readonly recv?: RecvOutcome
  /** The NSDS50_REPL_* code the provider decided (before a malformed fault changed the bytes). */
  readonly code: number
  /** E.g. `NSDS50_REPL_BACKOFF (0x0E)`. */
  readonly codeLabel: string
  /** Why this code, in a sentence. */
  readonly reason: string
  /** The reply payload put into the answer. */
  readonly reply?: PayloadRecord
  readonly consumerRuv?: readonly string[]
  readonly fault?: HandshakeFault
  readonly response?: SentResponse
  readonly stateBefore: HandshakeState
  readonly stateAfter: HandshakeState
}

/** A sync search refused for want of an accepted handshake (§5.4): a protocol violation by the consumer. */
export interface HandshakeViolation {
  readonly connectionId: number
  readonly messageId: number
  readonly time: number
  /** The sync search's base DN as sent. */
  readonly base: string
  readonly state: HandshakeState
  readonly required: boolean
  /** A full sentence. */
  readonly message: string
}
