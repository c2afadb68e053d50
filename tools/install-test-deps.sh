#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, skipping what is there:
# the npm packages (from package-lock.json) and the interop peers from Debian's archive
# (slapd, ldap-utils, python3-ldap). The packaged slapd service is never configured or used:
# tests start their own slapd on 127.0.0.1 from a generated config.
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt "$need_node_major" ]; then
  echo "install-test-deps: Node.js >= $need_node_major is required (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

missing=()
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || missing+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || missing+=(ldap-utils)
/usr/bin/python3 -c 'import ldap' >/dev/null 2>&1 || missing+=(python3-ldap)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-test-deps: installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  # slapd's postinst would otherwise create and start a database of its own.
  echo "slapd slapd/no_configuration boolean true" | $sudo debconf-set-selections
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package may still start its own (unconfigured) service; ours never uses it.
  $sudo service slapd stop >/dev/null 2>&1 || true
else
  echo "install-test-deps: Debian peers already installed (slapd, ldap-utils, python3-ldap)"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-test-deps: installing npm packages"
  npm ci --no-audit --no-fund
else
  echo "install-test-deps: npm packages up to date"
fi
