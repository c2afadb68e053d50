/**
 * The consumer's half of the session handshake (389ds-session-hooks.md §5.3), on the connection
 * the sync search will use: root DSE → pre → Start v2 → check the response → post, and End
 * (…3.5.5) to release. One `SessionAgreement` per SyncreplConsumer, as a 389 agreement holds
 * its hooks' cookie from init to destroy.
 *
 * What it guarantees (§5.6): when `acquire` throws, nothing but the root DSE search, the Start
 * and (after a post refusal) the End went over the wire, and the store was not touched — the
 * caller sends the sync search, and may clear anything, only after `acquire` resolved.
 */
import { LdapClientError, LdapResultError } from '../client/index.js'
import type { LdapClient } from '../client/index.js'
import { ReplOid, ReplResponseCode, encodeEndReplicationRequest, encodeStartReplicationRequest, replProtocolOid, responseCodeInfo, responseCodeLabel } from '../../protocol/replsession/index.js'
import { HandshakeConfigError, HandshakeError, refusedMessage, untouched } from './errors.js'
import type { HandshakeErrorDetails, HandshakeReason } from './errors.js'
import type { HandshakeEvent } from './events.js'
import { DEFAULT_REPLICA_GENERATION, checkPayload, startCsn, supplierRuv } from './payload.js'
import { handshakeRetryPolicy, resolveBackoff } from './policy.js'
import type { HandshakePhase } from './policy.js'
import { checkResponseValue, checkStartResponse } from './response-check.js'
import { readSupportedExtensions } from './root-dse.js'
import { isHookRefusal } from './types.js'
import type { BackoffOptions, HookContext, HookPayload, SessionHooksOptions } from './types.js'

export type AcquireOutcome =
  | { readonly kind: 'accepted'; readonly providerGuid: string | undefined; readonly providerData: Uint8Array | undefined }
  | { readonly kind: 'skipped' }

export interface EndOutcome {
  readonly ok: boolean
  readonly responseCode: number | undefined
  readonly message: string
}

type Emit = (event: HandshakeEvent) => void

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 120_000

export class SessionAgreement {
  readonly timeoutMs: number
  readonly backoff: Required<BackoffOptions>
  private readonly ruv: string[]
  private readonly pre: SessionHooksOptions['pre']
  private initialised = false
  private initBase = ''
  private cookie: unknown
  private capabilities: { readonly client: LdapClient; readonly extensions: ReadonlySet<string> } | undefined
  /** The base of a session the provider said READY to and that no End has released yet. */
  private held: string | undefined

  /** Checks the options; throws HandshakeConfigError (nothing is sent) when they contradict each other. */
  constructor(private readonly options: SessionHooksOptions) {
    const { guid, data } = options
    if (options.pre !== undefined && (guid !== undefined || data !== undefined)) {
      throw new HandshakeConfigError('sessionHooks has both a pre hook and the guid/data shortcut; the shortcut is a pre hook that always sends that payload, so give one or the other.')
    }
    if (guid !== undefined || data !== undefined) {
      const payload = checkPayload({ guid, data } as HookPayload, 'The sessionHooks guid/data shortcut')
      this.pre = () => payload
    } else {
      this.pre = options.pre
    }
    this.timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
    if (!(this.timeoutMs > 0)) throw new HandshakeConfigError(`sessionHooks.handshakeTimeoutMs must be a number of milliseconds above 0, not ${this.timeoutMs}.`)
    try {
      this.backoff = resolveBackoff(options.backoff)
    } catch (error) {
      throw new HandshakeConfigError(`sessionHooks.${(error as Error).message}`)
    }
    const replicaId = options.replicaId ?? 1
    if (!Number.isInteger(replicaId) || replicaId < 0 || replicaId > 0xffff) throw new HandshakeConfigError(`sessionHooks.replicaId must be an integer in 0..65535 (4 hex digits of a 389 CSN), not ${replicaId}.`)
    this.ruv = supplierRuv(options.replicaGeneration ?? DEFAULT_REPLICA_GENERATION)
  }

  /** True while a session is acquired and not yet released by End. */
  get acquired(): boolean {
    return this.held !== undefined
  }

