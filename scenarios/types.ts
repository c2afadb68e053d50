/**
 * The scenario language: what a loaded, validated scenario is. A YAML file (scenarios/schema.json
 * describes its text form) becomes a `Scenario`; the provider's scenario runtime plays it; the
 * conformance runner reads `consumer` and `expect`.
 *
 * Rules of the text form, kept here so the types and the schema never drift apart:
 * - Keys are camelCase. Unknown keys are errors.
 * - Durations are numbers of milliseconds or strings `250ms`, `2s`, `1.5s`, `1m` (whole
 *   milliseconds in the end).
 * - Byte values (cookies, UUIDs, raw PDUs) are written as `{ text: "…" }` (UTF-8), `{ hex: "…" }`
 *   (whitespace and `:` allowed between octets), or, for UUIDs, a canonical UUID string.
 * - Paths (LDIF fixtures, TLS files) are relative to the scenario file.
 * - Every node keeps its source position (`SourceRef`), so a runtime failure can still say which
 *   line of which file asked for it.
 */

/** Where a node of the scenario came from: file, 1-based line and column. */
export interface SourceRef {
  readonly file: string
  readonly line: number
  readonly column: number
}

export interface Scenario {
  readonly source: SourceRef
  readonly meta: ScenarioMeta
  readonly directory: DirectorySpec
  readonly provider: ProviderSpec
  /** The consumer's side, for the runner and for `serve --scenario` to print; optional. */
  readonly consumer?: ConsumerSpec
  readonly expect?: ExpectSpec
  /** Present in conformance cases (scenarios/conformance/): what the runner judges. */
  readonly conformance?: ConformanceSpec
  /** In file order. Each step fires at most `times` times (default once). */
  readonly timeline: readonly Step[]
}

export interface ScenarioMeta {
  /** Stable identifier, `[a-z0-9][a-z0-9.-]*`, unique within a catalogue. */
  readonly id: string
  readonly title: string
  /** RFC 4533 section this scenario exercises, e.g. `3.3.1`; optional for examples. */
  readonly rfcSection?: string
  readonly description?: string
  readonly tags: readonly string[]
}

export interface DirectorySpec {
  /** Default `dc=example,dc=com`. */
  readonly suffix: string
  /** LDIF files loaded in order (resolved absolute paths). */
  readonly ldif: readonly string[]
  /** Seeded generator data, loaded after the LDIF files. */
  readonly generate?: { readonly count: number; readonly seed: number | string; readonly groups?: number }
  /** slapd's olcServerID written into CSNs; default 0. */
  readonly serverId: number
  /** syncprov-sessionlog size; 0 = no session log (default). */
  readonly sessionLog: number
}

export type DialectName = 'openldap' | '389ds' | 'apacheds' | 'strict-rfc'

export interface ProviderSpec {
  readonly dialect: DialectName
  /** Overrides of individual dialect knobs (names as in provider/sync/dialect.ts). */
  readonly knobs: Readonly<Record<string, boolean | number | string>>
  /**
   * `engine` (default): the sync engine answers sync searches and the timeline adds to it.
   * `script`: sync searches get nothing but what the timeline's `send` steps send.
   */
  readonly mode: 'engine' | 'script'
  /** Simple-bind credentials; absent = anonymous binds allowed. */
  readonly bind?: { readonly dn: string; readonly password: string }
  readonly tls?: { readonly cert: string; readonly key: string; readonly mode: 'ldaps' | 'startTls' }
  /** Seed for fault probabilities; printed by `serve --scenario`. Default 1. */
  readonly seed: number
  /** Listen port for `serve --scenario`; 0 = any free port. */
  readonly port?: number
  /** The 389-DS style session-hook handshake (docs/provider.md "Session hooks"); absent = none. */
  readonly sessionHooks?: SessionHooksSpec
}

// ---------------------------------------------------------------------------------------------
// Session hooks (389ds-session-hooks.md §5.5). The data-only form of provider/handshake's
// SessionHookScript (which adds function-valued predicates and reply data): the runtime passes
// it through as it is, so the two must stay assignable.

