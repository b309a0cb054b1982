#!/usr/bin/env bash
# `npm run test:load`: runs `npm test` while CPU hogs keep every core busy
# (Debian's stress-ng, one `--cpu` worker per core), as on a laptop that is
# doing other things. The suite must hold there: no test may depend on
# timing, a fixed sleep or a browser heuristic.
#
#   bash scripts/test-under-load.sh [playwright arguments...]
#
# LOAD_CPUS sets the number of hogs (default: every core, `nproc`). The
# arguments go to `npm test`, which passes them to `playwright test`.
# Prints the elapsed time and exits with the suite's status; the hogs are
# stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v stress-ng >/dev/null 2>&1; then
  echo "stress-ng: not found; installing Debian's stress-ng package (apt-get update && apt-get install -y stress-ng)..."
  # shellcheck source=apt-install.sh
  . "$(dirname "$0")/apt-install.sh"
  apt_install stress-ng stress-ng "install the 'stress-ng' package"
fi

cpus="${LOAD_CPUS:-$(nproc)}"
if ! [[ "$cpus" =~ ^[1-9][0-9]*$ ]]; then
  echo "test-under-load: LOAD_CPUS must be a positive whole number (got '$cpus')" >&2
  exit 2
fi

hogs=""
stop_hogs() {
  if [ -n "$hogs" ] && kill -0 "$hogs" 2>/dev/null; then
    # stress-ng stops its workers when its parent gets SIGTERM.
    kill -TERM "$hogs" 2>/dev/null || true
    wait "$hogs" 2>/dev/null || true
  fi
  hogs=""
}
trap stop_hogs EXIT
trap 'stop_hogs; exit 130' INT
trap 'stop_hogs; exit 143' TERM

echo "== load: stress-ng --cpu $cpus (every core busy) for the length of the suite"
# No --timeout: the trap stops it. Its own output would interleave with the suite's.
stress-ng --cpu "$cpus" --quiet &
hogs=$!

start=$(date +%s)
status=0
npm test -- "$@" || status=$?
elapsed=$(( $(date +%s) - start ))
stop_hogs

printf '== under load (%s CPU hogs): %s after %dm%02ds\n' "$cpus" "$([ "$status" -eq 0 ] && echo passed || echo "FAILED (exit $status)")" $((elapsed / 60)) $((elapsed % 60))
exit "$status"
