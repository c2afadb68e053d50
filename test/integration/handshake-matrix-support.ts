/**
 * Shared pieces of the §5.7 matrix tests (389ds-session-hooks.md): our provider with a session-hook
 * script, a FileStore pre-filled by one successful handshake + sync, a per-connection trail of
 * what the provider received and answered, and the consumer hooks the rows share.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileStore, SyncreplConsumer, cstringPayload } from '../../consumer/index.js'
import type { SessionHooksOptions } from '../../consumer/index.js'
import { ReplOid } from '../../protocol/replsession/index.js'
import { createProvider } from '../../provider/index.js'
import type { Provider, SessionHookScript } from '../../provider/index.js'
import { storeState } from '../consumer/handshake-support.js'

export const BASE = 'dc=example,dc=com'
export const AUTH = { bindDn: `cn=admin,${BASE}`, password: 'secret' }
/** AUTH for a provider that has a bind DN (ours here), nothing (anonymous) for a scenario's. */
export const authOf = (provider: Provider): { bindDn?: string; password?: string } => (provider.bindDn === undefined ? {} : AUTH)
/** The payload format both sides agree on (FreeIPA's data-version GUID style). */
export const VERSION_GUID = '2D562D8B-2F30-4447-AF76-2B721D1D5F6A'
export const REPLY_GUID = 'provider-version'
const SYNC_REQUEST_OID = '1.3.6.1.4.1.4203.1.9.1.1'

/** The provider script the pre-fill runs under: the version check of rows 1 and 2, a reply payload. */
export const ACCEPTING: SessionHookScript = {
  recv: { expectGuid: VERSION_GUID, codec: 'cstring', accept: { minVersion: '4.10' } },
  reply: { guid: REPLY_GUID, data: '4.12.0', appendNul: true },
}

/** Consumer hooks that send `version` as a C string under VERSION_GUID. */
export function versionHooks(version: string, more: SessionHooksOptions = {}): SessionHooksOptions {
  return { pre: () => ({ guid: VERSION_GUID, data: cstringPayload(version) }), ...more }
}

/** What the provider received per connection: `N:bind`, `N:rootDse`, `N:start`, `N:end`, `N:syncSearch`, `N:search`, `N:unbind`. */
export class WireTrail {
  readonly items: string[] = []
  private readonly off: () => void

  constructor(provider: Provider) {
    this.off = provider.events.on('requestReceived', (e) => {
      const op = e.message.op
      const n = e.connectionId
      if (op.kind === 'bindRequest') this.items.push(`${n}:bind`)
      else if (op.kind === 'unbindRequest') this.items.push(`${n}:unbind`)
      else if (op.kind === 'extendedRequest') {
        const name = op.requestName === ReplOid.endRequest ? 'end' : op.requestName === ReplOid.startNsds90Request || op.requestName === ReplOid.startNsds50Request ? 'start' : `extended ${op.requestName}`
        this.items.push(`${n}:${name}`)
      } else if (op.kind === 'searchRequest') {
        const sync = (e.message.controls ?? []).some((c) => c.type === SYNC_REQUEST_OID)
        this.items.push(`${n}:${sync ? 'syncSearch' : op.baseObject === '' && op.scope === 0 ? 'rootDse' : 'search'}`)
      } else this.items.push(`${n}:${op.kind}`)
    })
  }

  /** Everything after the first `from` items (the pre-fill's). */
  since(from: number): string[] {
    return this.items.slice(from)
  }

  stop(): void {
    this.off()
  }
}

export interface Prefilled {
  readonly provider: Provider
  /** Opens the pre-filled store again (a consumer closes its store when it closes). */
  openStore(): Promise<FileStore>
  /** The store's file bytes and loaded replica and cookie now (read through a fresh FileStore). */
  state(): Promise<Awaited<ReturnType<typeof storeState>>>
  readonly trail: WireTrail
  /** Records, trail items and connections of the pre-fill, to read only what came after. */
  readonly mark: { readonly records: number; readonly trail: number }
  readonly before: Awaited<ReturnType<typeof storeState>>
  close(): Promise<void>
}

/**
 * A provider (5 generated entries) and a FileStore filled by one successful handshake + refreshOnly
 * sync under ACCEPTING, then `script` put in force (its `sequence` starts at attempt 1).
 */
export async function prefilled(script: SessionHookScript | undefined): Promise<Prefilled> {
  const provider = await createProvider({ generate: { count: 5, seed: 'matrix' }, password: AUTH.password, sessionHooks: ACCEPTING })
  return prefillOn(provider, script, () => provider.close())
}

/**
 * The same on a running provider (a scenario's): ACCEPTING for the pre-fill, then `script`
 * (setSessionHooks starts its `sequence` over); `stop` ends the provider on close.
 */
export async function prefillOn(provider: Provider, script: SessionHookScript | undefined, stop: () => Promise<void>): Promise<Prefilled> {
  provider.setSessionHooks(ACCEPTING)
  const dir = mkdtempSync(join(tmpdir(), 'syncrepl-matrix-'))
  const trail = new WireTrail(provider)
  const store = await FileStore.open(dir)
  const first = await SyncreplConsumer.connect({ url: provider.url, ...authOf(provider), store, sessionHooks: versionHooks('4.12') })
  await first.syncSearch({ base: BASE, mode: 'refreshOnly' })
  const done = await first.poll()
  await first.close()
  if (done.kind !== 'done' || done.resultCode !== 0) throw new Error(`The pre-fill sync ended with ${JSON.stringify(done)}, not success.`)
  const filled = await FileStore.open(dir)
  const cookie = (await filled.load()).cookie
  await filled.close()
  if (cookie === undefined) throw new Error('The pre-fill sync left no cookie in the store.')
  provider.setSessionHooks(script)
  const state = async () => {
    const s = await FileStore.open(dir)
    try {
      return await storeState(s)
    } finally {
      await s.close()
    }
  }
  return {
    provider,
    openStore: () => FileStore.open(dir),
    state,
    trail,
    mark: { records: provider.handshakes.records.length, trail: trail.items.length },
    before: await state(),
    close: async () => {
      trail.stop()
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A sleep that only records what was asked of it. */
export function fakeSleep(): { slept: number[]; sleep: (ms: number) => Promise<void> } {
  const slept: number[] = []
  return { slept, sleep: async (ms: number) => void slept.push(ms) }
}

export const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'))
export const cstringHex = (text: string): string => Buffer.from(`${text}\0`).toString('hex')

/** A store state's snapshot, parsed: the cookie (hex) and the entries' DNs. */
export function loaded(state: { readonly snapshot: string }): { cookie: string | undefined; entries: Array<{ dn: string }> } {
  return JSON.parse(state.snapshot) as { cookie: string | undefined; entries: Array<{ dn: string }> }
}
