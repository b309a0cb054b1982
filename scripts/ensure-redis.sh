#!/usr/bin/env bash
# Makes sure a redis-server binary is installed for the Redis tests and bench.
# They start their own private server on a free loopback port and stop it
# afterwards; this script only installs the program (Debian's `redis-server`
# package, or the binary named by REDIS_SERVER) and never starts a service.
set -euo pipefail

bin="${REDIS_SERVER:-redis-server}"
if command -v "$bin" >/dev/null 2>&1; then
  echo "redis: using $(command -v "$bin") ($("$bin" --version 2>/dev/null | head -n1 || echo 'version unknown'))"
  exit 0
fi
if [ -n "${REDIS_SERVER:-}" ]; then
  echo "redis: REDIS_SERVER=$REDIS_SERVER is not an executable" >&2
  exit 1
fi

echo "redis: redis-server not found; installing Debian's redis-server package (apt-get update && apt-get install -y redis-server)..."
# shellcheck source=apt-install.sh
. "$(dirname "$0")/apt-install.sh"
apt_install redis redis-server "install the 'redis-server' package or set REDIS_SERVER"
echo "redis: installed $(redis-server --version | head -n1)"