export interface SessionHooksSpec extends SessionHookAttemptSpec {
  /** Default true: writing the block enables the handshake. */
  readonly enabled?: boolean
  /** List 3.5.12, 3.5.3, 3.5.5 and 3.5.4 in supportedExtension; default true. */
  readonly advertise?: boolean
  /** Refuse sync searches without an accepted handshake (53); default true. */
  readonly required?: boolean
  /** Per-attempt overrides: Start request N uses entry N-1 over the rest. */
  readonly sequence?: readonly SessionHookAttemptSpec[]
}

export interface SessionHookAttemptSpec {
  readonly recv?: SessionHookRecvSpec
  readonly reply?: SessionHookReplySpec
  /** An NSDS50_REPL_* code answered whatever recv and reply decided. */
  readonly forceCode?: number
  readonly fault?: SessionHookFaultSpec
}

export interface SessionHookRecvSpec {
  readonly expectGuid?: string
  readonly onGuidMismatch?: 'accept' | 'reject'
  readonly onMissingPayload?: 'accept' | 'reject'
  readonly codec?: 'cstring' | 'utf8' | 'json' | 'raw'
  /** All must hold. */
  readonly accept?: readonly SessionHookCriterionSpec[]
  readonly rejectCode?: number
  readonly reject?: boolean
  readonly strictRuv?: boolean
  readonly strictCsn?: boolean
}

export type SessionHookCriterionSpec =
  | { readonly minVersion: string; readonly field?: string }
  | { readonly exactVersion: string; readonly field?: string }
  | { readonly schemaChecksum: string; readonly field?: string }
  | { readonly field: string; readonly equals: string | number | boolean | null }

export interface SessionHookReplySpec {
  readonly guid?: string
  readonly data?: Uint8Array
  readonly appendNul?: boolean
  readonly reject?: boolean
  readonly includeRuv?: readonly string[]
}

export type SessionHookFaultSpec =
  | { readonly delayMs: number }
  | { readonly hang: true }
  | { readonly disconnect: 'onRequest' | 'afterResponse' }
  | {
      readonly malformed: 'truncated' | 'guidWithoutData' | 'integerInsteadOfEnumerated' | 'noValue' | 'trailingGarbage' | 'unknownCode' | 'ruvAsSet'
    }
  | { readonly responseName: string }
  | { readonly ldapResult: number; readonly message?: string }

export interface ConsumerSpec {
  readonly base: string
  readonly scope: 'base' | 'one' | 'sub'
  readonly filter: string
  readonly attributes: readonly string[]
  /** The sync modes this scenario is meant to run in; the runner runs it once per mode. */
  readonly modes: readonly ('refreshOnly' | 'refreshAndPersist')[]
  readonly reloadHint: boolean
}

export interface ExpectSpec {
  /** The consumer's replica must equal the provider's content at the end. Default true. */
  readonly converged?: boolean
  /** The last sync search must end with this result code (absent: not checked). */
  readonly resultCode?: number
  /** The consumer must report a protocol error (a conformance failure of the provider on purpose). */
  readonly protocolError?: boolean
  /** The cookie the consumer keeps at the end (bytes), if checked. */
  readonly cookie?: Uint8Array
}

// ---------------------------------------------------------------------------------------------
// Conformance cases (tools/conform; docs/conformance.md)

/** RFC 2119 words: a failed MUST grades FAIL, a failed SHOULD NON-STRICT, a failed MAY INFO. */
export type RequirementLevel = 'MUST' | 'SHOULD' | 'MAY'

export type ConsumerFeature = 'handshake' | 'refreshAndPersist' | 'refreshOnly' | 'reconnect'

export interface ConformanceSpec {
  readonly source: SourceRef
  /** `rfc4533` or `389ds-hooks`; with the scenario's `rfcSection` and `id` it names the case. */
  readonly spec: 'rfc4533' | '389ds-hooks'
  readonly level: RequirementLevel
  readonly requirement: string
  readonly deviation?: string
  readonly features: readonly ConsumerFeature[]
  /** Handshake cases: what the consumer is told to send in Start Replication v2. */
  readonly hooks?: { readonly guid: string; readonly data?: Uint8Array }
  /** At least one. */
  readonly runs: readonly ConsumerRunSpec[]
  /** After the last run. */
  readonly checks: readonly CheckSpec[]
  /**
   * Whether the runner adds a `converged` check at the case's level: yes unless `checks` has a
   * `converged` item of its own (true or false) or `expect.converged` is false.
   */
  readonly implicitConverged: boolean
}

