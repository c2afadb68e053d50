import { composeOpenLdapCookie, mergeCsnVectors, parseOpenLdapCookie } from '../../protocol/sync/index.js'

/**
 * Which cookie to keep when the provider sends a new one (rfc4533.md §2.6 "commit"):
 * - a zero-length cookie is never stored (slapd sends one for rid-less requests, traces f4/f7);
 * - OpenLDAP cookies are merged per serverID, never going backwards (python-ldap#562: a
 *   per-entry persist cookie carries one CSN of one provider; replacing the vector with it would
 *   force full reloads against multi-provider clusters);
 * - a cookie without CSNs (`rid=…,sid=…`) does not overwrite one that has state (§5 case 30);
 * - any other cookie is opaque (RFC 4533 §2.1.2) and replaces the old one byte for byte.
 */
export function nextCookie(current: Uint8Array | undefined, incoming: Uint8Array | undefined): Uint8Array | undefined {
  if (incoming === undefined || incoming.length === 0) return current
  if (current === undefined || current.length === 0) return copy(incoming)
  const a = parseOpenLdapCookie(current)
  const b = parseOpenLdapCookie(incoming)
  if (!a.usable || !b.usable) return copy(incoming)
  if (b.csns.length === 0) return a.csns.length > 0 ? current : copy(incoming)
  const merged = mergeCsnVectors(a.csns, b.csns)
  // Keep the new cookie's own bytes when merging changes nothing: it is exactly what the
  // provider sent (its rid/sid may differ from ours, trace f3).
  const same = merged.length === b.csns.length && merged.every((c, i) => c.text === b.csns[i]?.text)
  if (same) return copy(incoming)
  return composeOpenLdapCookie({ rid: b.rid, ...(b.sid === undefined ? {} : { sid: b.sid }), csns: merged })
}

function copy(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes)
}
