/**
 * The consumer command contract's SYNCREPL_* variables (docs/consumer-contract.md), read and
 * checked once, before anything is started. Values end up inside slapd.conf, so characters that
 * would end a configuration line are refused here with a message naming the variable.
 */
import { isAbsolute } from 'node:path'
import { SlapdConsumerError } from './errors.js'

export type SyncMode = 'refreshOnly' | 'refreshAndPersist'
export type SearchScopeName = 'base' | 'one' | 'sub'

export interface ConsumerSettings {
  /** `ldap://127.0.0.1:PORT` (or ldaps://): slapd's `provider=`. */
  readonly url: string
  /** Search base, and the consumer database's suffix. */
  readonly base: string
  readonly scope: SearchScopeName
  readonly filter: string
  /** Empty: all user attributes. */
  readonly attributes: readonly string[]
  readonly mode: SyncMode
  /** Undefined: anonymous. */
  readonly bindDn: string | undefined
  readonly password: string
  /** Absolute; kept across the runs of one case. */
  readonly stateDir: string
  /** The run's name (`initial`, `resume`…), for the log only. */
  readonly run: string
}

/** Reads the contract's variables from `env`. @throws SlapdConsumerError SLAPD_CONSUMER_BAD_ENV */
export function readSettings(env: NodeJS.ProcessEnv): ConsumerSettings {
  const url = required(env, 'SYNCREPL_URL')
  if (!/^ldaps?:\/\/[^\s"]+$/i.test(url)) bad('SYNCREPL_URL', url, 'an ldap:// or ldaps:// URL such as ldap://127.0.0.1:3890')
  const base = required(env, 'SYNCREPL_BASE')
  const scope = (env.SYNCREPL_SCOPE ?? '') === '' ? 'sub' : (env.SYNCREPL_SCOPE as string)
  if (scope !== 'base' && scope !== 'one' && scope !== 'sub') bad('SYNCREPL_SCOPE', scope, 'base, one or sub')
  const filter = (env.SYNCREPL_FILTER ?? '') === '' ? '(objectClass=*)' : (env.SYNCREPL_FILTER as string)
  const attributes = (env.SYNCREPL_ATTRS ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '')
  for (const a of attributes) if (!/^[A-Za-z0-9;._+*-]+$/.test(a)) bad('SYNCREPL_ATTRS', a, 'attribute descriptions separated by commas')
  const mode = required(env, 'SYNCREPL_MODE')
  if (mode !== 'refreshOnly' && mode !== 'refreshAndPersist') bad('SYNCREPL_MODE', mode, 'refreshOnly or refreshAndPersist')
  const stateDir = required(env, 'SYNCREPL_STATE_DIR')
  if (!isAbsolute(stateDir)) bad('SYNCREPL_STATE_DIR', stateDir, 'an absolute directory path')
  const bindDn = env.SYNCREPL_BIND_DN ?? ''
  const password = env.SYNCREPL_BIND_PASSWORD ?? ''
  for (const [name, value] of [
    ['SYNCREPL_BASE', base],
    ['SYNCREPL_FILTER', filter],
    ['SYNCREPL_BIND_DN', bindDn],
    ['SYNCREPL_BIND_PASSWORD', password],
  ] as const) {
    // slapd.conf is line-based: a line break or NUL inside a value would end the directive.
    if (/[\r\n\0]/.test(value)) bad(name, value, 'a value without line breaks or NUL characters (slapd.conf cannot carry them)')
  }
  return {
    url,
    base,
    scope,
    filter,
    attributes,
    mode,
    bindDn: bindDn === '' ? undefined : bindDn,
    password,
    stateDir,
    run: env.SYNCREPL_RUN ?? '',
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]
  if (value === undefined || value === '') {
    throw new SlapdConsumerError('SLAPD_CONSUMER_BAD_ENV', `${name} is not set; the runner sets it for every consumer run (docs/consumer-contract.md lists the variables).`)
  }
  return value
}

function bad(name: string, value: string, expected: string): never {
  throw new SlapdConsumerError('SLAPD_CONSUMER_BAD_ENV', `${name} is ${JSON.stringify(value)}; expected ${expected}.`)
}
