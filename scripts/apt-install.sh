# Sourced by the ensure-*.sh scripts: installs one Debian package with
# apt-get, as root or through sudo, without starting any system service the
# package ships (a policy-rc.d that refuses, for the length of the install).
#
#   apt_install LABEL PACKAGE HINT
#
# LABEL starts every message, HINT says what to do instead when the install
# cannot run (no root and no sudo).
apt_install() {
  local label="$1" package="$2" hint="$3" sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; else
      echo "$label: need root (or sudo) to install it; $hint" >&2
      return 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q
  # policy-rc.d exit 101 keeps the package from starting a system service where one could run.
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee "$policy" >/dev/null
    $sudo_cmd chmod +x "$policy"
    created_policy=1
  fi
  local status=0
  $sudo_cmd apt-get install -y -q "$package" || status=$?
  if [ -n "$created_policy" ]; then $sudo_cmd rm -f "$policy"; fi
  return "$status"
}
