import { SyncSession } from '../../../consumer/index.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * replace-cookie-instead-of-merge: every cookie the provider sends replaces the stored one byte
 * for byte, also when it is an OpenLDAP per-entry cookie carrying the CSN of one serverID out of
 * a multi-provider vector. Nothing is lost — the next session resumes from an older state for the
 * other serverIDs and slapd answers with a full present phase — so the catalogue grades this
 * NON-STRICT (an efficiency matter), not FAIL.
 *
 * Mimics python-ldap before OpenLDAPSyncreplCookie (python-ldap#562, fixed by #571): one CSN kept,
 * permanent full reloads against multi-provider clusters (rfc4533.md §5 case 29). Zero-length
 * cookies are still not stored: that is store-empty-cookie's bug, not this one.
 */
export class ReplaceCookieSession extends SyncSession {
  protected override async commit(cookie: Uint8Array | undefined): Promise<void> {
    // With nothing "current" to merge into, the policy takes the incoming cookie as it is.
    if (cookie !== undefined && cookie.length > 0) this.cookie = undefined
    await super.commit(cookie)
  }
}

export const ReplaceCookieConsumer = consumerWithSession(ReplaceCookieSession)
