/**
 * Capability discovery (389ds-session-hooks.md §2.6, §5.3 step 2): the supplier reads the peer's
 * root DSE before it acquires, and uses the v2 Start (and the hooks) only when
 * 2.16.840.1.113730.3.5.12 is in supportedExtension.
 */
import { SearchScope } from '../../protocol/index.js'
import type { LdapClient } from '../client/index.js'

/**
 * The root DSE's supportedExtension values (RFC 4512 §5.1). A root DSE the provider does not
 * return (no entry, or an error result) lists nothing. A lost connection or the time limit
 * rejects with the client's LdapClientError.
 */
export async function readSupportedExtensions(client: LdapClient, timeoutMs: number): Promise<ReadonlySet<string>> {
  const found = new Set<string>()
  const search = client.search({ baseObject: '', scope: SearchScope.baseObject, filter: '(objectClass=*)', attributes: ['supportedExtension'], timeoutMs })
  for await (const item of search) {
    if (item.kind !== 'entry') continue
    for (const attribute of item.entry.attributes) {
      if (attribute.type.toLowerCase() !== 'supportedextension') continue
      for (const value of attribute.vals) found.add(Buffer.from(value).toString('utf8').trim())
    }
  }
  return found
}
