/**
 * The providers the consumer battery runs against: a throwaway slapd 2.5 (generated slapd.conf,
 * tools/slapd) and our mock provider, each with a fresh root password, started empty and filled
 * through ldapadd by the test, so both receive the same writes from the same third party.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createProvider } from '../../provider/index.js'
import { startSlapd } from '../../tools/slapd/slapd.js'
import type { BindIdentity } from '../support/ldap-tools.js'
import type { Peer } from './peers.js'

export type TargetKind = 'slapd' | 'provider'

/** One row of the battery's table. */
export interface TargetSpec {
  readonly name: string
  readonly kind: TargetKind
  /** syncprov-sessionlog size; 0 = none. */
  readonly sessionLog: number
}

export interface TargetOptions {
  readonly sessionLog: number
  /** slapd's `syncprov-reloadhint TRUE`; our provider's `reloadHint` dialect knob. */
  readonly reloadHint?: boolean
  /**
   * Initial data loaded before the target serves (slapd: `slapadd -q`, which keeps the LDIF's
   * entryCSNs and contextCSN; our provider: its `ldif` option, which stamps CSNs afresh).
   */
  readonly preloadLdif?: string
}

export interface Target {
  readonly url: string
  /** The root DN and its generated password: what the consumer and ldapmodify bind as. */
  readonly root: BindIdentity
  stop(): Promise<void>
}

/** The peers a target needs: ldapadd / ldapmodify for every target, slapd for slapd. */
export function peersOf(kind: TargetKind): Peer[] {
  return kind === 'slapd' ? ['slapd', 'ldapsearch'] : ['ldapsearch']
}

/** Starts a target under dc=example,dc=com (empty unless preloaded); its root DN binds with a fresh random password. */
export async function startTarget(kind: TargetKind, options: TargetOptions): Promise<Target> {
  const password = randomBytes(12).toString('base64url')
  if (kind === 'slapd') {
    const ldifDir = options.preloadLdif === undefined ? undefined : mkdtempSync(join(tmpdir(), 'syncrepl-battery-ldif-'))
    try {
      const preloadLdif = ldifDir === undefined ? undefined : join(ldifDir, 'preload.ldif')
      if (preloadLdif !== undefined) writeFileSync(preloadLdif, options.preloadLdif as string)
      const slapd = await startSlapd({ sessionLog: options.sessionLog, reloadHint: options.reloadHint ?? false, rootPassword: password, ...(preloadLdif === undefined ? {} : { preloadLdif }) })
      return { url: slapd.url, root: { dn: slapd.rootDn, password }, stop: () => slapd.stop() }
    } finally {
      if (ldifDir !== undefined) rmSync(ldifDir, { recursive: true, force: true })
    }
  }
  const provider = await createProvider({
    port: 0,
    password,
    sessionLog: options.sessionLog,
    ...(options.preloadLdif === undefined ? {} : { ldif: options.preloadLdif }),
    ...(options.reloadHint ? { sync: { dialect: { reloadHint: true } } } : {}),
  })
  const dn = provider.bindDn
  if (dn === undefined) {
    await provider.close()
    throw new Error('The provider was started with a password but offers no bind DN; createProvider should default it to the root DN.')
  }
  return { url: provider.url, root: { dn, password }, stop: () => provider.close() }
}
