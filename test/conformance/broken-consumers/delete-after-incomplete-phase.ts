import type { LdapMessage } from '../../../protocol/ldap/message.js'
import { ResultCode } from '../../../protocol/ldap/result-codes.js'
import { SyncSession } from '../../../consumer/index.js'
import type { SyncStep } from '../../../consumer/index.js'
import { consumerWithSession } from './session-consumer.js'

/**
 * delete-after-incomplete-phase: when a refresh ends without its terminator — the connection is
 * lost, the search is abandoned, a protocol error, or a non-success SearchResultDone (4096,
 * sizeLimitExceeded, timeLimitExceeded, any error) — this session deletes everything the partial
 * present list did not name and commits what it staged, cookie included, instead of rolling the
 * refresh back (RFC 4533 §3.3.2: only refreshPresent or a successful Done ends a present phase).
 *
 * Mimics the mass deletions of ReOpenLDAP#70/#71 (a present list cut short by a provider error was
 * acted upon), and consumers that run "delete what was not seen" in a `finally` or whenever the
 * search returns (rfc4533.md §5 cases 34–36).
 */
export class DeleteAfterIncompletePhaseSession extends SyncSession {
  protected override async onDone(message: LdapMessage, resultCode: number, diagnosticMessage: string): Promise<SyncStep> {
    if (resultCode !== ResultCode.success) await this.keepPartialRefresh()
    return super.onDone(message, resultCode, diagnosticMessage)
  }

  override abort(): void {
    if (this.ended || !this.refreshing || this.tx === undefined) {
      super.abort()
      return
    }
    // abort() cannot wait; the commit is begun here and finishes on its own (a killed run's store
    // refuses it, as a killed process could not have written it either).
    this.ended = true
    void this.keepPartialRefresh().catch(() => undefined)
  }

  /** The bug: an incomplete present phase is treated as a complete one. */
  private async keepPartialRefresh(): Promise<void> {
    if (!this.refreshing || this.tx === undefined) return
    this.purgeNotPresent(this.tx)
    const cookie = this.pendingCookie
    this.pendingCookie = undefined
    await this.commit(cookie)
  }
}

export const DeleteAfterIncompletePhaseConsumer = consumerWithSession(DeleteAfterIncompletePhaseSession)
