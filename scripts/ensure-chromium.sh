#!/usr/bin/env bash
# Makes sure a Chromium that Playwright can drive is installed.
# Playwright cannot download its own browsers here, so the tests use Debian's
# `chromium` package (or the one named by CHROMIUM_PATH).
set -euo pipefail

path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$path" ]; then
  echo "chromium: using $path ($("$path" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi

echo "chromium: not found at $path; installing Debian's chromium package (apt-get update && apt-get install -y chromium)..."
# shellcheck source=apt-install.sh
. "$(dirname "$0")/apt-install.sh"
apt_install chromium chromium "install the 'chromium' package or set CHROMIUM_PATH"
echo "chromium: installed $("$path" --version)"
