"""Decodes RFC 4533 values with python-ldap (pyasn1), an encoder/decoder independent of ours.

Reads one JSON object per line on stdin: {"id": ..., "what": "state"|"done"|"info", "hex": ...}
or {"id": ..., "what": "request", "mode": ..., "cookie_hex": ...|null, "reloadHint": bool}
and writes one JSON object per line with what python-ldap made of it. Cookies are reported as
hex of the raw bytes (pyasn1 spec decode), so binary cookies survive.
Run with Debian's /usr/bin/python3 (python3-ldap).
"""
import binascii
import json
import sys
import uuid

from ldap.syncrepl import (SyncDoneControl, SyncDoneValue, SyncInfoMessage, SyncInfoValue,
                           SyncRequestControl, SyncStateControl, SyncStateValue)
from pyasn1.codec.ber import decoder


def cookie_hex(component):
    if component is None or not component.hasValue():
        return None
    return binascii.hexlify(bytes(component)).decode()


def decode(req):
    what = req["what"]
    if what == "request":
        cookie = None if req["cookie_hex"] is None else binascii.unhexlify(req["cookie_hex"])
        c = SyncRequestControl(criticality=1, cookie=cookie, mode=req["mode"], reloadHint=req["reloadHint"])
        return {"hex": binascii.hexlify(c.encodeControlValue()).decode()}
    raw = binascii.unhexlify(req["hex"])
    if what == "state":
        c = SyncStateControl()
        c.decodeControlValue(raw)
        d = decoder.decode(raw, asn1Spec=SyncStateValue())[0]
        return {"state": c.state, "entryUUID": c.entryUUID, "cookie": cookie_hex(d.getComponentByName("cookie"))}
    if what == "done":
        c = SyncDoneControl()
        c.decodeControlValue(raw)
        d = decoder.decode(raw, asn1Spec=SyncDoneValue())[0]
        return {"refreshDeletes": bool(c.refreshDeletes), "cookie": cookie_hex(d.getComponentByName("cookie"))}
    if what == "info":
        m = SyncInfoMessage(raw)
        d = decoder.decode(raw, asn1Spec=SyncInfoValue())[0]
        name = d.getName()
        comp = d.getComponent()
        out = {"kind": name}
        if name == "newcookie":
            out["cookie"] = binascii.hexlify(bytes(comp)).decode()
            return out
        out["cookie"] = cookie_hex(comp.getComponentByName("cookie"))
        if name in ("refreshDelete", "refreshPresent"):
            out["refreshDone"] = getattr(m, name)["refreshDone"]
        else:
            out["refreshDeletes"] = m.syncIdSet["refreshDeletes"]
            out["syncUUIDs"] = m.syncIdSet["syncUUIDs"]
        return out
    raise ValueError("unknown what: %r" % what)


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    req = json.loads(line)
    try:
        res = {"id": req["id"], "ok": True, "value": decode(req)}
    except Exception as e:  # report, never crash: the TS side asserts on it
        res = {"id": req["id"], "ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(res) + "\n")
sys.stdout.flush()
