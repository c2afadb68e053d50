import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/**
 * The interop peers come from Debian (installed by `npm run test:all`). A missing peer fails the
 * test with a message saying how to install it. Only an explicit SYNCREPL_SKIP_INTEROP=1 outside
 * CI turns that into a visible skip; under CI=true a missing peer always fails.
 */
export type Peer = 'slapd' | 'ldapsearch' | 'python-ldap'

export const SYSTEM_PYTHON = '/usr/bin/python3'

function detect(peer: Peer): boolean {
  switch (peer) {
    case 'slapd':
      return existsSync('/usr/sbin/slapd')
    case 'ldapsearch':
      return spawnSync('ldapsearch', ['-VV'], { stdio: 'ignore' }).error === undefined
    case 'python-ldap':
      return spawnSync(SYSTEM_PYTHON, ['-c', 'import ldap'], { stdio: 'ignore' }).status === 0
  }
}

const cache = new Map<Peer, boolean>()

export function peerAvailable(peer: Peer): boolean {
  let v = cache.get(peer)
  if (v === undefined) {
    v = detect(peer)
    cache.set(peer, v)
  }
  return v
}

/** True when the caller may skip: the peer is missing AND the user asked for skipping outside CI. */
export function skipInterop(...peers: Peer[]): boolean {
  const missing = peers.filter((p) => !peerAvailable(p))
  if (missing.length === 0) return false
  const mayskip = process.env.SYNCREPL_SKIP_INTEROP === '1' && process.env.CI !== 'true'
  if (mayskip) {
    console.warn(`SKIPPING interop tests: missing ${missing.join(', ')} (SYNCREPL_SKIP_INTEROP=1).`)
    return true
  }
  return false
}

/** Throws a clear error if a peer is missing (called inside the test so the failure is reported there). */
export function requirePeers(...peers: Peer[]): void {
  const missing = peers.filter((p) => !peerAvailable(p))
  if (missing.length > 0) {
    throw new Error(
      `Interop peer(s) missing: ${missing.join(', ')}. Run \`npm run test:all\` (it installs Debian's slapd, ldap-utils and python3-ldap), or set SYNCREPL_SKIP_INTEROP=1 outside CI to skip these tests knowingly.`,
    )
  }
}
