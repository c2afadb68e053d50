/**
 * Reads slapd 2.5's `-d sync` output (syncrepl.c) line by line and keeps what the adapter needs:
 * how the last refresh attempt ended, and the lines worth repeating on our stderr (the runner
 * shows its last 4 KiB in the verdict). Pure: no process, no timers.
 *
 * The lines it relies on, as slapd 2.5.13 prints them after its `<hex time> <thread>` prefix:
 *   do_syncrep1: rid=001 starting refresh (sending cookie=rid=001,csn=…)
 *   do_syncrep2: rid=001 LDAP_RES_SEARCH_RESULT                       (any SearchResultDone)
 *   do_syncrep2: rid=001 LDAP_RES_SEARCH_RESULT (53) Server is unwilling to perform
 *   do_syncrep2: rid=001 (4096) Content Sync Refresh Required         (end of a failed session)
 *   do_syncrepl: rid=001 rc -1 retrying                               (session failed, rescheduled)
 *   slap_client_connect: URI=ldap://… DN="…" ldap_sasl_bind_s failed (49)   (connect or bind failed)
 */

/** How the latest refresh attempt went, as far as the log has told. */
export type RefreshOutcome =
  /** No attempt started yet, or one is under way. */
  | { readonly kind: 'pending' }
  /** SearchResultDone success arrived and nothing failed after it. */
  | { readonly kind: 'done' }
  /**
   * The session ended with an error. `resultCode` is the LDAP result (53, 4096…) when the
   * provider sent one; otherwise slapd's internal rc (-1: connection or protocol failure).
   */
  | { readonly kind: 'failed'; readonly resultCode: number | undefined; readonly reason: string }

/** slapd's e-syncRefreshRequired: slapd retries at once (non-delta mode), so it ends nothing. */
const REFRESH_REQUIRED = 4096

/** `6b04a437.155a02ab 0x7f222a35c200 `: slapd's timestamp and thread id. */
const PREFIX = /^[0-9a-f]+\.[0-9a-f]+ 0x[0-9a-f]+ /

/** Lines every healthy session prints, in bulk: not worth repeating on stderr. */
const ROUTINE = [
  /^do_syncrep1: rid=\d+ starting refresh/,
  /^do_syncrep2: rid=\d+ cookie=/,
  /^do_syncrep2: rid=\d+ LDAP_RES_SEARCH_RESULT$/,
  /^do_syncrep2: rid=\d+ LDAP_RES_INTERMEDIATE - /,
  /^do_syncrep2: rid=\d+ CSN for sid /,
  /^syncrepl_message_to_entry: rid=\d+ DN: /,
  /^syncrepl_entry: rid=\d+ /,
  /^syncrepl_del_nonpresent: rid=\d+ be_delete .* \(0\)$/,
  /^nonpresent_callback: rid=\d+ /,
  /^slap_queue_csn: /,
  /^slap_graduate_commit_csn: /,
  /^slap_get_csn: /,
  // The monitor reader's connection closing while slapd looks at it.
  /^connection_read\(\d+\): no connection!/,
  /^daemon: shutdown requested/,
  /^slapd (starting|stopped\.|shutdown: waiting)/,
  /^@\(#\) \$OpenLDAP: slapd /,
  /^\s+Debian OpenLDAP Maintainers/,
]

const SEARCH_RESULT_OK = /^do_syncrep2: rid=\d+ LDAP_RES_SEARCH_RESULT$/
const SEARCH_RESULT_ERROR = /^do_syncrep2: rid=\d+ LDAP_RES_SEARCH_RESULT \((-?\d+)\) (.*)$/
const SESSION_ERROR = /^do_syncrep2: rid=\d+ \((-?\d+)\) (.*)$/
const TASK_FAILED = /^do_syncrepl: rid=\d+ rc (-?\d+) (retrying|quitting)/
const STARTING = /^do_syncrep1: rid=\d+ starting refresh/
/** slapd's DN is `(null)` for an anonymous bind; the rc is negative for a connection failure. */
const CONNECT_FAILED = /^slap_client_connect: URI=(\S+) DN="([^"]*)" (.*) failed \((-?\d+)\)$/

/** Strips slapd's timestamp and thread prefix. */
export function logText(line: string): string {
  return line.replace(PREFIX, '')
}

export class SyncLog {
  private state: RefreshOutcome = { kind: 'pending' }
  /** The reason of the session that is ending, until do_syncrepl says whether it retries. */
  private lastError: { resultCode: number | undefined; reason: string } | undefined
  /** The last line worth repeating since the attempt started: why a session failed, when no result code says it. */
  private lastNotable: string | undefined
  private started = 0

  /** Refresh attempts so far ("starting refresh" lines). */
  get attempts(): number {
    return this.started
  }

  get outcome(): RefreshOutcome {
    return this.state
  }

  /** Takes one line of slapd's output; returns true when it is worth repeating on stderr. */
  push(line: string): boolean {
    const text = logText(line)
    if (STARTING.test(text)) {
      this.started++
      this.state = { kind: 'pending' }
      this.lastError = undefined
      this.lastNotable = undefined
      return false
    }
    if (SEARCH_RESULT_OK.test(text)) {
      // Tentative: an error code, if any, follows in the next lines of the same message.
      this.state = { kind: 'done' }
      return false
    }
    let m = SEARCH_RESULT_ERROR.exec(text) ?? SESSION_ERROR.exec(text)
    if (m) {
      const code = Number(m[1])
      const reason = `slapd's syncrepl ended the session: ${m[2] ?? ''} (${code})`
      this.lastError = { resultCode: code, reason }
      // After a 4096 slapd starts a new refresh at once (syncrepl.c do_syncrepl, SYNC_PAUSED).
      this.state = code === REFRESH_REQUIRED ? { kind: 'pending' } : { kind: 'failed', ...this.lastError }
      return true
    }
    m = CONNECT_FAILED.exec(text)
    if (m) {
      const rc = Number(m[4])
      const who = m[2] === '(null)' ? 'anonymously' : `as ${m[2]}`
      // A positive rc is the provider's BindResponse code (49: invalidCredentials).
      this.lastError = { resultCode: rc > 0 ? rc : undefined, reason: `slapd could not connect to ${m[1]} and bind ${who}: ${m[3]} failed (${rc})` }
      return true
    }
    m = TASK_FAILED.exec(text)
    if (m) {
      const rc = Number(m[1])
      const after = this.lastNotable === undefined ? 'the lines before this one in slapd/slapd.log say why' : `after: ${this.lastNotable}`
      const error = this.lastError ?? { resultCode: undefined, reason: `slapd's syncrepl session failed (rc ${rc}); ${after}` }
      this.state = { kind: 'failed', ...error }
      return true
    }
    if (text.trim() === '' || ROUTINE.some((r) => r.test(text))) return false
    this.lastNotable = text
    return true
  }
}
