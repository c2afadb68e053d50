"""A minimal python-ldap SyncreplConsumer that keeps its replica in a JSON file.

Run with Debian's /usr/bin/python3 (python3-ldap). Usage:

  syncrepl_consumer.py --url URL --binddn DN --password PW --base BASE --state FILE
                       [--mode refreshOnly|refreshAndPersist] [--filter F] [--attrs a,b,...]

The state file (read if it exists, written at the end) is
  {"cookie": base64 | null,
   "entries": {"<uuid>": {"dn": str, "attributes": {type: [str]}, "base64": [types]}}}
Values that are valid UTF-8 are stored as text; an attribute with any other value has all its
values stored as base64 and its type listed in "base64".

Every callback prints one JSON line on stdout (flushed) so the caller can wait for it:
  {"event": "start", "cookie": ...}, {"event": "entry", "uuid": u, "dn": dn},
  {"event": "delete", "uuids": [...]}, {"event": "present", "uuids": [...] | null,
  "refreshDeletes": bool, "removed": [...]}, {"event": "cookie", "cookie": b64},
  {"event": "refreshDone"}, {"event": "searchDone"}, {"event": "cancelled"},
  {"event": "saved", "entries": n}; on failure {"event": "error", ...} and exit status 1.

refreshOnly polls until the search ends. refreshAndPersist polls until "stop" is read on stdin
or SIGTERM arrives, then cancels the search (RFC 3909), waits for ldap.CANCELLED, and saves.
"""
import argparse
import base64
import json
import os
import select
import signal
import sys

import ldap
from ldap.ldapobject import SimpleLDAPObject
from ldap.syncrepl import SyncreplConsumer

# How long one poll waits before the loop looks at stdin and the SIGTERM flag again. It bounds
# the reaction time to "stop"; it never decides what the replica contains.
POLL_SECONDS = 0.1
# Bound on everything that must finish: a refreshOnly search, the end of a cancelled search.
DEADLINE_SECONDS = 20


def emit(event, **fields):
    fields["event"] = event
    sys.stdout.write(json.dumps(fields, sort_keys=True, default=repr) + "\n")
    sys.stdout.flush()


def cookie_to_b64(cookie):
    # pyasn1 hands the cookie over as str decoded ISO-8859-1, so this is byte-exact.
    return base64.b64encode(cookie.encode("iso-8859-1")).decode("ascii")


def cookie_from_b64(text):
    return base64.b64decode(text).decode("iso-8859-1")


def stored_attributes(attrs):
    """python-ldap's {type: [bytes]} as JSON: text when UTF-8, else base64 (type listed)."""
    out = {}
    binary = []
    for name in sorted(attrs):
        values = attrs[name]
        try:
            out[name] = [v.decode("utf-8") for v in values]
        except UnicodeDecodeError:
            out[name] = [base64.b64encode(v).decode("ascii") for v in values]
            binary.append(name)
    return out, binary


class JsonFileConsumer(SimpleLDAPObject, SyncreplConsumer):
    """The replica: entries keyed by entryUUID text, plus the cookie, saved as JSON."""

    def __init__(self, url, state_path):
        SimpleLDAPObject.__init__(self, url)
        self.state_path = state_path
        self.cookie = None
        self.entries = {}
        # UUIDs reported present (python-ldap's present phase), cleared by present(None, ...).
        self.present = set()
        if os.path.exists(state_path):
            with open(state_path, encoding="utf-8") as f:
                state = json.load(f)
            self.cookie = None if state["cookie"] is None else cookie_from_b64(state["cookie"])
            self.entries = state["entries"]

    def save(self):
        state = {
            "cookie": None if self.cookie is None else cookie_to_b64(self.cookie),
            "entries": self.entries,
        }
        tmp = self.state_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(state, f, sort_keys=True, indent=1)
        os.replace(tmp, self.state_path)
        emit("saved", entries=len(self.entries))

    # --- SyncreplConsumer callbacks -------------------------------------------------------------

    def syncrepl_get_cookie(self):
        return self.cookie

    def syncrepl_set_cookie(self, cookie):
        self.cookie = cookie
        emit("cookie", cookie=cookie_to_b64(cookie))

    def syncrepl_entry(self, dn, attrs, uuid):
        attributes, binary = stored_attributes(attrs)
        self.entries[uuid] = {"dn": dn, "attributes": attributes, "base64": binary}
        emit("entry", uuid=uuid, dn=dn)

    def syncrepl_delete(self, uuids):
        for uuid in uuids:
            self.entries.pop(uuid, None)
        emit("delete", uuids=list(uuids))

    def syncrepl_present(self, uuids, refreshDeletes=False):
        # The contract of python-ldap's docstring: a list records UUIDs as present; None with
        # refreshDeletes False ends a present phase (delete every entry not recorded, reset);
        # None with refreshDeletes True only resets (the server sent the deletes itself).
        removed = []
        if uuids is not None:
            self.present.update(uuids)
        else:
            if not refreshDeletes:
                removed = sorted(u for u in self.entries if u not in self.present)
                for uuid in removed:
                    del self.entries[uuid]
            self.present = set()
        emit("present", uuids=None if uuids is None else list(uuids),
             refreshDeletes=bool(refreshDeletes), removed=removed)

    def syncrepl_refreshdone(self):
        emit("refreshDone")


