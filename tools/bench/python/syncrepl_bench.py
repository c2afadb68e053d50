"""python-ldap's side of `npm run bench -- consumer`: one full refreshOnly sync (RFC 4533 §3.3,
no cookie) into an in-memory replica, timed, then one line of JSON on stdout.

Run with Debian's /usr/bin/python3 (python3-ldap 3.4.3 is installed there only):

  syncrepl_bench.py '{"url": ..., "bindDn": ..., "password": ..., "base": ...}'

Prints {"wallMs": float, "entries": int, "vmHwmKiB": int, "startRssKiB": int, "resultOk": true}.
wallMs runs from before the bind (python-ldap connects lazily, on the bind) until
syncrepl_poll(all=1) reports the end of the search; the entry count and /proc/self/status are
read after that. The benchmark runner, not this script, decides whether the count is right.
"""
import json
import sys
import time

import ldap
from ldap.ldapobject import SimpleLDAPObject
from ldap.syncrepl import SyncreplConsumer


def status_kib(field):
    """A `Vm...: N kB` line of /proc/self/status, in KiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError("/proc/self/status has no %s line" % field)


class BenchConsumer(SimpleLDAPObject, SyncreplConsumer):
    """The smallest consumer that keeps a correct replica: entries by UUID, the cookie, and the
    present set python-ldap's syncrepl_present() contract asks for."""

    def __init__(self, *args, **kwargs):
        SimpleLDAPObject.__init__(self, *args, **kwargs)
        self.entries = {}
        self.present_uuids = set()
        self.cookie = None
        self.refresh_done = False

    def syncrepl_get_cookie(self):
        return self.cookie

    def syncrepl_set_cookie(self, cookie):
        self.cookie = cookie

    def syncrepl_entry(self, dn, attrs, uuid):
        self.entries[uuid] = (dn, attrs)

    def syncrepl_delete(self, uuids):
        for uuid in uuids:
            self.entries.pop(uuid, None)

    def syncrepl_present(self, uuids, refreshDeletes=False):
        if uuids is not None:
            self.present_uuids.update(uuids)
            return
        # End of a present phase: unless the provider said it sent deletes explicitly, whatever
        # was not named present is gone (RFC 4533 §3.3.1).
        if not refreshDeletes:
            for uuid in [u for u in self.entries if u not in self.present_uuids]:
                del self.entries[uuid]
        self.present_uuids = set()

    def syncrepl_refreshdone(self):
        self.refresh_done = True


def main():
    config = json.loads(sys.argv[1])
    start_rss = status_kib("VmRSS")
    started = time.perf_counter()
    consumer = BenchConsumer(config["url"])
    consumer.protocol_version = ldap.VERSION3
    consumer.simple_bind_s(config["bindDn"], config["password"])
    consumer.syncrepl_search(config["base"], ldap.SCOPE_SUBTREE, mode="refreshOnly")
    # syncrepl_poll returns False once the search's Done has been read; a result code other
    # than success raises an ldap.LDAPError, which fails the run (exit status 1).
    while consumer.syncrepl_poll(all=1):
        pass
    wall_ms = (time.perf_counter() - started) * 1000
    entries = len(consumer.entries)
    consumer.unbind_s()
    print(json.dumps({
        "wallMs": wall_ms,
        "entries": entries,
        "vmHwmKiB": status_kib("VmHWM"),
        "startRssKiB": start_rss,
        "resultOk": True,
    }))


if __name__ == "__main__":
    main()
