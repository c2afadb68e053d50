"""An application built on python-ldap's SyncreplConsumer, as the example scenarios drive it.

Run with Debian's /usr/bin/python3 (python3-ldap). One process is one sync session:

  example_consumer.py --url URL --base BASE --state FILE [--mode refreshOnly|refreshAndPersist]
                      [--scope base|one|sub] [--filter F] [--attrs a,b,...]
                      [--binddn DN --password PW] [--forget-cookie] [--reload-on-4096]

The replica, its JSON state file and the JSON lines its callbacks print are those of
test/support/python/replica.py; the state file is read if it exists and written when the session
ends, in every way it can end. What an application has to decide for itself is explicit here:
  --forget-cookie   start without a cookie but keep the entries (a consumer that lost its cookie);
  --reload-on-4096  on e-syncRefreshRequired, drop the cookie and the entries and search again
                    once without a cookie (RFC 4533 §3.8 leaves this to the application, and
                    python-ldap raises a plain LDAPError for 4096).
A session that ends in an error saves what the callbacks had applied so far, as an application
that writes its replica as it goes would hold it, and exits with status 2.

Lines of its own, beside the replica's: {"event": "refreshRequired"},
{"event": "error", "type": ..., "message": ..., "result": n}.

refreshAndPersist runs until "stop" arrives on stdin (or stdin ends) or the provider ends the
search; a stop cancels the search (RFC 3909) and waits for its end.
"""
import argparse
import os
import select
import sys

import ldap

# The shared replica lives in test/support/python; no .pyc is left beside it in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "support", "python"))
from replica import JsonFileReplica, emit, run_search  # noqa: E402

# How long one poll of a persist session waits before looking at stdin again. It bounds the
# reaction time to "stop"; it never decides what the replica contains.
POLL_SECONDS = 0.05
E_SYNC_REFRESH_REQUIRED = 4096
SCOPES = {"base": ldap.SCOPE_BASE, "one": ldap.SCOPE_ONELEVEL, "sub": ldap.SCOPE_SUBTREE}


class Replica(JsonFileReplica):
    def __init__(self, url, state_path, forget_cookie):
        JsonFileReplica.__init__(self, url, state_path)
        if forget_cookie:
            self.cookie = None

    def forget_everything(self):
        self.cookie = None
        self.entries = {}
        self.present = set()


def stop_requested():
    readable, _, _ = select.select([sys.stdin], [], [], 0)
    if not readable:
        return False
    line = sys.stdin.readline()
    return line == "" or line.strip() == "stop"


def one_search(consumer, args):
    attrlist = None if args.attrs is None else args.attrs.split(",")
    run_search(consumer, args.base, SCOPES[args.scope], args.mode, args.filter, attrlist,
               stop_requested, POLL_SECONDS)


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
        consumer.open_session(args.binddn, args.password)
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
