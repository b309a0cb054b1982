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
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; else
    echo "chromium: need root (or sudo) to install it; install the 'chromium' package or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -q
$sudo_cmd apt-get install -y -q chromium
echo "chromium: installed $("$path" --version)"