  /**
   * Runs the handshake for a sync search of `base` resuming from `syncCookie` (undefined: a full
   * refresh). Resolves when the sync may start; throws HandshakeError (after emitting
   * `handshakeFailed`) when it may not.
   */
  async acquire(client: LdapClient, base: string, syncCookie: Uint8Array | undefined, emit: Emit): Promise<AcquireOutcome> {
    const isTotal = syncCookie === undefined
    const fail = (message: string, details: Omit<HandshakeErrorDetails, 'base' | 'isTotal'>): HandshakeError => {
      const error = new HandshakeError(message, { ...details, base, isTotal })
      emit({ kind: 'handshakeFailed', error })
      return error
    }
    const exponential = untouched(handshakeRetryPolicy({ phase: 'pre' }).retry)

    if (!this.initialised) {
      try {
        this.cookie = await this.options.init?.({ base })
      } catch (error) {
        throw fail(`The init hook failed for ${JSON.stringify(base)}: ${messageOf(error)}. ${exponential}`, { reason: 'HANDSHAKE_PRE_REFUSED', phase: 'pre', cause: error })
      }
      this.initialised = true
      this.initBase = base
    }

    let extensions: ReadonlySet<string>
    try {
      extensions = await this.supportedExtensions(client)
    } catch (error) {
      throw fail(...clientFailure(error, 'reading the root DSE', this.timeoutMs))
    }
    if (!extensions.has(ReplOid.startNsds90Request)) {
      if ((this.options.onUnsupported ?? 'fail') === 'skip') {
        emit({ kind: 'handshakeSkipped', base })
        return { kind: 'skipped' }
      }
      throw fail(
        `The provider does not list the Start Replication v2 extended operation (${ReplOid.startNsds90Request}) in its root DSE's supportedExtension, so the session handshake cannot run and onUnsupported is 'fail'. ` +
          `${untouched('fatal')} Use onUnsupported: 'skip' to sync without the handshake (as a 389 supplier does).`,
        { reason: 'HANDSHAKE_UNSUPPORTED', phase: 'capability' },
      )
    }

    const ctx: HookContext = { cookie: this.cookie, base, isTotal, syncCookie }
    let payload: { readonly guid: string; readonly data: Uint8Array } | undefined
    try {
      const produced = await this.pre?.(ctx)
      if (isHookRefusal(produced)) throw fail(`The pre hook refused the replication session for ${JSON.stringify(base)}: ${produced.reason}. Nothing was sent. ${exponential}`, { reason: 'HANDSHAKE_PRE_REFUSED', phase: 'pre' })
      payload = produced === undefined || produced === null ? undefined : checkPayload(produced as HookPayload, 'The pre hook')
    } catch (error) {
      if (error instanceof HandshakeError || error instanceof HandshakeConfigError) throw error
      throw fail(`The pre hook threw for ${JSON.stringify(base)}: ${messageOf(error)}. Nothing was sent. ${exponential}`, { reason: 'HANDSHAKE_PRE_REFUSED', phase: 'pre', cause: error })
    }

    const protocolOid = replProtocolOid(isTotal ? 'total' : 'incremental')
    const csn = startCsn(syncCookie, (this.options.clock ?? Date.now)(), this.options.replicaId ?? 1)
    let value: Uint8Array
    try {
      value = encodeStartReplicationRequest({
        kind: 'startReplicationRequest', version: 2, replProtocolOid: protocolOid, replicatedTree: base, supplierRuv: this.ruv, csn,
        ...(payload === undefined ? {} : { dataGuid: payload.guid, data: payload.data }),
      })
    } catch (error) {
      throw new HandshakeConfigError(`The Start request for ${JSON.stringify(base)} cannot be encoded: ${messageOf(error)}`, { cause: error })
    }

    // A new Start replaces whatever this connection held (§5.4: its outcome sets the state).
    this.held = undefined
    emit({ kind: 'handshakeStart', base, isTotal, protocolOid, csn, guid: payload?.guid, data: payload?.data })
    let result
    try {
      result = await client.extended(ReplOid.startNsds90Request, value, undefined, { timeoutMs: this.timeoutMs })
    } catch (error) {
      throw fail(...clientFailure(error, 'the Start Replication request', this.timeoutMs))
    }
    const check = checkStartResponse(result.response, this.options.lenientResponseName ?? false)
    if (!check.ok) {
      throw fail(`The provider's answer to the Start Replication request for ${JSON.stringify(base)} is unusable: ${check.detail} ${untouched('fatal')}`, {
        reason: check.reason, phase: 'decode', toleratedBy389: check.toleratedBy389, cause: check.cause,
      })
    }
    const response = check.response
    const provider = { providerGuid: response.dataGuid, providerData: response.data }
    if (responseCodeInfo(response.responseCode) === undefined) {
      // §5.5 counts an unknown code among the malformed responses: the value decodes, its meaning does not.
      throw fail(
        `The provider's answer to the Start Replication request for ${JSON.stringify(base)} carries ${responseCodeLabel(response.responseCode)}, which 389-DS does not define (a 389 supplier treats it as fatal too). ${untouched('fatal')}`,
        { reason: 'HANDSHAKE_BAD_RESPONSE', phase: 'decode', code: response.responseCode, ...provider },
      )
    }
    if (response.responseCode !== ReplResponseCode.replicaReady) {
      const retry = handshakeRetryPolicy({ phase: 'provider', code: response.responseCode }).retry
      throw fail(refusedMessage(response.responseCode, base, retry), { reason: 'HANDSHAKE_REFUSED', phase: 'provider', code: response.responseCode, ...provider })
    }

    let refusal: string | undefined
    let thrown: unknown
    try {
      const verdict = await this.options.post?.({ ...ctx, guid: response.dataGuid, data: response.data })
      if (isHookRefusal(verdict)) refusal = verdict.reason
    } catch (error) {
      thrown = error
      refusal = `it threw: ${messageOf(error)}`
    }
    if (refusal !== undefined) {
      // §5.3 step 8: release what READY gave us (389's supplier leaves it held, §3.5).
      const end = await this.sendEnd(client, base, 'postRefused', emit)
      throw fail(
        `The post hook refused the replication session for ${JSON.stringify(base)} after the provider said READY: ${refusal}. End Replication was sent (${end.message}). ${exponential}`,
        { reason: 'HANDSHAKE_POST_REFUSED', phase: 'post', code: ReplResponseCode.replicaReady, ...provider, ...(end.responseCode === undefined ? {} : { endResponseCode: end.responseCode }), cause: thrown },
      )
    }

    this.held = base
    emit({ kind: 'handshakeAccepted', base, isTotal, ...provider, consumerRuv: response.consumerRuv })
    return { kind: 'accepted', ...provider }
  }