def stop_requested(state):
    # SIGTERM stays blocked (see run) and is taken here, between polls, never inside libldap.
    if signal.sigtimedwait([signal.SIGTERM], 0) is not None:
        return True
    if state["stdin_open"]:
        readable, _, _ = select.select([sys.stdin], [], [], 0)
        if readable:
            line = sys.stdin.readline()
            if line == "":
                state["stdin_open"] = False  # EOF: only SIGTERM can stop us now
            elif line.strip() == "stop":
                return True
    return False


def run(args):
    state = {"stdin_open": args.mode == "refreshAndPersist"}
    # A handled signal would interrupt libldap's poll(), which then reports SERVER_DOWN
    # ("Interrupted system call"); a blocked one just waits until stop_requested takes it.
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])

    consumer = JsonFileConsumer(args.url, args.state)
    consumer.set_option(ldap.OPT_PROTOCOL_VERSION, ldap.VERSION3)
    consumer.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
    consumer.simple_bind_s(args.binddn, args.password)
    emit("start", cookie=None if consumer.cookie is None else cookie_to_b64(consumer.cookie))
    attrlist = None if args.attrs is None else args.attrs.split(",")
    msgid = consumer.syncrepl_search(args.base, ldap.SCOPE_SUBTREE, mode=args.mode,
                                     filterstr=args.filter, attrlist=attrlist)

    if args.mode == "refreshOnly":
        # all=1: returns False once the SearchResultDone (with its Sync Done control) is handled.
        while consumer.syncrepl_poll(msgid=msgid, all=1, timeout=DEADLINE_SECONDS):
            pass
        emit("searchDone")
    else:
        ended = False
        while not stop_requested(state):
            try:
                if not consumer.syncrepl_poll(msgid=msgid, timeout=POLL_SECONDS):
                    ended = True  # the provider ended the persist phase itself
                    emit("searchDone")
                    break
            except ldap.TIMEOUT:
                continue
        if not ended:
            # RFC 3909 Cancel, as python-ldap's own tests end a persist search: the search ends
            # with resultCode canceled (118), which python-ldap raises as ldap.CANCELLED.
            consumer.cancel(msgid)
            try:
                while consumer.syncrepl_poll(msgid=msgid, all=1, timeout=DEADLINE_SECONDS):
                    pass
                emit("searchDone")
            except ldap.CANCELLED:
                emit("cancelled")
    consumer.save()
    consumer.unbind_s()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--binddn", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--mode", default="refreshOnly", choices=["refreshOnly", "refreshAndPersist"])
    parser.add_argument("--filter", default="(objectClass=*)")
    parser.add_argument("--attrs", default=None, help="comma-separated attribute list")
    args = parser.parse_args()
    try:
        run(args)
    except Exception as e:  # report, then fail: the TS side shows this line
        info = e.args[0] if e.args and isinstance(e.args[0], dict) else None
        emit("error", type=type(e).__name__, message=str(e), info=info)
        sys.exit(1)


if __name__ == "__main__":
    main()
