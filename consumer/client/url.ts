import { isIP } from 'node:net'
import { LdapClientError } from './errors.js'

/** Where `LdapClient.connect` goes: scheme, host and port of an `ldap://` or `ldaps://` URL. */
export interface LdapServerAddress {
  readonly secure: boolean
  /** Host name or IP address, without the brackets of an IPv6 literal. */
  readonly host: string
  readonly port: number
}

/** RFC 4516 §2: 389 for ldap, 636 for ldaps when the URL has no port. */
const DEFAULT_PORTS = { 'ldap:': 389, 'ldaps:': 636 } as const

/**
 * Parses `ldap://host[:port]` or `ldaps://host[:port]`. The client only needs a server address,
 * so anything an RFC 4516 URL may carry beyond that (DN, attributes, scope, filter, extensions,
 * user info) is refused rather than silently ignored.
 *
 * @example parseLdapUrl('ldaps://127.0.0.1:1636') // { secure: true, host: '127.0.0.1', port: 1636 }
 */
export function parseLdapUrl(text: string): LdapServerAddress {
  const bad = (why: string): LdapClientError => new LdapClientError('CLIENT_BAD_URL', `The LDAP URL "${text}" ${why}; expected ldap://host[:port] or ldaps://host[:port].`)
  // Checked before the WHATWG parser, whose error would only say "Invalid URL".
  const port = /^ldaps?:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:@]*):([^/?#@]*)(?=[/?#]|$)/i.exec(text)?.[1]
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw bad(port === '' ? 'has an empty port' : `has the port "${port}", which is not a number`)
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw bad(`has the port ${port}, outside 1..65535`)
  let url: URL
  try {
    url = new URL(text)
  } catch (error) {
    throw new LdapClientError('CLIENT_BAD_URL', `"${text}" is not a URL; expected ldap://host[:port] or ldaps://host[:port].`, { cause: error })
  }
  const scheme = url.protocol
  if (scheme !== 'ldap:' && scheme !== 'ldaps:') throw bad(`has the scheme "${scheme.replace(/:$/, '')}"`)
  if (!text.slice(scheme.length).startsWith('//')) throw bad('has no "//" before the host')
  if (url.username !== '' || url.password !== '') throw bad('carries user information, which LDAP URLs do not have (bind with bind() instead)')
  if (url.hostname === '') throw bad('has no host')
  if (url.pathname !== '' && url.pathname !== '/') throw bad(`has a DN or other path ("${decodeURIComponent(url.pathname)}"), which the client does not use (pass the base DN to search())`)
  if (url.search !== '' || url.hash !== '') throw bad('has a query or fragment, which the client does not use')
  let host = url.hostname
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  else if (isIP(host) === 0 && !/^[a-z0-9.-]+$/i.test(host)) throw bad(`has the host "${host}", which is neither a host name nor an IP address`)
  return { secure: scheme === 'ldaps:', host, port: port === undefined ? DEFAULT_PORTS[scheme] : Number(port) }
}