  /** Sends End for the session held, if any (after a refreshOnly sync, on close). Never throws. */
  async release(client: LdapClient, trigger: 'refreshOnlyDone' | 'close', emit: Emit): Promise<EndOutcome | undefined> {
    const base = this.held
    if (base === undefined) return undefined
    this.held = undefined
    return this.sendEnd(client, base, trigger, emit)
  }

  /** Runs the destroy hook once, if init ran (389: when the agreement is deleted). */
  async destroy(): Promise<void> {
    if (!this.initialised) return
    this.initialised = false
    await this.options.destroy?.({ cookie: this.cookie, base: this.initBase })
  }

  private async supportedExtensions(client: LdapClient): Promise<ReadonlySet<string>> {
    // 389 caches the probe per connection (§2.6); a reconnect is a new client.
    if (this.capabilities?.client !== client) this.capabilities = { client, extensions: await readSupportedExtensions(client, this.timeoutMs) }
    return this.capabilities.extensions
  }

  private async sendEnd(client: LdapClient, base: string, trigger: 'refreshOnlyDone' | 'postRefused' | 'close', emit: Emit): Promise<EndOutcome> {
    const outcome = await this.exchangeEnd(client, base)
    emit({ kind: 'handshakeEnd', base, trigger, ...outcome })
    return outcome
  }

  private async exchangeEnd(client: LdapClient, base: string): Promise<EndOutcome> {
    try {
      const value = encodeEndReplicationRequest({ kind: 'endReplicationRequest', replicatedTree: base, supplierRuv: this.ruv })
      const { response } = await client.extended(ReplOid.endRequest, value, undefined, { timeoutMs: this.timeoutMs })
      const check = checkResponseValue(response.responseValue, 'End')
      if (!check.ok) return { ok: false, responseCode: undefined, message: check.detail }
      const code = check.response.responseCode
      const name = response.responseName === ReplOid.nsds50Response ? '' : `, under the responseName ${JSON.stringify(response.responseName ?? '')} instead of ${ReplOid.nsds50Response}`
      if (code === ReplResponseCode.replicaReleaseSucceeded) return { ok: true, responseCode: code, message: `released: ${responseCodeLabel(code)}${name}` }
      return { ok: false, responseCode: code, message: `the provider answered End with ${responseCodeLabel(code)} instead of ${responseCodeLabel(ReplResponseCode.replicaReleaseSucceeded)}${name}` }
    } catch (error) {
      return { ok: false, responseCode: undefined, message: `End got no answer: ${messageOf(error)}` }
    }
  }
}

/** A client failure during the handshake → phase, reason and message (§5.6: transport or decode). */
function clientFailure(error: unknown, during: string, timeoutMs: number): [string, { reason: HandshakeReason; phase: HandshakePhase; ldapResultCode?: number; cause: unknown }] {
  if (error instanceof LdapResultError) {
    const details = { reason: 'HANDSHAKE_LDAP_ERROR' as const, phase: 'decode' as const, ldapResultCode: error.resultCode, cause: error }
    const retry = handshakeRetryPolicy(details).retry
    return [`The provider failed ${during} at the LDAP level: ${error.message} A Start Replication response must have resultCode 0 (success). ${untouched(retry)}`, details]
  }
  if (error instanceof LdapClientError) {
    if (error.code === 'CLIENT_TIMEOUT') {
      return [`The provider did not answer ${during} within ${timeoutMs} ms (handshakeTimeoutMs). ${untouched('exponential')}`, { reason: 'HANDSHAKE_TIMEOUT', phase: 'transport', cause: error }]
    }
    if (error.code === 'CLIENT_PROTOCOL_ERROR') {
      return [`The provider's answer to ${during} is not a valid LDAP message: ${error.message} ${untouched('fatal')}`, { reason: 'HANDSHAKE_BAD_RESPONSE', phase: 'decode', cause: error }]
    }
    return [`The connection was lost during ${during}: ${error.message} ${untouched('exponential')}`, { reason: 'HANDSHAKE_CONNECTION_LOST', phase: 'transport', cause: error }]
  }
  throw error
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '')
}
