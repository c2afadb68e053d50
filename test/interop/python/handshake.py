"""The session-hook handshake done by python-ldap against a provider, on one connection.

Run with Debian's /usr/bin/python3 (python3-ldap). Usage:

  handshake.py URL BINDDN PASSWORD BASE STEP[,STEP...]

Steps, in the order given: `start` (Start Replication v2, 2.16.840.1.113730.3.5.12, through
`extop_s`), `sync` (a refreshOnly search with the RFC 4533 Sync Request control), `end` (End
Replication, 2.16.840.1.113730.3.5.5). Prints one JSON object:
  {"start": {"oid": ..., "value": hex}, "sync": {"entries": n, "dns": [...]} |
   {"error": {"result": n, "info": ...}}, "end": {...}}

The request values are built here by hand from the layout in 389ds-session-hooks.md §2.2 and
§2.4 (nothing of the harness is used), and the Start value is checked against §2.7's 136 bytes.
"""
import json
import sys

import ldap
import ldap.extop
from ldap.syncrepl import SyncRequestControl

START_OID = '2.16.840.1.113730.3.5.12'
END_OID = '2.16.840.1.113730.3.5.5'

# 389ds-session-hooks.md §2.7: incremental, tree dc=example,dc=com, one RUV element, CSN
# 65a0c200000000010000, GUID test-guid, data test-data with its NUL. 136 bytes.
START_136 = bytes.fromhex(
    '30 81 85 04 17 32 2e 31 36 2e 38 34 30 2e 31 2e 31 31 33 37 33 30 2e 33'
    '2e 36 2e 31 04 11 64 63 3d 65 78 61 6d 70 6c 65 2c 64 63 3d 63 6f 6d 31'
    '2a 04 28 7b 72 65 70 6c 69 63 61 67 65 6e 65 72 61 74 69 6f 6e 7d 20 36'
    '35 61 30 63 31 64 32 30 30 30 30 30 30 30 31 30 30 30 30 04 14 36 35 61'
    '30 63 32 30 30 30 30 30 30 30 30 30 31 30 30 30 30 04 09 74 65 73 74 2d'
    '67 75 69 64 04 0a 74 65 73 74 2d 64 61 74 61 00'.replace(' ', ''))

RUV = b'{replicageneration} 65a0c1d2000000010000'


def tlv(tag, content):
    """One BER element with a minimal (definite) length, as 389's liblber writes it."""
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        octets = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        length = bytes([0x80 | len(octets)]) + octets
    return bytes([tag]) + length + content


def start_value(base):
    """StartReplicationRequestValue (§2.2): OID, tree, SET OF RUV, csn, dataGuid, data."""
    return tlv(0x30, b''.join([
        tlv(0x04, b'2.16.840.1.113730.3.6.1'),
        tlv(0x04, base.encode()),
        tlv(0x31, tlv(0x04, RUV)),
        tlv(0x04, b'65a0c200000000010000'),
        tlv(0x04, b'test-guid'),
        tlv(0x04, b'test-data\x00'),
    ]))


def end_value(base):
    """EndReplicationRequestValue (§2.4): tree, SET OF RUV."""
    return tlv(0x30, tlv(0x04, base.encode()) + tlv(0x31, tlv(0x04, RUV)))


def main():
    url, binddn, password, base, steps = sys.argv[1:6]
    if base == 'dc=example,dc=com' and start_value(base) != START_136:
        raise SystemExit('the hand-built Start value differs from the 136 bytes of §2.7')
    conn = ldap.initialize(url)
    conn.protocol_version = 3
    conn.timeout = 10
    conn.simple_bind_s(binddn, password)
    out = {}
    for step in steps.split(','):
        if step == 'start':
            oid, value = conn.extop_s(ldap.extop.ExtendedRequest(START_OID, start_value(base)))
            out['start'] = {'oid': oid, 'value': None if value is None else value.hex()}
        elif step == 'end':
            oid, value = conn.extop_s(ldap.extop.ExtendedRequest(END_OID, end_value(base)))
            out['end'] = {'oid': oid, 'value': None if value is None else value.hex()}
        elif step == 'sync':
            try:
                msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, '(objectClass=*)', ['*'],
                                        serverctrls=[SyncRequestControl(mode='refreshOnly')])
                _, data, _, _ = conn.result3(msgid, all=1, timeout=10)
                dns = sorted(dn for dn, _ in data if dn is not None)
                out['sync'] = {'entries': len(dns), 'dns': dns}
            except ldap.LDAPError as e:
                detail = e.args[0] if e.args and isinstance(e.args[0], dict) else {}
                out['sync'] = {'error': {'result': detail.get('result'), 'info': detail.get('info'), 'desc': detail.get('desc')}}
        else:
            raise SystemExit('unknown step ' + step)
    conn.unbind_s()
    print(json.dumps(out))


if __name__ == '__main__':
    main()
