/**
 * The session-hook callbacks of the reference consumer: 389-DS's six replication session slots
 * (389ds-session-hooks.md §1.2) mapped onto syncrepl (§5.1). In 389 the hooks follow the LDAP
 * client/server roles, not the direction of data: the side that sends the Start request runs
 * init, pre, post and destroy. In syncrepl the consumer is the LDAP client, so **the consumer
 * plays the 389 supplier's hook role**, and recv / reply belong to the provider.
 *
 * | 389 slot (index) | 389 side | here |
 * |---|---|---|
 * | agmt init (1) | supplier | `init({ base })`, once per SyncreplConsumer (its "agreement"), before its first handshake; the value it returns is 389's agreement cookie, handed to every other hook as `ctx.cookie` |
 * | pre acquire (2) | supplier | `pre(ctx)` → payload `{ guid, data }`, nothing, or `refuse()` (nothing is sent) |
 * | reply acquire (3) | consumer | the provider's reply hook (scenario DSL) |
 * | post acquire (4) | supplier | `post(ctx + provider's guid, data)` after READY only → nothing, or `refuse()` (End is sent) |
 * | recv acquire (5) | consumer | the provider's recv hook (scenario DSL) |
 * | destroy agmt (6) | supplier | `destroy({ cookie, base })` when the SyncreplConsumer closes, if init ran |
 */

/** A session-hook payload: the format identifier and the opaque bytes (§1.3). Both or neither go on the wire. */
export interface HookPayload {
  /** Names the payload format (389 recommends a GUID); a C string, so no NUL inside. */
  readonly guid: string
  /** The bytes; a string is sent as UTF-8 as it is (use `cstringPayload` for 389's trailing NUL). */
  readonly data: Uint8Array | string
}

/** A hook's "no" (389: a non-zero return). Build it with `refuse()`; a thrown error counts the same. */
export interface HookRefusal {
  readonly kind: 'hookRefusal'
  readonly reason: string
}

/**
 * Refuses the session from a pre or post hook.
 *
 * @example pre: () => (schemaReady() ? { guid: SCHEMA_GUID, data: cstringPayload(version) } : refuse('schema upgrade in progress'))
 */
export function refuse(reason = 'the hook refused the session'): HookRefusal {
  return { kind: 'hookRefusal', reason }
}

export function isHookRefusal(value: unknown): value is HookRefusal {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'hookRefusal'
}

/** What a hook may return asynchronously or not. */
export type MaybePromise<T> = T | Promise<T>

export interface InitContext {
  /** The base DN of the first sync search: 389's `repl_subtree`. */
  readonly base: string
}

export interface HookContext {
  /** What `init` returned (389's agreement "cookie", `agmt_set_priv`); undefined without init. */
  readonly cookie: unknown
  /** The base DN of the sync search that will follow: the Start request's replicatedTree. */
  readonly base: string
  /** True when no sync cookie is held and a full refresh follows (…3.6.2); false when resuming (…3.6.1). */
  readonly isTotal: boolean
  /** The RFC 4533 sync cookie the search will resume from (undefined for a full refresh). */
  readonly syncCookie: Uint8Array | undefined
}

export interface PostContext extends HookContext {
  /** The provider's reply payload format, or undefined when it sent none. */
  readonly guid: string | undefined
  /** The provider's reply payload bytes (exact, a trailing NUL included), or undefined. */
  readonly data: Uint8Array | undefined
}

export interface DestroyContext {
  readonly cookie: unknown
  readonly base: string
}

/** The four consumer-side slots. Any may be left out ("no hook here" = success, §1.1). */
export interface SessionHooks {
  readonly init?: (ctx: InitContext) => MaybePromise<unknown>
  readonly pre?: (ctx: HookContext) => MaybePromise<HookPayload | HookRefusal | undefined | void>
  readonly post?: (ctx: PostContext) => MaybePromise<HookRefusal | undefined | void>
  readonly destroy?: (ctx: DestroyContext) => MaybePromise<void>
}

/** Exponential backoff of §5.6 (389's nsds5ReplicaBackoffMin / Max) and the fixed busy wait. */
export interface BackoffOptions {
  /** First exponential wait; default 3,000 ms. */
  readonly minMs?: number
  /** Cap of the exponential wait; default 300,000 ms. */
  readonly maxMs?: number
  /** The fixed wait after REPLICA_BUSY (0x01); default 3,000 ms. */
  readonly busyMs?: number
}

/** `SyncreplConsumerOptions.sessionHooks`: turns the handshake on and configures it. */
export interface SessionHooksOptions extends SessionHooks {
  /**
   * What to do when the provider's root DSE does not list 2.16.840.1.113730.3.5.12:
   * `'fail'` (default) = no sync, error phase "capability"; `'skip'` = sync without the
   * handshake, as a 389 supplier does (it fails open, §2.6).
   */
  readonly onUnsupported?: 'fail' | 'skip'
  /** How long to wait for the root DSE, the Start response and the End response; default 120,000 (389's nsds5ReplicaTimeout). */
  readonly handshakeTimeoutMs?: number
  readonly backoff?: BackoffOptions
  /** Shortcut for a `pre` that always sends this payload; needs `data` too and excludes `pre`. */
  readonly guid?: string
  readonly data?: Uint8Array | string
  /** Also accept a Start response named …3.5.4 (389's supplier ignores the name, §2.3); default false: only …3.5.13. */
  readonly lenientResponseName?: boolean
  /** The token in the supplierRUV's `{replicageneration} <token>` element; default `00000000000000000000`. */
  readonly replicaGeneration?: string
  /** The replica ID written into a clock-derived CSN (§2.2: 4 hex digits); default 1. */
  readonly replicaId?: number
  /** Milliseconds since the epoch, for the clock-derived CSN; default Date.now. */
  readonly clock?: () => number
}
