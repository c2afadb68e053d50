/**
 * Bind (RFC 4511 §4.2, RFC 4513 §5), answered as slapd 2.5's do_bind / fe_op_bind do, in their
 * order:
 *
 * 1. the name must be a DN → else invalidDNSyntax (34) "invalid DN";
 * 2. version 3 only → else protocolError "requested protocol version not supported" (or, for
 *    v2, "historical protocol version requested, use LDAPv3 instead");
 * 3. SASL → authMethodNotSupported (7): this provider offers no SASL mechanism;
 * 4. simple with an empty password or an empty DN:
 *    - empty DN with a password → invalidCredentials (49);
 *    - a DN without a password → unwillingToPerform (53) "unauthenticated bind (DN with no
 *      password) disallowed" (RFC 4513 §5.1.2);
 *    - both empty: success when `anonymous` is configured, else inappropriateAuthentication (48)
 *      "anonymous bind disallowed" (slapd's `disallow bind_anon`);
 * 5. simple with DN and password: success only for the configured DN (compared as DNs) and
 *    password; anything else is invalidCredentials (49), with no text, as slapd says nothing
 *    about which part was wrong.
 *
 * Every bind first makes the connection anonymous (RFC 4511 §4.2.1), so a failed bind leaves it
 * unauthenticated.
 */
import { timingSafeEqual } from 'node:crypto'
import { DN, ResultCode } from '../../protocol/index.js'
import type { BindRequest } from '../../protocol/index.js'
import type { ResultInput } from './responses.js'
import type { Session } from './session.js'

export function handleBind(session: Session, messageId: number, request: BindRequest): void {
  session.boundDn = undefined
  // 389ds-session-hooks.md §5.4: a new Bind resets the connection's handshake state to none.
  session.config.handshake?.bound(session)
  const outcome = decide(session, request)
  if (outcome.resultCode === ResultCode.success && outcome.boundDn !== undefined) session.boundDn = outcome.boundDn
  session.reply(messageId, 'bind', outcome)
}

function decide(session: Session, request: BindRequest): ResultInput & { readonly boundDn?: string } {
  let dn: DN.Dn
  try {
    dn = DN.parse(request.name)
  } catch {
    return { resultCode: ResultCode.invalidDNSyntax, diagnosticMessage: 'invalid DN' }
  }
  if (request.version < 2 || request.version > 3) {
    return { resultCode: ResultCode.protocolError, diagnosticMessage: 'requested protocol version not supported' }
  }
  if (request.version < 3) {
    return { resultCode: ResultCode.protocolError, diagnosticMessage: 'historical protocol version requested, use LDAPv3 instead' }
  }
  const auth = request.authentication
  if (auth.kind === 'sasl') {
    return auth.mechanism === ''
      ? { resultCode: ResultCode.authMethodNotSupported, diagnosticMessage: 'no SASL mechanism provided' }
      : { resultCode: ResultCode.authMethodNotSupported, diagnosticMessage: `SASL mechanism ${auth.mechanism} is not supported; the mock provider offers simple binds only` }
  }
  const password = auth.password
  if (password.length === 0 || dn.length === 0) {
    if (password.length > 0) return { resultCode: ResultCode.invalidCredentials }
    if (dn.length > 0) return { resultCode: ResultCode.unwillingToPerform, diagnosticMessage: 'unauthenticated bind (DN with no password) disallowed' }
    if (!session.config.anonymous) return { resultCode: ResultCode.inappropriateAuthentication, diagnosticMessage: 'anonymous bind disallowed' }
    return { resultCode: ResultCode.success }
  }
  const { bindDn, password: expected } = session.config
  if (bindDn === undefined || expected === undefined || !DN.equals(dn, bindDn) || !samePassword(password, expected)) {
    return { resultCode: ResultCode.invalidCredentials }
  }
  return { resultCode: ResultCode.success, boundDn: bindDn }
}

function samePassword(given: Uint8Array, expected: Uint8Array): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected)
}
