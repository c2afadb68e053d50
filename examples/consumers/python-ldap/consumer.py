#!/usr/bin/python3
"""A python-ldap syncrepl application behind the conformance runner's consumer contract.

docs/consumer-contract.md is the contract; README.md beside this file says how to run it. The
program is written the way applications built on ``ldap.syncrepl.SyncreplConsumer`` usually are
(python-ldap's demo style): a ReconnectLDAPObject + SyncreplConsumer subclass, a dict of entries
keyed by syncUUID, the callbacks implemented as python-ldap documents them, and the cookie
persisted with the data. It deliberately does NOT work around python-ldap's weaknesses
(an empty cookie is stored and sent back; initial content ending with refreshDeletes TRUE deletes
nothing, so entries the provider no longer has survive; e-syncRefreshRequired (4096) arrives as a
plain LDAPError and ends the program). Showing those is what the conformance runner is for.

Run it with Debian's /usr/bin/python3 (python3-ldap); other interpreters may lack the module.
"""
import base64
import json
import os
import signal
import sys
import tempfile
import time

import ldap
from ldap.ldapobject import ReconnectLDAPObject, SimpleLDAPObject
from ldap.syncrepl import SyncreplConsumer

# The application's own state (entries + cookie), in SYNCREPL_STATE_DIR. The runner never reads
# it: it reads report.json, which is rewritten from the same data.
STATE_FILE = "python-ldap-state.json"
REPORT_FILE = "report.json"
EVENTS_FILE = "events.jsonl"

# How long one poll waits for a message. It only bounds how soon SIGTERM is noticed.
POLL_SECONDS = 0.2
# refreshAndPersist: the wait before reconnecting after a drop, doubled per failed attempt.
BACKOFF_FIRST = 0.2
BACKOFF_MAX = 2.0

SCOPES = {"base": ldap.SCOPE_BASE, "one": ldap.SCOPE_ONELEVEL, "sub": ldap.SCOPE_SUBTREE}
MODES = ("refreshOnly", "refreshAndPersist")
# A connection that went away; in refreshAndPersist the application reconnects after these.
CONNECTION_LOST = (ldap.SERVER_DOWN, ldap.CONNECT_ERROR)


class UsageError(Exception):
    """The SYNCREPL_* environment is missing something or holds a value the program cannot use."""


class Settings:
    """The SYNCREPL_* variables of docs/consumer-contract.md."""

    def __init__(self, env):
        def need(name):
            value = env.get(name, "")
            if value == "":
                raise UsageError(f"{name} is not set; the conformance runner sets it (docs/consumer-contract.md).")
            return value

        self.url = need("SYNCREPL_URL")
        self.base = env.get("SYNCREPL_BASE", "")
        scope = env.get("SYNCREPL_SCOPE", "sub")
        if scope not in SCOPES:
            raise UsageError(f"SYNCREPL_SCOPE is {scope!r}; it must be base, one or sub.")
        self.scope = SCOPES[scope]
        self.filter = env.get("SYNCREPL_FILTER", "") or "(objectClass=*)"
        attrs = [a.strip() for a in env.get("SYNCREPL_ATTRS", "").split(",") if a.strip()]
        self.attrs = attrs or None  # None: all user attributes
        self.mode = need("SYNCREPL_MODE")
        if self.mode not in MODES:
            raise UsageError(f"SYNCREPL_MODE is {self.mode!r}; it must be refreshOnly or refreshAndPersist.")
        self.reload_hint = env.get("SYNCREPL_RELOAD_HINT", "false") == "true"
        self.bind_dn = env.get("SYNCREPL_BIND_DN", "")
        self.password = env.get("SYNCREPL_BIND_PASSWORD", "")
        self.state_dir = need("SYNCREPL_STATE_DIR")
        self.hook_guid = env.get("SYNCREPL_HOOK_GUID")


def b64(data):
    return base64.b64encode(data).decode("ascii")


def cookie_bytes(cookie):
    # python-ldap hands cookies over as str made from the octets one by one (pyasn1's latin-1),
    # and encodes a str cookie back the same way, so latin-1 is the exact octets.
    return cookie.encode("latin-1")


