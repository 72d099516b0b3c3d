#!/usr/bin/env bash
# Installs, from Debian's packages, the servers and tools the test suites start themselves.
# Idempotent: installs only what is missing. The foundation needs nothing beyond the .NET SDK;
# redis-server for the Redis suites, chromium (/usr/bin/chromium) for the browser tests of the web sample,
# postgresql (server programs only; the tests run their own private server) for the PostgreSQL suites.
set -euo pipefail
packages=(redis-server chromium postgresql)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