export interface ConsumerRunSpec {
  readonly source: SourceRef
  readonly name: string
  readonly exit: 'success' | 'failure' | 'any'
  /** The level of the exit check; default the case's. */
  readonly exitLevel?: RequirementLevel
  readonly earlyExit: 'fail' | 'nonStrict'
  readonly kill?: { readonly afterEntries: number }
  /** refreshAndPersist: steps that must have fired before convergence is judged; absent = every named step. */
  readonly waitFor?: readonly string[]
  readonly timeoutMs?: number
}

export type CookieExpectation = 'absent' | 'present' | 'notEmpty' | 'lastSent' | 'previous' | 'containsLastCsns'

export interface Range {
  readonly min?: number
  readonly max?: number
}

export type CheckSpec = { readonly source: SourceRef; readonly level?: RequirementLevel; readonly why?: string } & (
  | { readonly kind: 'converged' }
  | { readonly kind: 'replicaUnchanged'; readonly run: string }
  | { readonly kind: 'request'; readonly nth: number; readonly cookie: CookieExpectation }
  | { readonly kind: 'syncRequests'; readonly range: Range }
  | { readonly kind: 'holds'; readonly uuids: readonly string[] }
  | { readonly kind: 'lacks'; readonly uuids: readonly string[] }
  | { readonly kind: 'handshake'; readonly starts?: Range; readonly ends?: Range; readonly noViolation?: boolean; readonly guid?: string }
)

// ---------------------------------------------------------------------------------------------
// Timeline

export interface Step {
  readonly source: SourceRef
  /** Optional label, shown in logs and errors. */
  readonly name?: string
  readonly trigger: Trigger
  readonly actions: readonly Action[]
  /** How many times the step may fire; default 1; 0 = every time its trigger matches. */
  readonly times: number
}

/**
 * When a step fires. Protocol-event triggers count per provider run (connection numbers start at
 * 1, in accept order). `connection`, when given on an event trigger, narrows it to that connection.
 */
export type Trigger =
  | { readonly on: 'start' }
  | { readonly on: 'time'; readonly afterMs: number }
  | { readonly on: 'connectionOpened'; readonly connection?: number }
  | { readonly on: 'bind'; readonly connection?: number }
  | {
      readonly on: 'syncRequest'
      readonly connection?: number
      /** The Nth sync request of the run (1-based); absent = any. */
      readonly nth?: number
      readonly mode?: 'refreshOnly' | 'refreshAndPersist'
      /** `absent`, `present`, or `any` (default). */
      readonly cookie?: 'absent' | 'present' | 'any'
      readonly reloadHint?: boolean
    }
  | { readonly on: 'entrySent'; readonly connection?: number; readonly count: number }
  | { readonly on: 'refreshDone'; readonly connection?: number }
  | { readonly on: 'persistStarted'; readonly connection?: number }
  | { readonly on: 'idle'; readonly connection?: number; readonly forMs: number }
  /** After another named step fired, optionally with a delay. */
  | { readonly on: 'after'; readonly step: string; readonly delayMs: number }

export type Action = DirectoryAction | ProviderAction | SendAction | FaultAction

export type DirectoryAction =
  | { readonly do: 'add'; readonly source: SourceRef; readonly dn: string; readonly attributes: Readonly<Record<string, readonly string[]>> }
  | { readonly do: 'modify'; readonly source: SourceRef; readonly dn: string; readonly changes: readonly ModifyChange[] }
  | {
      readonly do: 'modDn'
      readonly source: SourceRef
      readonly dn: string
      readonly newRdn: string
      readonly deleteOldRdn: boolean
      readonly newSuperior?: string
    }
  | { readonly do: 'delete'; readonly source: SourceRef; readonly dn: string }
  /** Bulk adds from the seeded generator under `parent` (default the people container). */
  | { readonly do: 'generate'; readonly source: SourceRef; readonly count: number; readonly seed: number | string; readonly parent?: string }

export interface ModifyChange {
  readonly operation: 'add' | 'delete' | 'replace'
  readonly attribute: string
  readonly values: readonly string[]
}