def report_value(value):
    """A value as report.json holds it: text when it is UTF-8, else {"base64": ...}."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": b64(value)}


def write_atomically(path, text):
    """Writes a temporary file beside `path`, then renames it over `path` (a reader sees old or new)."""
    directory = os.path.dirname(path)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


class StopFlag:
    """Set by SIGTERM. The handler only sets it: the poll loop looks at it between polls."""

    def __init__(self):
        self.requested = False

    def install(self):
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum, frame):
        self.requested = True

    def wait(self, seconds):
        """Sleeps up to `seconds`, returning early (True) once SIGTERM has arrived."""
        deadline = time.monotonic() + seconds
        while not self.requested:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(0.05, left))
        return self.requested


class SyncClient(ReconnectLDAPObject, SyncreplConsumer):
    """The application's replica: entries by syncUUID and the cookie, kept in STATE_FILE."""

    def __init__(self, settings):
        # retry_max 1: reconnect() tries once; the persist loop below does the backing off.
        ReconnectLDAPObject.__init__(self, settings.url, retry_max=1, retry_delay=0.0)
        self.settings = settings
        self.state_path = os.path.join(settings.state_dir, STATE_FILE)
        self.report_path = os.path.join(settings.state_dir, REPORT_FILE)
        self.entries = {}  # uuid -> (dn, {attribute: [bytes, ...]})
        self.cookie = None  # str, as python-ldap passes it
        self.present_uuids = set()
        self.refresh_done = False  # this session reached the persist stage
        self.events = open(os.path.join(settings.state_dir, EVENTS_FILE), "a", encoding="utf-8")
        self.load()

    # -- state ------------------------------------------------------------------------------

    def load(self):
        try:
            with open(self.state_path, encoding="utf-8") as f:
                saved = json.load(f)
        except FileNotFoundError:
            return
        cookie = saved.get("cookie")
        self.cookie = None if cookie is None else base64.b64decode(cookie).decode("latin-1")
        for uuid, entry in saved.get("entries", {}).items():
            attrs = {name: [base64.b64decode(v) for v in values] for name, values in entry["attributes"].items()}
            self.entries[uuid] = (entry["dn"], attrs)

    def save(self):
        """Writes the application's state file, then report.json, each atomically."""
        cookie = None if self.cookie is None else b64(cookie_bytes(self.cookie))
        state = {
            "cookie": cookie,
            "entries": {
                uuid: {"dn": dn, "attributes": {name: [b64(v) for v in values] for name, values in attrs.items()}}
                for uuid, (dn, attrs) in self.entries.items()
            },
        }
        write_atomically(self.state_path, json.dumps(state))
        report = {
            "cookie": cookie,
            "entries": [
                {"uuid": uuid, "dn": dn, "attributes": {name: [report_value(v) for v in values] for name, values in attrs.items()}}
                for uuid, (dn, attrs) in self.entries.items()
            ],
        }
        write_atomically(self.report_path, json.dumps(report, ensure_ascii=False, indent=1))

    def event(self, **fields):
        self.events.write(json.dumps(fields) + "\n")
        self.events.flush()

    # -- sync session -----------------------------------------------------------------------

    def open_session(self):
        if self.settings.bind_dn != "":
            self.simple_bind_s(self.settings.bind_dn, self.settings.password)

    def start_sync(self):
        """One sync search, resuming from the stored cookie (syncrepl_get_cookie)."""
        # A new search is a new refresh: the present list of an earlier one means nothing now.
        self.present_uuids = set()
        self.refresh_done = False
        return self.syncrepl_search(
            self.settings.base,
            self.settings.scope,
            mode=self.settings.mode,
            filterstr=self.settings.filter,
            attrlist=self.settings.attrs,
        )

    def reopen(self):
        """Drops the old connection and makes a new one (bind repeated by ReconnectLDAPObject)."""
        try:
            SimpleLDAPObject.unbind_s(self)
        except (ldap.LDAPError, AttributeError):
            pass  # already closed (a failed reconnect unbinds, and that removes the handle)
        self.reconnect(self.settings.url, retry_max=1, retry_delay=0.0)

    def close(self):
        try:
            self.unbind_s()
        except (ldap.LDAPError, AttributeError):
            pass
        self.events.close()

    # -- SyncreplConsumer callbacks ----------------------------------------------------------

    def syncrepl_get_cookie(self):
        return self.cookie

    def syncrepl_set_cookie(self, cookie):
        self.cookie = cookie
        self.event(event="cookie", cookie=b64(cookie_bytes(cookie)))
        self.save()

    def syncrepl_entry(self, dn, attrs, uuid):
        self.entries[uuid] = (dn, attrs)
        self.event(event="entry", uuid=uuid, dn=dn)

    def syncrepl_delete(self, uuids):
        for uuid in uuids:
            self.entries.pop(uuid, None)
        self.event(event="delete", uuids=list(uuids))

    def syncrepl_present(self, uuids, refreshDeletes=False):
        # python-ldap's documented contract: a list marks entries present; None with
        # refreshDeletes False ends a present phase (delete every entry not marked); None with
        # refreshDeletes True only forgets the marks.
        if uuids is None:
            self.event(event="present", refreshDeletes=bool(refreshDeletes))
            if not refreshDeletes:
                for uuid in [u for u in self.entries if u not in self.present_uuids]:
                    del self.entries[uuid]
            self.present_uuids = set()
        else:
            self.present_uuids.update(uuids)
            self.event(event="present", uuids=list(uuids))

    def syncrepl_refreshdone(self):
        self.refresh_done = True
        self.event(event="refreshDone")


