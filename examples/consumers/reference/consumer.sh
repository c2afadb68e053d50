#!/bin/sh
# The reference consumer as a program under the consumer command contract
# (docs/consumer-contract.md): `syncrepl-harness consume --contract` reads the SYNCREPL_*
# variables and keeps its replica, report.json and events.jsonl in SYNCREPL_STATE_DIR.
#
# The path to the CLI is taken from this script's own location, so the command works from any
# working directory. `exec` replaces this shell with node, which handles SIGTERM itself (Cancel,
# then exit 0); a wrapper left in between could die of the signal and lose that exit status.
exec node "$(dirname "$0")/../../../bin/syncrepl-harness.js" consume --contract
