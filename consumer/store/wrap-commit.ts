import type { ReplicaTransaction } from '../types.js'

/**
 * A transaction that forwards everything to `tx` except `commit`, which goes through `commit`
 * (given the cookie and the inner commit). Stores that wrap another store use it to act around a
 * commit: report after it, refuse it after a kill, remember a cookie.
 *
 * @example
 * const tx = wrapCommit(await inner.begin(), async (cookie, commit) => { await commit(cookie); report() })
 */
export function wrapCommit(
  tx: ReplicaTransaction,
  commit: (cookie: Uint8Array | undefined, inner: (cookie?: Uint8Array) => Promise<void>) => Promise<void>,
): ReplicaTransaction {
  return {
    get: (uuid) => tx.get(uuid),
    uuids: () => tx.uuids(),
    put: (entry) => tx.put(entry),
    remove: (uuid) => tx.remove(uuid),
    rebaseDescendants: (oldDn, newDn) => tx.rebaseDescendants(oldDn, newDn),
    rollback: () => tx.rollback(),
    commit: (cookie) => commit(cookie, (c) => tx.commit(c)),
  }
}