def poll_until_done(client, msgid, stop):
    """Polls the sync search until it ends (True) or SIGTERM arrives (False)."""
    while not stop.requested:
        try:
            if not client.syncrepl_poll(msgid=msgid, timeout=POLL_SECONDS):
                return True
        except ldap.TIMEOUT:
            continue
    return False


def refresh_only(client, stop):
    client.open_session()
    msgid = client.start_sync()
    if poll_until_done(client, msgid, stop):
        return 0
    print("syncrepl: SIGTERM arrived before the refresh ended", file=sys.stderr)
    return 143


def refresh_and_persist(client, stop):
    """Runs until SIGTERM; after a drop waits (backing off) and resumes from the stored cookie."""
    delay = BACKOFF_FIRST
    connected = False
    while not stop.requested:
        try:
            if connected:
                client.reopen()
            else:
                client.open_session()
            connected = True
            msgid = client.start_sync()
            if not poll_until_done(client, msgid, stop):
                break
            why = "the provider ended the sync search"
        except CONNECTION_LOST as e:
            # A SIGTERM that lands inside libldap's poll() shows up as SERVER_DOWN: not a drop.
            if stop.requested or stop.wait(0):
                break
            why = f"{type(e).__name__}: {describe(e)}"
        if client.refresh_done:
            # The session reached the persist stage before it ended: start the backoff over.
            client.refresh_done = False
            delay = BACKOFF_FIRST
        print(f"syncrepl: {why}; reconnecting in {delay:.1f} s", file=sys.stderr)
        if stop.wait(delay):
            break
        delay = min(delay * 2, BACKOFF_MAX)
    return 0


def describe(error):
    info = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    parts = [str(info.get(k)) for k in ("desc", "info") if info.get(k)]
    if info.get("result", 0) > 0:
        parts.append(f"result {info['result']}")
    return ", ".join(parts) or str(error)


def main():
    try:
        settings = Settings(os.environ)
    except UsageError as e:
        print(f"syncrepl: {e}", file=sys.stderr)
        return 2
    if settings.hook_guid is not None:
        # python-ldap has no 389-DS session hooks; run it with --unsupported handshake.
        print("syncrepl: SYNCREPL_HOOK_GUID ignored: python-ldap has no session-hook handshake", file=sys.stderr)
    if settings.reload_hint:
        print("syncrepl: SYNCREPL_RELOAD_HINT ignored: SyncreplConsumer.syncrepl_search has no reloadHint", file=sys.stderr)
    stop = StopFlag()
    stop.install()
    client = SyncClient(settings)
    code = 1
    try:
        code = refresh_only(client, stop) if settings.mode == "refreshOnly" else refresh_and_persist(client, stop)
    except ldap.LDAPError as e:
        # 4096 (e-syncRefreshRequired) lands here too: python-ldap has no class for it.
        print(f"syncrepl: {type(e).__name__}: {describe(e)}", file=sys.stderr)
        code = 1
    finally:
        client.save()
        client.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
