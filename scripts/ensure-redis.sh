#!/usr/bin/env bash
# Makes sure redis-server and redis-cli are installed for the Redis tests and
# bench. They start their own private servers on free loopback ports (one
# server; a 3-primary cluster, made with `redis-cli --cluster create`; a
# primary, a replica and three Sentinels, run as `redis-server --sentinel`)
# and stop them afterwards; this script only installs the programs (Debian's
# `redis-server` package, which brings `redis-tools`, or the binaries named
# by REDIS_SERVER and REDIS_CLI) and never starts a service.
set -euo pipefail
# shellcheck source=apt-install.sh
. "$(dirname "$0")/apt-install.sh"

bin="${REDIS_SERVER:-redis-server}"
if command -v "$bin" >/dev/null 2>&1; then
  echo "redis: using $(command -v "$bin") ($("$bin" --version 2>/dev/null | head -n1 || echo 'version unknown'))"
elif [ -n "${REDIS_SERVER:-}" ]; then
  echo "redis: REDIS_SERVER=$REDIS_SERVER is not an executable" >&2
  exit 1
else
  echo "redis: redis-server not found; installing Debian's redis-server package (apt-get update && apt-get install -y redis-server)..."
  apt_install redis redis-server "install the 'redis-server' package or set REDIS_SERVER"
  echo "redis: installed $(redis-server --version | head -n1)"
fi

cli="${REDIS_CLI:-redis-cli}"
if ! command -v "$cli" >/dev/null 2>&1; then
  if [ -n "${REDIS_CLI:-}" ]; then
    echo "redis: REDIS_CLI=$REDIS_CLI is not an executable" >&2
    exit 1
  fi
  echo "redis: redis-cli not found (the cluster tests need it); installing Debian's redis-tools package..."
  apt_install redis redis-tools "install the 'redis-tools' package or set REDIS_CLI"
fi
