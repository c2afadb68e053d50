/**
 * `consume`'s session-hook flags (389ds-session-hooks.md §5.3): parsing and checking them into
 * `SessionHooksOptions`, and showing a hook payload. Usage errors exit 2 before anything is sent.
 */
import type { SessionHooksOptions } from '../../consumer/index.js'
import { CliError } from './cli-error.js'

export const HOOK_PARSE_OPTIONS = {
  'hook-guid': { type: 'string' },
  'hook-data': { type: 'string' },
  'hook-data-hex': { type: 'string' },
  'hook-data-nul': { type: 'boolean' },
  'hook-on-unsupported': { type: 'string' },
  'hook-timeout': { type: 'string' },
} as const

export interface HookFlags {
  readonly 'hook-guid'?: string | undefined
  readonly 'hook-data'?: string | undefined
  readonly 'hook-data-hex'?: string | undefined
  readonly 'hook-data-nul'?: boolean | undefined
  readonly 'hook-on-unsupported'?: string | undefined
  readonly 'hook-timeout'?: string | undefined
}

/** The handshake options the flags ask for, or undefined when no --hook-* flag was given. */
export function hookOptions(v: HookFlags): SessionHooksOptions | undefined {
  const guid = v['hook-guid']
  const text = v['hook-data']
  const hex = v['hook-data-hex']
  const nul = v['hook-data-nul'] === true
  const onUnsupported = v['hook-on-unsupported']
  const timeout = v['hook-timeout']
  if (guid === undefined && text === undefined && hex === undefined && !nul && onUnsupported === undefined && timeout === undefined) return undefined

  if (text !== undefined && hex !== undefined) throw new CliError('Give the hook data once: --hook-data TEXT or --hook-data-hex HEX, not both.', 2)
  let data: Uint8Array | undefined
  if (text !== undefined) data = Buffer.from(text, 'utf8')
  if (hex !== undefined) {
    const digits = hex.replace(/[\s:]/g, '')
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new CliError(`--hook-data-hex takes pairs of hex digits (spaces and colons allowed), not ${JSON.stringify(hex)}.`, 2)
    data = Buffer.from(digits, 'hex')
  }
  if (nul) {
    if (data === undefined) throw new CliError('--hook-data-nul appends a NUL to the hook data; give --hook-data or --hook-data-hex too.', 2)
    data = Buffer.concat([data, Buffer.of(0)])
  }
  if (guid === undefined && data !== undefined) throw new CliError('The hook data needs --hook-guid GUID: a session-hook payload is sent as a format identifier and data, both or neither.', 2)
  if (guid !== undefined && data === undefined) throw new CliError('--hook-guid needs --hook-data TEXT or --hook-data-hex HEX: a session-hook payload is sent as both or neither.', 2)
  if (guid === '' || (guid !== undefined && guid.slice(0, -1).includes('\u0000'))) throw new CliError('--hook-guid takes a non-empty identifier without NUL characters.', 2)
  if (onUnsupported !== undefined && onUnsupported !== 'fail' && onUnsupported !== 'skip') {
    throw new CliError(`--hook-on-unsupported takes fail or skip, not ${JSON.stringify(onUnsupported)}.`, 2)
  }
  const timeoutMs = timeout === undefined ? undefined : Number(timeout) * 1000
  if (timeoutMs !== undefined && !(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new CliError(`--hook-timeout takes a number of seconds above 0, not ${JSON.stringify(timeout)}.`, 2)

  return {
    ...(guid === undefined || data === undefined ? {} : { guid, data }),
    ...(onUnsupported === undefined ? {} : { onUnsupported }),
    ...(timeoutMs === undefined ? {} : { handshakeTimeoutMs: timeoutMs }),
  }
}

/**
 * A payload for a summary line: `"guid" text` when the data is printable UTF-8 (a trailing NUL
 * shown as \0), `"guid" hex …` otherwise; `none` when the provider sent none.
 */
export function describeHookPayload(guid: string | undefined, data: Uint8Array | undefined): string {
  if (guid === undefined || data === undefined) return 'none'
  const body = data.length > 0 && data[data.length - 1] === 0 ? data.subarray(0, -1) : data
  const text = Buffer.from(body).toString('utf8')
  const printable = Buffer.from(text, 'utf8').equals(Buffer.from(body)) && !/[\u0000-\u001f\u007f]/.test(text)
  const shown = printable ? JSON.stringify(text).slice(0, -1) + (body === data ? '"' : '\\0"') : `hex ${Buffer.from(data).toString('hex')}`
  return `${JSON.stringify(guid)} ${shown} (${data.length} bytes)`
}
