"""The replica both python-ldap consumer scripts keep: python-ldap's SyncreplConsumer with its
entries and cookie in a JSON file, one JSON line on stdout per callback.

Imported by test/interop/python/syncrepl_consumer.py and test/scenarios/python/example_consumer.py
(each puts this folder on sys.path); run with Debian's /usr/bin/python3 (python3-ldap).

The state file (read if it exists, written by save()) is
  {"cookie": base64 | null,
   "entries": {"<uuid>": {"dn": str, "attributes": {type: [str]}, "base64": [types]}}}
Values that are valid UTF-8 are stored as text; an attribute with any other value has all its
values stored as base64 and its type listed in "base64".

Lines printed here (each flushed, so the caller can wait for it):
  {"event": "start", "cookie": ...}, {"event": "entry", "uuid": u, "dn": dn},
  {"event": "delete", "uuids": [...]}, {"event": "present", "uuids": [...] | null,
  "refreshDeletes": bool, "removed": [...]}, {"event": "cookie", "cookie": b64},
  {"event": "refreshDone"}, {"event": "searchDone"}, {"event": "cancelled"},
  {"event": "saved", "entries": n}.

The callbacks do exactly what python-ldap's docstrings ask of an application, and nothing more
clever: the tests judge python-ldap's own dispatch, so this file must not repair it.
"""
import base64
import json
import os
import sys

import ldap
from ldap.ldapobject import SimpleLDAPObject
from ldap.syncrepl import SyncreplConsumer

# Bound on everything that must finish on its own: a refreshOnly search, the end of a cancel.
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


class JsonFileReplica(SimpleLDAPObject, SyncreplConsumer):
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

    def open_session(self, binddn, password):
        """LDAPv3, a bounded connect, a simple bind; then the "start" line with the cookie held."""
        self.set_option(ldap.OPT_PROTOCOL_VERSION, ldap.VERSION3)
        self.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
        self.simple_bind_s(binddn, password)
        emit("start", cookie=None if self.cookie is None else cookie_to_b64(self.cookie))

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


def run_search(replica, base, scope, mode, filterstr, attrlist, stop_requested, poll_seconds):
    """One sync search to its end.

    refreshOnly polls until the search ends. refreshAndPersist polls, poll_seconds at a time,
    until stop_requested() or the provider ends the search; a stop cancels the search (RFC 3909)
    and waits for its end. Prints "searchDone" or, after a cancel python-ldap reports as
    ldap.CANCELLED, "cancelled".
    """
    msgid = replica.syncrepl_search(base, scope, mode=mode, filterstr=filterstr, attrlist=attrlist)
    if mode == "refreshOnly":
        # all=1: returns False once the SearchResultDone (with its Sync Done control) is handled.
        while replica.syncrepl_poll(msgid=msgid, all=1, timeout=DEADLINE_SECONDS):
            pass
        emit("searchDone")
        return
    while not stop_requested():
        try:
            if not replica.syncrepl_poll(msgid=msgid, timeout=poll_seconds):
                emit("searchDone")  # the provider ended the persist phase itself
                return
        except ldap.TIMEOUT:
            continue
    # RFC 3909 Cancel, as python-ldap's own tests end a persist search: the search ends with
    # resultCode canceled (118), which python-ldap raises as ldap.CANCELLED.
    replica.cancel(msgid)
    try:
        while replica.syncrepl_poll(msgid=msgid, all=1, timeout=DEADLINE_SECONDS):
            pass
        emit("searchDone")
    except ldap.CANCELLED:
        emit("cancelled")
