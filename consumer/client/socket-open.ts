import { connect as netConnect, isIP } from 'node:net'
import type { Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { ConnectionOptions, TLSSocket } from 'node:tls'
import { LdapClientError } from './errors.js'
import type { LdapClientErrorCode } from './errors.js'
import type { LdapServerAddress } from './url.js'

/** Certificate checking for ldaps and StartTLS; Node's defaults (system CAs, verification on) otherwise. */
export interface ClientTlsOptions {
  /** Trusted CA certificate(s), PEM. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>
  /** Default true. False accepts any certificate (tests against throwaway certificates only). */
  readonly rejectUnauthorized?: boolean
}

function tlsOptions(host: string, tls: ClientTlsOptions | undefined): ConnectionOptions {
  return {
    host,
    // SNI carries host names only (RFC 6066 §3); the certificate is still checked against `host`.
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(tls?.ca === undefined ? {} : { ca: tls.ca as ConnectionOptions['ca'] }),
    ...(tls?.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
  }
}

/**
 * Waits for `readyEvent` on a fresh socket, failing with `code` on error, early close or timeout.
 * The listeners are removed afterwards, so the client's own handlers are the only ones left.
 */
function whenReady<S extends Socket>(socket: S, readyEvent: string, what: string, code: LdapClientErrorCode, timeoutMs: number | undefined): Promise<S> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer)
      socket.off(readyEvent, onReady)
      socket.off('error', onError)
      socket.off('close', onClose)
    }
    const onReady = (): void => {
      cleanup()
      resolve(socket)
    }
    const onError = (error: Error): void => {
      cleanup()
      socket.destroy()
      reject(new LdapClientError(code, `Could not ${what}: ${error.message}.`, { cause: error }))
    }
    const onClose = (): void => {
      cleanup()
      reject(new LdapClientError(code, `Could not ${what}: the connection closed before it was ready.`))
    }
    socket.once(readyEvent, onReady)
    socket.once('error', onError)
    socket.once('close', onClose)
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        cleanup()
        socket.destroy()
        reject(new LdapClientError('CLIENT_TIMEOUT', `Could not ${what} within ${timeoutMs} ms.`))
      }, timeoutMs)
    }
  })
}

/** Opens a plain TCP socket (ldap://) or a TLS one from the first byte (ldaps://). */
export function openSocket(address: LdapServerAddress, tls: ClientTlsOptions | undefined, timeoutMs: number | undefined): Promise<Socket> {
  const where = `${address.secure ? 'ldaps' : 'ldap'} server ${address.host}:${address.port}`
  if (address.secure) {
    const socket = tlsConnect({ ...tlsOptions(address.host, tls), port: address.port })
    return whenReady(socket, 'secureConnect', `connect to the ${where}`, 'CLIENT_CONNECT_FAILED', timeoutMs)
  }
  const socket = netConnect({ host: address.host, port: address.port })
  return whenReady(socket, 'connect', `connect to the ${where}`, 'CLIENT_CONNECT_FAILED', timeoutMs)
}

/** Runs the TLS handshake over an established plain socket (RFC 4511 §4.14.2, after StartTLS succeeded). */
export function upgradeSocket(socket: Socket, host: string, tls: ClientTlsOptions | undefined, timeoutMs: number | undefined): Promise<TLSSocket> {
  const secure = tlsConnect({ ...tlsOptions(host, tls), socket })
  return whenReady(secure, 'secureConnect', `complete the TLS handshake after StartTLS with ${host}`, 'CLIENT_TLS_FAILED', timeoutMs)
}