export type ProviderAction =
  /** Send a Sync Info newcookie with the current cookie on the triggering (or every) sync search. */
  | { readonly do: 'newcookie'; readonly source: SourceRef }
  /** End the triggering (or every) sync search with e-syncRefreshRequired (4096). */
  | { readonly do: 'refreshRequired'; readonly source: SourceRef; readonly withDoneCookie: boolean }
  /** Drop every connection and empty the session log, as a provider restart does. */
  | { readonly do: 'restart'; readonly source: SourceRef }
  | { readonly do: 'setKnob'; readonly source: SourceRef; readonly knob: string; readonly value: boolean | number | string }
  /** Replace the session-hook script from now on (its `sequence` starts over). */
  | { readonly do: 'setSessionHooks'; readonly source: SourceRef; readonly hooks: SessionHooksSpec }

/** Script mode: exact messages on the triggering connection, for the triggering sync search. */
export interface SendAction {
  readonly do: 'send'
  readonly source: SourceRef
  readonly message: ScriptMessage
}

/** Length and boolean encoding choices (protocol/sync/encoding-form.ts). */
export interface ScriptEncoding {
  /** Write DEFAULT members even when they equal the default. */
  readonly explicitDefaults?: boolean
  /** 0xFF (default) or 0x01 for TRUE. */
  readonly trueOctet?: number
  /** 0 = minimal lengths; 1..4 = long form with exactly that many octets. */
  readonly lengthOctets?: number
}

export type ScriptMessage =
  | {
      readonly kind: 'entry'
      readonly dn: string
      readonly state: 'present' | 'add' | 'modify' | 'delete' | number
      /** Raw bytes: may be of any length (script mode sends invalid UUIDs on purpose). */
      readonly uuid: Uint8Array
      readonly cookie?: Uint8Array
      readonly attributes: Readonly<Record<string, readonly string[]>>
      /** Omit the Sync State control, or send it twice (RFC 4533 §3.4 violations). */
      readonly stateControl: 'one' | 'none' | 'duplicate'
      readonly encoding?: ScriptEncoding
      /** Message ID to use instead of the sync search's. */
      readonly messageId?: number
    }
  | {
      readonly kind: 'syncInfo'
      readonly info:
        | { readonly type: 'newcookie'; readonly cookie: Uint8Array }
        | { readonly type: 'refreshDelete' | 'refreshPresent'; readonly cookie?: Uint8Array; readonly refreshDone: boolean }
        | { readonly type: 'syncIdSet'; readonly cookie?: Uint8Array; readonly refreshDeletes: boolean; readonly uuids: readonly Uint8Array[] }
      readonly encoding?: ScriptEncoding
      readonly messageId?: number
    }
  | {
      readonly kind: 'done'
      readonly resultCode: number
      readonly diagnosticMessage: string
      readonly matchedDn?: string
      /** Absent: no Sync Done control. */
      readonly syncDone?: { readonly cookie?: Uint8Array; readonly refreshDeletes: boolean }
      readonly encoding?: ScriptEncoding
      readonly messageId?: number
    }
  | {
      readonly kind: 'extended'
      readonly resultCode: number
      readonly diagnosticMessage: string
      readonly name?: string
      readonly value?: Uint8Array
      /** 0 = unsolicited notification (RFC 4511 §4.4). Default: the triggering operation's ID. */
      readonly messageId?: number
    }
  /** Bytes written as they are: anything at all, including non-LDAP. */
  | { readonly kind: 'raw'; readonly bytes: Uint8Array }

export type FaultKind =
  /** Hold every write for `ms`, then continue. */
  | 'delay'
  /** Stop sending on this connection (the socket stays open) until the scenario ends. */
  | 'stall'
  /** Close the connection with FIN. */
  | 'close'
  /** Reset the connection (RST). */
  | 'reset'
  /** Send only the first `bytes` octets (default half) of the next PDU, then close. */
  | 'truncate'
  /** Write the following PDUs one octet per write. */
  | 'byteByByte'
  /** Send the next PDU twice. */
  | 'duplicate'
  /** Send the next PDU with message ID `messageId` (default the real ID + 1). */
  | 'wrongMessageId'
  /** Write `bytes` random octets (seeded) before the next PDU. */
  | 'garbage'

export interface FaultAction {
  readonly do: 'fault'
  readonly source: SourceRef
  readonly fault: FaultKind
  readonly ms?: number
  readonly bytes?: number
  readonly messageId?: number
  /** 0..1; the fault happens with this probability, drawn from the scenario's seed. Default 1. */
  readonly probability?: number
}
