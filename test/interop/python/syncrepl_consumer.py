"""A minimal python-ldap SyncreplConsumer that keeps its replica in a JSON file.

Run with Debian's /usr/bin/python3 (python3-ldap). Usage:

  syncrepl_consumer.py --url URL --binddn DN --password PW --base BASE --state FILE
                       [--mode refreshOnly|refreshAndPersist] [--filter F] [--attrs a,b,...]

The replica, its JSON state file (read if it exists, written at the end) and the JSON lines its
callbacks print are those of test/support/python/replica.py. On failure the script prints
{"event": "error", "type": ..., "message": ..., "info": ...} and exits with status 1.

refreshOnly polls until the search ends. refreshAndPersist polls until "stop" is read on stdin
or SIGTERM arrives, then cancels the search (RFC 3909), waits for ldap.CANCELLED, and saves.
"""
import argparse
import os
import select
import signal
import sys

import ldap

# The shared replica lives in test/support/python; no .pyc is left beside it in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "support", "python"))
from replica import JsonFileReplica, emit, run_search  # noqa: E402

# How long one poll waits before the loop looks at stdin and the SIGTERM flag again. It bounds
# the reaction time to "stop"; it never decides what the replica contains.
POLL_SECONDS = 0.1


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

    consumer = JsonFileReplica(args.url, args.state)
    consumer.open_session(args.binddn, args.password)
    attrlist = None if args.attrs is None else args.attrs.split(",")
    run_search(consumer, args.base, ldap.SCOPE_SUBTREE, args.mode, args.filter, attrlist,
               lambda: stop_requested(state), POLL_SECONDS)
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
