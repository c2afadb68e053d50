import type { LdapMessage } from '../../../protocol/ldap/message.js'
import { SyncSession } from '../../../consumer/index.js'
import type { SyncStep } from '../../../consumer/index.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * commit-cookie-mid-phase: inside a refresh, every entry, syncIdSet and newcookie is committed at
 * once together with the cookie it carries, as in the persist stage. A kill or a dropped
 * connection in the middle of the refresh then leaves a stored cookie that claims the whole
 * refresh was applied (RFC 4533 §3.5: the cookie is state after the message; a mid-refresh cookie
 * is only valid once the refresh completes), and the resumed session never resends what was lost.
 *
 * Mimics python-ldap's dispatch, which calls `syncrepl_set_cookie` for every cookie as it arrives
 * (rfc4533.md §4.2), with an application that persists each cookie right away, against slapd's
 * delta mode that puts cookies on refresh-stage State controls (rfc4533.md §5 case 16).
 */
export class CommitCookieMidPhaseSession extends SyncSession {
  protected override async afterStateMessage(cookie: Uint8Array | undefined): Promise<void> {
    await this.commit(cookie)
  }

  protected override async onInfo(message: LdapMessage, value: Uint8Array | undefined): Promise<SyncStep> {
    const step = await super.onInfo(message, value)
    if (step.kind === 'continue' && this.refreshing) {
      const cookie = this.pendingCookie
      this.pendingCookie = undefined
      await this.commit(cookie)
    }
    return step
  }
}

export const CommitCookieMidPhaseConsumer = consumerWithSession(CommitCookieMidPhaseSession)
