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
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; else
    echo "redis: need root (or sudo) to install it; install the 'redis-server' package or set REDIS_SERVER" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -q
# policy-rc.d exit 101 keeps the package from starting a system service where one could run.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee "$policy" >/dev/null
  $sudo_cmd chmod +x "$policy"
  created_policy=1
fi
trap 'if [ -n "$created_policy" ]; then $sudo_cmd rm -f "$policy"; fi' EXIT
$sudo_cmd apt-get install -y -q redis-server
echo "redis: installed $(redis-server --version | head -n1)"
