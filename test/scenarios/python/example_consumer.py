"""An application built on python-ldap's SyncreplConsumer, as the example scenarios drive it.

Run with Debian's /usr/bin/python3 (python3-ldap). One process is one sync session:

  example_consumer.py --url URL --base BASE --state FILE [--mode refreshOnly|refreshAndPersist]
                      [--scope base|one|sub] [--filter F] [--attrs a,b,...]
                      [--binddn DN --password PW] [--forget-cookie] [--reload-on-4096]

The replica lives in a JSON state file (read if it exists, written when the session ends, in
every way it can end):
  {"cookie": base64 | null,
   "entries": {"<uuid>": {"dn": str, "attributes": {type: [str]}, "base64": [types]}}}
Values that are valid UTF-8 are stored as text; an attribute with any other value has all its
values stored as base64 and its type listed in "base64".

The callbacks do exactly what python-ldap's docstrings ask of an application, and nothing more
clever: the examples judge python-ldap's own dispatch, so this file must not repair it. What an
application has to decide for itself is explicit:
  --forget-cookie   start without a cookie but keep the entries (a consumer that lost its cookie);
  --reload-on-4096  on e-syncRefreshRequired, drop the cookie and the entries and search again
                    once without a cookie (RFC 4533 §3.8 leaves this to the application, and
                    python-ldap raises a plain LDAPError for 4096).
A session that ends in an error saves what the callbacks had applied so far, as an application
that writes its replica as it goes would hold it, and exits with status 2.

Every callback prints one JSON line on stdout (flushed):
  {"event": "start", "cookie": ...}, {"event": "entry", "uuid": u, "dn": dn},
  {"event": "delete", "uuids": [...]}, {"event": "present", "uuids": [...] | null,
  "refreshDeletes": bool, "removed": [...]}, {"event": "cookie", "cookie": b64},
  {"event": "refreshDone"}, {"event": "searchDone"}, {"event": "cancelled"},
  {"event": "refreshRequired"}, {"event": "error", "type": ..., "message": ..., "result": n},
  {"event": "saved", "entries": n}.

refreshAndPersist runs until "stop" arrives on stdin or the provider ends the search; "stop"
cancels the search (RFC 3909) and waits for its end.
"""
import argparse
import base64
import json
import os
import select
import sys

import ldap
from ldap.ldapobject import SimpleLDAPObject
from ldap.syncrepl import SyncreplConsumer

# How long one poll of a persist session waits before looking at stdin again. It bounds the
# reaction time to "stop"; it never decides what the replica contains.
POLL_SECONDS = 0.05
# Bound on everything that must finish on its own: a refreshOnly search, the end of a cancel.
DEADLINE_SECONDS = 20
E_SYNC_REFRESH_REQUIRED = 4096
SCOPES = {"base": ldap.SCOPE_BASE, "one": ldap.SCOPE_ONELEVEL, "sub": ldap.SCOPE_SUBTREE}


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


class Replica(SimpleLDAPObject, SyncreplConsumer):
    def __init__(self, url, state_path, forget_cookie):
        SimpleLDAPObject.__init__(self, url)
        self.state_path = state_path
        self.cookie = None
        self.entries = {}
        self.present = set()
        if os.path.exists(state_path):
            with open(state_path, encoding="utf-8") as f:
                state = json.load(f)
            if state["cookie"] is not None and not forget_cookie:
                self.cookie = cookie_from_b64(state["cookie"])
            self.entries = state["entries"]

    def forget_everything(self):
        self.cookie = None
        self.entries = {}
        self.present = set()

    def save(self):
        state = {"cookie": None if self.cookie is None else cookie_to_b64(self.cookie), "entries": self.entries}
        tmp = self.state_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(state, f, sort_keys=True, indent=1)
        os.replace(tmp, self.state_path)
        emit("saved", entries=len(self.entries))

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
        # python-ldap's contract: a list records UUIDs as present; None with refreshDeletes
        # False deletes every entry not recorded and resets; None with True only resets.
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


def stop_requested():
    readable, _, _ = select.select([sys.stdin], [], [], 0)
    if not readable:
        return False
    line = sys.stdin.readline()
    return line == "" or line.strip() == "stop"


def one_search(consumer, args):
    attrlist = None if args.attrs is None else args.attrs.split(",")
    msgid = consumer.syncrepl_search(args.base, SCOPES[args.scope], mode=args.mode,
                                     filterstr=args.filter, attrlist=attrlist)
    if args.mode == "refreshOnly":
        while consumer.syncrepl_poll(msgid=msgid, all=1, timeout=DEADLINE_SECONDS):
            pass
        emit("searchDone")
        return
    while not stop_requested():
        try:
            if not consumer.syncrepl_poll(msgid=msgid, timeout=POLL_SECONDS):
                emit("searchDone")  # the provider ended the search itself
                return
        except ldap.TIMEOUT:
            continue
    consumer.cancel(msgid)
    try:
        while consumer.syncrepl_poll(msgid=msgid, all=1, timeout=DEADLINE_SECONDS):
            pass
        emit("searchDone")
    except ldap.CANCELLED:
        emit("cancelled")


def result_code(error):
    info = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    return info.get("result")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--mode", default="refreshOnly", choices=["refreshOnly", "refreshAndPersist"])
    parser.add_argument("--scope", default="sub", choices=sorted(SCOPES))
    parser.add_argument("--filter", default="(objectClass=*)")
    parser.add_argument("--attrs", default=None, help="comma-separated attribute list")
    parser.add_argument("--binddn", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--forget-cookie", action="store_true")
    parser.add_argument("--reload-on-4096", action="store_true")
    args = parser.parse_args()

    consumer = Replica(args.url, args.state, args.forget_cookie)
    status = 0
    try:
        consumer.set_option(ldap.OPT_PROTOCOL_VERSION, ldap.VERSION3)
        consumer.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
        consumer.simple_bind_s(args.binddn, args.password)
        emit("start", cookie=None if consumer.cookie is None else cookie_to_b64(consumer.cookie))
        try:
            one_search(consumer, args)
        except ldap.LDAPError as e:
            if not (args.reload_on_4096 and result_code(e) == E_SYNC_REFRESH_REQUIRED):
                raise
            emit("refreshRequired")
            consumer.forget_everything()
            one_search(consumer, args)
    except Exception as e:  # the session ends here; the TS side reads this line
        emit("error", type=type(e).__name__, message=str(e), result=result_code(e) if isinstance(e, ldap.LDAPError) else None)
        status = 2
    consumer.save()
    try:
        consumer.unbind_s()
    except ldap.LDAPError:
        pass  # the connection may already be gone (restart, fault)
    sys.exit(status)


if __name__ == "__main__":
    main()
